"""The columns a plan's progress report and exports print, chosen per plan.

The catalogue (`COLUMNS`) holds every column built from a field an action or milestone
holds; `LEEDS` and `DUDLEY` are the two ready-made layouts of the seeds (001 and 002). A
plan stores its choice in `ActionPlan.report_columns`: a list of catalogue keys in order,
or of {"key": …, "heading": …} for a heading of its own; empty means the Leeds layout.
The Dudley preset is stored as its keys and read back with Dudley's headings.

`columns_in_use` drops the columns of plan fields that no item of the plan fills
(Dudley names no chief officers, so its report has no Chief officer column even when
chosen). The columns of the monthly return (statuses, progress, risk, evidence) stay:
an empty one says nobody wrote anything this month.

`cell_text` is a cell as plain text, for the PDF of a Word report, the spreadsheet and
anything else that cannot hold links: cross-references read "See 12.1, 13.1".
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from actionplans.models import ActionPlan

    from .selectors.items import ActionBlock, ReportItem, UpdateView


@dataclass(frozen=True)
class Column:
    key: str
    heading: str
    # How the screen and print table size it (a `w-*` class of static/css/app.css),
    # and its width in a spreadsheet (characters).
    width: str = "w-text"
    xlsx_width: int = 30
    # Part of the monthly return: shown even where no item has a value yet.
    always: bool = False


COLUMNS: dict[str, Column] = {
    column.key: column
    for column in [
        Column("number", "No.", "w-no", 10, always=True),
        Column("aim", "Aim / outcome", "w-aim", 40),
        Column("action", "Action", "w-action", 50, always=True),
        Column("last_status", "Last month", "w-status", 16, always=True),
        Column("this_status", "This month", "w-status", 16, always=True),
        Column("plan_start", "Plan start", "w-date", 12),
        Column("plan_finish", "Plan finish", "w-date", 12),
        Column("actual_finish", "Actual finish", "w-date", 12),
        Column("timescale", "Timescale", "w-timescale", 18),
        Column("success_criteria", "Success criteria", "w-criteria", 50),
        Column("lead", "Lead", "w-person", 30),
        Column("chief_officer", "Chief officer", "w-person", 30),
        Column("progress", "Progress", "w-text", 60, always=True),
        Column("risk", "Risk", "w-risk", 40, always=True),
        Column("outcomes", "Outcomes for users and carers", "w-criteria", 40),
        Column("evidence", "Evidence", "w-evidence", 40, always=True),
    ]
}

# Every layout starts with these two: the row's number and its wording are what a
# reader finds it by.
REQUIRED = ("number", "action")


def _preset(*pairs: tuple[str, str | None]) -> list[Column]:
    return [
        replace(COLUMNS[key], heading=heading) if heading else COLUMNS[key]
        for key, heading in pairs
    ]


LEEDS: list[Column] = _preset(
    ("number", None),
    ("aim", None),
    ("action", None),
    ("last_status", None),
    ("this_status", None),
    ("plan_start", None),
    ("plan_finish", None),
    ("actual_finish", None),
    ("success_criteria", None),
    ("lead", None),
    ("chief_officer", None),
    ("progress", None),
    ("risk", None),
    ("evidence", None),
)
DUDLEY: list[Column] = _preset(
    ("number", "No."),
    ("action", "Key actions"),
    ("lead", "Responsible manager"),
    ("timescale", "Timescale"),
    ("progress", "Progress report"),
    ("outcomes", "Outcomes for users and carers"),
)
PRESETS: dict[str, list[Column]] = {"leeds": LEEDS, "dudley": DUDLEY}
PRESET_NAMES = {
    "leeds": "Leeds (seed 001: aims, dates, success criteria, RAG, risk)",
    "dudley": "Dudley (seed 002: key actions, responsible manager, timescale, "
    "outcomes)",
}


def preset_keys(name: str) -> list[str]:
    """The keys a preset is stored as (the Leeds one as [], the default)."""
    return [] if name == "leeds" else [column.key for column in PRESETS[name]]


def layout_name(keys: list) -> str:
    """ "leeds", "dudley" or "custom": what a stored `report_columns` is."""
    if not keys:
        return "leeds"
    for name, columns in PRESETS.items():
        if keys == [column.key for column in columns]:
            return name
    return "custom"


def plan_columns(plan: ActionPlan) -> list[Column]:
    """The columns the plan chose, in order (the Leeds layout when it chose none).

    Unknown keys are left out (a column retired from the catalogue), and a layout
    without the number or the action gets them first.
    """
    stored = plan.report_columns or []
    name = layout_name(stored)
    if name != "custom":
        return list(PRESETS[name])
    columns: list[Column] = []
    for entry in stored:
        key, heading = (
            (entry.get("key"), entry.get("heading"))
            if isinstance(entry, dict)
            else (entry, None)
        )
        column = COLUMNS.get(key)
        if column is None or any(c.key == key for c in columns):
            continue
        columns.append(replace(column, heading=heading) if heading else column)
    missing = [COLUMNS[key] for key in REQUIRED if key not in {c.key for c in columns}]
    return missing + columns


def columns_in_use(columns: list[Column], blocks: list[ActionBlock]) -> list[Column]:
    """The columns less those of plan fields that no action or milestone fills."""
    items = [item for block in blocks for item in [block.action, *block.milestones]]
    return [
        column
        for column in columns
        if column.always or any(_has_value(item, column.key) for item in items)
    ]


def _has_value(item: ReportItem, key: str) -> bool:
    values = {
        "aim": lambda: item.aim,
        "plan_start": lambda: item.plan_start or item.plan_start_label,
        "plan_finish": lambda: item.plan_finish or item.plan_finish_label,
        "actual_finish": lambda: item.actual_finish_label,
        "timescale": lambda: item.timescale_label,
        "success_criteria": lambda: item.success_criteria,
        "lead": lambda: item.own_leads,
        "chief_officer": lambda: item.chief_officers,
        "outcomes": lambda: item.outcomes,
    }
    return bool(values[key]()) if key in values else True


# ---------------------------------------------------------------------------------------
# Cells as plain text


def cross_references_text(item: ReportItem) -> str:
    """ "See 12.1, 13.1", or "" without cross-references (a milestone has none)."""
    if not item.cross_references:
        return ""
    return "See " + ", ".join(ref.number for ref in item.cross_references)


def _status_text(update: UpdateView | None) -> str:
    """ "Amber ↑", "Not assessed" or "No update", with a no return's note."""
    if update is None:
        return "No update"
    label = update.status.label if update.status else "Not assessed"
    parts = [label, update.direction_arrow or ""]
    if update.is_not_returned:
        parts.append(f"({update.no_return_note})")
    return " ".join(part for part in parts if part)


def narrative_text(update: UpdateView | None, name: str) -> str:
    """The progress or risk a row shows: a no return's is the one last written."""
    if not update:
        return ""
    text = getattr(update, f"{name}_shown")
    if update.shows_carried_narrative and text:
        return f"{update.carried_label}: {text}"
    return text


def _with_note(value: str, note: str) -> str:
    return f"{value} ({note})" if value and note else value or note


def cell_text(item: ReportItem, column: Column, report) -> str:
    """One cell of the report as plain text (`report` is the PeriodReport it is in)."""
    key = column.key
    is_action = item.kind == "action"
    if key == "number":
        return item.number
    if key == "aim":
        return item.aim
    if key == "action":
        text = item.text if is_action else item.own_text
        refs = cross_references_text(item)
        return "\n".join(part for part in (text, refs) if part)
    if key == "last_status":
        return _status_text(item.last_month) if report.previous else ""
    if key == "this_status":
        if item.is_withdrawn:
            return item.withdrawn_label
        return _status_text(item.this_month)
    if key == "plan_start":
        revised = item.plan_start_revised
        return _with_note(item.plan_start_label, revised.note if revised else "")
    if key == "plan_finish":
        revised = item.plan_finish_revised
        return _with_note(item.plan_finish_label, revised.note if revised else "")
    if key == "actual_finish":
        return item.actual_finish_label
    if key == "timescale":
        revised = item.plan_finish_revised
        return _with_note(item.timescale_label, revised.note if revised else "")
    if key == "success_criteria":
        return item.success_criteria
    if key == "lead":
        return item.own_leads_label
    if key == "chief_officer":
        return item.chief_officers_label if is_action else ""
    if key == "progress":
        return narrative_text(item.this_month, "progress")
    if key == "risk":
        return narrative_text(item.this_month, "risk")
    if key == "outcomes":
        return item.outcomes if is_action else ""
    if key == "evidence":
        return "; ".join(entry.line for entry in item.evidence)
    raise KeyError(f"No column {key!r}.")
