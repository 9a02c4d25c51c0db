"""The Measures sheet of a plan workbook, both ways: a plan's measures as its rows (for the
export) and its rows read back as the measures part of a plan document (fixtures/SCHEMA.md,
measures.json), which PlanLoader.load_measures loads.

One row per measure: Measure, Unit, Better when, Baseline, Baseline date, Targets,
Evidences, Source, then one column per month ("Aug 2009") holding that month's actual. The
targets share one cell, "Year 1: 76 by 31/03/2009; Year 2: 80 by 31/03/2010", and the
actions and milestones one cell, "11.1 (a); 9.2", so that an officer reads and edits a whole
measure on its row. Nothing here touches the database: what only the plan can decide (its
items, its months, what a closed month holds) the loader checks.
"""

import datetime
import decimal
import re
from dataclasses import dataclass, field
from typing import Any

from actionplans.models import Measure, MeasureTarget
from lib import limits
from lib.months import month_first, month_key
from recommendations.numbering import number_sort_key

from .columns import text_normal
from .dates import date_parse, month_from_text
from .layouts import Problem
from .reading import Cell, Row, Sheet

MEASURES_SHEET = "Measures"
_SHEET_NAME = MEASURES_SHEET.casefold()  # however the sheet's name is written

# The columns in the order the export writes them, with their headers.
COLUMNS = {
    "name": "Measure",
    "unit": "Unit",
    "better": "Better when",
    "baseline_value": "Baseline",
    "baseline_date": "Baseline date",
    "targets": "Targets",
    "evidences": "Evidences",
    "source": "Source",
}
_HEADERS = {text_normal(header): name for name, header in COLUMNS.items()} | {
    "measure name": "name",
    "better": "better",
    "baseline value": "baseline_value",
    "target": "targets",
    "evidence": "evidences",
    "actions and milestones": "evidences",
}
_UNITS = {
    "%": Measure.Unit.PERCENT,
    "percent": Measure.Unit.PERCENT,
    "percentage": Measure.Unit.PERCENT,
    "number": Measure.Unit.NUMBER,
    "count": Measure.Unit.NUMBER,
    "days": Measure.Unit.DAYS,
    "day": Measure.Unit.DAYS,
}
_BETTER = {
    "higher": True,
    "higher is better": True,
    "lower": False,
    "lower is better": False,
}
_NUMBER = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_TARGET = re.compile(
    r"^(?:(?P<label>.*\S)\s*:\s*)?(?P<value>[^:]+?)\s+by\s+(?P<due>\S.*)$", re.I
)
# A month header as the export writes it ("Aug 2009") or as people type one.
_MONTH_HEADER = re.compile(r"^[a-z]{3,9}\.?[\s'-]*\d{2}(?:\d{2})?$|^\d{4}-\d{2}$", re.I)
_SEPARATORS = re.compile(r"[;\n]+")
_LARGEST = decimal.Decimal(10) ** 12  # a Measure value's 14 digits, 2 of them decimals
# Columns a row reads besides the month columns; export and import agree on it.
FIXED_COLUMNS = len(COLUMNS)


class _CellError(ValueError):
    """A cell that cannot be read; the message says what to write instead."""


@dataclass
class ParsedMeasures:
    """The sheet's rows as plan-document measures (each with its `_row`), the header of
    each month column by its month ("2009-08"), and every problem found."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    months: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def document(self) -> dict[str, Any]:
        return {"measures": self.rows}

    def column(self, name: str) -> str:
        """The column a loader field is in: "Baseline", or a month's header."""
        return COLUMNS.get(name) or self.months.get(name, "")


def sheets_split(sheets: list[Sheet]) -> tuple[list[Sheet], Sheet | None]:
    """The plan's sheets, and the Measures sheet if the workbook has one."""
    plan_sheets, measures = [], None
    for sheet in sheets:
        if measures is None and sheet.name.strip().casefold() == _SHEET_NAME:
            measures = sheet
        else:
            plan_sheets.append(sheet)
    return plan_sheets, measures


# -- export ---------------------------------------------------------------------------


def measure_cells(measure: Measure, months: list[datetime.date]) -> list[Any]:
    """A measure's row: its columns, then its actual for each month (None for none).
    Reads `targets`, `values` (with their periods), `actions` and `milestones` (with their
    actions), so prefetch them for many measures."""
    actuals = {value.period.month: value.value for value in measure.values.all()}
    return [
        measure.name,
        measure.get_unit_display(),
        "higher" if measure.higher_is_better else "lower",
        number_cell(measure.baseline_value),
        measure.baseline_date,
        targets_text(measure),
        evidences_text(measure),
        measure.source,
        *(number_cell(actuals.get(month)) for month in months),
    ]


def month_header(month: datetime.date) -> str:
    return f"{month:%b %Y}"


def number_cell(value: decimal.Decimal | None) -> int | float | None:
    """A stored number as a spreadsheet number: whole numbers as integers, so that 2417
    is not shown as 2417.00."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def targets_text(measure: Measure) -> str:
    """ "Year 1: 76 by 31/03/2009; Year 2: 80 by 31/03/2010", as the import reads it."""
    parts = []
    for target in measure.targets.all():
        words = f"{_plain(target.value)} by {target.due:%d/%m/%Y}"
        parts.append(f"{target.label}: {words}" if target.label else words)
    return "; ".join(parts)


def evidences_text(measure: Measure) -> str:
    """ "9.2; 11.1 (a)": the actions' numbers and the milestones' numbers with labels."""
    items = [(a.number, "") for a in measure.actions.all()] + [
        (m.action.number, m.label) for m in measure.milestones.all()
    ]
    items.sort(key=lambda item: (number_sort_key(item[0]), item[1]))
    return "; ".join(f"{number} {label}".strip() for number, label in items)


# -- import ---------------------------------------------------------------------------


def measures_parse(sheet: Sheet) -> ParsedMeasures:
    """Read the Measures sheet. A row with a problem is left out of `rows`; its problems,
    each naming the sheet, row and column, stop the import."""
    parsed = ParsedMeasures()
    found = _header_find(sheet)
    if found is None:
        parsed.problems.append(
            Problem(
                "error",
                "The Measures sheet has no header row. Its first row names the columns "
                f"{', '.join(COLUMNS.values())}, then one column per month, like "
                "Aug 2009.",
                sheet=sheet.name,
            )
        )
        return parsed
    header = _header_read(sheet.rows[found], parsed)
    if header is None:
        return parsed
    columns, months = header
    for row in sheet.rows[found + 1 :]:
        reader = _RowReader(row, columns, months)
        measure = reader.read()
        parsed.problems.extend(reader.problems)
        if measure is not None:
            parsed.rows.append(measure)
    return parsed


def _header_find(sheet: Sheet) -> int | None:
    """The first row that names the Measure column and one more of the sheet's columns."""
    for number, row in enumerate(sheet.rows):
        names = {_HEADERS.get(text_normal(cell.text)) for cell in row.cells}
        if "name" in names and len(names - {None}) >= 2:
            return number
    return None


def _header_read(
    row: Row, parsed: ParsedMeasures
) -> tuple[dict[str, int], dict[str, tuple[int, str]]] | None:
    """The header's columns by field, and its month columns by month ("2009-08") with
    their headers as written; None when a column is missing."""
    columns: dict[str, int] = {}
    months: dict[str, tuple[int, str]] = {}
    for index, cell in enumerate(row.cells):
        if cell.is_empty:
            continue
        name = _HEADERS.get(text_normal(cell.text))
        month = None if name else _header_month(cell)
        if name and name not in columns:
            columns[name] = index
        elif month and month not in months:
            months[month] = (index, cell.text)
            parsed.months[month] = cell.text
        else:
            again = name or month
            parsed.problems.append(
                Problem(
                    "error" if again else "warning",
                    "This column is named twice: keep one."
                    if again
                    else "This column is not read: its header is neither a column of "
                    "the Measures sheet nor a month, like Aug 2009.",
                    sheet=row.sheet,
                    row=row.number,
                    column=cell.text,
                )
            )
    missing = [header for name, header in COLUMNS.items() if name not in columns]
    if missing:
        parsed.problems.append(
            Problem(
                "error",
                f"The Measures sheet's header row has no {', '.join(missing)} column: "
                f"it needs {', '.join(COLUMNS.values())}.",
                sheet=row.sheet,
                row=row.number,
            )
        )
        return None
    return columns, months


def _header_month(cell: Cell) -> str | None:
    """The month a month column's header names ("Aug 2009"); Excel may have turned the
    typed text into a date."""
    if isinstance(cell.value, datetime.date):
        return month_key(month_first(cell.value))
    if not _MONTH_HEADER.match(cell.text.strip()):
        return None
    try:
        return month_key(month_from_text(cell.text))
    except ValueError:
        return None


class _RowReader:
    """One measure's row, read into a plan-document measure and its problems."""

    def __init__(
        self,
        row: Row,
        columns: dict[str, int],
        months: dict[str, tuple[int, str]],
    ):
        self.row = row
        self.columns = columns
        self.months = months
        self.problems: list[Problem] = []

    def cell(self, name: str) -> Cell:
        return self.row.cell(self.columns[name])

    def problem(self, column: str, message: str) -> None:
        self.problems.append(
            Problem(
                "error",
                message,
                sheet=self.row.sheet,
                row=self.row.number,
                column=COLUMNS.get(column, column),
            )
        )

    def read(self) -> dict[str, Any] | None:
        name = self.cell("name").text
        unit = self.field("unit", _unit_read)
        measure = {
            "name": name,
            "unit": unit,
            "higher_is_better": self.field("better", _better_read),
            "baseline_value": self.field("baseline_value", _number_reader(unit)),
            "baseline_date": self.field("baseline_date", _date_read),
            "targets": self.field("targets", _targets_reader(unit)),
            "evidences": _evidences_read(self.cell("evidences").text),
            "source": self.cell("source").text,
            "values": self.actuals(unit),
            "_row": (self.row.sheet, self.row.number),
        }
        if not name:
            self.problem("name", "The measure has no name: write it in Measure.")
        elif len(name) > Measure._meta.get_field("name").max_length:
            self.problem("name", "The name is too long: 200 characters at most.")
        if len(measure["source"]) > limits.SHORT_TEXT:
            self.problem(
                "source", f"The source is too long: {limits.SHORT_TEXT:,} at most."
            )
        return None if self.problems else measure

    def field(self, name: str, read) -> Any:
        try:
            return read(self.cell(name))
        except _CellError as error:
            self.problem(name, str(error))
            return None

    def actuals(self, unit: str | None) -> dict[str, decimal.Decimal]:
        """The month columns' actuals; an empty cell leaves the month's actual as it is."""
        values = {}
        read = _number_reader(unit)
        for month, (index, header) in self.months.items():
            try:
                value = read(self.row.cell(index))
            except _CellError as error:
                self.problem(header, str(error))
                continue
            if value is not None:
                values[month] = value
        return values


def _unit_read(cell: Cell) -> str:
    unit = _UNITS.get(cell.text.strip().lower())
    if unit is None:
        what = f"“{cell.text}” is not a unit" if cell.text else "The unit is empty"
        raise _CellError(f"{what}: write %, number or days.")
    return unit


def _better_read(cell: Cell) -> bool:
    better = _BETTER.get(" ".join(cell.text.lower().split()))
    if better is None:
        what = f"“{cell.text}” is neither" if cell.text else "Better when is empty:"
        raise _CellError(
            f"{what} higher nor lower: write higher where a higher value is better, "
            "lower where a lower one is (days waited)."
        )
    return better


def _number_reader(unit: str | None):
    def read(cell: Cell) -> decimal.Decimal | None:
        return number_read(cell.text, unit=unit) if cell.text else None

    return read


def number_read(text: str, *, unit: str | None = None) -> decimal.Decimal:
    """ "76", "76%", "2,417", "97.5" as a Decimal; _CellError for anything else, and for
    a value a measure cannot hold (more than 2 decimal places, too large)."""
    cleaned = text.strip().replace(" ", "")
    percent = cleaned.endswith("%")
    cleaned = cleaned.removesuffix("%")
    if not _NUMBER.match(cleaned):
        raise _CellError(f"“{text}” is not a number.")
    value = decimal.Decimal(cleaned.replace(",", ""))
    if value.normalize().as_tuple().exponent < -2:
        raise _CellError(f"“{text}” has more than 2 decimal places.")
    if abs(value) >= _LARGEST:
        raise _CellError(f"“{text}” is too large for a measure.")
    if percent and unit not in (None, Measure.Unit.PERCENT):
        raise _CellError(
            f"“{text}” is a percentage, but the measure's unit is {unit}: write the "
            "number without %."
        )
    return value


def _date_read(cell: Cell) -> str | None:
    if isinstance(cell.value, datetime.date):
        return cell.value.isoformat()
    if not cell.text:
        return None
    return _date_text_read(cell.text)


def _date_text_read(text: str) -> str:
    reading = date_parse(text, role="finish")
    if reading.kind != "date" or reading.note:
        raise _CellError(f"“{text}” is not a date: write it like 31/03/2009.")
    return reading.date.isoformat()


def _targets_reader(unit: str | None):
    def read(cell: Cell) -> list[dict[str, Any]]:
        return [_target_read(part, unit) for part in _parts(cell.text)]

    return read


def _target_read(text: str, unit: str | None) -> dict[str, Any]:
    match = _TARGET.match(text)
    if match is None:
        raise _CellError(
            f"“{text}” is not a target: write each target like "
            "“Year 1: 76 by 31/03/2009”, with a semicolon between them."
        )
    label = match["label"] or ""
    longest = MeasureTarget._meta.get_field("label").max_length
    if len(label) > longest:
        raise _CellError(
            f"“{label}” is too long for a target's label: {longest} characters at most."
        )
    return {
        "label": label,
        "value": number_read(match["value"], unit=unit),
        "due": _date_text_read(match["due"]),
    }


def _evidences_read(text: str) -> list[str]:
    """ "11.1(a); 9.2" → ["11.1 (a)", "9.2"]: the numbers as the loader looks them up."""
    return [
        re.sub(r"\s*\(", " (", " ".join(part.split()))
        for part in re.split(r"[;,\n]+", text)
        if part.strip()
    ]


def _parts(text: str) -> list[str]:
    return [part.strip() for part in _SEPARATORS.split(text) if part.strip()]


def _plain(value: decimal.Decimal) -> str:
    return f"{value.normalize():f}"
