"""Calendar months and quarters as reports name them.

A reporting period is a calendar month identified by its first day. Every page, report,
import and command does its month arithmetic here, so a month has one first and last day. A scrutiny quarter is a
calendar quarter (January–March, April–June, July–September, October–December) identified
by its first month; headings also give the UK financial-year label (Q1 = April–June).
"""

import datetime
import re

_MONTH_KEY = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER_KEY = re.compile(r"^(\d{4})-q([1-4])$", re.IGNORECASE)


def month_first(day: datetime.date) -> datetime.date:
    """The first day of the month that holds `day`."""
    return day.replace(day=1)


def month_add(month: datetime.date, months: int) -> datetime.date:
    """The first day of the month `months` after (or before) the month of `month`."""
    index = month.year * 12 + (month.month - 1) + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def months_between(start: datetime.date, end: datetime.date) -> int:
    """How many months `end`'s month is after `start`'s (negative when before)."""
    return (end.year - start.year) * 12 + end.month - start.month


def month_range(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The months from `first`'s to `last`'s inclusive, as first days; [] when `last`
    is before `first`."""
    return [month_add(first, n) for n in range(months_between(first, last) + 1)]


def month_next(month: datetime.date) -> datetime.date:
    return month_add(month, 1)


def month_previous(month: datetime.date) -> datetime.date:
    return month_add(month, -1)


def month_last_day(month: datetime.date) -> datetime.date:
    """The last day of the month that holds `month`."""
    return month_add(month, 1) - datetime.timedelta(days=1)


def month_key(month: datetime.date) -> str:
    return f"{month:%Y-%m}"


def month_parse(value: str) -> datetime.date:
    """ "2009-08" → 1 August 2009; ValueError for anything else.

    The one contract for bad input in this project: a ValueError whose message says what
    was expected. Readers of looser text (an import's "Aug-09") build on this one.
    """
    match = _MONTH_KEY.match(value or "")
    if not match:
        raise ValueError(f"{value!r} is not a month written YYYY-MM")
    year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12:
        raise ValueError(f"{value!r} is not a month written YYYY-MM")
    return datetime.date(year, month, 1)


def quarter_start(month: datetime.date) -> datetime.date:
    """The first month of the calendar quarter that holds `month`."""
    return datetime.date(month.year, (month.month - 1) // 3 * 3 + 1, 1)


def quarter_months(start: datetime.date) -> list[datetime.date]:
    return month_range(start, month_add(start, 2))


def quarter_key(start: datetime.date) -> str:
    """ "2009-q3" for July–September 2009."""
    return f"{start.year}-q{(start.month - 1) // 3 + 1}"


def quarter_parse(value: str) -> datetime.date:
    """ "2009-q3" → 1 July 2009; ValueError for anything else."""
    match = _QUARTER_KEY.match(value or "")
    if not match:
        raise ValueError(f"{value!r} is not a quarter written YYYY-qN")
    return datetime.date(int(match[1]), (int(match[2]) - 1) * 3 + 1, 1)


def quarter_label(start: datetime.date) -> str:
    """ "July to September 2009 (Q2 2009/10)": calendar months, then the financial quarter."""
    end = month_add(start, 2)
    fy_start = start.year if start.month >= 4 else start.year - 1
    fy_quarter = ((start.month - 4) % 12) // 3 + 1
    return (
        f"{start:%B} to {end:%B %Y} "
        f"(Q{fy_quarter} {fy_start}/{(fy_start + 1) % 100:02d})"
    )


def plan_date_label(value: datetime.date) -> str:
    """A plan date as pages show it: "May 2009" for a month's first or last day (plans
    are written in months), else the day in full, "12 May 2009"."""
    if value.day == 1 or value == month_last_day(value):
        return f"{value:%b %Y}"
    return f"{value.day} {value:%b %Y}"
