import datetime

import pytest
from django.core.management import call_command

from actionplans.models import PlanMembership, ReportingPeriod
from tests import factories

D = datetime.date


class Returns:
    """A plan with September 2009 open (deadline Wednesday 7 October), two leads, a
    chief officer and a coordinator, each with an email address.

    Hilary leads 1.8 (due 30 September) and has a user account; Tim leads 2.1 and has
    none; both answer to the Deputy Director.
    """

    def __init__(self):
        self.plan = factories.make_plan(slug="leeds", title="Leeds IWC action plan")
        self.hilary = factories.make_officer(
            "Hilary Paxton", "Head of Safeguarding", email="hilary@leeds.example"
        )
        self.tim = factories.make_officer(
            "Tim O'Shea", "Head of Commissioning", email="tim@leeds.example"
        )
        self.chief_officer = factories.make_officer(
            "", "Deputy Director", email="deputy@leeds.example"
        )
        self.action = factories.make_action(
            self.plan,
            "1.8",
            text="Establish 10 senior practitioner posts.",
            leads=[self.hilary],
            chief_officers=[self.chief_officer],
            plan_start=D(2008, 10, 1),
            plan_finish=D(2009, 9, 30),
        )
        self.other_action = factories.make_action(
            self.plan,
            "2.1",
            text="Review advocacy.",
            leads=[self.tim],
            chief_officers=[self.chief_officer],
            plan_start=D(2009, 1, 1),
            plan_finish=D(2010, 3, 31),
        )
        self.august = factories.make_period(
            self.plan, 2009, 8, state=ReportingPeriod.State.CLOSED
        )
        self.september = factories.make_period(self.plan, 2009, 9)
        self.lead = self._user("lead", self.hilary)
        self.chief = self._user("chief", self.chief_officer)
        self.coordinator = factories.make_user(
            "coordinator", email="performance@leeds.example"
        )
        factories.make_member(
            self.plan, self.coordinator, PlanMembership.Role.COORDINATOR
        )

    def _user(self, username, officer):
        user = factories.make_user(username)
        officer.user = user
        officer.save()
        return user


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://actionplans.example.gov.uk"


@pytest.fixture
def returns(db):
    return Returns()


@pytest.fixture
def run(django_capture_on_commit_callbacks, mailoutbox):
    """Run send_reminders for a day, with its tasks (queued on commit) run as they
    would be; return the emails it sent as (recipient, subject)."""

    def run(day: datetime.date, *args) -> list[tuple[str, str]]:
        before = len(mailoutbox)
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_reminders", f"--date={day.isoformat()}", *args)
        return [(m.to[0], m.subject) for m in mailoutbox[before:]]

    return run
