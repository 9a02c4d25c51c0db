import datetime

import pytest

from actionplans.models import PlanMembership, ReportingPeriod
from tests import factories


class Cycle:
    """A plan mid-cycle: August closed, September open; one action with two milestones,
    and one user per role (plus an outsider who works on another plan)."""

    def __init__(self):
        self.plan = factories.make_plan(slug="leeds", title="Leeds IWC")
        self.lead_officer = factories.make_officer(
            "Hilary Paxton", "Head of Safeguarding"
        )
        self.chief_officer = factories.make_officer(role_title="Deputy Director")
        self.milestone_officer = factories.make_officer("Richard Graham", "QA Manager")
        self.action = factories.make_action(
            self.plan,
            "1.8",
            text="Establish 10 senior practitioner posts.",
            leads=[self.lead_officer],
            chief_officers=[self.chief_officer],
            plan_start=datetime.date(2008, 10, 1),
            plan_finish=datetime.date(2009, 9, 30),
        )
        self.milestone_a = factories.make_milestone(
            self.action,
            "(a)",
            success_criteria="Posts in place.",
            plan_start=datetime.date(2008, 10, 1),
            plan_finish=datetime.date(2009, 1, 31),
        )
        self.milestone_b = factories.make_milestone(
            self.action,
            "(b)",
            success_criteria="Monitoring shows improved outcomes.",
            plan_start=datetime.date(2009, 1, 1),
            plan_finish=datetime.date(2009, 9, 30),
        )
        self.milestone_b.leads.add(self.milestone_officer)
        self.other_action = factories.make_action(
            self.plan, "2.1", text="Someone else's."
        )
        self.august = factories.make_period(
            self.plan, 2009, 8, state=ReportingPeriod.State.CLOSED
        )
        self.september = factories.make_period(self.plan, 2009, 9)
        factories.make_update(
            self.august,
            action=self.action,
            status_label="Amber",
            direction="improving",
            progress="August progress.",
            workflow_state="approved",
        )
        self.lead = self._user("lead", self.lead_officer)
        self.chief = self._user("chief", self.chief_officer)
        self.milestone_lead = self._user("mlead", self.milestone_officer)
        self.coordinator = factories.make_user("coordinator")
        factories.make_member(
            self.plan, self.coordinator, PlanMembership.Role.COORDINATOR
        )
        self.viewer = factories.make_user("viewer")
        factories.make_member(self.plan, self.viewer, PlanMembership.Role.VIEWER)
        self.outsider = factories.make_user("outsider")
        factories.make_member(
            factories.make_plan(), self.outsider, PlanMembership.Role.COORDINATOR
        )
        self.admin = factories.make_user("admin", is_superuser=True, is_staff=True)

    def _user(self, username, officer):
        user = factories.make_user(username, first_name=username.title())
        officer.user = user
        officer.save()
        return user

    def status(self, label):
        return self.plan.statuses.get(label=label)


@pytest.fixture
def cycle(db):
    return Cycle()
