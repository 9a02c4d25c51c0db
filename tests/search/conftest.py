import datetime

import pytest

from actionplans.models import PlanMembership, ReportingPeriod
from tests import factories


class Councils:
    """Two councils with a plan each, written with the same words, and one user of each.

    Leeds: action 2.1 (recruitment) with milestones (a) and (b), action 2.2 that refers to
    2.1, action 3.1 led by Hilary Paxton; August 2009 closed, September open.
    Dudley: an action 2.1 about recruitment too.
    """

    def __init__(self):
        leeds = factories.make_organisation("Leeds City Council")
        dudley = factories.make_organisation("Dudley MBC")
        self.plan = factories.make_plan(
            slug="leeds-iwc",
            title="Leeds IWC",
            inspection=factories.make_inspection(organisation=leeds),
        )
        self.paxton = factories.make_officer(
            "Hilary Paxton", "Head of Adult Safeguarding", organisation=leeds
        )
        self.graham = factories.make_officer(
            "Richard Graham", "QA Manager", organisation=leeds
        )
        self.director = factories.make_officer(
            "", "Director of Adult Social Services", organisation=leeds
        )
        self.recruitment = factories.make_action(
            self.plan,
            "2.1",
            text="Recruit 10 senior practitioners.",
            success_criteria="Posts filled by March 2009.",
            leads=[self.graham],
            chief_officers=[self.director],
        )
        self.milestone_a = factories.make_milestone(
            self.recruitment, "(a)", order=1, success_criteria="Posts advertised."
        )
        self.milestone_b = factories.make_milestone(
            self.recruitment, "(b)", order=2, success_criteria="Posts filled."
        )
        self.milestone_b.leads.add(self.paxton)
        self.reference = factories.make_action(
            self.plan, "2.2", text="Induct the new practitioners (see 2.1)."
        )
        self.safeguarding = factories.make_action(
            self.plan,
            "3.1",
            text="Review the safeguarding procedures.",
            leads=[self.paxton],
            chief_officers=[self.director],
        )
        self.august = factories.make_period(
            self.plan, 2009, 8, state=ReportingPeriod.State.CLOSED
        )
        self.september = factories.make_period(self.plan, 2009, 9)

        self.lead = factories.make_user("lead")
        self.paxton.user = self.lead
        self.paxton.save()
        self.viewer = factories.make_user("viewer")
        factories.make_member(self.plan, self.viewer, PlanMembership.Role.VIEWER)

        self.dudley_plan = factories.make_plan(
            slug="dudley-cqc",
            title="Dudley CQC",
            inspection=factories.make_inspection(organisation=dudley),
        )
        self.dudley_director = factories.make_officer(
            "", "Director of Adult Social Services", organisation=dudley
        )
        self.dudley_recruitment = factories.make_action(
            self.dudley_plan,
            "2.1",
            text="Recruitment of senior practitioners in Dudley.",
            chief_officers=[self.dudley_director],
            plan_finish=datetime.date(2010, 3, 31),
        )
        self.dudley_user = factories.make_user("dudley")
        factories.make_member(
            self.dudley_plan, self.dudley_user, PlanMembership.Role.COORDINATOR
        )
        self.admin = factories.make_user("admin", is_superuser=True, is_staff=True)


@pytest.fixture
def councils(db):
    return Councils()
