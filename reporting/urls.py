from django.urls import path

from . import views

app_name = "reporting"

_KINDS = "<str:kind>"  # summary, progress, chief-officer, exceptions

urlpatterns = [
    path("plans/<slug:slug>/layout/", views.plan_layout, name="plan_layout"),
    path("plans/<slug:slug>/reports/", views.report_index, name="index"),
    path("plans/<slug:slug>/reports/dashboard/", views.dashboard, name="dashboard"),
    path(
        "plans/<slug:slug>/reports/dashboard/pdf/",
        views.dashboard_pdf,
        name="dashboard_pdf",
    ),
    path("plans/<slug:slug>/reports/measures/", views.measures, name="measures"),
    path(
        "plans/<slug:slug>/reports/measures/pdf/",
        views.measures_pdf,
        name="measures_pdf",
    ),
    path(
        "plans/<slug:slug>/reports/scrutiny/<str:quarter>/",
        views.scrutiny_pack,
        name="scrutiny_pack",
    ),
    path(
        "plans/<slug:slug>/reports/scrutiny/<str:quarter>/pdf/",
        views.scrutiny_pdf,
        name="scrutiny_pdf",
    ),
    path(
        "plans/<slug:slug>/reports/scrutiny/<str:quarter>/edit/",
        views.scrutiny_edit,
        name="scrutiny_edit",
    ),
    path(
        "plans/<slug:slug>/reports/committee/new/",
        views.committee_create,
        name="committee_create",
    ),
    path(
        "plans/<slug:slug>/reports/committee/<int:pk>/",
        views.committee_pack,
        name="committee_pack",
    ),
    path(
        "plans/<slug:slug>/reports/committee/<int:pk>/edit/",
        views.committee_edit,
        name="committee_edit",
    ),
    path(
        "plans/<slug:slug>/reports/committee/<int:pk>/pdf/",
        views.committee_pdf,
        name="committee_pdf",
    ),
    path(
        "plans/<slug:slug>/reports/committee/<int:pk>/docx/",
        views.committee_docx,
        name="committee_docx",
    ),
    path(
        "plans/<slug:slug>/reports/pdf/<uuid:pk>/",
        views.pdf_status,
        name="pdf_status",
    ),
    path(
        "plans/<slug:slug>/reports/pdf/<uuid:pk>/download/",
        views.pdf_download,
        name="pdf_download",
    ),
    path(f"plans/<slug:slug>/reports/{_KINDS}/", views.report_page, name="report"),
    path(
        f"plans/<slug:slug>/reports/{_KINDS}/pdf/", views.report_pdf, name="report_pdf"
    ),
    path(
        f"plans/<slug:slug>/reports/{_KINDS}/xlsx/",
        views.report_xlsx,
        name="report_xlsx",
    ),
]
