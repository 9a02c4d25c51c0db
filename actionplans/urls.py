from django.urls import path

from . import views

app_name = "actionplans"

urlpatterns = [
    path("plans/<slug:slug>/", views.plan_detail, name="plan_detail"),
    path(
        "plans/<slug:slug>/actions/<int:pk>/", views.action_detail, name="action_detail"
    ),
]
