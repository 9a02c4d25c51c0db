"""Sending reminders: claim each digest in the sent-log, then send it through a task.

A digest is claimed by inserting one SentReminder row per plan-month it covers. The
unique constraint (recipient, plan, month, kind, step) lets exactly one insert win, so a
second run, or a run on another machine at the same moment, claims nothing and sends
nothing. The task that sends locks its rows, skips them if they were sent meanwhile,
and marks them sent only once the mail server has taken the message.
"""

import datetime
import logging
from dataclasses import replace
from smtplib import SMTPException

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from lib.tasks import enqueue

from .emails import digest_message
from .models import SentReminder
from .selectors import Digest, digest_for_claims, manual_reminders, reminders_due

logger = logging.getLogger(__name__)

# A claim still unsent this long after it was made has failed every retry (or its task
# was lost): the next run sends it again.
STRANDED_AFTER = datetime.timedelta(hours=1)


def digest_claim(
    *, digest: Digest, requested_by=None
) -> tuple[Digest | None, list[int]]:
    """Claim the digest's sections in the sent-log and queue its sending.

    Returns the part of the digest this call claimed (None if another run had claimed
    it all) and the claimed rows' ids. Sections are claimed in a fixed order, so two
    runs claiming the same digest wait on each other rather than deadlock.
    """
    from .tasks import send_digest  # tasks.py imports this module

    claimed, ids = [], []
    with transaction.atomic():
        for section in digest.sections:
            try:
                with transaction.atomic():
                    row = SentReminder.objects.create(
                        recipient=digest.address,
                        officer=section.officer,
                        user=section.user,
                        plan=section.plan,
                        month=section.period.month,
                        kind=digest.kind,
                        step=section.step,
                        sent_on=digest.on,
                        requested_by=requested_by,
                    )
            except IntegrityError:
                continue  # claimed by another run: it sends this one
            claimed.append(section)
            ids.append(row.pk)
        if ids:
            enqueue(send_digest, ids, digest.on.isoformat())
    return (replace(digest, sections=claimed) if claimed else None), ids


def reminders_send(*, on: datetime.date, dry_run: bool = False) -> list[Digest]:
    """Send every reminder due on the day that has not been sent; return the digests.

    With `dry_run`, return what is due and write nothing. Safe to run any number of
    times, on any number of machines: each step goes to each person once.
    """
    digests = reminders_due(on=on)
    if dry_run:
        return digests
    sent = []
    for digest in digests:
        claimed, _ = digest_claim(digest=digest)
        if claimed is not None:
            sent.append(claimed)
    _stranded_resend(on=on)
    return sent


def leads_remind_now(*, plan, user, on: datetime.date) -> list[Digest]:
    """A coordinator's "remind these leads now": each lead with something to do in the
    plan's open month gets the lead's digest for this plan, at most once a day."""
    sent = []
    for digest in manual_reminders(plan=plan, on=on).digests:
        claimed, _ = digest_claim(digest=digest, requested_by=user)
        if claimed is not None:
            sent.append(claimed)
    return sent


def _stranded_resend(*, on: datetime.date) -> None:
    """Queue again the claims that are still unsent long after they were made."""
    from .tasks import send_digest

    stranded = SentReminder.objects.filter(
        sent_at__isnull=True, claimed_at__lt=timezone.now() - STRANDED_AFTER
    ).order_by("pk")
    groups: dict[tuple[str, str], list[int]] = {}
    for pk, recipient, kind in stranded.values_list("pk", "recipient", "kind"):
        groups.setdefault((recipient, kind), []).append(pk)
    for ids in groups.values():
        enqueue(send_digest, ids, on.isoformat())


def digest_deliver(*, reminder_ids: list[int], on: datetime.date) -> bool:
    """Send the digest of claimed rows, once: True if an email went.

    The rows stay locked while the message is sent, so a second task for them waits
    and then finds them sent. A failure to send (SMTPException, OSError) is recorded
    on the rows and raised for the task to retry; the rows are not marked sent.
    """
    with transaction.atomic():
        claims = list(
            SentReminder.objects.select_for_update(of=("self",))
            .filter(pk__in=reminder_ids, sent_at__isnull=True)
            .select_related("officer__user", "user")
            .order_by("pk")
        )
        if not claims:
            return False
        ids = [claim.pk for claim in claims]
        digest = digest_for_claims(claims, on=on)
        if digest is None:
            # Done, or closed, since the run: nothing is left to ask.
            SentReminder.objects.filter(pk__in=ids).update(
                sent_at=timezone.now(), skipped=True
            )
            return False
        try:
            digest_message(digest).send()
        except (SMTPException, OSError) as exc:
            failure = exc
        else:
            SentReminder.objects.filter(pk__in=ids).update(
                sent_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
            )
            return True
    # Recorded outside the failed transaction, so that it stays.
    SentReminder.objects.filter(pk__in=ids).update(
        attempts=F("attempts") + 1, last_error=f"{type(failure).__name__}: {failure}"
    )
    logger.warning("Reminder to %s not sent: %s", claims[0].recipient, failure)
    raise failure
