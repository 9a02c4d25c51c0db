from django.urls import path

from . import views

app_name = "feeds"

urlpatterns = [
    path("plans/<slug:slug>/feeds/", views.token_list, name="token_list"),
    path("plans/<slug:slug>/feeds/new/", views.token_create, name="token_create"),
    path(
        "plans/<slug:slug>/feeds/<int:pk>/revoke/",
        views.token_revoke,
        name="token_revoke",
    ),
] + [
    path(
        f"feeds/<slug:slug>/{dataset}.{format}",
        views.feed,
        {"dataset": dataset, "format": format},
        name=f"{dataset}_{format}",
    )
    for dataset in ("items", "measures")
    for format in ("json", "csv")
]
