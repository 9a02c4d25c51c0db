"""The four summary lists, counts and exceptions, across period boundaries."""

import datetime

import pytest

from actionplans.models import ReportingPeriod
from reporting.selectors import (
    Kind,
    ReportError,
    ReportFilters,
    period_report_build,
)
from tests import factories

from .conftest import d

pytestmark = pytest.mark.django_db

AUGUST = datetime.date(2009, 8, 1)
SEPTEMBER = datetime.date(2009, 9, 1)


def _numbers(items) -> list[str]:
    return [item.number for item in items]


@pytest.fixture
def boundary_plan():
    """August 2009 closed, September open; one action per boundary case."""
    plan = factories.make_plan()
    august = factories.make_period(plan, 2009, 8, state=ReportingPeriod.State.CLOSED)
    factories.make_period(plan, 2009, 9)

    def action(number, status="Amber", update_finish=None, **dates):
        item = factories.make_action(plan, number, text=f"Action {number}", **dates)
        factories.make_update(
            august, action=item, status_label=status, actual_finish=update_finish
        )
        return item

    action("1", plan_finish=d(2009, 8, 31))  # finishes on August's last day
    action("2", plan_finish=d(2009, 9, 1))  # on the first day of the next month
    action("3")  # no dates at all
    action(  # completed early: due in September, finished in August
        "4",
        "Green",
        update_finish=d(2009, 8, 10),
        plan_start=d(2009, 6, 1),
        plan_finish=d(2009, 9, 30),
        actual_finish=d(2009, 8, 10),
    )
    action(  # completed late: due in June, finished in August
        "5",
        "Green",
        update_finish=d(2009, 8, 20),
        plan_start=d(2009, 1, 1),
        plan_finish=d(2009, 6, 30),
        actual_finish=d(2009, 8, 20),
    )
    action("6", "Grey", plan_start=d(2009, 9, 1), plan_finish=d(2009, 12, 31))
    action("7", "Amber", plan_start=d(2009, 8, 31), plan_finish=d(2009, 12, 31))
    action("8", "Blue", plan_finish=d(2009, 9, 30))  # complete by status, no date
    action("9", plan_finish=d(2009, 9, 30))  # last day of the next month
    action("10", "Grey", plan_start=d(2009, 10, 1), plan_finish=d(2009, 10, 1))
    # Finished after August closed: the frozen August update has no actual finish.
    action("11", plan_finish=d(2009, 7, 31), actual_finish=d(2009, 9, 15))
    # The item says it finished in August, but the closed month's update does not.
    action("12", plan_finish=d(2009, 12, 31), actual_finish=d(2009, 8, 5))
    return plan


def test_completed_this_period_is_the_actual_finish_within_the_month(boundary_plan):
    report = period_report_build(plan=boundary_plan, kind=Kind.SUMMARY, month=AUGUST)
    assert _numbers(report.lists.completed) == ["4", "5"]


def test_overdue_includes_the_last_day_and_excludes_complete_items(boundary_plan):
    """Plan finish on 31 August counts; completed late (5) is not overdue."""
    report = period_report_build(plan=boundary_plan, kind=Kind.SUMMARY, month=AUGUST)
    assert _numbers(report.lists.overdue) == ["1", "11"]


def test_due_next_period_is_the_next_calendar_month_and_not_complete(boundary_plan):
    """1 and 30 September count; completed early (4) and Blue (8) do not."""
    report = period_report_build(plan=boundary_plan, kind=Kind.SUMMARY, month=AUGUST)
    assert _numbers(report.lists.due_next) == ["2", "9"]


def test_commencing_next_period_is_a_plan_start_within_the_next_month(boundary_plan):
    report = period_report_build(plan=boundary_plan, kind=Kind.SUMMARY, month=AUGUST)
    assert _numbers(report.lists.commencing_next) == ["6"]


def test_an_item_without_dates_is_in_no_list(boundary_plan):
    report = period_report_build(plan=boundary_plan, kind=Kind.SUMMARY, month=AUGUST)
    lists = report.lists
    every = lists.completed + lists.overdue + lists.due_next + lists.commencing_next
    assert "3" not in _numbers(every)


def test_a_closed_month_reads_only_its_frozen_updates(boundary_plan):
    """12's own actual finish is in August, but August's update has none: not completed."""
    report = period_report_build(plan=boundary_plan, kind=Kind.SUMMARY, month=AUGUST)
    twelve = next(u for u in report.units if u.number == "12")
    assert twelve.actual_finish is None and not twelve.is_complete


def test_an_open_month_uses_the_items_own_actual_finish(boundary_plan):
    """September is open: 11 finished on 15 September and is no longer overdue."""
    report = period_report_build(plan=boundary_plan, kind=Kind.SUMMARY, month=SEPTEMBER)
    assert report.is_draft
    assert _numbers(report.lists.completed) == ["11"]
    assert "11" not in _numbers(report.lists.overdue)


def test_milestones_are_the_dated_unit_where_an_action_has_them(small_plan):
    report = period_report_build(plan=small_plan.plan, kind=Kind.SUMMARY, month=AUGUST)
    assert _numbers(report.lists.completed) == ["4.2 (a)"]
    assert _numbers(report.lists.due_next) == ["4.2 (b)"]
    assert _numbers(report.lists.overdue) == ["4.3"]
    assert _numbers(report.units) == ["1.1", "4.2 (a)", "4.2 (b)", "4.3"]


def test_counts_by_status_show_the_change_from_last_month(small_plan):
    report = period_report_build(plan=small_plan.plan, kind=Kind.SUMMARY, month=AUGUST)
    counts = {c.label: (c.this_month, c.last_month, c.change) for c in report.counts}
    assert counts["Blue"] == (1, 1, 0)
    assert counts["Green"] == (1, 0, 1)
    assert counts["Amber"] == (1, 3, -2)
    assert counts["Red"] == (1, 0, 1)
    assert report.counts_line == "4 items: 1 Blue, 1 Green, 1 Amber, 1 Red"


def test_last_month_is_the_previous_periods_update(small_plan):
    report = period_report_build(plan=small_plan.plan, kind=Kind.PROGRESS, month=AUGUST)
    a43 = next(b for b in report.blocks if b.action.number == "4.3").action
    assert a43.last_month.status.label == "Amber"
    assert a43.this_month.status.label == "Red" and a43.this_month.arrow == "↓"


def test_progress_groups_actions_under_their_recommendations(small_plan):
    report = period_report_build(plan=small_plan.plan, kind=Kind.PROGRESS, month=AUGUST)
    assert [[r.number for r in g.recommendations] for g in report.groups] == [
        ["1"],
        ["4"],
    ]
    assert [b.action.number for b in report.groups[1].blocks] == ["4.2", "4.3"]
    assert _numbers(report.groups[1].blocks[0].milestones) == ["4.2 (a)", "4.2 (b)"]


def test_exceptions_are_red_overdue_deteriorating_or_slipped(small_plan):
    report = period_report_build(
        plan=small_plan.plan, kind=Kind.EXCEPTIONS, month=AUGUST
    )
    assert {u.number: u.reasons for u in report.units} == {
        "4.3": ["Red", "Overdue", "Deteriorating ↓", "Slipped from Amber"]
    }


def test_a_complete_item_that_reopens_has_slipped(small_plan):
    update = small_plan.august.updates.get(action=small_plan.a11)
    update.status = small_plan.plan.statuses.get(label="Amber")
    update.actual_finish = None
    update.save()
    report = period_report_build(
        plan=small_plan.plan, kind=Kind.EXCEPTIONS, month=AUGUST
    )
    assert (
        "Slipped from Blue"
        in next(u for u in report.units if u.number == "1.1").reasons
    )


def test_chief_officer_report_keeps_only_their_actions(small_plan):
    report = period_report_build(
        plan=small_plan.plan,
        kind=Kind.CHIEF_OFFICER,
        month=AUGUST,
        filters=ReportFilters(chief_officer=small_plan.chief2.pk),
    )
    assert [b.action.number for b in report.blocks] == ["4.2", "4.3"]
    assert report.chief_officer.name == "Chief Officer (Resources)"
    assert report.counts_line == "3 items: 1 Green, 1 Amber, 1 Red"


def test_filters_by_recommendation_lead_and_status(small_plan):
    def numbers(**filters):
        report = period_report_build(
            plan=small_plan.plan, month=AUGUST, filters=ReportFilters(**filters)
        )
        return _numbers(report.units)

    assert numbers(recommendation="1") == ["1.1"]
    assert numbers(lead=small_plan.lead.pk) == ["1.1", "4.2 (a)", "4.2 (b)"]
    assert numbers(status="Amber") == ["4.2 (b)"]


def test_bad_arguments_raise_a_report_error(small_plan):
    plan = small_plan.plan
    with pytest.raises(ReportError, match="no reporting period"):
        period_report_build(plan=plan, month=datetime.date(2010, 1, 1))
    with pytest.raises(ReportError, match="Choose a chief officer"):
        period_report_build(plan=plan, kind=Kind.CHIEF_OFFICER)
    with pytest.raises(ReportError, match="no recommendation 99"):
        period_report_build(plan=plan, filters=ReportFilters(recommendation="99"))
    with pytest.raises(ReportError, match="no status Purple"):
        period_report_build(plan=plan, filters=ReportFilters(status="Purple"))


def test_default_period_is_the_latest_closed_month(small_plan):
    assert period_report_build(plan=small_plan.plan).period.month == AUGUST


def test_counts_lines_read_as_sentences(small_plan):
    report = period_report_build(
        plan=small_plan.plan, kind=Kind.EXCEPTIONS, month=AUGUST
    )
    assert report.counts_line == "1 item: 1 Red"
    assert report.last_counts_line == "1 Amber"


def test_an_exact_day_kept_from_a_date_cell_is_shown_with_its_day(small_plan):
    """An import keeps a date cell's day as "05/08/2009"; the report shows that day."""
    action = small_plan.plan.actions.get(number="1.1")
    action.plan_finish = datetime.date(2009, 8, 5)
    action.plan_finish_text = "05/08/2009"
    action.save()
    report = period_report_build(plan=small_plan.plan, kind=Kind.PROGRESS)
    item = next(b.action for b in report.blocks if b.action.number == "1.1")
    assert item.plan_finish_label == "5 Aug 2009"
    assert item.plan_start_label == "Sep 2008"  # "Sep-08" stays a month
