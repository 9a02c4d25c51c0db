"""Report PDFs as stored files, laid out by workers: asked for, made once, served.

Laying out a PDF takes seconds of CPU, so no web request does it: a request for a PDF is a
`PdfRender` row, and the task `reporting.tasks.render_pdf` lays it out on a worker (in
the requesting process when there is no broker: the demo). Files go through Django's
storage (the filesystem, or object storage that every app server shares).

A closed period's PDFs are made ahead of time: closing or amending a month queues them
all (`period_pdfs_queue`), so a board member's download is a stored file. Every request
for the same closed report shares one row, so it is laid out once however many servers,
workers and users ask. An open month's PDF, or the dashboard's, is laid out for the user
who asked, who waits on a page that refreshes itself until it is ready.
"""

import datetime
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass

from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from actionplans.models import ActionPlan, ReportingPeriod
from lib import months
from lib.tasks import enqueue

from . import rendering
from .models import CommitteeReport, PdfRender
from .selectors import (
    Kind,
    ReportError,
    ReportFilters,
    committee_report_pack_build,
    dashboard_build,
    measures_report_build,
    period_for_plan,
    period_report_build,
    report_rows_stamp,
    scrutiny_pack_build,
)

logger = logging.getLogger(__name__)

# A run of the same task that keeps dying (the worker killed each time, say by the
# kernel for memory) is given up after this many attempts rather than tried for ever.
MAX_ATTEMPTS = 3
# A closed report that ran over the time limit is refused at once for this long, unless
# the month changes (a new name), rather than tying up a worker again.
TOO_LONG_MEMORY = datetime.timedelta(hours=1)
# An open month's PDF is kept this long for its requester to download, then deleted.
DRAFT_LIFETIME = datetime.timedelta(days=1)

State = PdfRender.State

# A committee report's pack: its PdfRender rows name the report (`committee`).
COMMITTEE = "committee"

# PDFs of kinds that apps above reporting lay out (publishing's "public" month, which
# reporting may not import), registered in their AppConfig.ready(): kind -> a function
# from the job to the PDF's bytes.
PDF_MAKERS: dict[str, Callable[[PdfRender], bytes]] = {}


@dataclass(frozen=True)
class PdfTarget:
    """One report PDF: which report, and where it is kept once made.

    `storage_name` is None while the report may still change (an open period, a draft
    scrutiny pack, the dashboard and the measures report): each request then has a PDF of its own.
    """

    plan: ActionPlan
    kind: str
    month: datetime.date | None
    quarter: datetime.date | None
    filters: ReportFilters
    storage_name: str | None
    filename: str
    committee: CommitteeReport | None = None


def pdf_target(
    *,
    plan: ActionPlan,
    kind: str,
    month: datetime.date | None = None,
    filters: ReportFilters | None = None,
    quarter: datetime.date | None = None,
    committee: CommitteeReport | None = None,
) -> PdfTarget:
    """The PDF of a report (`committee` is the committee report's pack): `month` chooses a period report's or the dashboard's period
    (by default the latest closed one), `quarter` is any day of a scrutiny pack's quarter.

    A period report's stored name is known from its period row and stamp, without
    building the report. Raises ReportError as the selectors do.
    """
    filters = filters or ReportFilters()
    if kind in Kind.PERIOD_REPORTS:
        period = period_for_plan(plan=plan, month=month)
        return _period_report_target(
            plan, kind, period, filters=filters, stamp=_rows_stamp(plan, period)
        )
    if kind in {Kind.SCRUTINY, COMMITTEE}:
        if kind == COMMITTEE:
            pack = committee_report_pack_build(committee=committee)
        else:
            pack = scrutiny_pack_build(plan=plan, quarter=quarter)
        name = rendering.storage_name(
            slug=plan.slug,
            kind=kind,
            period=None,
            filters=filters,
            stamp=pack.rows_stamp,
            pack=pack,
        )
        quarter, label = pack.quarter_start, pack.quarter_key
    elif kind in {Kind.DASHBOARD, Kind.MEASURES}:
        period = period_for_plan(plan=plan, month=month)
        name, month, label = None, period.month, months.month_key(period.month)
    else:
        raise ReportError(f"Unknown report {kind!r}.")
    filename = rendering.pdf_filename(
        slug=plan.slug, kind=kind, label=label, filters=filters, extension="pdf"
    )
    return PdfTarget(plan, kind, month, quarter, filters, name, filename, committee)


def _rows_stamp(plan: ActionPlan, period: ReportingPeriod) -> str:
    """The stamp a closed period's report names carry; "" for an open one (no name)."""
    if not period.is_closed:
        return ""
    return report_rows_stamp(plan=plan, report_months=[period.month])


def _period_report_target(
    plan: ActionPlan,
    kind: str,
    period: ReportingPeriod,
    *,
    filters: ReportFilters,
    stamp: str,
) -> PdfTarget:
    name = rendering.storage_name(
        slug=plan.slug, kind=kind, period=period, filters=filters, stamp=stamp
    )
    filename = rendering.pdf_filename(
        slug=plan.slug,
        kind=kind,
        label=months.month_key(period.month),
        filters=filters,
        extension="pdf",
    )
    return PdfTarget(plan, kind, period.month, None, filters, name, filename)


def _report_build(job: PdfRender) -> rendering.Report:
    filters = ReportFilters(**job.filters)
    if job.kind in Kind.PERIOD_REPORTS:
        return period_report_build(
            plan=job.plan, kind=job.kind, month=job.month, filters=filters
        )
    if job.kind == Kind.SCRUTINY:
        return scrutiny_pack_build(plan=job.plan, quarter=job.quarter)
    if job.kind == COMMITTEE:
        return committee_report_pack_build(committee=job.committee)
    if job.kind == Kind.MEASURES:
        return measures_report_build(plan=job.plan, month=job.month)
    return dashboard_build(plan=job.plan, month=job.month)


# ---------------------------------------------------------------------------------------
# Asking for a PDF


def _new_job(target: PdfTarget, *, user, page_url: str, xlsx_url: str) -> PdfRender:
    draft = target.storage_name is None
    name = (
        f"reports/{target.plan.slug}/drafts/{uuid.uuid4().hex}.pdf"
        if draft
        else target.storage_name
    )
    return PdfRender(
        plan=target.plan,
        requested_by=user if draft else None,
        kind=target.kind,
        month=target.month,
        quarter=target.quarter,
        committee=target.committee,
        filters=asdict(target.filters),
        storage_name=name,
        is_draft=draft,
        filename=target.filename,
        page_url=page_url,
        xlsx_url=xlsx_url,
    )


def _save_shared(job: PdfRender) -> bool:
    """Save a closed report's job; False when its name already has one (stored, or
    being made, for someone else): the unique name lets one of two racing saves win."""
    try:
        with transaction.atomic():
            job.save()
    except IntegrityError:
        return False
    return True


def _queue(job: PdfRender, *, run_here_if_broker_down: bool, **options) -> bool:
    from .tasks import render_pdf  # the task module imports this one

    return enqueue(
        render_pdf,
        str(job.pk),
        run_here_if_broker_down=run_here_if_broker_down,
        **options,
    )


def _needs_queueing(job: PdfRender, *, now: datetime.datetime) -> bool:
    """Whether a shared job must be (re)queued: failed, unless it ran over the time limit
    lately, or queued with no worker having taken it (its message was lost: the broker
    was down when the month closed)."""
    if job.state == State.FAILED:
        return not (job.timed_out and job.finished_at > now - TOO_LONG_MEMORY)
    return job.state == State.QUEUED and not job.runner


def pdf_request(
    *, target: PdfTarget, user, page_url: str = "", xlsx_url: str = ""
) -> PdfRender:
    """The job that gives `user` the target's PDF, queued unless it is ready or under way.

    A closed report's job is shared: the stored PDF, one being made, or one failed. When
    the broker cannot be reached the PDF is laid out here and now. The job is returned as
    it stands afterwards: with no broker (the demo) it is already ready, or failed.
    """
    job = _new_job(target, user=user, page_url=page_url, xlsx_url=xlsx_url)
    if not job.is_draft:
        if not _save_shared(job):
            job = PdfRender.objects.get(storage_name=job.storage_name)
            if not _needs_queueing(job, now=timezone.now()):
                return job
            PdfRender.objects.filter(pk=job.pk).update(
                state=State.QUEUED, runner="", attempts=0, timed_out=False, error=""
            )
    else:
        job.save()
    # The row is committed (a request runs in autocommit), so the task may go now; with
    # no broker it then runs here, and the caller can serve the PDF at once. Should it be
    # called inside a transaction, a worker may find no row yet and do nothing: the job
    # stays queued with no runner and the next request queues it again.
    _queue(job, run_here_if_broker_down=True, after_commit=False)
    job.refresh_from_db()
    return job


def stored_pdf(target: PdfTarget) -> PdfRender | None:
    """The target's PDF if it is stored and whole."""
    if target.storage_name is None:
        return None
    return PdfRender.objects.filter(
        storage_name=target.storage_name, state=State.READY
    ).first()


def period_pdf_targets(period: ReportingPeriod) -> list[PdfTarget]:
    """Every report PDF a closed month has: summary, progress, exceptions, each chief
    officer's report, and the scrutiny pack once its quarter is complete."""
    plan = period.plan
    # The period as stored now (the caller's copy may predate the close), and one stamp
    # for all the month's reports, each read once.
    period = period_for_plan(plan=plan, month=period.month)
    stamp = _rows_stamp(plan, period)
    kinds = [Kind.SUMMARY, Kind.PROGRESS, Kind.EXCEPTIONS]
    targets = [
        _period_report_target(plan, kind, period, filters=ReportFilters(), stamp=stamp)
        for kind in kinds
    ]
    # The month's chief officers as agreed at its end: a later amendment may have
    # named others since.
    month_report = period_report_build(
        plan=plan, kind=Kind.PROGRESS, month=period.month
    )
    chiefs = sorted(month_report.choices.chief_officers, key=lambda person: person.pk)
    targets += [
        _period_report_target(
            plan,
            Kind.CHIEF_OFFICER,
            period,
            filters=ReportFilters(chief_officer=chief.pk),
            stamp=stamp,
        )
        for chief in chiefs
    ]
    committees = CommitteeReport.objects.filter(plan=plan)
    packs = [
        pdf_target(plan=plan, kind=COMMITTEE, committee=committee)
        for committee in committees.covering(period.month).prefetch_related(
            "meetings", "contacts"
        )
    ]
    # A quarter with a committee report of its own has no separate scrutiny pack: its
    # links open that report (and its PDF), so laying the pack out would be wasted.
    if not committees.of_quarter(period.month).exists():
        packs.append(pdf_target(plan=plan, kind=Kind.SCRUTINY, quarter=period.month))
    targets += [pack for pack in packs if pack.storage_name is not None]
    return targets


def period_pdfs_queue(period: ReportingPeriod) -> int:
    """Queue the PDFs of all the closed month's reports not yet stored; how many.

    Called after the close (or amendment) commits. Should the broker be down, the rest
    are not tried (each try takes seconds) and each PDF is laid out on its first
    download instead: a job left queued with no runner is queued again then.
    """
    queued = 0
    for target in period_pdf_targets(period):
        job = _new_job(target, user=None, page_url="", xlsx_url="")
        if not _save_shared(job):
            continue  # already stored, or under way
        if not _queue(job, run_here_if_broker_down=False, after_commit=False):
            break
        queued += 1
    return queued


# ---------------------------------------------------------------------------------------
# Laying a PDF out (the worker's part)


def _claim(job_id: str, runner: str) -> bool:
    """Take the job for this run: only a queued job, or one this same run had before its
    worker died. Two workers given the same job: one lays it out, the other stops."""
    return bool(
        PdfRender.objects.filter(pk=job_id)
        .filter(Q(state=State.QUEUED) | Q(state=State.RENDERING, runner=runner))
        .update(
            state=State.RENDERING,
            runner=runner,
            attempts=F("attempts") + 1,
            started_at=timezone.now(),
        )
    )


def _fail(job: PdfRender, message: str, *, timed_out: bool, detail: str) -> None:
    logger.error("PDF %s not made: %s", job.storage_name, detail)
    PdfRender.objects.filter(pk=job.pk).update(
        state=State.FAILED,
        timed_out=timed_out,
        error=message,
        finished_at=timezone.now(),
    )


def pdf_render(job_id: str, *, runner: str) -> bool:
    """Lay the job's PDF out and store it; False when there was nothing for this run to do.

    The file is stored first and the row marked ready after, so a file whose writer was
    killed half-way is never served: the next attempt writes it again.
    """
    if not _claim(job_id, runner):
        return False
    job = PdfRender.objects.select_related("plan").get(pk=job_id)
    if job.attempts > MAX_ATTEMPTS:
        _fail(
            job,
            rendering.PDF_FAILED,
            timed_out=False,
            detail=f"gave up after {MAX_ATTEMPTS} attempts: its worker died each time",
        )
        return True
    started = time.monotonic()
    try:
        maker = PDF_MAKERS.get(job.kind)
        content = maker(job) if maker else rendering.report_pdf(_report_build(job))
    except SoftTimeLimitExceeded:
        _fail(job, rendering.PDF_TOO_LONG, timed_out=True, detail="over the time limit")
        return True
    except Exception as error:  # a report that cannot be laid out: tell the user
        logger.exception("PDF %s failed", job.storage_name)
        _fail(job, rendering.PDF_FAILED, timed_out=False, detail=repr(error))
        return True
    if default_storage.exists(job.storage_name):
        default_storage.delete(job.storage_name)  # left by an attempt cut short
    saved = default_storage.save(job.storage_name, ContentFile(content))
    PdfRender.objects.filter(pk=job.pk).update(
        state=State.READY, storage_name=saved, finished_at=timezone.now(), error=""
    )
    logger.info(
        "PDF rendered: %s (%d bytes, %.1f s, attempt %d)",
        saved,
        len(content),
        time.monotonic() - started,
        job.attempts,
    )
    return True


def pdf_renders_prune(*, now: datetime.datetime) -> int:
    """Delete open months' PDFs (rows and files) older than DRAFT_LIFETIME; how many."""
    old = PdfRender.objects.filter(is_draft=True, created_at__lt=now - DRAFT_LIFETIME)
    for name in old.filter(state=State.READY).values_list("storage_name", flat=True):
        default_storage.delete(name)
    count, _ = old.delete()
    return count


# ---------------------------------------------------------------------------------------
# Without a worker: the render_report command and the tests


@dataclass(frozen=True)
class PdfFile:
    content: bytes
    filename: str
    was_stored: bool  # True when read from storage, not laid out now


def report_pdf_file(
    *,
    plan: ActionPlan,
    kind: str,
    month: datetime.date | None = None,
    filters: ReportFilters | None = None,
    quarter: datetime.date | None = None,
    committee: CommitteeReport | None = None,
) -> PdfFile:
    """A report's PDF, laid out in this process unless stored. Raises ReportError, and
    PdfRenderError when it could not be made (its message says why)."""
    target = pdf_target(
        plan=plan,
        kind=kind,
        month=month,
        filters=filters,
        quarter=quarter,
        committee=committee,
    )
    stored = stored_pdf(target)
    was_stored = stored is not None
    if stored is None:
        job = _new_job(target, user=None, page_url="", xlsx_url="")
        if not job.is_draft:
            PdfRender.objects.filter(storage_name=job.storage_name).delete()
        job.save()
        pdf_render(str(job.pk), runner=f"here-{uuid.uuid4().hex}")
        job.refresh_from_db()
        if job.is_failed:
            raise rendering.PdfRenderError(
                job.error, timed_out=job.timed_out, detail=job.error
            )
        stored = job
    with default_storage.open(stored.storage_name, "rb") as file:
        content = file.read()
    if stored.is_draft:
        default_storage.delete(stored.storage_name)
        stored.delete()
    return PdfFile(content, target.filename, was_stored=was_stored)
