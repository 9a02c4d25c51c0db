"""Reporting's background work (Celery): laying out PDFs, and tidying old ones away."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import pdfs


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
def prune_pdfs() -> int:
    """Delete open months' PDFs a day after they were asked for."""
    return pdfs.pdf_renders_prune(now=timezone.now())
