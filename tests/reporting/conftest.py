"""Shared data for the reporting tests: a small plan with three months, built by factories."""

import datetime
from types import SimpleNamespace

import pytest

from actionplans.models import PlanMembership, ReportingPeriod
from tests import factories

CLOSED = ReportingPeriod.State.CLOSED


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Stored PDFs go to a throw-away folder, never the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


def d(year: int, month: int, day: int) -> datetime.date:
    return datetime.date(year, month, day)


@pytest.fixture
def small_plan():
    """July and August 2009 closed, September open; two recommendations, three actions."""
    plan = factories.make_plan(title="Leeds IWC", slug="leeds-small")
    rec1 = factories.make_recommendation(
        plan, "1", text="Investigate concerns urgently."
    )
    rec2 = factories.make_recommendation(
        plan, "4", text="Progress the training strategy."
    )
    lead = factories.make_officer("Hilary Paxton", "Head of Adult Safeguarding")
    # Chief officers are usually roles without a name.
    chief = factories.make_officer("", "Director of Adult Social Services")
    chief2 = factories.make_officer("", "Chief Officer (Resources)")
    july = factories.make_period(plan, 2009, 7, state=CLOSED)
    august = factories.make_period(plan, 2009, 8, state=CLOSED)
    september = factories.make_period(plan, 2009, 9)

    a11 = factories.make_action(
        plan,
        "1.1",
        text="Meet partners to secure commitment.",
        aim="Arrangements meet national standards.",
        leads=[lead],
        chief_officers=[chief],
        plan_start=d(2008, 9, 1),
        plan_finish=d(2008, 11, 30),
        actual_finish=d(2008, 11, 30),
        plan_start_text="Sep-08",
        plan_finish_text="Nov-08",
        actual_finish_text="Nov-08",
        success_criteria="MOU signed by all partners",
    )
    a11.recommendations.add(rec1)
    a42 = factories.make_action(
        plan,
        "4.2",
        text="Agree mandatory multi-agency training programme.",
        leads=[lead],
        chief_officers=[chief2],
    )
    a42.recommendations.add(rec2)
    m42a = factories.make_milestone(
        a42,
        "(a)",
        order=0,
        text="Agree mandatory training programme.",
        plan_start=d(2009, 1, 1),
        plan_finish=d(2009, 5, 31),
        actual_finish=d(2009, 8, 31),
    )
    m42b = factories.make_milestone(
        a42,
        "(b)",
        order=1,
        text="Identify staff who require specific competencies.",
        plan_start=d(2009, 4, 1),
        plan_finish=d(2009, 9, 30),
    )
    a43 = factories.make_action(
        plan,
        "4.3",
        text="Monitor training via the subgroups.",
        leads=[factories.make_officer("Richard Graham", "QA Manager")],
        chief_officers=[chief2],
        plan_start=d(2009, 4, 1),
        plan_finish=d(2009, 7, 31),
    )
    a43.recommendations.add(rec2)

    for period, statuses in [
        (
            july,
            {
                "a11": "Blue",
                "m42a": "Amber",
                "m42b": "Amber",
                "a42": "Amber",
                "a43": "Amber",
            },
        ),
        (
            august,
            {
                "a11": "Blue",
                "m42a": "Green",
                "m42b": "Amber",
                "a42": "Amber",
                "a43": "Red",
            },
        ),
    ]:
        factories.make_update(
            period,
            action=a11,
            status_label=statuses["a11"],
            progress="COMPLETED",
            actual_finish=a11.actual_finish,
        )
        factories.make_update(
            period,
            milestone=m42a,
            status_label=statuses["m42a"],
            actual_finish=m42a.actual_finish if period == august else None,
        )
        factories.make_update(
            period,
            milestone=m42b,
            status_label=statuses["m42b"],
            direction="improving",
            progress="Report shared with the Safeguarding Board.",
        )
        factories.make_update(period, action=a42, status_label=statuses["a42"])
        factories.make_update(
            period,
            action=a43,
            status_label=statuses["a43"],
            direction="deteriorating" if period == august else "no_change",
            risk="Staff seconded to Swine Flu duties.",
        )
    factories.make_update(
        september, milestone=m42b, status_label="Amber", progress="Draft progress."
    )
    return SimpleNamespace(
        plan=plan,
        july=july,
        august=august,
        september=september,
        a11=a11,
        a42=a42,
        m42a=m42a,
        m42b=m42b,
        a43=a43,
        lead=lead,
        chief=chief,
        chief2=chief2,
        rec1=rec1,
        rec2=rec2,
    )


@pytest.fixture
def viewer(small_plan):
    user = factories.make_user()
    factories.make_member(small_plan.plan, user, PlanMembership.Role.VIEWER)
    return user


@pytest.fixture
def coordinator(small_plan):
    user = factories.make_user()
    factories.make_member(small_plan.plan, user, PlanMembership.Role.COORDINATOR)
    return user


@pytest.fixture
def outsider():
    """A user with a role on another plan only."""
    user = factories.make_user()
    factories.make_member(factories.make_plan(), user)
    return user
