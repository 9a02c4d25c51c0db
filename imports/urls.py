from django.urls import path

from . import views

app_name = "imports"

# "plans/import/" itself would be taken by actionplans' "plans/<slug>/" (included
# first), so the new-plan page sits one level below it.
urlpatterns = [
    path("plans/import/new/", views.plan_import_new, name="plan_import_new"),
    path(
        "plans/import/<uuid:upload_id>/confirm/",
        views.plan_import_confirm,
        name="plan_import_confirm",
    ),
    path("plans/<slug:slug>/import/", views.plan_import, name="plan_import"),
    path(
        "plans/<slug:slug>/export.<str:file_format>",
        views.plan_export,
        name="plan_export",
    ),
]
