"""Reminders' background work (Celery): the daily run, and sending each digest."""

import datetime
from smtplib import SMTPException

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task
def send_reminders() -> int:
    """Beat's daily run (REMINDERS_AT): today's reminders in the project's time zone
    (Europe/London, TIME_ZONE), as `manage.py send_reminders`."""
    return len(services.reminders_send(on=timezone.localdate()))


@shared_task(
    bind=True,
    # A mail server that is down or refuses for now: tried again after 1, 2, 4 ...
    # minutes (up to an hour apart), never marked sent until it takes the message. A
    # claim that fails every try is sent again by the next day's run.
    autoretry_for=(SMTPException, OSError),
    retry_backoff=60,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=6,
    acks_late=True,
    reject_on_worker_lost=True,
)
def send_digest(self, reminder_ids: list[int], on: str) -> bool:
    return services.digest_deliver(
        reminder_ids=reminder_ids, on=datetime.date.fromisoformat(on)
    )
