"""Working days, and the timetable of a month's returns that reminders follow.

A working day is a weekday that is not a bank holiday in England and Wales. The holidays
come from govuk-bank-holidays' bundled copy of GOV.UK's list (no network), which starts in
2012; the demo plans run in 2008-2010, so the years before are written out here.
"""

import datetime
import functools
from dataclasses import dataclass

from django.db import models
from govuk_bank_holidays.bank_holidays import BankHolidays

from lib import months

# England and Wales bank holidays 2008-2011 (GOV.UK's list begins in 2012), substitute
# days included: Boxing Day 2009 and Christmas 2010 fell at weekends, and 2011 had the
# royal wedding (29 April).
_BANK_HOLIDAYS_BEFORE_2012 = frozenset(
    datetime.date.fromisoformat(day)
    for day in [
        "2008-01-01", "2008-03-21", "2008-03-24", "2008-05-05", "2008-05-26",
        "2008-08-25", "2008-12-25", "2008-12-26",
        "2009-01-01", "2009-04-10", "2009-04-13", "2009-05-04", "2009-05-25",
        "2009-08-31", "2009-12-25", "2009-12-28",
        "2010-01-01", "2010-04-02", "2010-04-05", "2010-05-03", "2010-05-31",
        "2010-08-30", "2010-12-27", "2010-12-28",
        "2011-01-03", "2011-04-22", "2011-04-25", "2011-04-29", "2011-05-02",
        "2011-05-30", "2011-08-29", "2011-12-26", "2011-12-27",
    ]
)  # fmt: skip


@functools.cache
def bank_holidays() -> frozenset[datetime.date]:
    """England and Wales bank holidays from 2008 to the end of the bundled list."""
    bundled = BankHolidays(use_cached_holidays=True).get_holidays(
        division=BankHolidays.ENGLAND_AND_WALES
    )
    return _BANK_HOLIDAYS_BEFORE_2012 | {holiday["date"] for holiday in bundled}


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays()


def add_working_days(day: datetime.date, n: int) -> datetime.date:
    """The nth working day after `day` (before it, for negative n); `day` itself for 0.

    `day` need not be a working day: the 1st working day after Saturday is Monday.
    """
    step = datetime.timedelta(days=1 if n > 0 else -1)
    for _ in range(abs(n)):
        day += step
        while not is_working_day(day):
            day += step
    return day


class Step(models.TextChoices):
    """The steps of a month's chasing, in order. A coordinator's "remind now" is logged
    with the day's date as its step instead, so it too goes at most once a day."""

    OPENING = "opening", "Returns open"
    REMINDER = "reminder", "Reminder"
    DEADLINE = "deadline", "Deadline day"
    CHIEFS = "escalation_1", "Escalation to chief officers"
    COORDINATORS = "escalation_2", "Escalation to coordinators"


@dataclass(frozen=True)
class ReturnSchedule:
    """The days of one month's returns for a plan, all working days."""

    month: datetime.date
    opening: datetime.date  # the first working day after the month ends
    reminder: datetime.date  # two working days before the deadline
    deadline: datetime.date  # the plan's Nth working day after the month ends
    chiefs: datetime.date  # escalation step 1: the day after the deadline
    coordinators: datetime.date  # escalation step 2: two working days after it

    def day_of(self, step: Step) -> datetime.date:
        return {
            Step.OPENING: self.opening,
            Step.REMINDER: self.reminder,
            Step.DEADLINE: self.deadline,
            Step.CHIEFS: self.chiefs,
            Step.COORDINATORS: self.coordinators,
        }[step]

    def step_due(self, steps: list[Step], *, on: datetime.date) -> Step | None:
        """Of `steps` (in order), the latest whose day has come by `on`, or None.

        Only the latest is due: a run that missed a day catches up with one message,
        not with every step it missed.
        """
        due = [step for step in steps if self.day_of(step) <= on]
        return due[-1] if due else None


def return_schedule(
    *, month: datetime.date, deadline_working_day: int
) -> ReturnSchedule:
    """The timetable of a month's returns under a plan's deadline (its Nth working day).

    The reminder never comes before the month's returns open: with a deadline on the 1st
    or 2nd working day it falls on the opening day, and only the later step is sent.
    """
    month_end = months.month_last_day(month)
    opening = add_working_days(month_end, 1)
    deadline = add_working_days(month_end, deadline_working_day)
    return ReturnSchedule(
        month=month,
        opening=opening,
        reminder=max(opening, add_working_days(deadline, -2)),
        deadline=deadline,
        chiefs=add_working_days(deadline, 1),
        coordinators=add_working_days(deadline, 2),
    )
