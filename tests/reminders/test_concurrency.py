"""Two runs at the same moment (two machines, or beat and a person): nothing sent twice.

Needs PostgreSQL: two sessions, whose inserts of the same sent-log key wait on each
other until the first commits, and whose row locks make the second sender wait.
"""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection, connections

from reminders import selectors, services
from reminders.models import SentReminder
from tests.reminders.conftest import Returns

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent sessions"
)

OPENING = datetime.date(2009, 10, 1)


def _at_once(work, count: int = 2) -> list:
    """Run `work(start)` in `count` threads, each with its own connection."""
    start = threading.Barrier(count)
    results, errors = [], []

    def target():
        try:
            results.append(work(start))
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return results


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_digest_once(settings):
    settings.SITE_URL = "https://actionplans.example.gov.uk"
    Returns()

    def run(start):
        start.wait(timeout=10)
        return services.reminders_send(on=OPENING)

    results = _at_once(run)

    assert sorted(m.to[0] for m in mail.outbox) == [
        "hilary@leeds.example",
        "tim@leeds.example",
    ]
    assert sum(len(digests) for digests in results) == 2
    assert SentReminder.objects.filter(sent_at__isnull=False).count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_runs_that_both_found_the_same_digests_claim_each_once(settings):
    """The race at its narrowest: both runs have read that nothing is claimed yet."""
    settings.SITE_URL = "https://actionplans.example.gov.uk"
    Returns()

    def run(start):
        digests = selectors.reminders_due(on=OPENING)
        start.wait(timeout=10)
        return [services.digest_claim(digest=d)[0] for d in digests]

    results = _at_once(run)

    claimed = [digest for digests in results for digest in digests if digest]
    assert sorted(d.address for d in claimed) == [
        "hilary@leeds.example",
        "tim@leeds.example",
    ]
    assert len(mail.outbox) == 2


@pytest.mark.django_db(transaction=True)
def test_two_senders_of_the_same_claim_send_it_once(settings):
    """A task delivered twice (a worker lost, the claim re-queued) sends once."""
    settings.SITE_URL = "https://actionplans.example.gov.uk"
    returns = Returns()
    digest = next(
        d
        for d in selectors.reminders_due(on=OPENING)
        if d.address == "hilary@leeds.example"
    )
    row = SentReminder.objects.create(
        recipient=digest.address,
        officer=returns.hilary,
        plan=returns.plan,
        month=returns.september.month,
        kind=digest.kind,
        step=digest.sections[0].step,
        sent_on=OPENING,
    )

    def send(start):
        start.wait(timeout=10)
        return services.digest_deliver(reminder_ids=[row.pk], on=OPENING)

    assert sorted(_at_once(send)) == [False, True]
    assert [m.to for m in mail.outbox] == [["hilary@leeds.example"]]
