"""Reporting's background work (Celery): laying out PDFs, counting closed months' figures,
and tidying old PDFs away."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from actionplans.models import ReportingPeriod

from . import pdfs
from .selectors import dashboard_build


@shared_task(
    bind=True,
    # Acknowledged once done, and put back on the queue if the worker dies half-way, so
    # a PDF is never lost; `pdfs.pdf_render` gives up after a few such deaths.
    acks_late=True,
    reject_on_worker_lost=True,
    # Over the soft limit the layout is stopped and the user told the report is too
    # long; a layout stuck where it cannot be interrupted is killed at the hard limit.
    soft_time_limit=settings.PDF_RENDER_TIMEOUT,
    time_limit=settings.PDF_RENDER_TIMEOUT + 15,
)
def render_pdf(self, job_id: str) -> bool:
    return pdfs.pdf_render(job_id, runner=self.request.id or "")


@shared_task
def count_month_figures(period_id: int) -> int:
    """Count and keep the dashboard's figures of every month up to this one (a month
    just closed), so that no reader waits for them; how many months it shows."""
    period = ReportingPeriod.objects.select_related("plan").filter(pk=period_id).first()
    if period is None:
        return 0
    return len(dashboard_build(plan=period.plan, month=period.month).months)


@shared_task
def prune_pdfs() -> int:
    """Delete open months' PDFs a day after they were asked for."""
    return pdfs.pdf_renders_prune(now=timezone.now())
