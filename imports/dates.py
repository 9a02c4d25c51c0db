"""Reading the dates people write in action plans: "Sep-08", "End March 2010", "Q3 2009/10".

Pure functions. Every cell gives a `DateReading`; reading a cell never raises. The original
text is always kept by the caller; a word that is not a date ("Completed", "In progress") is
reported as a word, never turned into a guessed date, and anything else that cannot be read
is a warning. A month typed into a form or a command (`month_from_text`) is different: bad
input there is a ValueError whose message says what to type. Month arithmetic is lib.months'.
"""

import calendar
import datetime
import re
from dataclasses import dataclass
from typing import Literal

from lib.months import month_add, month_first, month_last_day, month_parse

Role = Literal["start", "finish"]
Kind = Literal["empty", "date", "word", "unreadable"]

_MONTHS = {
    name: number
    for number in range(1, 13)
    for name in {
        calendar.month_name[number].lower(),
        calendar.month_abbr[number].lower(),
    }
}
_MONTHS["sept"] = 9
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))

# Words that say how far an item has got rather than when: kept as a note.
_WORDS = {
    "completed": "completed",
    "complete": "completed",
    "done": "completed",
    "achieved": "completed",
    "commenced and ongoing": "in progress",
    "commenced": "in progress",
    "ongoing": "in progress",
    "on going": "in progress",
    "in progress": "in progress",
    "underway": "in progress",
    "under way": "in progress",
    "in place": "in place",
    "agreed": "agreed",
    "n/a": "not applicable",
    "na": "not applicable",
    "tbc": "to be confirmed",
    "tba": "to be confirmed",
    "to be confirmed": "to be confirmed",
    "-": "",
    "--": "",
}

_YEAR = r"(?P<year>\d{4}|'?\d{2})"
_QUARTER = re.compile(
    r"\b(?:q|qtr|quarter)\s*(?P<q>[1-4])\s*(?:of\s+)?(?P<fy>\d{2,4}\s*[/-]\s*\d{2,4})\b",
    re.IGNORECASE,
)
_FINANCIAL_YEAR = re.compile(
    r"(?<![\d/.-])(?P<a>\d{4}|\d{2})\s*[/-]\s*(?P<b>\d{4}|\d{2})(?![\d/.-])"
)
_DAY_MONTH_YEAR = re.compile(
    r"(?<![\d/.])(?P<day>\d{1,2})[./](?P<month>\d{1,2})[./](?P<year>\d{4}|\d{2})(?![\d/.])"
)
_ISO = re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b")
_DAY_NAME_YEAR = re.compile(
    rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month>{_MONTH_NAMES})\.?,?\s+{_YEAR}\b",
    re.IGNORECASE,
)
_MONTH_YEAR = re.compile(
    rf"\b(?P<month>{_MONTH_NAMES})\.?\s*[-/ ,']?\s*{_YEAR}\b", re.IGNORECASE
)
_END_YEAR = re.compile(
    r"\b(?:end|end of|by end of|by the end of)\s+(?P<year>\d{4})\b", re.I
)
_MONTH_SLASH_YEAR = re.compile(r"(?P<month>\d{1,2})\s*/\s*(?P<year>\d{4})")

_MONTH_MESSAGE = "Enter the month as a month and year, for example August 2009."


@dataclass(frozen=True)
class DateReading:
    """What a date cell says: a date, a word (kept as a note), or text that is not a date."""

    date: datetime.date | None
    kind: Kind
    note: str = ""

    @property
    def is_warning(self) -> bool:
        return self.kind == "unreadable"


def date_parse(text: object, *, role: Role = "finish") -> DateReading:
    """Read one date cell. A month-only date is the month's first day for a start and its
    last day for a finish; where a cell names several dates, a start takes the earliest and
    a finish the latest ("December 2009 and June 2010" finishes in June 2010)."""
    try:
        return _parse(text, role)
    except Exception:  # noqa: BLE001 - a reading never fails: anything odd is a warning.
        return DateReading(None, "unreadable", "could not be read as a date")


def date_from_cell(
    value: datetime.date, *, month_format: bool, role: Role = "finish"
) -> tuple[datetime.date, str]:
    """A real (Excel) date cell: its date, and the text to keep as written.

    The cell holds an exact day and keeps it, whatever its display format: 20 March 2026
    shown as "Mar-26" is 20 March. The one exception is how Excel stores a month typed as
    "Mar-26": the month's first day, shown in a month-only format (`month_format`). That
    is a month, read as the text "Mar-26" is read: its first day for a start and its last
    day for a finish, kept as "Mar-26". An exact day is kept as "20/03/2026", which reads
    back as the same day, so that an exported plan imports again unchanged.
    """
    if isinstance(value, datetime.datetime):
        value = value.date()
    if month_format and value.day == 1:
        return _month_day(value.year, value.month, role), f"{value:%b-%y}"
    return value, f"{value:%d/%m/%Y}"


def month_from_text(text: str) -> datetime.date:
    """ "August 2009", "Aug-09", "08/2009" or "2009-08" → 1 August 2009.

    Raises ValueError, with a message that says what to type, for anything else.
    """
    cleaned = " ".join((text or "").split())
    try:
        return month_parse(cleaned)
    except ValueError:
        pass
    numeric = _MONTH_SLASH_YEAR.fullmatch(cleaned)
    if numeric:
        # Read here, not by date_parse, which takes "08/2009" for the year 2008/09.
        if not 1 <= int(numeric["month"]) <= 12:
            raise ValueError(_MONTH_MESSAGE)
        return datetime.date(int(numeric["year"]), int(numeric["month"]), 1)
    reading = date_parse(cleaned, role="start")
    if reading.date is None:
        raise ValueError(_MONTH_MESSAGE)
    return month_first(reading.date)


def _parse(text: object, role: Role) -> DateReading:
    if text is None:
        return DateReading(None, "empty")
    if isinstance(text, datetime.datetime):
        return DateReading(text.date(), "date")
    if isinstance(text, datetime.date):
        return DateReading(text, "date")
    cleaned = " ".join(str(text).split())
    if not cleaned:
        return DateReading(None, "empty")
    if len(cleaned) > 200:
        return DateReading(None, "unreadable", "too long to be a date")
    word = _WORDS.get(cleaned.lower().strip(" .!"))
    if word is not None:
        return DateReading(None, "word", word)
    found = _dates_in(cleaned, role)
    if found:
        chosen = min(found) if role == "start" else max(found)
        rest = _MONTH_YEAR.sub("", cleaned)
        note = _word_in(rest)
        return DateReading(chosen, "date", note)
    note = _word_in(cleaned)
    if note:
        return DateReading(None, "word", note)
    return DateReading(None, "unreadable", "not a date")


def _dates_in(text: str, role: Role) -> list[datetime.date]:
    found: list[datetime.date] = []
    remaining = text

    def take(pattern: re.Pattern, convert) -> None:
        nonlocal remaining
        for match in pattern.finditer(remaining):
            value = convert(match)
            if value is not None:
                found.append(value)
        remaining = pattern.sub(" ", remaining)

    take(_QUARTER, lambda m: _quarter(m, role))
    take(_ISO, lambda m: _safe_date(m["year"], m["month"], m["day"]))
    take(_DAY_MONTH_YEAR, lambda m: _safe_date(m["year"], m["month"], m["day"]))
    take(
        _DAY_NAME_YEAR,
        lambda m: _safe_date(m["year"], _MONTHS[m["month"].lower()], m["day"]),
    )
    take(
        _MONTH_YEAR,
        lambda m: _month_day(_year(m["year"]), _MONTHS[m["month"].lower()], role),
    )
    take(_END_YEAR, lambda m: datetime.date(int(m["year"]), 12, 31))
    take(_FINANCIAL_YEAR, lambda m: _financial_year(m, role))
    return found


def _word_in(text: str) -> str:
    lowered = text.lower()
    for phrase, note in sorted(_WORDS.items(), key=lambda item: -len(item[0])):
        if len(phrase) > 2 and re.search(rf"\b{re.escape(phrase)}\b", lowered):
            return note
    return ""


def _year(text: str) -> int:
    digits = text.lstrip("'")
    year = int(digits)
    if len(digits) == 2:
        year += 2000 if year < 70 else 1900
    return year


def _month_day(year: int, month: int, role: Role) -> datetime.date:
    """A month-only date: the month's first day for a start, its last day for a finish."""
    first = datetime.date(year, month, 1)
    return first if role == "start" else month_last_day(first)


def _safe_date(year: str, month, day) -> datetime.date | None:
    try:
        return datetime.date(_year(year), int(month), int(day))
    except ValueError:
        return None


def _financial_year_start(text: str) -> int | None:
    """ "2009/10" -> 2009: UK financial years run from April to March."""
    match = re.fullmatch(r"(\d{4}|\d{2})\s*[/-]\s*(\d{4}|\d{2})", text.strip())
    if not match:
        return None
    first, second = _year(match[1]), _year(match[2])
    if second % 100 != (first + 1) % 100:
        return None
    return first


def _financial_year(match: re.Match, role: Role) -> datetime.date | None:
    first = _financial_year_start(match[0])
    if first is None:
        return None
    return (
        datetime.date(first, 4, 1)
        if role == "start"
        else datetime.date(first + 1, 3, 31)
    )


def _quarter(match: re.Match, role: Role) -> datetime.date | None:
    first = _financial_year_start(match["fy"])
    if first is None:
        return None
    # Q1 is April to June, Q4 January to March of the following calendar year.
    start = month_add(datetime.date(first, 4, 1), 3 * (int(match["q"]) - 1))
    if role == "start":
        return start
    return month_last_day(month_add(start, 2))
