"""Who gets which reminder when, sent once each, and never marked sent when sending fails."""

import datetime
import zoneinfo
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.utils import timezone

from actionplans.models import ActionPlan, ProgressUpdate
from reminders import tasks
from reminders.models import SentReminder
from tests import factories

pytestmark = pytest.mark.django_db

D = datetime.date
OPENING, REMINDER, DEADLINE = D(2009, 10, 1), D(2009, 10, 5), D(2009, 10, 7)
CHIEFS, COORDINATORS = D(2009, 10, 8), D(2009, 10, 9)


def _submit(returns, action):
    return factories.make_update(
        returns.september,
        action=action,
        status_label="Amber",
        workflow_state=ProgressUpdate.Workflow.SUBMITTED,
    )


def test_leads_get_their_digest_when_returns_open(returns, run, mailoutbox):
    sent = run(OPENING)

    assert sorted(sent) == [
        (
            "hilary@leeds.example",
            "Leeds IWC action plan: your September 2009 updates are due by "
            "Wednesday 7 October",
        ),
        (
            "tim@leeds.example",
            "Leeds IWC action plan: your September 2009 updates are due by "
            "Wednesday 7 October",
        ),
    ]
    hilary = next(m for m in mailoutbox if m.to == ["hilary@leeds.example"])
    link = f"https://actionplans.example.gov.uk/plans/leeds/actions/{returns.action.pk}/update/"
    assert "1.8 Establish 10 senior practitioner posts." in hilary.body
    assert "Due this month (30 Sep 2009)" in hilary.body
    assert link in hilary.body
    html, mimetype = hilary.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="{link}"' in html
    assert "<img" not in html
    assert "2.1" not in hilary.body  # Tim's


def test_a_lead_without_a_user_account_is_still_emailed(returns, run):
    """Leads are often not users yet: the email is how they learn what is due."""
    assert returns.tim.user is None
    assert "tim@leeds.example" in [to for to, _ in run(OPENING)]


def test_the_reminder_and_the_deadline_day_each_send_once(returns, run):
    run(OPENING)
    assert run(D(2009, 10, 2)) == []
    assert run(REMINDER) == [
        (
            "hilary@leeds.example",
            "Leeds IWC action plan: reminder: your September 2009 updates are due "
            "by Wednesday 7 October",
        ),
        (
            "tim@leeds.example",
            "Leeds IWC action plan: reminder: your September 2009 updates are due "
            "by Wednesday 7 October",
        ),
    ]
    assert [s for _, s in run(DEADLINE)] == [
        "Leeds IWC action plan: your September 2009 updates are due today, "
        "Wednesday 7 October",
    ] * 2


def test_running_twice_sends_nothing_twice(returns, run):
    assert len(run(OPENING)) == 2
    assert run(OPENING) == []
    assert SentReminder.objects.count() == 2
    assert SentReminder.objects.filter(sent_at__isnull=False).count() == 2


def test_a_missed_day_is_caught_up_with_the_latest_step_only(returns, run):
    sent = run(D(2009, 10, 6))
    assert len(sent) == 2
    assert all("reminder:" in subject for _, subject in sent)
    assert set(SentReminder.objects.values_list("step", flat=True)) == {"reminder"}


def test_submitted_items_are_left_out_and_returned_ones_carry_the_comment(
    returns, run, mailoutbox
):
    _submit(returns, returns.other_action)
    factories.make_update(
        returns.september,
        action=returns.action,
        workflow_state=ProgressUpdate.Workflow.RETURNED,
        review_comment="Say how many posts are filled.",
    )
    sent = run(OPENING)

    assert [to for to, _ in sent] == ["hilary@leeds.example"]
    assert "Returned" in mailoutbox[0].body
    assert "“Say how many posts are filled.”" in mailoutbox[0].body


def test_a_lead_whose_returns_are_all_sent_is_not_chased_for_dates_alone(
    returns, run, mailoutbox
):
    _submit(returns, returns.action)  # 1.8, due this month
    assert "hilary@leeds.example" not in dict(run(OPENING))

    factories.make_action(
        returns.plan, "3.1", text="Audit files.", leads=[returns.hilary]
    )
    assert "hilary@leeds.example" in dict(run(REMINDER))
    body = next(m.body for m in mailoutbox if m.to == ["hilary@leeds.example"])
    assert "- 3.1 Audit files.\n  Not started\n  Update it:" in body
    assert "Awaiting sign-off. Due this month (30 Sep 2009)\n  See it:" in body


def test_an_officer_without_email_is_not_emailed_and_coordinators_are_told(
    returns, run, mailoutbox
):
    returns.tim.email = ""
    returns.tim.save()
    assert "tim@leeds.example" not in [to for to, _ in run(OPENING)]
    coordinators = [m for m in mailoutbox if m.to == ["performance@leeds.example"]]
    assert coordinators == []

    run(COORDINATORS)
    digest = next(m for m in mailoutbox if m.to == ["performance@leeds.example"])
    assert "Tim O'Shea (Head of Commissioning): No email address" in digest.body


def test_an_officer_whose_user_is_inactive_is_not_emailed(returns, run, mailoutbox):
    returns.lead.is_active = False
    returns.lead.save()
    sent = run(OPENING)
    assert [to for to, _ in sent] == ["tim@leeds.example"]

    run(COORDINATORS)
    digest = next(m for m in mailoutbox if m.to == ["performance@leeds.example"])
    assert "Hilary Paxton (Head of Safeguarding): User account inactive" in digest.body


def test_an_officer_with_no_email_of_their_own_gets_it_at_their_users(returns, run):
    returns.hilary.email = ""
    returns.hilary.save()
    returns.lead.email = "Hilary.Paxton@Leeds.example"
    returns.lead.save()
    assert "hilary.paxton@leeds.example" in [to for to, _ in run(OPENING)]


def test_a_plan_with_no_open_month_sends_nothing(returns, run):
    returns.september.state = "closed"
    returns.september.save()
    for day in (OPENING, REMINDER, DEADLINE, CHIEFS, COORDINATORS):
        assert run(day) == []
    assert not SentReminder.objects.exists()


def test_a_draft_plan_sends_nothing(returns, run):
    ActionPlan.objects.filter(pk=returns.plan.pk).update(status="draft")
    assert run(OPENING) == []


def test_a_lead_on_two_plans_gets_one_digest_covering_both(returns, run, mailoutbox):
    other = factories.make_plan(slug="dignity", title="Dignity in care action plan")
    factories.make_action(other, "1.1", text="Audit dignity.", leads=[returns.hilary])
    factories.make_period(other, 2009, 9)
    sent = run(OPENING)

    assert (
        sent.count(
            (
                "hilary@leeds.example",
                "Your updates for 2 action plans are due by Wednesday 7 October",
            )
        )
        == 1
    )
    body = next(m.body for m in mailoutbox if m.to == ["hilary@leeds.example"])
    assert "Dignity in care action plan" in body and "Leeds IWC action plan" in body
    assert SentReminder.objects.filter(recipient="hilary@leeds.example").count() == 2


def test_chief_officers_get_updates_awaiting_sign_off_then_missing_returns(
    returns, run, mailoutbox
):
    assert "deputy@leeds.example" not in dict(run(REMINDER))  # nothing awaits yet
    _submit(returns, returns.action)
    sent = dict(run(DEADLINE))
    assert sent["deputy@leeds.example"] == (
        "Leeds IWC action plan: 1 September 2009 update awaits your sign-off"
    )

    sent = dict(run(CHIEFS))
    assert sent == {
        "deputy@leeds.example": "Leeds IWC action plan: 1 September 2009 return "
        "from your leads is overdue, and 1 awaiting your sign-off"
    }
    body = mailoutbox[-1].body
    assert "2.1 Review advocacy. (No update)" in body
    assert f"/plans/leeds/actions/{returns.action.pk}/sign-off/" in body


def test_coordinators_get_outstanding_returns_by_lead_two_days_after(
    returns, run, mailoutbox
):
    _submit(returns, returns.action)
    assert "performance@leeds.example" not in dict(run(CHIEFS))
    sent = dict(run(COORDINATORS))

    assert sent == {
        "performance@leeds.example": "Leeds IWC action plan: September 2009 returns "
        "overdue – 1 missing and 1 awaiting sign-off"
    }
    body = mailoutbox[-1].body
    assert "Tim O'Shea: 1 missing, 0 awaiting sign-off" in body
    assert "Hilary Paxton: 0 missing, 1 awaiting sign-off" in body
    assert "Tim O'Shea (Head of Commissioning): No user account" in body
    assert "https://actionplans.example.gov.uk/plans/leeds/periods/" in body


def test_dry_run_prints_who_would_get_what_and_writes_nothing(returns, run, capsys):
    assert run(OPENING, "--dry-run") == []
    out = capsys.readouterr().out
    assert "Would send lead digest to hilary@leeds.example" in out
    assert not SentReminder.objects.exists()


def test_a_bad_date_is_refused(returns):
    with pytest.raises(Exception, match="YYYY-MM-DD"):
        call_command("send_reminders", "--date=7/10/2009")


class FailingBackend(EmailBackend):
    """A mail server that refuses the first `failures` messages."""

    failures = 0

    def send_messages(self, messages):
        if FailingBackend.failures:
            FailingBackend.failures -= 1
            raise SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def failing_mail(settings):
    """A failing mail server, with Celery retrying as a worker does (in the process,
    without the wait: an eager task that propagates errors is not retried)."""
    settings.EMAIL_BACKEND = "tests.reminders.test_send_reminders.FailingBackend"
    conf = tasks.send_digest.app.conf
    propagates, conf.task_eager_propagates = conf.task_eager_propagates, False
    yield FailingBackend
    conf.task_eager_propagates = propagates
    FailingBackend.failures = 0


def test_a_failed_send_is_retried_and_marked_sent_once_it_goes(
    returns, run, failing_mail
):
    failing_mail.failures = 2
    sent = run(OPENING)

    assert len(sent) == 2  # both, after the retries
    claims = SentReminder.objects.order_by("recipient")
    assert [c.attempts for c in claims] == [3, 1]  # the first took three tries
    assert all(c.sent_at is not None for c in claims)


def test_a_send_that_keeps_failing_is_never_marked_sent(returns, run, failing_mail):
    failing_mail.failures = 1000
    assert run(OPENING) == []

    claims = list(SentReminder.objects.all())
    assert len(claims) == 2
    assert all(c.sent_at is None for c in claims)
    assert all(c.attempts == tasks.send_digest.max_retries + 1 for c in claims)
    assert "SMTPServerDisconnected" in claims[0].last_error

    # The next run does not claim them again, and leaves them while they are fresh.
    failing_mail.failures = 0
    assert run(D(2009, 10, 2)) == []
    # Once stranded (every retry failed, or the task was lost), a run sends them.
    SentReminder.objects.update(claimed_at=timezone.now() - datetime.timedelta(hours=2))
    assert len(run(D(2009, 10, 2))) == 2
    assert not SentReminder.objects.filter(sent_at__isnull=True).exists()


def test_the_task_for_claims_already_sent_sends_nothing(returns, run):
    run(OPENING)
    ids = list(SentReminder.objects.values_list("pk", flat=True))
    assert tasks.send_digest.apply(args=[ids, "2009-10-01"]).get() is False
    assert len(mail.outbox) == 2


def test_beats_task_runs_for_today_in_london(monkeypatch):
    days = []
    monkeypatch.setattr(
        tasks.services, "reminders_send", lambda *, on: days.append(on) or []
    )
    tasks.send_reminders.apply()
    assert days == [timezone.localdate(timezone=zoneinfo.ZoneInfo("Europe/London"))]
    assert tasks.send_reminders.name == "reminders.tasks.send_reminders"
