from django.urls import path

from . import views

app_name = "evidence"

urlpatterns = [
    path(
        "plans/<slug:slug>/updates/<int:pk>/evidence/",
        views.update_evidence,
        name="item",
    ),
    path("evidence/<int:pk>/", views.evidence_download, name="download"),
    path("evidence/<int:pk>/remove/", views.evidence_remove, name="remove"),
]
