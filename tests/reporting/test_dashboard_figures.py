"""The dashboard's month figures: a closed month is counted once, then read from the
shared cache, and never read stale."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actionplans import services
from actionplans.models import ProgressUpdate, StatusOption
from reporting import tasks
from reporting.selectors import dashboard, dashboard_build
from tests import factories

pytestmark = pytest.mark.django_db

AUGUST = datetime.date(2009, 8, 1)


def _figures(report) -> list:
    """What the dashboard shows: each month's counts, and the chosen month's table."""
    return [
        [
            (m.period.key, [(c.label, c.this_month) for c in m.counts])
            + (m.complete, m.overdue, m.total, m.slipped)
            for m in report.months
        ],
        report.status_labels,
        [
            (row.officer.name, row.counts, row.total)
            for row in report.chief_officer_rows
        ],
    ]


def _counted_afresh(plan, month=AUGUST) -> list:
    cache.clear()
    return _figures(dashboard_build(plan=plan, month=month))


def test_closed_months_are_counted_once_then_read(small_plan, monkeypatch):
    plan = small_plan.plan
    with CaptureQueriesContext(connection) as first:
        counted = _figures(dashboard_build(plan=plan, month=AUGUST))

    def no_counting(*args, **kwargs):
        raise AssertionError("a cached month was counted again")

    monkeypatch.setattr(dashboard, "_plan_rows", no_counting)
    with CaptureQueriesContext(connection) as again:
        read = _figures(dashboard_build(plan=plan, month=AUGUST))
    assert read == counted
    # The periods, the plan's stamp and its statuses; the plan's rows only when counting.
    assert len(again) == 3 < len(first)


def test_the_open_month_is_always_counted(small_plan, monkeypatch):
    plan = small_plan.plan
    dashboard_build(plan=plan, month=AUGUST)
    counted = []
    real = dashboard._month_series

    def counting(rows, periods, slug):
        counted.append([p.month.month for p in periods])
        return real(rows, periods, slug)

    monkeypatch.setattr(dashboard, "_month_series", counting)
    dashboard_build(plan=plan, month=datetime.date(2009, 9, 1))
    dashboard_build(plan=plan, month=datetime.date(2009, 9, 1))
    assert counted == [[9], [9]]


def _amend_august_update(p, coordinator):
    update = ProgressUpdate.objects.get(period=p.august, action=p.a43)
    red = StatusOption.objects.get(plan=p.plan, label="Amber")
    values = services.ItemValues(
        red, update.direction, update.progress, update.risk, None, update.version
    )
    services.update_amend(
        update=update, user=coordinator, values=values, reason="Reported wrongly."
    )


def _rename(row, **values):
    for name, value in values.items():
        setattr(row, name, value)
    row.save()


CHANGES = {
    "a closed month's update amended": _amend_august_update,
    "an action's plan finish moved": lambda p, c: _rename(
        p.a43, plan_finish=datetime.date(2009, 12, 31)
    ),
    "an action withdrawn in the month": lambda p, c: _rename(
        p.a43, withdrawn_in=AUGUST
    ),
    "a chief officer renamed": lambda p, c: _rename(
        p.chief, role_title="Director of Adults and Health"
    ),
    "a status relabelled": lambda p, c: _rename(
        StatusOption.objects.get(plan=p.plan, label="Red"), label="Red (late)"
    ),
    "an action's chief officer changed": lambda p, c: p.a43.chief_officers.set(
        [p.chief]
    ),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_cached_figures_are_never_stale(small_plan, coordinator, change):
    plan = small_plan.plan
    before = _figures(dashboard_build(plan=plan, month=AUGUST))
    change(small_plan, coordinator)
    read = _figures(dashboard_build(plan=plan, month=AUGUST))
    afresh = _counted_afresh(plan)
    assert afresh != before  # the change shows on the dashboard ...
    assert read == afresh  # ... at once


def test_work_on_the_open_month_keeps_closed_months_cached(small_plan, monkeypatch):
    plan = small_plan.plan
    dashboard_build(plan=plan, month=AUGUST)
    draft = ProgressUpdate.objects.filter(period=small_plan.september).first()
    _rename(draft, progress="Draft progress, edited.")
    factories.make_update(small_plan.september, action=small_plan.a11)
    monkeypatch.setattr(dashboard, "_plan_rows", None)  # any counting fails
    dashboard_build(plan=plan, month=AUGUST)


def test_closing_a_month_counts_its_figures_ahead(small_plan, monkeypatch):
    plan = small_plan.plan
    assert tasks.count_month_figures(small_plan.august.pk) == 2
    monkeypatch.setattr(dashboard, "_plan_rows", None)  # read, not counted
    assert len(dashboard_build(plan=plan, month=AUGUST).months) == 2
