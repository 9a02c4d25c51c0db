from django.urls import path

from . import views

app_name = "measures"

urlpatterns = [
    path(
        "plans/<slug:slug>/measures/",
        views.plan_measures_page,
        name="plan_measures",
    ),
    path(
        "plans/<slug:slug>/measures/add/",
        views.measure_add,
        name="measure_add",
    ),
    path(
        "plans/<slug:slug>/measures/<int:pk>/change/",
        views.measure_change,
        name="measure_change",
    ),
    path(
        "plans/<slug:slug>/measures/<int:pk>/delete/",
        views.measure_delete,
        name="measure_delete",
    ),
]
