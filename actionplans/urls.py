from django.urls import path

from . import views

app_name = "actionplans"

urlpatterns = [
    path("sign-off/", views.signoff_list, name="signoff_list"),
    path("my-actions/unchanged/", views.unchanged_confirm, name="unchanged_confirm"),
    path("plans/<slug:slug>/", views.plan_detail, name="plan_detail"),
    path(
        "plans/<slug:slug>/actions/<int:pk>/", views.action_detail, name="action_detail"
    ),
    path(
        "plans/<slug:slug>/actions/<int:pk>/update/",
        views.update_form,
        name="update_form",
    ),
    path(
        "plans/<slug:slug>/actions/<int:pk>/update/check/",
        views.update_check,
        name="update_check",
    ),
    path(
        "plans/<slug:slug>/actions/<int:pk>/sign-off/",
        views.signoff_decide,
        name="signoff_decide",
    ),
    path("plans/<slug:slug>/periods/", views.period_list, name="period_list"),
    path("plans/<slug:slug>/periods/open/", views.period_open, name="period_open"),
    path(
        "plans/<slug:slug>/periods/<int:pk>/close/",
        views.period_close,
        name="period_close",
    ),
    path(
        "plans/<slug:slug>/periods/<int:pk>/narrative/",
        views.period_narrative,
        name="period_narrative",
    ),
    path(
        "plans/<slug:slug>/updates/<int:pk>/amend/",
        views.update_amend,
        name="update_amend",
    ),
]
