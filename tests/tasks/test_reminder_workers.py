"""The day's reminders with real workers and beat: beat starts the run at REMINDERS_AT, a
second run at the same moment (another machine) sends nothing twice."""

import datetime
import email

import pytest
from django.utils import timezone

from actionplans.models import PlanMembership, ReportingPeriod
from lib import months
from reminders.models import SentReminder
from reminders.tasks import send_reminders
from tests import factories

from .conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def _returns_two_months_ago():
    """A plan whose open month ended weeks ago, so that whatever today's date, every step
    of its schedule has come: leads are at the deadline, the chief officer at escalation
    step 1, the coordinator at step 2. Nobody has returned anything."""
    today = timezone.localdate()
    month = months.month_add(months.month_first(today), -2)
    plan = factories.make_plan(slug="reminders", title="Leeds IWC action plan")
    hilary = factories.make_officer("Hilary Paxton", "Head", email="hilary@leeds.test")
    tim = factories.make_officer("Tim O'Shea", "Head", email="tim@leeds.test")
    chief = factories.make_officer("", "Deputy Director", email="deputy@leeds.test")
    for number, lead in [("1.1", hilary), ("2.1", tim)]:
        factories.make_action(
            plan,
            number,
            text="Review advocacy.",
            leads=[lead],
            chief_officers=[chief],
            plan_start=month - datetime.timedelta(days=200),
            plan_finish=month + datetime.timedelta(days=400),
        )
    previous = months.month_previous(month)
    factories.make_period(
        plan, previous.year, previous.month, state=ReportingPeriod.State.CLOSED
    )
    factories.make_period(plan, month.year, month.month)
    coordinator = factories.make_user("coordinator", email="performance@leeds.test")
    factories.make_member(plan, coordinator, PlanMembership.Role.COORDINATOR)


def _next_minute() -> str:
    """The next whole minute at least 15 s away, London time, as HH:MM."""
    soon = timezone.localtime() + datetime.timedelta(seconds=75)
    return f"{soon:%H:%M}"


def _sent(folder) -> list[tuple[str, str]]:
    """(recipient, subject) of every message the workers' file backend wrote."""
    found = []
    for path in sorted(folder.iterdir()):
        for part in path.read_text().split("-" * 79):
            if part.strip():
                message = email.message_from_string(part.strip())
                found.append((message["To"], message["Subject"]))
    return found


def test_beat_runs_the_days_reminders_and_a_second_run_sends_nothing_twice(workers):
    _returns_two_months_ago()
    workers.worker("w1")
    workers.worker("w2")
    workers.beat(REMINDERS_AT=_next_minute())
    # Another machine's run, at the same time as each other: the sent-log decides.
    send_reminders.delay()
    send_reminders.delay()

    wait_for(
        lambda: "Sending due task send-reminders" in workers.log("beat"),
        seconds=90,
        what="beat to start the day's run",
    )
    wait_for(
        lambda: (
            SentReminder.objects.exists()
            and not SentReminder.objects.filter(sent_at__isnull=True).exists()
            and "send_reminders" in workers.log("w1") + workers.log("w2")
        ),
        seconds=60,
        what="the digests to go",
    )
    logs = workers.log("w1") + workers.log("w2")
    runs = [
        line
        for line in logs.splitlines()
        if "Task reminders.tasks.send_reminders[" in line and "received" in line
    ]
    assert len(runs) == 3  # two asked for at once, and beat's
    sent = _sent(workers.mail)
    recipients = sorted(to for to, _ in sent)
    assert recipients == [
        "deputy@leeds.test",
        "hilary@leeds.test",
        "performance@leeds.test",
        "tim@leeds.test",
    ]
    assert SentReminder.objects.filter(sent_at__isnull=False).count() == 4
