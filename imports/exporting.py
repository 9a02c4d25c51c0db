"""A whole plan as a spreadsheet in its layout (xlsx or csv), which the import reads back.

A plan in the Dudley layout (reporting.columns) is written as seed 002 is: sections,
recommendations "6. …", then No. / KEY ACTIONS / RESPONSIBLE MANAGER / TIMESCALE (as
written) / a Status column where the month has statuses / PROGRESS REPORT / Outcomes, and
Cross-references; the import detects that layout again. Dudley's columns cannot carry
milestones, aims, success criteria, chief officers, plan starts, actual finishes, risks
or last month's statuses, so a plan that holds any of them is written in the Leeds
layout whatever its report shows: an export never loses what the plan holds.

In the Leeds layout the columns are seed 001's thirteen, then Outcomes (when any action has them) and
Cross-references. "This month" is the latest month with updates, and "Last month" the month
before. The xlsx adds a Measures sheet (measures.py: one row per measure, then a column per
month with its actuals); a csv has one sheet, so it carries no measures. Text that a spreadsheet program could take for a formula (starting with =, +, -, @,
a tab or a carriage return) is written as text: a string cell with Excel's quote prefix in
the xlsx, an apostrophe in front in the csv (which the import removes again).
"""

import csv
import datetime
import io
from collections.abc import Iterator

import openpyxl
from django.db.models import Prefetch
from openpyxl.styles import Alignment, Font, PatternFill

from actionplans.models import (
    Action,
    ActionPlan,
    Direction,
    Measure,
    MeasureValue,
    ProgressUpdate,
    ReportingPeriod,
    StatusColour,
)
from lib import months
from lib.spreadsheets import text_guard, xlsx_cell_set
from reporting.columns import layout_name

from .dates import date_parse
from .measures import (
    COLUMNS,
    FIXED_COLUMNS,
    MEASURES_SHEET,
    measure_cells,
    month_header,
)
from .officers import officer_label
from .reading import MAX_COLUMNS

HEADER = [
    "No.",
    "Aim/Outcome",
    "Action",
    "Last Month RAG",
    "This Month RAG",
    "Plan Start",
    "Plan Finish",
    "Actual Finish",
    "Success Criteria: How will you know that the action has achieved its intended aim?",
    "Lead: Who will be responsible for delivering the work?",
    "Chief Officer: Accountable for achieving the aim",
    "Report of Progress",
    "Risk Report",
]
DUDLEY_HEADER = [
    "No.",
    "KEY ACTIONS",
    "RESPONSIBLE MANAGER",
    "TIMESCALE",
    "PROGRESS REPORT",
    "Outcomes for users of services and their carers",
    "Cross-references",
]
_DUDLEY_STATUS = "Status"  # a header text that points to neither layout
_DUDLEY_WIDTHS = dict(zip(DUDLEY_HEADER, [8, 50, 30, 18, 60, 40, 14], strict=True))


def plan_export_xlsx(*, plan: ActionPlan) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Plan"[:31]
    wrap = Alignment(wrap_text=True, vertical="top")
    header_row = None
    for values, fills in _rows(plan):
        sheet.append([None] * len(values))
        row = sheet.max_row
        if values and values[0] == "No." and header_row is None:
            header_row = row
        for column, value in enumerate(values, start=1):
            if value in ("", None):
                continue
            cell = sheet.cell(row=row, column=column)
            cell.alignment = wrap
            if isinstance(value, datetime.date):
                cell.value = value
                cell.number_format = "dd/mm/yyyy"
                continue
            xlsx_cell_set(cell, value)
            if row == header_row:
                cell.font = Font(bold=True)
            fill = fills.get(column - 1)
            if fill:
                cell.fill = PatternFill("solid", fgColor=fill)
    widths = [8, 30, 40, 12, 12, 10, 10, 10, 40, 30, 30, 50, 30, 30, 14]
    if header_row:
        sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
        if sheet.cell(row=header_row, column=2).value == DUDLEY_HEADER[1]:
            headings = [cell.value for cell in sheet[header_row]]
            widths = [_DUDLEY_WIDTHS.get(heading, 12) for heading in headings]
    for letter, width in zip("ABCDEFGHIJKLMNO", widths, strict=False):
        sheet.column_dimensions[letter].width = width
    _measures_sheet(workbook, plan)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _measures_sheet(workbook: openpyxl.Workbook, plan: ActionPlan) -> None:
    """The Measures sheet, header included when the plan has no measures yet, so that
    the file shows where measures go."""
    measures = list(
        plan.measures.prefetch_related(
            "targets",
            Prefetch("values", queryset=MeasureValue.objects.select_related("period")),
            "actions",
            "milestones__action",
        )
    )
    months = _measure_months(plan, measures)
    sheet = workbook.create_sheet(MEASURES_SHEET)
    sheet.append([*COLUMNS.values(), *(month_header(month) for month in months)])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for measure in measures:
        sheet.append([None] * (FIXED_COLUMNS + len(months)))
        for column, value in enumerate(measure_cells(measure, months), start=1):
            if value in ("", None):
                continue
            cell = sheet.cell(row=sheet.max_row, column=column)
            cell.alignment = wrap
            if isinstance(value, datetime.date):
                cell.value = value
                cell.number_format = "dd/mm/yyyy"
            else:
                xlsx_cell_set(cell, value)
    sheet.freeze_panes = "B2"
    for letter, width in zip("ABCDEFGH", [40, 8, 10, 10, 12, 40, 20, 50], strict=True):
        sheet.column_dimensions[letter].width = width


def _measure_months(plan: ActionPlan, measures: list[Measure]) -> list[datetime.date]:
    """The months with a column: those with an actual, and the open ones (for the next
    actuals). At most as many as the import reads, the latest first to go in: a month
    left out of the file leaves its actuals as they are."""
    months = {value.period.month for m in measures for value in m.values.all()}
    months |= set(plan.periods.open().values_list("month", flat=True))
    return sorted(months)[-(MAX_COLUMNS - FIXED_COLUMNS) :]


def plan_export_csv(*, plan: ActionPlan) -> bytes:
    output = io.StringIO()
    writer = csv.writer(output)
    for values, _ in _rows(plan):
        writer.writerow([_csv_value(value) for value in values])
    return output.getvalue().encode("utf-8-sig")


def _csv_value(value) -> str:
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return text_guard(value) or ""


def _months(plan: ActionPlan) -> tuple[ReportingPeriod | None, ReportingPeriod | None]:
    """This month and the month before.

    "This month" is the month the file reports on: the latest month anyone has reported
    in (an open month's drafts included, so an export mid-month is up to date), else the
    plan's current month.
    """
    this = (
        plan.periods.filter(updates__isnull=False).order_by("-month").first()
        or plan.current_period()
    )
    if this is None:
        return None, None
    before = months.month_previous(this.month)
    return this, plan.periods.filter(month=before).first()


def _rows(plan: ActionPlan) -> Iterator[tuple[list, dict[int, str]]]:
    this, last = _months(plan)
    actions, updates = _plan_actions(plan, this, last)
    if layout_name(plan.report_columns) == "dudley" and _dudley_carries(
        actions, updates, this, last
    ):
        yield from _dudley_rows(plan, actions, updates, this)
        return
    yield from _leeds_rows(plan, actions, updates, this, last)


def _plan_actions(plan: ActionPlan, this, last) -> tuple[list[Action], dict]:
    actions = list(
        Action.objects.filter(plan=plan)
        .prefetch_related(
            "recommendations__theme",
            "leads",
            "chief_officers",
            "cross_references",
            "milestones__leads",
        )
        .order_by("sort_key")
    )
    updates = {}
    for update in ProgressUpdate.objects.filter(
        period__in=[p for p in (this, last) if p]
    ).select_related("status"):
        item = (
            ("m", update.milestone_id)
            if update.milestone_id
            else ("a", update.action_id)
        )
        updates[(item, update.period_id)] = update
    return actions, updates


def _leeds_rows(plan, actions, updates, this, last):
    with_outcomes = any(action.outcomes for action in actions)
    header = HEADER + (["Outcomes"] if with_outcomes else []) + ["Cross-references"]

    yield [plan.title], {}
    if this is not None:
        yield [f"{this.month:%B %Y} progress report"], {}
    yield [], {}
    yield header, {}

    yield from _grouped(
        plan,
        actions,
        lambda action: _action_rows(action, updates, this, last, with_outcomes),
    )


def _grouped(plan, actions, action_rows, *, dudley: bool = False):
    """Section and recommendation headings, each action's rows under them, then the
    recommendations no action answers."""
    written: set[str] = set()
    group: list[str] | None = None
    theme = None
    for action in actions:
        recommendations = sorted(
            action.recommendations.all(), key=lambda rec: rec.sort_key
        )
        numbers = [rec.number for rec in recommendations]
        if numbers != group:
            first_theme = recommendations[0].theme if recommendations else None
            if first_theme is not None and first_theme != theme:
                label = (
                    f"Section {first_theme.number}" if first_theme.number else "Section"
                )
                yield [f"{label}: {first_theme.title}"], {}
                theme = first_theme
            for rec in recommendations:
                yield [_recommendation_heading(rec, dudley=dudley)], {}
                written.add(rec.number)
            group = numbers
        yield from action_rows(action)
    remaining = plan.inspection.recommendations.exclude(number__in=written)
    for rec in remaining.order_by("sort_key"):
        yield [_recommendation_heading(rec, dudley=dudley)], {}


def _recommendation_heading(rec, *, dudley: bool) -> str:
    """ "Recommendation 6: …", or Dudley's "6. …" where the number is a plain one."""
    if dudley and rec.number.isdigit():
        return f"{rec.number}. {rec.text}"
    return f"Recommendation {rec.number}: {rec.text}"


def _dudley_carries(actions, updates, this, last) -> bool:
    """Whether Dudley's columns hold everything the plan does (see the module's note)."""
    for action in actions:
        finished_as_written = (
            action.actual_finish is None
            and action.actual_finish_text in ("", action.plan_finish_text)
        )
        if (
            action.milestones.all()
            or action.aim
            or action.success_criteria
            or action.chief_officers.all()
            or action.plan_start
            or action.plan_start_text
            or not finished_as_written
        ):
            return False
        this_update = updates.get((("a", action.pk), this.pk)) if this else None
        last_update = updates.get((("a", action.pk), last.pk)) if last else None
        if (this_update and this_update.risk) or (
            last_update and (last_update.status_id or last_update.direction)
        ):
            return False
    return True


def _dudley_rows(plan, actions, updates, this):
    with_status = this is not None and any(
        update.status_id or update.direction
        for (_, period_id), update in updates.items()
        if period_id == this.pk
    )
    header = DUDLEY_HEADER[:4] + ([_DUDLEY_STATUS] if with_status else [])
    yield [plan.title], {}
    if this is not None:
        yield [f"{this.month:%B %Y} progress report"], {}
    yield [], {}
    yield header + DUDLEY_HEADER[4:], {}

    def action_rows(action):
        cells, fills = _item_cells(("a", action.pk), action, updates, this, None)
        status = [cells[1]] if with_status else []
        refs = ", ".join(
            sorted((a.number for a in action.cross_references.all()), key=_key)
        )
        fills = {4: fills[4]} if with_status and 4 in fills else {}
        yield (
            [
                action.number,
                action.text,
                _officers(action.leads.all()),
                _dates(action)[1],  # the plan finish as written: the timescale
                *status,
                cells[2],
                action.outcomes,
                refs,
            ],
            fills,
        )

    yield from _grouped(plan, actions, action_rows, dudley=True)


def _action_rows(action, updates, this, last, with_outcomes):
    milestones = list(action.milestones.all())
    leads = _officers(action.leads.all())
    chiefs = _officers(action.chief_officers.all())
    refs = ", ".join(
        sorted((a.number for a in action.cross_references.all()), key=_key)
    )
    extra = [action.outcomes] if with_outcomes else []
    if not milestones:
        cells, fills = _item_cells(("a", action.pk), action, updates, this, last)
        yield (
            [
                action.number,
                action.aim,
                action.text,
                *cells[:2],
                *_dates(action),
                action.success_criteria,
                leads,
                chiefs,
                *cells[2:],
                *extra,
                refs,
            ],
            fills,
        )
        return
    sub_actions = any(m.text for m in milestones[1:])
    for index, milestone in enumerate(milestones):
        first = index == 0
        cells, fills = _item_cells(("m", milestone.pk), milestone, updates, this, last)
        text = action.text if first else (milestone.text if sub_actions else "")
        yield (
            [
                action.number if first else "",
                action.aim if first else "",
                text,
                *cells[:2],
                *_dates(milestone),
                milestone.success_criteria,
                leads if first else _officers(milestone.leads.all()),
                chiefs if first else "",
                *cells[2:],
                *(extra if first else [""] * len(extra)),
                refs if first else "",
            ],
            fills,
        )


def _item_cells(item, obj, updates, this, last) -> tuple[list[str], dict[int, str]]:
    """Last month's and this month's status, this month's progress and risk."""
    fills = {}
    cells = []
    for column, period in ((3, last), (4, this)):
        update = updates.get((item, period.pk)) if period else None
        if update is None:
            cells.append("")
            continue
        label = update.status.label if update.status else ""
        cells.append(f"{label} {Direction.arrow_for(update.direction)}".strip())
        if update.status:
            fills[column] = StatusColour(update.status.colour).pale_fill
    update = updates.get((item, this.pk)) if this else None
    cells.append(update.progress if update else "")
    cells.append(update.risk if update else "")
    return cells, fills


def _dates(item) -> list:
    values = []
    for name, role in (
        ("plan_start", "start"),
        ("plan_finish", "finish"),
        ("actual_finish", "finish"),
    ):
        value, text = getattr(item, name), getattr(item, f"{name}_text")
        if text and date_parse(text, role=role).date == value:
            values.append(text)
        elif value is not None:
            values.append(value)
        else:
            values.append(text)
    return values


def _officers(officers) -> str:
    return "\n".join(officer_label(o.name, o.role_title, o.initials) for o in officers)


def _key(number: str):
    from recommendations.numbering import number_sort_key

    return number_sort_key(number)
