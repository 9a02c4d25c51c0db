"""The two real layouts of DOMAIN.md, read from rows of cells into a parsed plan.

Leeds (seed 001): 13 columns; "Recommendation N: …" heading rows; a row with an empty number
continues the action above as a further milestone; header rows repeat at page breaks.
Dudley (seed 002): section headings ("II IMPROVED QUALITY OF LIFE FOR OLDER PEOPLE"),
recommendation rows ("6. Assure itself that …"), then No. / Key actions / Responsible
manager / Timescale / Progress report / Outcomes; a row with an empty number is the rest
of the row above, cut by a page break.

Nothing here touches the database: the result is a parsed plan (plan-document-shaped
actions with officers still as names) and the problems found, each with its sheet, row,
column and cell text. The columns and their header texts are columns.py's.
"""

import datetime
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from django.utils.text import slugify

from .columns import (
    COLUMN_NAMES,
    DATE_FIELDS,
    MAX_LENGTHS,
    TEXT_FIELDS,
    Header,
    header_read,
)
from .dates import DateReading, date_from_cell, date_parse, month_from_text
from .officers import OfficerName, officers_parse
from .reading import Cell, Row, Sheet
from .statuses import status_parse

Layout = Literal["leeds", "dudley"]
Severity = Literal["error", "warning", "note"]

LAYOUTS = {
    "leeds": "Leeds (13 columns, milestone rows)",
    "dudley": "Dudley (sections, key actions, timescale)",
}

_ACTION_NUMBER = re.compile(r"^\d{1,3}(?:\.\d{1,3})+(?:\s*\(?[a-z]\)?)?$|^\d{1,3}$")
_LEEDS_RECOMMENDATION = re.compile(
    r"recommendation\s*(?P<number>\d+[a-z]?)\s*[:.\-–]\s*(?P<text>.*?)(?=\s*recommendation\s*\d+[a-z]?\s*[:.\-–]|\Z)",
    re.IGNORECASE | re.DOTALL,
)
_DUDLEY_RECOMMENDATION = re.compile(
    r"^(?P<number>\d{1,3})\.\s+(?P<text>\S.*)$", re.DOTALL
)
_SECTION_LABEL = re.compile(
    r"^section(?:\s+(?P<number>[IVXL]{1,5}|\d{1,3}))?\s*:\s*(?P<title>\S.*)$",
    re.IGNORECASE | re.DOTALL,
)
_SECTION = re.compile(r"^(?:(?P<number>[IVXL]{1,5})\.?\s+)?(?P<title>[^a-z]{4,})$")
_MONTH_TITLE = re.compile(
    r"\b(january|february|march|april|may|june|july|august|september|october|november|december)\s+(\d{4})\b",
    re.IGNORECASE,
)
_REFERENCE_MARKER = re.compile(
    r"\b(?:x-?ref(?:erence)?s?|cross[- ]?ref(?:erence)?s?|see|also\s+refer\s+to|refer\s+to|cf)\b\.?"
    r"\s*(?:to\s+)?(?:rec(?:ommendation)?s?\.?\s*)?"
    r"(?P<numbers>\d+\.\d+(?:\s*(?:,|&|and)\s*\d+\.\d+)*)",
    re.IGNORECASE,
)
_POINTER = re.compile(
    r"^(?:see|refer to|also refer to|x-?ref)\s+\d+\.\d+", re.IGNORECASE
)
_NUMBER = re.compile(r"\d+\.\d+")


@dataclass
class Problem:
    severity: Severity
    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""
    text: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def where(self) -> str:
        parts = []
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.row:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        cell = f' ("{_short(self.text)}")' if self.text else ""
        return f"{self.severity.upper()}: {where + ': ' if where else ''}{self.message}{cell}"


@dataclass
class ParsedPlan:
    layout: Layout
    themes: list[dict[str, Any]] = field(default_factory=list)
    recommendations: list[dict[str, Any]] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    month_in_title: datetime.date | None = None
    has_updates: bool = False
    columns: set[str] = field(default_factory=set)


@dataclass
class _Item:
    """One table row of an action (Leeds: the action's row or a milestone row)."""

    row: Row
    cells: dict[str, Cell]


def layout_detect(sheets: list[Sheet]) -> Layout | None:
    """The layout the first header row points to, or None when no header is found."""
    for sheet in sheets:
        for row in sheet.rows:
            header = header_read(row)
            if header is not None:
                votes = header.layout_votes
                return "dudley" if votes["dudley"] > votes["leeds"] else "leeds"
    return None


def plan_parse(
    sheets: list[Sheet],
    *,
    layout: Layout | None = None,
    this_month: datetime.date | None = None,
    status_labels: tuple[str, ...] = ("Blue", "Green", "Amber", "Red", "Grey"),
    complete_label: str | None = "Green",
) -> ParsedPlan:
    """Read every sheet that has a header row, in order, as one plan."""
    detected = layout_detect(sheets)
    parsed = ParsedPlan(layout=layout or detected or "leeds")
    if detected is None:
        parsed.problems.append(
            Problem(
                "error",
                "No header row was found. The table needs a header row with at least "
                "the columns No., Action and three others, for example Plan Finish, "
                "Lead and Report of Progress (Leeds) or KEY ACTIONS, RESPONSIBLE "
                "MANAGER and TIMESCALE (Dudley).",
            )
        )
        return parsed
    reader = _Reader(
        parsed,
        this_month=this_month,
        status_labels=status_labels,
        complete_label=complete_label,
    )
    for sheet in sheets:
        reader.read_sheet(sheet)
    reader.finish()
    return parsed


class _Reader:
    def __init__(
        self, parsed: ParsedPlan, *, this_month, status_labels, complete_label
    ):
        self.parsed = parsed
        self.complete_label = complete_label
        self.this_month = this_month
        self.status_labels = status_labels
        self.pending_theme: dict[str, Any] | None = None
        self.theme_key: str | None = None
        self.group: list[str] = []
        self.group_open = False
        self.recommendations: dict[str, dict[str, Any]] = {}
        self.actions: list[tuple[str, list[_Item]]] = []
        self.numbers: dict[str, Row] = {}
        self.header: Header | None = None
        self.recommendation_of: dict[str, list[str]] = {}

    # -- rows --------------------------------------------------------------------

    def read_sheet(self, sheet: Sheet) -> None:
        self.header = None
        first = next(
            (i for i, row in enumerate(sheet.rows) if header_read(row) is not None),
            None,
        )
        if first is None:
            if sheet.rows:
                self.problem(
                    "warning",
                    f"Sheet {sheet.name} has no header row, so it was not read.",
                    sheet=sheet.name,
                )
            return
        for row in sheet.rows[:first]:
            self.pre_header_row(row)
        for row in sheet.rows[first:]:
            self.table_row(row)

    def pre_header_row(self, row: Row) -> None:
        texts = [cell.text for cell in row.cells if not cell.is_empty]
        for text in texts:
            match = _MONTH_TITLE.search(text)
            if match:
                self.parsed.month_in_title = month_from_text(match[0])
        # Dudley puts its first section and recommendation above the first header; in
        # the Leeds layout, title rows are not sections.
        if len(texts) == 1:
            self.heading_row(row, texts[0], sections=self.parsed.layout == "dudley")

    def table_row(self, row: Row) -> None:
        header = header_read(row)
        if header is not None:
            self.header = header
            self.parsed.columns |= set(header.columns)
            if "text" not in header.columns:
                self.problem(
                    "error",
                    "The header row has no Action (or KEY ACTIONS) column; it is required.",
                    row=row,
                )
            if "number" not in header.columns:
                self.problem(
                    "error",
                    "The header row has no No. column, and no blank column before the "
                    "first named one to hold the numbers; it is required.",
                    row=row,
                )
            return
        columns = self.header.columns
        number_cell = row.cell(columns.get("number"))
        filled = [cell for cell in row.cells if not cell.is_empty]
        number = number_cell.text.strip()
        if number and _ACTION_NUMBER.match(number):
            self.action_row(row, number)
            return
        if len(filled) == 1 and self.heading_row(row, filled[0].text):
            return
        if number:
            self.problem(
                "error",
                "This is not an action number. Numbers look like 1.1 or 4.2 (a).",
                row=row,
                column=COLUMN_NAMES["number"],
                text=number,
            )
            return
        self.continuation_row(row)

    def heading_row(self, row: Row, text: str, *, sections: bool = True) -> bool:
        """A recommendation or section heading; False when the text is neither."""
        leeds = list(_LEEDS_RECOMMENDATION.finditer(text))
        if leeds and text.lower().lstrip().startswith("recommendation"):
            for match in leeds:
                self.recommendation(row, match["number"], match["text"])
            return True
        dudley = _DUDLEY_RECOMMENDATION.match(text)
        if dudley:
            self.recommendation(row, dudley["number"], dudley["text"])
            return True
        labelled = _SECTION_LABEL.match(text)
        if labelled:
            self.pending_theme = {
                "key": slugify(labelled["title"])[:50] or "section",
                "number": labelled["number"] or None,
                "title": labelled["title"].strip()[:255],
            }
            return True
        section = _SECTION.match(text) if sections else None
        letters = [char for char in text if char.isalpha()]
        if section and len(letters) >= 4:
            title = section["title"].strip()
            self.pending_theme = {
                "key": slugify(title)[:50] or "section",
                "number": section["number"] or None,
                "title": title[:255],
            }
            return True
        return False

    def recommendation(self, row: Row, number: str, text: str) -> None:
        text = " ".join(text.split()) if "\n" not in text else text.strip()
        if not self.group_open:
            self.group = []
            self.group_open = True
        if self.pending_theme is not None:
            theme = self.pending_theme
            if theme["key"] not in {t["key"] for t in self.parsed.themes}:
                self.parsed.themes.append(theme)
            self.theme_key = theme["key"]
            self.pending_theme = None
        existing = self.recommendations.get(number)
        if existing is not None:
            if existing["text"] != text:
                self.problem(
                    "error",
                    f"Recommendation {number} appears twice with different text.",
                    row=row,
                    text=text,
                )
        else:
            self.recommendations[number] = {
                "number": number,
                "text": text,
                "theme": self.theme_key,
                "_row": (row.sheet, row.number),
            }
            self.parsed.recommendations.append(self.recommendations[number])
            if not text:
                self.problem("error", f"Recommendation {number} has no text.", row=row)
        if number not in self.group:
            self.group.append(number)

    def action_row(self, row: Row, number: str) -> None:
        number = " ".join(number.split())
        self.group_open = False
        if len(number) > MAX_LENGTHS["number"]:
            self.problem(
                "error",
                "The number is too long (20 characters at most).",
                row=row,
                column="No.",
                text=number,
            )
            return
        if number in self.numbers:
            first = self.numbers[number]
            self.problem(
                "error",
                f"Action {number} appears twice (first on {first.sheet} row "
                f"{first.number}). Each action needs its own number.",
                row=row,
                column=COLUMN_NAMES["number"],
                text=number,
            )
            self.actions.append(("", []))  # later rows must not join the first 2.8
            return
        self.numbers[number] = row
        recommendations = list(self.group)
        if not recommendations:
            parent = number.split(".")[0]
            if parent in self.recommendations:
                recommendations = [parent]
            else:
                self.problem(
                    "warning",
                    f"Action {number} is not under a recommendation heading.",
                    row=row,
                )
        self.actions.append((number, [self.item(row)]))
        self.recommendation_of[number] = recommendations

    def continuation_row(self, row: Row) -> None:
        if not self.actions:
            self.problem(
                "error",
                "This row has no number and no action above it to continue.",
                row=row,
                text=_row_text(row),
            )
            return
        number, items = self.actions[-1]
        if not number:
            return
        item = self.item(row)
        if self.parsed.layout == "dudley":
            _join_into(items[0], item)
        else:
            items.append(item)

    def item(self, row: Row) -> _Item:
        return _Item(
            row,
            {name: row.cell(index) for name, index in self.header.columns.items()},
        )

    # -- building actions ----------------------------------------------------------

    def finish(self) -> None:
        numbers = {number for number, _ in self.actions if number}
        explicit = "cross_references" in self.parsed.columns
        for number, items in self.actions:
            if not number:
                continue
            action = self.build_action(number, items)
            action["cross_references"] = self.references(
                number, items, numbers, explicit=explicit
            )
            self.parsed.actions.append(action)
        if not self.parsed.actions and not self.errors():
            self.problem("error", "The table has a header row but no numbered actions.")

    def errors(self) -> bool:
        return any(problem.is_error for problem in self.parsed.problems)

    def build_action(self, number: str, items: list[_Item]) -> dict[str, Any]:
        first = items[0]
        action: dict[str, Any] = {
            "number": number,
            "recommendations": self.recommendation_of.get(number, []),
            "_row": (first.row.sheet, first.row.number),
        }
        for name in ("aim", "text", "outcomes"):
            if name in first.cells:
                action[name] = first.cells[name].text
        if not action.get("text"):
            self.problem(
                "error",
                f"Action {number} has no action text.",
                row=first.row,
                column=COLUMN_NAMES["text"],
            )
            action["text"] = ""
        action["leads"] = self.officers(first, "leads")
        action["chief_officers"] = self.officers(first, "chief_officers")
        if len(items) == 1:
            action.update(self.dated(first))
            self.completed_timescale(action, first)
            if "success_criteria" in first.cells:
                action["success_criteria"] = first.cells["success_criteria"].text
            action["updates"] = self.updates(first)
            from_words = action.pop("updates_from_words", {})
            if from_words:
                this = action["updates"].setdefault("this", {})
                if not this.get("status"):
                    this.update(from_words)
                self.parsed.has_updates = True
            action["milestones"] = []
            return action
        # Several rows: each is a milestone, and the action spans them.
        sub_actions = any(item.cells.get("text", Cell()).text for item in items[1:])
        milestones = []
        for index, item in enumerate(items):
            label = f"({chr(ord('a') + index)})" if index < 26 else f"({index + 1})"
            milestone = {
                "label": label,
                "text": item.cells.get("text", Cell()).text if sub_actions else "",
                "success_criteria": item.cells.get("success_criteria", Cell()).text,
                "leads": [] if index == 0 else self.officers(item, "leads"),
                "updates": self.updates(item),
                "_row": (item.row.sheet, item.row.number),
                **self.dated(item),
            }
            if (
                index
                and "chief_officers" in item.cells
                and not item.cells["chief_officers"].is_empty
            ):
                self.problem(
                    "warning",
                    "A milestone row's chief officer is not kept: chief officers belong "
                    "to the action (its first row).",
                    row=item.row,
                    column=COLUMN_NAMES["chief_officers"],
                    text=item.cells["chief_officers"].text,
                )
            milestones.append(milestone)
        action["milestones"] = milestones
        action["success_criteria"] = ""
        action["updates"] = {}
        starts = [m["plan_start"] for m in milestones if m.get("plan_start")]
        finishes = [m["plan_finish"] for m in milestones if m.get("plan_finish")]
        actuals = [m.get("actual_finish") for m in milestones]
        action.update(
            {
                "plan_start": min(starts) if starts else None,
                "plan_start_text": "",
                "plan_finish": max(finishes) if finishes else None,
                "plan_finish_text": "",
                # Finished only when every milestone has finished.
                "actual_finish": max(actuals) if actuals and all(actuals) else None,
                "actual_finish_text": "",
            }
        )
        return action

    def completed_timescale(self, action: dict[str, Any], item: _Item) -> None:
        """Dudley writes "Completed" as the timescale of a finished action. With no actual
        finish column, that word is the actual finish's text, and, with no status
        column, this month's status is the plan's "completed" status."""
        if "actual_finish" in item.cells or "plan_finish" not in item.cells:
            return
        text = item.cells["plan_finish"].text
        reading = date_parse(text)
        if reading.kind != "word" or reading.note != "completed":
            return
        action["actual_finish"] = None
        action["actual_finish_text"] = text
        update = action.setdefault("updates_from_words", {})
        if "this_status" not in item.cells and self.complete_label:
            update["status"] = self.complete_label

    def dated(self, item: _Item) -> dict[str, Any]:
        values: dict[str, Any] = {}
        readings: dict[str, str | None] = {}
        for name, role in DATE_FIELDS.items():
            if name not in item.cells:
                continue
            cell = item.cells[name]
            text = cell.text
            if isinstance(cell.value, datetime.date):
                day, text = date_from_cell(
                    cell.value, month_format=cell.month_only, role=role
                )
                reading = DateReading(day, "date")
            else:
                reading = date_parse(cell.text, role=role)
            if len(cell.text) > MAX_LENGTHS["date_text"]:
                self.problem(
                    "error",
                    "Too long for a date (100 characters at most); move the words to "
                    "the progress report.",
                    row=item.row,
                    column=COLUMN_NAMES[name],
                    text=cell.text,
                )
            elif reading.is_warning:
                self.problem(
                    "warning",
                    "Not read as a date: the text is kept and the date left empty.",
                    row=item.row,
                    column=COLUMN_NAMES[name],
                    text=cell.text,
                )
            elif reading.kind == "word":
                self.problem(
                    "note",
                    f"A word, not a date: kept as written ({reading.note or 'no date'}).",
                    row=item.row,
                    column=COLUMN_NAMES[name],
                    text=cell.text,
                )
            if cell.formula_without_value:
                self.formula_warning(item.row, name)
            values[name] = reading.date.isoformat() if reading.date else None
            values[f"{name}_text"] = text
            readings[name] = reading.date.isoformat() if reading.date else None
        start = readings.get("plan_start")
        for name in ("plan_finish", "actual_finish"):
            finish = readings.get(name)
            if start and finish and finish < start:
                self.problem(
                    "error",
                    f"{COLUMN_NAMES[name]} is before the plan start "
                    f"({item.cells['plan_start'].text}).",
                    row=item.row,
                    column=COLUMN_NAMES[name],
                    text=item.cells[name].text,
                )
        return values

    def officers(self, item: _Item, name: str) -> list[OfficerName]:
        if name not in item.cells:
            return []
        cell = item.cells[name]
        found = officers_parse(cell.text)
        for officer in found:
            for part in ("name", "role_title", "initials"):
                value = getattr(officer, part)
                if len(value) > MAX_LENGTHS[part]:
                    self.problem(
                        "error",
                        f"An officer's {part.replace('_', ' ')} is too long "
                        f"({MAX_LENGTHS[part]} characters at most). Put one officer "
                        "per line, as Name (Role).",
                        row=item.row,
                        column=COLUMN_NAMES[name],
                        text=value,
                    )
        return found

    def updates(self, item: _Item) -> dict[str, Any]:
        this: dict[str, Any] = {}
        last: dict[str, Any] = {}
        for column, target in (("this_status", this), ("last_status", last)):
            if column not in item.cells:
                continue
            cell = item.cells[column]
            reading = status_parse(cell.text, fill=cell.fill, labels=self.status_labels)
            if reading.warning:
                self.problem(
                    "warning",
                    f"Not read as a status ({reading.warning}); the status is left empty.",
                    row=item.row,
                    column=COLUMN_NAMES[column],
                    text=cell.text,
                )
            elif reading.label and reading.label not in self.status_labels:
                self.problem(
                    "error",
                    f"{reading.label} is not a status of this plan "
                    f"({', '.join(self.status_labels)}).",
                    row=item.row,
                    column=COLUMN_NAMES[column],
                    text=cell.text,
                )
            if reading.label or reading.direction:
                target["status"] = reading.label
                target["direction"] = reading.direction
        for name in ("progress", "risk"):
            if name in item.cells and not item.cells[name].is_empty:
                this[name] = item.cells[name].text
        for name in ("progress", "risk", "this_status"):
            if name in item.cells and item.cells[name].formula_without_value:
                self.formula_warning(item.row, name)
        if this and "this_status" in item.cells:
            # With a status column, a blank status cell means "not assessed"; without
            # one, the stored status is left as it is.
            this.setdefault("status", None)
            this.setdefault("direction", "")
        updates = {}
        if this:
            updates["this"] = this
        if last:
            updates["last"] = last
        if updates:
            self.parsed.has_updates = True
        return updates

    def references(
        self, number: str, items: list[_Item], numbers: set[str], *, explicit: bool
    ) -> list[str]:
        first = items[0]
        found: list[str] = []
        strict: set[str] = set()
        if explicit:
            for item in items:
                cell = item.cells.get("cross_references", Cell())
                for ref in _NUMBER.findall(cell.text):
                    found.append(ref)
                    strict.add(ref)
        else:
            for item in items:
                for name in TEXT_FIELDS:
                    text = item.cells.get(name, Cell()).text
                    for match in _REFERENCE_MARKER.finditer(text):
                        found.extend(_NUMBER.findall(match["numbers"]))
            text = first.cells.get("text", Cell()).text
            if _POINTER.match(text):
                strict.update(_NUMBER.findall(text))
        result = []
        for ref in dict.fromkeys(found):
            if ref == number:
                continue
            if ref not in numbers:
                severity = "error" if ref in strict else "warning"
                message = (
                    f"Action {number} refers to action {ref}, which is not in the file."
                )
                if severity == "warning":
                    message += " The words are kept; no cross-reference is made."
                self.problem(
                    severity,
                    message,
                    row=first.row,
                    column=COLUMN_NAMES["cross_references"] if explicit else "",
                    text=ref,
                )
                continue
            result.append(ref)
        return result

    def formula_warning(self, row: Row, name: str) -> None:
        self.problem(
            "warning",
            "The cell holds a formula with no saved value, so it reads as empty. "
            "Formulas are never calculated here: open the file in Excel, save it, "
            "and upload it again.",
            row=row,
            column=COLUMN_NAMES[name],
        )

    def problem(
        self,
        severity: Severity,
        message: str,
        *,
        row: Row | None = None,
        sheet: str = "",
        column: str = "",
        text: str = "",
    ) -> None:
        self.parsed.problems.append(
            Problem(
                severity,
                message,
                sheet=row.sheet if row else sheet,
                row=row.number if row else None,
                column=column,
                text=text,
            )
        )


def _join_into(item: _Item, more: _Item) -> None:
    """A row cut by a page break: join its cells onto the row above."""
    for name, cell in more.cells.items():
        if cell.is_empty or name == "number":
            continue
        before = item.cells.get(name, Cell())
        if before.is_empty:
            item.cells[name] = cell
            continue
        joiner = "\n\n" if before.text.rstrip().endswith((".", "!", "?", ":")) else " "
        if name in ("leads", "chief_officers"):
            joiner = " "
        item.cells[name] = Cell(value=None, text=before.text + joiner + cell.text)


def _row_text(row: Row) -> str:
    return " | ".join(cell.text for cell in row.cells if not cell.is_empty)


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
