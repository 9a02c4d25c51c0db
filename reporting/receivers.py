"""Reporting's answers to the workflow's signals (connected in apps.py)."""

import functools

from django.conf import settings
from django.db import transaction

from . import pdfs


def period_pdfs_queue_on_commit(sender, *, period, **kwargs) -> None:
    """A month closed or amended: once that commits, queue the PDFs of all its reports
    (with PDF_PRERENDER, on by default wherever there is a worker to make them)."""
    if settings.PDF_PRERENDER:
        transaction.on_commit(
            functools.partial(pdfs.period_pdfs_queue, period), robust=True
        )
