"""Importing a whole plan from a spreadsheet: a preview first, then the import itself.

spreadsheet → rows (reading.py) → parsed plan (layouts.py) → plan document (document.py,
fixtures/SCHEMA.md) → actionplans.loading.PlanLoader. The preview runs the loader inside a
transaction that is rolled back and shows its LoadReport (results.py); the confirmed import
runs it in one transaction. Any error, found while reading or while loading, means nothing
is written.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from actionplans.loading import LoadReport, PlanLoader
from actionplans.models import ActionPlan, ProgressUpdate, ReportingPeriod
from actionplans.services import DEFAULT_STATUS_SCHEME
from recommendations.models import Inspection

from .columns import COLUMN_NAMES
from .document import NewPlan, plan_document
from .layouts import Layout, ParsedPlan, Problem, plan_parse
from .reading import SpreadsheetError, spreadsheet_read
from .results import ImportResult


@dataclass
class ImportOptions:
    layout: Layout | None = None
    this_month: datetime.date | None = None
    close_this_month: bool = False
    plan: ActionPlan | None = None
    new_plan: NewPlan | None = None


class _Rollback(Exception):
    pass


def plan_import_preview(
    *,
    data: bytes,
    filename: str,
    options: ImportOptions,
    user: AbstractBaseUser | None = None,
) -> ImportResult:
    """What importing the file would create, change and leave as it is. Writes nothing."""
    return _run(data=data, filename=filename, options=options, user=user, save=False)


def plan_import_confirm(
    *,
    data: bytes,
    filename: str,
    options: ImportOptions,
    user: AbstractBaseUser | None = None,
) -> ImportResult:
    """Import the file in one transaction, recording `user` in the history of every row it
    writes. The file is read again from the start; on any error nothing is written."""
    return _run(data=data, filename=filename, options=options, user=user, save=True)


def _run(
    *,
    data: bytes,
    filename: str,
    options: ImportOptions,
    user: AbstractBaseUser | None,
    save: bool,
) -> ImportResult:
    started = timezone.now()
    result = ImportResult(layout=options.layout, plan=options.plan)
    try:
        sheets = spreadsheet_read(data=data, filename=filename)
    except SpreadsheetError as exc:
        result.problems.append(Problem("error", str(exc)))
        return result
    plan = options.plan
    labels, complete = _scheme(plan)
    parsed = plan_parse(
        sheets,
        layout=options.layout,
        this_month=options.this_month,
        status_labels=labels,
        complete_label=complete,
    )
    result.layout = parsed.layout
    result.problems.extend(parsed.problems)
    this_month = options.this_month or parsed.month_in_title
    result.this_month = this_month
    if parsed.has_updates and this_month is None:
        result.problems.append(
            Problem(
                "error",
                "Say which month the file reports on (This month): the file has "
                "statuses or progress reports, and its title does not name the month.",
                column="This month",
            )
        )
    if plan is None and options.new_plan is None:
        result.problems.append(
            Problem("error", "Choose a plan or give a new plan's title.")
        )
    if plan is None and options.new_plan is not None:
        slug = options.new_plan.address
        if not slug:
            result.problems.append(Problem("error", "The new plan needs a title."))
        elif ActionPlan.objects.filter(slug=slug).exists():
            result.problems.append(
                Problem(
                    "error",
                    f"A plan with the address {slug!r} already exists. Import into that "
                    "plan instead, or give the new plan another title.",
                )
            )
    if not result.ok:
        return result

    plan_data, actions_data, officer_matches = plan_document(
        parsed,
        this_month=this_month,
        close_this_month=options.close_this_month,
        plan=plan,
        new_plan=options.new_plan,
    )
    result.officers = officer_matches
    if plan is not None:
        numbers = {action["number"] for action in actions_data["actions"]}
        result.not_in_file = [
            number
            for number in plan.actions.order_by("sort_key").values_list(
                "number", flat=True
            )
            if number not in numbers
        ]
    report = LoadReport()
    loader = _ImportLoader(plan=plan, user=user, report=report)
    try:
        with transaction.atomic():
            loaded = loader.load(plan_data=plan_data, actions_data=actions_data)
            result.problems.extend(
                _conflict_problems(loader.conflicts, parsed, this_month)
            )
            if not save or not result.ok:
                raise _Rollback
    except _Rollback:
        loaded = None
    except (ValidationError, DatabaseError, KeyError, ValueError) as exc:
        result.problems.append(
            Problem("error", f"The plan could not be saved: {_message(exc)}")
        )
        loaded = None
    result.report = report
    if save and result.ok:
        result.plan = loaded
        result.saved = True
    result.seconds = (timezone.now() - started).total_seconds()
    return result


def _scheme(plan: ActionPlan | None) -> tuple[tuple[str, ...], str | None]:
    """The plan's status labels, and the one a word like "Completed" stands for: the
    Leeds scheme's Green ("Action completed"), else the first status counting as complete."""
    statuses = list(plan.statuses.all()) if plan is not None else []
    if not statuses:
        return tuple(s["label"] for s in DEFAULT_STATUS_SCHEME), "Green"
    labels = tuple(status.label for status in statuses)
    complete = [status.label for status in statuses if status.counts_as_complete]
    if "Green" in complete:
        return labels, "Green"
    return labels, (complete[0] if complete else None)


class _ImportLoader(PlanLoader):
    """The plan loader, careful with a plan that is already in use.

    It leaves the plan, its inspection and existing periods as they are (a spreadsheet does
    not carry them), keeps the workflow state of existing updates, and never changes an
    update of a closed period: such a change is recorded as a conflict, which the service
    reports as an error, so that the whole import is rolled back.
    """

    def __init__(self, *, plan: ActionPlan | None, **kwargs):
        super().__init__(**kwargs)
        self.existing_plan = plan
        self.conflicts: list[tuple[ProgressUpdate, list[str], dict[str, Any]]] = []

    def upsert(self, model, *, lookup, values):
        if self.existing_plan is not None and model is Inspection:
            return self.existing_plan.inspection
        if self.existing_plan is not None and model is ActionPlan:
            return self.existing_plan
        if self.under_new_parent(lookup):
            return super().upsert(model, lookup=lookup, values=values)
        if model is ReportingPeriod:
            existing = ReportingPeriod.objects.filter(**lookup).first()
            if existing is not None:
                self.report.record(existing, [])
                return existing
        if model is ProgressUpdate:
            existing = (
                ProgressUpdate.objects.filter(**lookup)
                .select_related("period", "status")
                .first()
            )
            if existing is not None:
                values = {k: v for k, v in values.items() if k != "workflow_state"}
                if existing.period.is_closed:
                    # A frozen update keeps the actual finish it recorded.
                    values.pop("actual_finish", None)
                    changed = [
                        k for k, v in values.items() if getattr(existing, k) != v
                    ]
                    if changed:
                        self.conflicts.append((existing, changed, values))
                        self.report.record(existing, [])
                        return existing
        return super().upsert(model, lookup=lookup, values=values)


def _conflict_problems(
    conflicts, parsed: ParsedPlan, this_month: datetime.date | None
) -> list[Problem]:
    rows: dict[str, tuple[str, int]] = {}
    for action in parsed.actions:
        rows[action["number"]] = action["_row"]
        for milestone in action["milestones"]:
            rows[f"{action['number']} {milestone['label']}"] = milestone["_row"]
    problems = []
    for update, changed, values in conflicts:
        item = update.milestone.number if update.milestone_id else update.action.number
        sheet, row = rows.get(item, ("", None))
        is_this = this_month is not None and update.period.month == this_month
        column = {
            "status": "This Month RAG" if is_this else "Last Month RAG",
            "direction": "This Month RAG" if is_this else "Last Month RAG",
            "progress": COLUMN_NAMES["progress"],
            "risk": COLUMN_NAMES["risk"],
        }.get(changed[0], "")
        details = "; ".join(
            f"{name} {_shown(getattr(update, name))!r} → {_shown(values[name])!r}"
            for name in changed
        )
        problems.append(
            Problem(
                "error",
                f"{update.period} is closed, and the file would change its update for "
                f"{item} ({details}). Closed months are not changed by an import: "
                "correct the file, or ask for the month to be reopened.",
                sheet=sheet,
                row=row,
                column=column,
            )
        )
    return problems


def _shown(value: Any) -> str:
    if value is None:
        return ""
    return str(value)[:60]


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    return str(exc) or exc.__class__.__name__
