from django.urls import path

from . import views

app_name = "publishing"

urlpatterns = [
    path(
        "plans/<slug:slug>/publishing/",
        views.publication_settings,
        name="settings",
    ),
    path("plans/<slug:slug>/publishing/publish/", views.publish, name="publish"),
    path("plans/<slug:slug>/publishing/unpublish/", views.unpublish, name="unpublish"),
    path("public/<slug:slug>/", views.public_plan, name="public_plan"),
    path("public/<slug:slug>/<str:month>/", views.public_month, name="public_month"),
    path(
        "public/<slug:slug>/<str:month>/pdf/",
        views.public_month_pdf,
        name="public_month_pdf",
    ),
]
