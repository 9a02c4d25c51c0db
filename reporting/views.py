"""Report pages, their PDF, xlsx and Word downloads, and the committee report forms.

Any user who can see the plan can read its reports (others get 404, so a plan's existence
does not leak); only the plan's coordinators may create or edit a committee report.
"""

import datetime
from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
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

from . import pdfs, rendering, services, word
from .forms import (
    CommitteeContactFormSet,
    CommitteeCoverForm,
    CommitteeMeetingFormSet,
    CommitteeRangeForm,
    PlanLayoutForm,
    ReportFilterForm,
    ReportPeriodForm,
    formset_rows,
)
from .models import CommitteeReport, PdfRender
from .selectors import (
    Kind,
    ReportError,
    ReportFilters,
    committee_report_pack_build,
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
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


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
    committee: CommitteeReport | None = None,
    page_url: str,
    xlsx_url: str = "",
) -> HttpResponse:
    """A report's PDF: the stored file at once, or a job for a worker and the page that
    waits for it (with no broker, as in the demo, the job is done by the time it returns).
    """
    try:
        target = pdfs.pdf_target(
            plan=plan,
            kind=kind,
            month=month,
            filters=filters,
            quarter=quarter,
            committee=committee,
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
        "committee_reports": list(plan.committee_reports.all()),
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
    layout = rendering.Layout.BLOCKS
    if kind != Kind.SUMMARY:
        layout = rendering.Layout.from_query(request.GET.get("view"))
    if kind not in Kind.PERIOD_REPORTS:
        raise Http404("No such report.")
    try:
        month, filters = _params(request.GET)
        report, body_html = rendering.period_report_page(
            plan=plan, kind=kind, month=month, filters=filters, layout=layout
        )
    except ReportError as error:
        return _bad_request(request, plan, error)
    initial = report.filters.as_params() | {"period": report.period.key}
    query = "?" + urlencode(initial)
    context = rendering.body_context(report, layout=layout)
    context |= {
        "body_html": body_html,
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


def _pack_page(
    request: HttpRequest, plan: ActionPlan, pack, urls: dict
) -> HttpResponse:
    context = rendering.body_context(pack) | {"plan": plan, **urls}
    return render(request, "reporting/report_page.html", context)


def _quarter_committee(plan: ActionPlan, start: datetime.date):
    return plan.committee_reports.of_quarter(start).first()


@login_required
@require_safe
def scrutiny_pack(request: HttpRequest, slug: str, quarter: str) -> HttpResponse:
    """The calendar quarter's pack: its committee report's, when it has one."""
    plan = plan_for_user(request.user, slug)
    start = _quarter(quarter)
    if committee := _quarter_committee(plan, start):
        return redirect(committee)
    pack = scrutiny_pack_build(plan=plan, quarter=start)
    edit_url = ""
    if user_is_coordinator(request.user, plan):
        edit_url = reverse("reporting:scrutiny_edit", args=[slug, pack.quarter_key])
    urls = {
        "pdf_url": reverse("reporting:scrutiny_pdf", args=[slug, pack.quarter_key]),
        "edit_url": edit_url,
    }
    return _pack_page(request, plan, pack, urls)


@login_required
@require_safe
def scrutiny_pdf(request: HttpRequest, slug: str, quarter: str) -> HttpResponse:
    plan = plan_for_user(request.user, slug)
    start = _quarter(quarter)
    if committee := _quarter_committee(plan, start):
        return redirect("reporting:committee_pdf", slug=slug, pk=committee.pk)
    return _pdf_response(
        request,
        plan,
        kind=Kind.SCRUTINY,
        quarter=start,
        page_url=reverse("reporting:scrutiny_pack", args=[slug, quarter]),
    )


@login_required
@require_safe
def scrutiny_edit(request: HttpRequest, slug: str, quarter: str) -> HttpResponse:
    """The quarter's committee report to edit, or a new one for the quarter."""
    plan = plan_for_coordinator(
        request.user,
        slug,
        refusal="Only the plan's coordinators edit the cover report.",
    )
    start = _quarter(quarter)
    if committee := _quarter_committee(plan, start):
        return redirect("reporting:committee_edit", slug=slug, pk=committee.pk)
    query = urlencode(
        {"length": CommitteeRangeForm.QUARTER, "first_month": months.month_key(start)}
    )
    return redirect(reverse("reporting:committee_create", args=[slug]) + "?" + query)


def _committee_for_user(
    request: HttpRequest, slug: str, pk: int, *, edit: bool = False
) -> CommitteeReport:
    """The plan's committee report: 404 unless the user sees the plan; for `edit`, 403
    unless they coordinate it."""
    if edit:
        plan = plan_for_coordinator(
            request.user,
            slug,
            refusal="Only the plan's coordinators edit committee reports.",
        )
    else:
        plan = plan_for_user(request.user, slug)
    committee = get_object_or_404(
        CommitteeReport.objects.prefetch_related("meetings", "contacts"),
        pk=pk,
        plan=plan,
    )
    committee.plan = plan
    return committee


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def committee_create(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_for_coordinator(
        request.user,
        slug,
        refusal="Only the plan's coordinators create committee reports.",
    )
    data = request.POST if request.method == "POST" else None
    form = CommitteeRangeForm(data, plan=plan, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        try:
            committee = services.committee_report_create(
                plan=plan,
                first_month=form.cleaned_data["first_month"],
                last_month=form.cleaned_data["last_month"],
                user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"Committee report for {committee.range_label} created."
            )
            return redirect("reporting:committee_edit", slug=slug, pk=committee.pk)
    context = {"plan": plan, "form": form}
    return render(request, "reporting/committee_create.html", context)


def _cover_errors(form) -> list[tuple[str, str]]:
    """(field id, "Purpose of this report: …") for the error summary."""
    errors = []
    for name, messages_ in form.errors.items():
        field = form[name] if name in form.fields else None
        for message in messages_:
            label = field.label if field else "Cover report"
            errors.append((field.id_for_label if field else "", f"{label}: {message}"))
    return errors


def _row_errors(formset, noun: str) -> list[tuple[str, str]]:
    """(field id, "Meeting 2, date: Enter a valid date.") for the error summary."""
    errors = [("", f"{noun}s: {e}") for e in formset.non_form_errors()]
    for number, form in enumerate(formset.forms, start=1):
        for name, messages_ in form.errors.items():
            field = form[name] if name in form.fields else None
            label = f", {field.label.lower()}" if field else ""
            for message in messages_:
                errors.append(
                    (
                        field.id_for_label if field else "",
                        f"{noun} {number}{label}: {message}",
                    )
                )
    return errors


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def committee_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    committee = _committee_for_user(request, slug, pk, edit=True)
    data = request.POST if request.method == "POST" else None
    form = CommitteeCoverForm(data, instance=committee)
    meetings = CommitteeMeetingFormSet(
        data,
        prefix="meetings",
        initial=[
            {"body": m.body, "date": m.date, "recommendations": m.recommendations}
            for m in committee.meetings.all()
        ],
    )
    contacts = CommitteeContactFormSet(
        data,
        prefix="contacts",
        initial=[
            {
                "name": c.name,
                "role": c.role,
                "telephone": c.telephone,
                "email": c.email,
                "is_author": c.is_author,
            }
            for c in committee.contacts.all()
        ],
    )
    if request.method == "POST" and all(
        [form.is_valid(), meetings.is_valid(), contacts.is_valid()]
    ):
        services.committee_report_update(
            committee=committee,
            cover={name: form.cleaned_data[name] for name in form.Meta.fields},
            meetings=formset_rows(meetings),
            contacts=formset_rows(contacts),
            user=request.user,
        )
        messages.success(request, "The committee report is saved.")
        return redirect(committee)
    errors = _cover_errors(form)
    errors += _row_errors(meetings, "Meeting") + _row_errors(contacts, "Contact")
    context = {
        "plan": committee.plan,
        "committee": committee,
        "form": form,
        "meetings": meetings,
        "contacts": contacts,
        "errors": errors,
    }
    status = 400 if errors else 200
    return render(request, "reporting/committee_edit.html", context, status=status)


@login_required
@require_safe
def committee_pack(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    committee = _committee_for_user(request, slug, pk)
    plan = committee.plan
    pack = committee_report_pack_build(committee=committee)
    urls = {
        "pdf_url": reverse("reporting:committee_pdf", args=[slug, pk]),
        "docx_url": reverse("reporting:committee_docx", args=[slug, pk]),
        "edit_url": reverse("reporting:committee_edit", args=[slug, pk])
        if user_is_coordinator(request.user, plan)
        else "",
    }
    return _pack_page(request, plan, pack, urls)


@login_required
@require_safe
def committee_pdf(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    committee = _committee_for_user(request, slug, pk)
    return _pdf_response(
        request,
        committee.plan,
        kind=pdfs.COMMITTEE,
        committee=committee,
        page_url=committee.get_absolute_url(),
    )


@login_required
@require_safe
def committee_docx(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The pack as a Word document, made in the request (no layout engine: fast)."""
    committee = _committee_for_user(request, slug, pk)
    pack = committee_report_pack_build(committee=committee)
    content = word.committee_docx(pack)
    filename = f"{slug}-committee-{committee.range_key}.docx"
    return _download(content, DOCX, filename)


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


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan_layout(request: HttpRequest, slug: str) -> HttpResponse:
    """The columns of the plan's progress report and exports, chosen by a coordinator."""
    plan = plan_for_coordinator(request.user, slug)
    form = PlanLayoutForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        plan.report_columns = form.cleaned_data["columns"]
        plan.report_by_section = form.cleaned_data["by_section"]
        # One row: its history records who changed the layout.
        plan.save(update_fields=["report_columns", "report_by_section", "updated_at"])
        messages.success(request, "The report layout is saved.")
        return redirect("actionplans:plan_detail", slug=plan.slug)
    return render(
        request,
        "reporting/plan_layout.html",
        {"plan": plan, "form": form},
        status=400 if form.errors else 200,
    )
