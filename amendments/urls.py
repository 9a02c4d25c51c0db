from django.urls import path

from . import views

app_name = "amendments"

urlpatterns = [
    path(
        "plans/<slug:slug>/amendments/",
        views.month_register_page,
        name="month_register",
    ),
    path(
        "plans/<slug:slug>/amendments/new-action/",
        views.amendment_new_action,
        name="amendment_new_action",
    ),
    path(
        "plans/<slug:slug>/amendments/<int:pk>/",
        views.amendment_detail,
        name="amendment_detail",
    ),
    path(
        "plans/<slug:slug>/actions/<int:pk>/amendments/",
        views.action_amendments,
        name="action_amendments",
    ),
    path(
        "plans/<slug:slug>/actions/<int:pk>/amendments/new/",
        views.amendment_new,
        name="amendment_new",
    ),
]
