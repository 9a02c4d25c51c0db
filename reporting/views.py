"""Report pages, their PDF and xlsx downloads, and the scrutiny cover report form.

Any user who can see the plan can read its reports (others get 404, so a plan's existence
does not leak); only the plan's coordinators may edit a scrutiny cover report.
"""

import datetime
from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
    QueryDict,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from actionplans.models import ActionPlan
from actionplans.permissions import (
    plan_for_coordinator,
    plan_for_user,
    user_is_coordinator,
)
from lib import months

from . import pdfs, rendering
from .forms import ReportFilterForm, ReportPeriodForm, ScrutinyReportForm
from .models import PdfRender, ScrutinyReport
from .selectors import (
    Kind,
    ReportError,
    ReportFilters,
    dashboard_build,
    measures_report_build,
    other_months,
    period_report_build,
    scrutiny_pack_build,
)

PDF = "application/pdf"
# How often the "being prepared" page asks again, without script.
PDF_STATUS_REFRESH_SECONDS = 3
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _params(query: QueryDict) -> tuple[datetime.date | None, ReportFilters]:
    """The period and filters of a report's query string; ReportError when malformed."""
    try:
        month = months.month_parse(query["period"]) if query.get("period") else None
        officer_ids = [
            int(query[name]) if query.get(name) else None
            for name in ("chief_officer", "lead")
        ]
    except ValueError as exc:
        raise ReportError(str(exc)) from exc
    filters = ReportFilters(
        recommendation=query.get("recommendation", "").strip(),
        chief_officer=officer_ids[0],
        lead=officer_ids[1],
        status=query.get("status", "").strip(),
    )
    return month, filters


def _bad_request(request: HttpRequest, plan: ActionPlan, error: Exception):
    html = render_to_string(
        "reporting/report_error.html",
        {"plan": plan, "error": error},
        request=request,
    )
    return HttpResponseBadRequest(html)


def _pdf_failed(request: HttpRequest, plan: ActionPlan, job: PdfRender) -> HttpResponse:
    """503 with what went wrong and the report's page (and spreadsheet) to use instead."""
    html = render_to_string(
        "reporting/report_pdf_error.html",
        {
            "plan": plan,
            "error": job.error,
            "page_url": job.page_url,
            "xlsx_url": job.xlsx_url,
        },
        request=request,
    )
    return HttpResponse(html, status=503)


def _stored_download(job: PdfRender) -> FileResponse:
    """The stored PDF as an attachment, read from storage (never a link to it)."""
    return FileResponse(
        default_storage.open(job.storage_name, "rb"),
        as_attachment=True,
        filename=job.filename,
        content_type=PDF,
    )


def _pdf_response(
    request: HttpRequest,
    plan: ActionPlan,
    *,
    kind: str,
    month=None,
    filters: ReportFilters | None = None,
    quarter=None,
    page_url: str,
    xlsx_url: str = "",
) -> HttpResponse:
    """A report's PDF: the stored file at once, or a job for a worker and the page that
    waits for it (with no broker, as in the demo, the job is done by the time it returns).
    """
    try:
        target = pdfs.pdf_target(
            plan=plan, kind=kind, month=month, filters=filters, quarter=quarter
        )
    except ReportError as error:
        return _bad_request(request, plan, error)
    job = pdfs.stored_pdf(target)
    if job is None:
        query = request.GET.urlencode()
        job = pdfs.pdf_request(
            target=target,
            user=request.user,
            page_url=page_url + (f"?{query}" if query else ""),
            xlsx_url=xlsx_url + (f"?{query}" if query and xlsx_url else ""),
        )
    if job.is_ready:
        return _stored_download(job)
    if job.is_failed:
        return _pdf_failed(request, plan, job)
    return redirect("reporting:pdf_status", slug=plan.slug, pk=job.pk)


def _period_report(request: HttpRequest, plan: ActionPlan, kind: str):
    if kind not in Kind.PERIOD_REPORTS:
        raise Http404("No such report.")
    month, filters = _params(request.GET)
    return period_report_build(plan=plan, kind=kind, month=month, filters=filters)


def _other_month_urls(report, url_for: Callable[[str], str]) -> dict[str, str]:
    """Links to the same report for the open month's draft and for the latest closed
    month, where the report is of another month; `url_for` takes a period key."""
    draft, latest_closed = report.other_months.draft, report.other_months.latest_closed
    return {
        "draft_url": url_for(draft.key) if draft else "",
        "latest_closed_url": url_for(latest_closed.key) if latest_closed else "",
    }


def _report_links(report, *, slug: str, kind: str, layout: str) -> dict:
    """A period report's links to itself: in the other layout, and for the other
    months, keeping its filters (and its layout, when it is the table)."""
    params = report.filters.as_params() | {"period": report.period.key}

    def url(name: str = layout, **changed: str) -> str:
        query = params | changed
        if name != rendering.Layout.BLOCKS:
            query["view"] = name
        return reverse("reporting:report", args=[slug, kind]) + "?" + urlencode(query)

    layouts = [rendering.Layout.BLOCKS, rendering.Layout.TABLE]
    return _other_month_urls(report, lambda key: url(period=key)) | {
        # The summary has one layout.
        "layout_urls": {name: url(name) for name in layouts}
        if kind != Kind.SUMMARY
        else {},
    }


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_safe
def report_index(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_for_user(request.user, slug)
    periods = list(plan.periods.order_by("-month"))
    quarters = sorted({months.quarter_start(p.month) for p in periods}, reverse=True)
    context = {
        "plan": plan,
        "periods": periods,
        "other_months": other_months(periods),
        "quarters": [
            {"key": months.quarter_key(q), "label": months.quarter_label(q)}
            for q in quarters
        ],
        "reports": [
            (kind, Kind.TITLES[kind])
            for kind in [Kind.SUMMARY, Kind.PROGRESS, Kind.EXCEPTIONS]
        ],
        "is_coordinator": user_is_coordinator(request.user, plan),
    }
    return render(request, "reporting/report_index.html", context)


@login_required
@require_safe
def report_page(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    plan = plan_for_user(request.user, slug)
    if kind == Kind.CHIEF_OFFICER and not request.GET.get("chief_officer"):
        # The report needs an officer: show the chooser with the plan's chief officers.
        report = period_report_build(plan=plan, kind=Kind.PROGRESS)
        form = ReportFilterForm(initial=request.GET.dict(), choices=report.choices)
        context = {
            "plan": plan,
            "kind": kind,
            "form": form,
            "title": "Chief officer report",
        }
        return render(request, "reporting/chief_officer_choose.html", context)
    try:
        report = _period_report(request, plan, kind)
    except ReportError as error:
        return _bad_request(request, plan, error)
    initial = report.filters.as_params() | {"period": report.period.key}
    query = "?" + urlencode(initial)
    layout = rendering.Layout.BLOCKS
    if kind != Kind.SUMMARY:
        layout = rendering.Layout.from_query(request.GET.get("view"))
    context = rendering.body_context(report, layout=layout)
    context |= {
        "body_html": rendering.report_body_html(report, context),
        "plan": plan,
        "form": ReportFilterForm(initial=initial, choices=report.choices),
        **_report_links(report, slug=slug, kind=kind, layout=layout),
        "pdf_url": reverse("reporting:report_pdf", args=[slug, kind]) + query,
        "xlsx_url": (
            reverse("reporting:report_xlsx", args=[slug, kind]) + query
            if kind != Kind.SUMMARY
            else ""
        ),
    }
    return render(request, "reporting/report_page.html", context)


@login_required
@require_safe
def report_pdf(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    plan = plan_for_user(request.user, slug)
    if kind not in Kind.PERIOD_REPORTS:
        raise Http404("No such report.")
    try:
        month, filters = _params(request.GET)
    except ReportError as error:
        return _bad_request(request, plan, error)
    return _pdf_response(
        request,
        plan,
        kind=kind,
        month=month,
        filters=filters,
        page_url=reverse("reporting:report", args=[slug, kind]),
        xlsx_url=(
            reverse("reporting:report_xlsx", args=[slug, kind])
            if kind != Kind.SUMMARY
            else ""
        ),
    )


@login_required
@require_safe
def report_xlsx(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    plan = plan_for_user(request.user, slug)
    if kind == Kind.SUMMARY:
        raise Http404("The summary report has no spreadsheet; use the progress report.")
    try:
        report = _period_report(request, plan, kind)
    except ReportError as error:
        return _bad_request(request, plan, error)
    content = rendering.report_xlsx(report)
    return _download(content, XLSX, rendering.report_filename(report, "xlsx"))


def _quarter(value: str) -> datetime.date:
    try:
        return months.quarter_parse(value)
    except ValueError as exc:
        raise Http404("No such quarter.") from exc


@login_required
@require_safe
def scrutiny_pack(request: HttpRequest, slug: str, quarter: str) -> HttpResponse:
    plan = plan_for_user(request.user, slug)
    pack = scrutiny_pack_build(plan=plan, quarter=_quarter(quarter))
    context = rendering.body_context(pack) | {
        "plan": plan,
        "pdf_url": reverse("reporting:scrutiny_pdf", args=[slug, pack.quarter_key]),
        "edit_url": reverse("reporting:scrutiny_edit", args=[slug, pack.quarter_key])
        if user_is_coordinator(request.user, plan)
        else "",
    }
    return render(request, "reporting/report_page.html", context)


@login_required
@require_safe
def scrutiny_pdf(request: HttpRequest, slug: str, quarter: str) -> HttpResponse:
    plan = plan_for_user(request.user, slug)
    return _pdf_response(
        request,
        plan,
        kind=Kind.SCRUTINY,
        quarter=_quarter(quarter),
        page_url=reverse("reporting:scrutiny_pack", args=[slug, quarter]),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def scrutiny_edit(request: HttpRequest, slug: str, quarter: str) -> HttpResponse:
    plan = plan_for_coordinator(
        request.user,
        slug,
        refusal="Only the plan's coordinators edit the cover report.",
    )
    start = _quarter(quarter)
    cover = ScrutinyReport.objects.filter(plan=plan, quarter=start).first()
    cover = cover or ScrutinyReport(plan=plan, quarter=start)
    form = ScrutinyReportForm(request.POST or None, instance=cover)
    if request.method == "POST" and form.is_valid():
        cover = form.save(commit=False)
        cover.updated_by = request.user
        cover.save()
        messages.success(request, "The cover report is saved.")
        return redirect("reporting:scrutiny_pack", slug=slug, quarter=quarter)
    context = {
        "plan": plan,
        "form": form,
        "quarter_label": months.quarter_label(start),
        "quarter_key": months.quarter_key(start),
    }
    return render(request, "reporting/scrutiny_edit.html", context)


@login_required
@require_safe
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_for_user(request.user, slug)
    try:
        month, _ = _params(request.GET)
        report = dashboard_build(plan=plan, month=month)
    except ReportError as error:
        return _bad_request(request, plan, error)
    context = rendering.body_context(report) | {
        "plan": plan,
        "pdf_url": reverse("reporting:dashboard_pdf", args=[slug])
        + f"?period={report.period.key}",
        **_other_month_urls(
            report,
            lambda key: reverse("reporting:dashboard", args=[slug]) + f"?period={key}",
        ),
    }
    return render(request, "reporting/report_page.html", context)


@login_required
@require_safe
def dashboard_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_for_user(request.user, slug)
    try:
        month, _ = _params(request.GET)
    except ReportError as error:
        return _bad_request(request, plan, error)
    return _pdf_response(
        request,
        plan,
        kind=Kind.DASHBOARD,
        month=month,
        page_url=reverse("reporting:dashboard", args=[slug]),
    )


@login_required
@require_safe
def measures(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_for_user(request.user, slug)
    try:
        month, _ = _params(request.GET)
        report = measures_report_build(plan=plan, month=month)
    except ReportError as error:
        return _bad_request(request, plan, error)
    period = {"period": report.period.key}
    context = rendering.body_context(report) | {
        "plan": plan,
        "form": ReportPeriodForm(initial=period, periods=report.periods),
        "pdf_url": reverse("reporting:measures_pdf", args=[slug])
        + "?"
        + urlencode(period),
        **_other_month_urls(
            report,
            lambda key: reverse("reporting:measures", args=[slug]) + f"?period={key}",
        ),
    }
    return render(request, "reporting/report_page.html", context)


@login_required
@require_safe
def measures_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_for_user(request.user, slug)
    try:
        month, _ = _params(request.GET)
    except ReportError as error:
        return _bad_request(request, plan, error)
    return _pdf_response(
        request,
        plan,
        kind=Kind.MEASURES,
        month=month,
        page_url=reverse("reporting:measures", args=[slug]),
    )


def _pdf_job(request: HttpRequest, slug: str, pk) -> tuple[ActionPlan, PdfRender]:
    """The PDF job, for a user who may see its plan; an open month's only for its
    requester. Anyone else gets 404."""
    plan = plan_for_user(request.user, slug)
    job = get_object_or_404(PdfRender, pk=pk, plan=plan)
    if job.is_draft and job.requested_by_id != request.user.pk:
        raise Http404("No such PDF.")
    return plan, job


@login_required
@require_safe
def pdf_status(request: HttpRequest, slug: str, pk) -> HttpResponse:
    """ "Your PDF is being prepared": refreshes itself (a meta refresh, no script needed)
    until the PDF is ready, then starts the download. With script, a progress message
    polls the same address for JSON instead."""
    plan, job = _pdf_job(request, slug, pk)
    download_url = reverse("reporting:pdf_download", args=[slug, job.pk])
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "state": job.state,
                "ready": job.is_ready,
                "failed": job.is_failed,
                "download_url": download_url if job.is_ready else "",
                "error": job.error,
            }
        )
    if job.is_failed:
        return _pdf_failed(request, plan, job)
    context = {
        "plan": plan,
        "job": job,
        "title": Kind.TITLES.get(job.kind, "Report"),
        "download_url": download_url,
        "status_url": request.path,
        "refresh_seconds": PDF_STATUS_REFRESH_SECONDS,
    }
    return render(request, "reporting/pdf_status.html", context)


@login_required
@require_safe
def pdf_download(request: HttpRequest, slug: str, pk) -> HttpResponse:
    _, job = _pdf_job(request, slug, pk)
    if not job.is_ready:
        return redirect("reporting:pdf_status", slug=slug, pk=job.pk)
    return _stored_download(job)
