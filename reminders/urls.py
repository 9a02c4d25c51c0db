from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [
    path("plans/<slug:slug>/periods/remind/", views.remind_leads, name="remind_leads"),
]
