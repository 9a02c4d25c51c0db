import datetime
from types import SimpleNamespace

import pytest
from django.test import Client

from actionplans.models import (
    Evidence,
    Measure,
    MeasureTarget,
    MeasureValue,
    PlanMembership,
    ReportingPeriod,
)
from feeds import services
from tests import factories

CLOSED = ReportingPeriod.State.CLOSED
d = datetime.date

# Text that a public token must never read (checked in the raw response bodies).
RISK = "Partners may withdraw RISKTEXT"
LEAD = "Hilary Paxton"
CHIEF = "Director of Adult Social Services"
EVIDENCE = "Board minutes EVIDENCETITLE"
EXEMPT_ACTION = "Review the disciplinary case EXEMPTACTION"
EXEMPT_MILESTONE = "Settle the claim EXEMPTMILESTONE"
OPEN_MONTH = "Written in the open month OPENMONTH"


@pytest.fixture
def feed_plan(db):
    """July and August 2009 closed, September open; a public action with risk, officers
    and evidence, an exempt action, an action with a public and an exempt milestone,
    and a measure."""
    plan = factories.make_plan(title="Leeds IWC", slug="leeds-feed")
    lead = factories.make_officer(LEAD, "Head of Adult Safeguarding")
    chief = factories.make_officer("", CHIEF)
    july = factories.make_period(plan, 2009, 7, state=CLOSED)
    august = factories.make_period(plan, 2009, 8, state=CLOSED)
    september = factories.make_period(plan, 2009, 9)
    a11 = factories.make_action(
        plan,
        "1.1",
        text="Meet partners to secure commitment.",
        leads=[lead],
        chief_officers=[chief],
        plan_start=d(2009, 6, 1),
        plan_finish=d(2009, 12, 31),
    )
    a12 = factories.make_action(
        plan, "1.2", text=EXEMPT_ACTION, not_for_publication=True
    )
    a21 = factories.make_action(plan, "2.1", text="Train the staff.")
    m21a = factories.make_milestone(a21, "(a)", text="Training plan agreed")
    m21b = factories.make_milestone(
        a21, "(b)", text=EXEMPT_MILESTONE, not_for_publication=True
    )
    for period in (july, august):
        factories.make_update(
            period,
            action=a11,
            status_label="Amber",
            progress=f"On track in {period.month:%B}.",
            risk=RISK,
            direction="improving",
        )
        factories.make_update(period, milestone=m21a, status_label="Green")
    august_update = a11.updates.get(period=august)
    Evidence.objects.create(
        update=august_update,
        title=EVIDENCE,
        refers_to=d(2009, 8, 14),
        url="https://www.leeds.gov.uk/board/minutes",
    )
    factories.make_update(september, action=a11, progress=OPEN_MONTH)
    reviews = Measure.objects.create(
        plan=plan, name="Timely reviews", baseline_value=63, order=1
    )
    reviews.actions.add(a11)
    MeasureTarget.objects.create(
        measure=reviews, label="Year 1", value=76, due=d(2010, 3, 31)
    )
    MeasureValue.objects.create(measure=reviews, period=august, value=74)
    secret_measure = Measure.objects.create(
        plan=plan, name="Claims settled EXEMPTMEASURE", order=2
    )
    secret_measure.actions.add(a12)

    coordinator = factories.make_user("coordinator")
    factories.make_member(plan, coordinator, PlanMembership.Role.COORDINATOR)
    viewer = factories.make_user("viewer")
    factories.make_member(plan, viewer, PlanMembership.Role.VIEWER)
    return SimpleNamespace(
        plan=plan,
        july=july,
        august=august,
        september=september,
        a11=a11,
        a12=a12,
        a21=a21,
        m21a=m21a,
        m21b=m21b,
        coordinator=coordinator,
        viewer=viewer,
    )


@pytest.fixture
def other_council():
    """A coordinator of another council's plan."""
    dudley = factories.make_organisation("Dudley MBC")
    plan = factories.make_plan(
        slug="dudley", inspection=factories.make_inspection(organisation=dudley)
    )
    user = factories.make_user("dudley-coordinator")
    factories.make_member(plan, user, PlanMembership.Role.COORDINATOR)
    return SimpleNamespace(plan=plan, user=user)


@pytest.fixture
def public_token(feed_plan):
    return services.feed_token_create(
        plan=feed_plan.plan,
        name="Public dashboard",
        allows_internal=False,
        user=feed_plan.coordinator,
    )


@pytest.fixture
def internal_token(feed_plan):
    return services.feed_token_create(
        plan=feed_plan.plan,
        name="Power BI: DMT",
        allows_internal=True,
        user=feed_plan.coordinator,
    )


@pytest.fixture
def feed_get():
    """GET a feed address with a token (or none), as a program does: no session."""

    def get(url: str, secret: str | None = None, **extra):
        headers = {"Authorization": f"Bearer {secret}"} if secret else {}
        return Client().get(url, headers=headers, **extra)

    return get
