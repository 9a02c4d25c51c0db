"""Reporting's answers to the workflow's signals (connected in apps.py)."""

import functools

from django.conf import settings
from django.db import transaction

from lib.tasks import enqueue

from . import pdfs


def period_reports_prepare_on_commit(sender, *, period, **kwargs) -> None:
    """A month closed or amended: once that commits, count the dashboard's figures of
    every month to it and queue the PDFs of all its reports (with PDF_PRERENDER, on by
    default wherever there is a worker to do the work)."""
    if settings.PDF_PRERENDER:
        transaction.on_commit(
            functools.partial(_period_reports_prepare, period), robust=True
        )


def _period_reports_prepare(period) -> None:
    from .tasks import count_month_figures  # the task module imports pdfs

    enqueue(count_month_figures, period.pk, after_commit=False)
    pdfs.period_pdfs_queue(period)
