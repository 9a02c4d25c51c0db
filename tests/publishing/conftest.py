"""A small published plan whose months carry every internal field, with unique texts that
the redaction tests search for in the public output."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from actionplans.models import Evidence, PlanMembership, ReportingPeriod
from recommendations.models import Judgment
from tests import factories

CLOSED = ReportingPeriod.State.CLOSED

# Internal texts: none may reach a public page while the plan keeps them back.
LEAD = "Hilary Paxton"
CHIEF = "Director of Adult Social Services"
RISK = "Partner governance may delay the protocol"
PERIOD_RISK = "Staff seconded to Swine Flu duties"
EVIDENCE = "Safeguarding Board minutes"
# Exempt items: never on a public page, whatever the settings.
EXEMPT_ACTION_TEXT = "Review the confidential staffing case"
EXEMPT_ACTION_PROGRESS = "Disciplinary hearing set for September"
EXEMPT_MILESTONE_TEXT = "Settle the legal claim"
EXEMPT_MILESTONE_PROGRESS = "Counsel's opinion received"
# Draft words of the open month: never public.
OPEN_PROGRESS = "September draft progress words"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def d(year: int, month: int, day: int) -> datetime.date:
    return datetime.date(year, month, day)


@pytest.fixture
def published():
    """July and August 2009 closed, September open; published with nothing internal."""
    plan = factories.make_plan(title="Leeds IWC", slug="leeds-public")
    inspection = plan.inspection
    inspection.rating = "Adequate, promising capacity to improve"
    inspection.key_strengths = "Strong partnership working."
    inspection.areas_for_development = "Safeguarding practice."
    inspection.save()
    judgment = Judgment.objects.create(
        inspection=inspection, area="Safeguarding adults", grade="Poor"
    )
    rec = factories.make_recommendation(
        plan, "1", text="Investigate concerns urgently.", judgment=judgment
    )
    lead = factories.make_officer(LEAD, "Head of Adult Safeguarding")
    chief = factories.make_officer("", CHIEF)
    july = factories.make_period(plan, 2009, 7, state=CLOSED, closed_at=timezone.now())
    august = factories.make_period(
        plan,
        2009,
        8,
        state=CLOSED,
        closed_at=timezone.now(),
        risks=PERIOD_RISK,
        overview="A good month.",
    )
    september = factories.make_period(plan, 2009, 9)

    a11 = factories.make_action(
        plan,
        "1.1",
        text="Meet partners to secure commitment.",
        leads=[lead],
        chief_officers=[chief],
        plan_start=d(2009, 6, 1),
        plan_finish=d(2009, 8, 31),
        success_criteria="MOU signed by all partners",
    )
    a11.recommendations.add(rec)
    a12 = factories.make_action(
        plan,
        "1.2",
        text="Appoint a head of safeguarding.",
        leads=[lead],
        chief_officers=[chief],
        plan_start=d(2009, 7, 1),
        plan_finish=d(2010, 1, 31),
    )
    a12.recommendations.add(rec)
    m12a = factories.make_milestone(
        a12,
        "(a)",
        text="Post advertised.",
        plan_start=d(2009, 7, 1),
        plan_finish=d(2009, 9, 30),
    )
    m12b = factories.make_milestone(
        a12,
        "(b)",
        text=EXEMPT_MILESTONE_TEXT,
        plan_start=d(2009, 7, 1),
        plan_finish=d(2009, 9, 30),
        not_for_publication=True,
    )
    a13 = factories.make_action(
        plan,
        "1.3",
        text=EXEMPT_ACTION_TEXT,
        leads=[lead],
        plan_start=d(2009, 7, 1),
        plan_finish=d(2009, 12, 31),
        not_for_publication=True,
    )
    a13.recommendations.add(rec)

    for period, words in [(july, "July"), (august, "August")]:
        update = factories.make_update(
            period,
            action=a11,
            status_label="Amber",
            direction="improving",
            progress=f"Partners met in {words}.",
            risk=RISK,
            workflow_state="approved",
        )
        factories.make_update(
            period,
            milestone=m12a,
            status_label="Green",
            progress=f"Advert placed in {words}.",
            workflow_state="approved",
        )
        factories.make_update(
            period,
            milestone=m12b,
            status_label="Red",
            progress=EXEMPT_MILESTONE_PROGRESS,
            workflow_state="approved",
        )
        factories.make_update(
            period,
            action=a13,
            status_label="Red",
            progress=EXEMPT_ACTION_PROGRESS,
            workflow_state="approved",
        )
    Evidence.objects.create(
        update=update,
        title=EVIDENCE,
        refers_to=d(2009, 7, 30),
        url="https://www.leeds.gov.uk/board/minutes-july-2009",
    )
    factories.make_update(
        september, action=a11, status_label="Amber", progress=OPEN_PROGRESS
    )

    coordinator = factories.make_user("coordinator")
    factories.make_member(plan, coordinator, PlanMembership.Role.COORDINATOR)
    plan.published_at = timezone.now()
    plan.published_by = coordinator
    plan.save()
    return SimpleNamespace(
        plan=plan,
        rec=rec,
        july=july,
        august=august,
        september=september,
        a11=a11,
        a12=a12,
        a13=a13,
        m12a=m12a,
        m12b=m12b,
        coordinator=coordinator,
    )


@pytest.fixture
def viewer(published):
    """A board viewer of the plan: may read it, not publish it."""
    user = factories.make_user("viewer")
    factories.make_member(published.plan, user, PlanMembership.Role.VIEWER)
    return user


@pytest.fixture
def other_coordinator():
    """The coordinator of another council's plan."""
    plan = factories.make_plan(
        inspection=factories.make_inspection(
            organisation=factories.make_organisation("Dudley MBC")
        )
    )
    user = factories.make_user("dudley")
    factories.make_member(plan, user, PlanMembership.Role.COORDINATOR)
    return user
