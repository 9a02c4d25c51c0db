"""A report needs the same number of queries for a plan of 10 actions and of 200."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplans.models import (
    Evidence,
    Measure,
    MeasureTarget,
    MeasureValue,
    PlanMembership,
    ReportingPeriod,
)
from reporting import rendering
from reporting.selectors import (
    Kind,
    ReportFilters,
    dashboard_build,
    measures_report_build,
    period_report_build,
    scrutiny_pack_build,
)
from tests import factories

pytestmark = pytest.mark.django_db

AUGUST = datetime.date(2009, 8, 1)


def _grow(plan, periods, start: int, stop: int) -> None:
    rec = factories.make_recommendation(plan, str(start))
    lead = factories.make_officer()
    chief = factories.make_officer()
    # A measure for every action, with a target and an actual each month, and a
    # document on every update: the proof must not add a query per row either.
    for n in range(start, stop):
        action = factories.make_action(
            plan,
            f"{n}.1",
            leads=[lead],
            chief_officers=[chief],
            plan_finish=datetime.date(2009, 9, 30),
        )
        action.recommendations.add(rec)
        milestone = factories.make_milestone(
            action, plan_finish=datetime.date(2009, 8, 31)
        )
        milestone.leads.add(lead)
        measure = Measure.objects.create(
            plan=plan, name=f"Measure {n}", baseline_value=50, order=n
        )
        measure.actions.add(action)
        measure.milestones.add(milestone)
        MeasureTarget.objects.create(
            measure=measure, value=75, due=datetime.date(2010, 3, 31)
        )
        for period in periods:
            update = factories.make_update(period, action=action, status_label="Amber")
            factories.make_update(period, milestone=milestone, status_label="Red")
            MeasureValue.objects.create(measure=measure, period=period, value=60)
            Evidence.objects.create(
                update=update,
                title=f"Minutes {n}",
                refers_to=period.month,
                url="https://example.org/minutes",
            )


def _count(build) -> int:
    with CaptureQueriesContext(connection) as queries:
        report = build()
        if hasattr(report, "kind"):
            rendering.report_print_html(report)  # templates must not query either
    return len(queries)


def test_report_queries_do_not_grow_with_the_plan(client):
    plan = factories.make_plan()
    closed = ReportingPeriod.State.CLOSED
    periods = [
        factories.make_period(plan, 2009, 7, state=closed),
        factories.make_period(plan, 2009, 8, state=closed),
        factories.make_period(plan, 2009, 9),
    ]
    _grow(plan, periods, 1, 11)
    chief = plan.actions.first().chief_officers.get()
    builds = {
        kind: (
            lambda kind=kind: period_report_build(
                plan=plan,
                kind=kind,
                month=AUGUST,
                filters=ReportFilters(
                    chief_officer=chief.pk if kind == Kind.CHIEF_OFFICER else None
                ),
            )
        )
        for kind in Kind.PERIOD_REPORTS
    }
    builds["dashboard"] = lambda: dashboard_build(plan=plan)
    builds["measures"] = lambda: measures_report_build(plan=plan, month=AUGUST)
    builds["scrutiny"] = lambda: scrutiny_pack_build(plan=plan, quarter=AUGUST)
    user = factories.make_user()
    factories.make_member(plan, user, PlanMembership.Role.VIEWER)
    client.force_login(user)
    page = reverse("reporting:report", args=[plan.slug, "progress"])
    builds["progress page"] = lambda: client.get(page, {"period": "2009-08"})

    small = {name: _count(build) for name, build in builds.items()}
    _grow(plan, periods, 11, 201)
    assert plan.actions.count() == 200
    large = {name: _count(build) for name, build in builds.items()}
    assert large == small
    # The period reports read the plan in eleven queries (its approved amendments and
    # the month's register among them), after the stamp of its rows; then the proof
    # they show: the summary's measures in four queries (the measures, their targets,
    # their links and their actuals), the progress tables' evidence in one, and the
    # actions' cross-references ("See 12.1") in one more.
    assert small[Kind.SUMMARY] == 12 + 4
    for kind in [Kind.PROGRESS, Kind.CHIEF_OFFICER, Kind.EXCEPTIONS]:
        assert small[kind] == 12 + 1 + 1, kind
    # The month list, and the measures with their actuals month by month.
    assert small["measures"] == 1 + 5
    # The pack adds to its progress report's: its own reading of the plan, months and
    # cover (twelve), the measures with their actuals (five), the quarter's evidence
    # (one), the inspection's judgments (three: the inspection, its judgments, the
    # recommendations' links) and the previous committee report (one).
    assert small["scrutiny"] == small[Kind.PROGRESS] + 12 + 5 + 1 + 3 + 1
