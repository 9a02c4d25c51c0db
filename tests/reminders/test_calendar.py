"""Working days and the timetable of a month's returns."""

import datetime

import pytest

from reminders.calendar import (
    Step,
    add_working_days,
    is_working_day,
    return_schedule,
)

D = datetime.date


def test_weekends_are_not_working_days():
    assert add_working_days(D(2009, 10, 2), 1) == D(2009, 10, 5)  # Friday to Monday
    assert add_working_days(D(2009, 10, 5), -1) == D(2009, 10, 2)
    assert add_working_days(D(2009, 10, 3), 0) == D(2009, 10, 3)


@pytest.mark.parametrize(
    "day",
    [
        D(2008, 12, 26),  # Boxing Day, from the table written out before 2012
        D(2009, 12, 28),  # Boxing Day 2009 (a Saturday) moved to Monday
        D(2010, 12, 27),  # Christmas 2010 (a Saturday) moved to Monday
        D(2011, 4, 29),  # the royal wedding
        D(2020, 5, 8),  # VE Day 2020 (moved from the May bank holiday): bundled data
    ],
)
def test_bank_holidays_in_england_and_wales_are_not_working_days(day):
    assert day.weekday() < 5
    assert not is_working_day(day)


@pytest.mark.parametrize(
    "month, n, deadline",
    [
        # September 2009, the demo's open month: Thu 1 ... Wed 7 October.
        (D(2009, 9, 1), 5, D(2009, 10, 7)),
        # Easter 2009: Good Friday 10 and Easter Monday 13 April are skipped.
        (D(2009, 3, 1), 8, D(2009, 4, 14)),
        # The early May bank holiday (Mon 4 May 2009) is skipped.
        (D(2009, 4, 1), 5, D(2009, 5, 8)),
        # New Year's Day 2010 is skipped: the 5th working day is Friday 8 January.
        (D(2009, 12, 1), 5, D(2010, 1, 8)),
        # Across Christmas 2010: both substitute days (27, 28 December) are skipped.
        (D(2010, 11, 1), 20, D(2010, 12, 30)),
        # Bundled GOV.UK data: VE Day, Friday 8 May 2020.
        (D(2020, 4, 1), 6, D(2020, 5, 11)),
    ],
)
def test_the_deadline_is_the_plans_nth_working_day_after_the_month(month, n, deadline):
    assert return_schedule(month=month, deadline_working_day=n).deadline == deadline


def test_september_2009_schedule():
    schedule = return_schedule(month=D(2009, 9, 1), deadline_working_day=5)
    assert schedule.opening == D(2009, 10, 1)
    assert schedule.reminder == D(2009, 10, 5)
    assert schedule.deadline == D(2009, 10, 7)
    assert schedule.chiefs == D(2009, 10, 8)
    assert schedule.coordinators == D(2009, 10, 9)


def test_the_reminder_never_comes_before_returns_open():
    schedule = return_schedule(month=D(2009, 9, 1), deadline_working_day=1)
    assert schedule.opening == schedule.reminder == schedule.deadline
    steps = [Step.OPENING, Step.REMINDER, Step.DEADLINE]
    assert schedule.step_due(steps, on=D(2009, 10, 1)) == Step.DEADLINE


def test_the_step_due_is_the_latest_whose_day_has_come():
    """A run that missed days catches up with one step, not every one it missed."""
    schedule = return_schedule(month=D(2009, 9, 1), deadline_working_day=5)
    steps = [Step.OPENING, Step.REMINDER, Step.DEADLINE]
    assert schedule.step_due(steps, on=D(2009, 9, 30)) is None
    assert schedule.step_due(steps, on=D(2009, 10, 1)) == Step.OPENING
    assert schedule.step_due(steps, on=D(2009, 10, 4)) == Step.OPENING
    assert schedule.step_due(steps, on=D(2009, 10, 6)) == Step.REMINDER
    assert schedule.step_due(steps, on=D(2010, 3, 1)) == Step.DEADLINE
