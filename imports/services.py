"""Importing a whole plan from a spreadsheet: a preview first, then the import itself.

spreadsheet → rows (reading.py) → parsed plan (layouts.py) → plan document
(fixtures/SCHEMA.md) → actionplans.loading.PlanLoader. The preview runs the loader inside a
transaction that is rolled back and shows its LoadReport; the confirmed import runs it in
one transaction. Any error, found while reading or while loading, means nothing is written.
"""

import calendar
import datetime
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.text import slugify

from actionplans.loading import LoadReport, PlanLoader
from actionplans.models import (
    Action,
    ActionPlan,
    Officer,
    ProgressUpdate,
    ReportingPeriod,
)
from actionplans.services import DEFAULT_STATUS_SCHEME
from recommendations.models import Inspection

from .layouts import COLUMN_NAMES, Layout, ParsedPlan, Problem, plan_parse
from .officers import OfficerName, officer_label
from .reading import SpreadsheetError, spreadsheet_read

# The kinds of row the preview counts, in the order it shows them.
PREVIEW_KINDS = [
    "theme",
    "recommendation",
    "action",
    "milestone",
    "officer",
    "progress update",
    "reporting period",
]


@dataclass
class NewPlan:
    title: str
    owner: str
    inspectorate: str
    inspection_title: str = ""
    slug: str = ""


@dataclass
class ImportOptions:
    layout: Layout | None = None
    this_month: datetime.date | None = None
    close_this_month: bool = False
    plan: ActionPlan | None = None
    new_plan: NewPlan | None = None


@dataclass
class OfficerMatch:
    written: str
    officer: str
    how: str  # "existing", "matched by name", "new"


@dataclass
class ImportResult:
    """What an import would do (preview) or did (confirm), and every problem found."""

    layout: Layout | None = None
    this_month: datetime.date | None = None
    problems: list[Problem] = field(default_factory=list)
    report: LoadReport | None = None
    officers: list[OfficerMatch] = field(default_factory=list)
    not_in_file: list[str] = field(default_factory=list)
    plan: ActionPlan | None = None
    saved: bool = False
    seconds: float = 0.0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def notes(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "note"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> list[tuple[str, int, int, int]]:
        """(kind, created, changed, unchanged) for every kind the preview shows."""
        if self.report is None:
            return []
        report = self.report
        return [
            (kind, report.created[kind], report.changed[kind], report.unchanged[kind])
            for kind in PREVIEW_KINDS
            if report.created[kind] or report.changed[kind] or report.unchanged[kind]
        ]

    def lines(self) -> list[str]:
        """The preview as plain text, for the command line."""
        lines = []
        if self.layout:
            lines.append(f"Layout: {self.layout}")
        if self.this_month:
            lines.append(f"This month: {self.this_month:%B %Y}")
        if self.counts():
            lines.append(f"{'':<18}{'created':>9}{'changed':>9}{'unchanged':>11}")
            for kind, created, changed, unchanged in self.counts():
                lines.append(f"{kind:<18}{created:>9}{changed:>9}{unchanged:>11}")
        if self.report is not None:
            for kind, row, fields in self.report.changes:
                if kind in PREVIEW_KINDS:
                    lines.append(f"CHANGED {kind} {row}: {', '.join(fields)}")
        for match in self.officers:
            if match.how != "existing":
                lines.append(
                    f"OFFICER {match.written!r}: {match.how} ({match.officer})"
                )
        if self.not_in_file:
            lines.append(
                "In the plan but not in the file (left as they are): "
                + ", ".join(self.not_in_file)
            )
        for problem in self.problems:
            if problem.severity != "note":
                lines.append(str(problem))
        lines.append(
            f"{len(self.errors)} error(s), {len(self.warnings)} warning(s)"
            + (f", {self.seconds:.2f} s" if self.seconds else "")
        )
        return lines


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
        slug = options.new_plan.slug or slugify(options.new_plan.title)[:80]
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

    plan_data, actions_data, officer_matches = _document(
        parsed, options=options, this_month=this_month
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


# -- the plan document --------------------------------------------------------------


def _document(
    parsed: ParsedPlan, *, options: ImportOptions, this_month: datetime.date | None
) -> tuple[dict[str, Any], dict[str, Any], list[OfficerMatch]]:
    registry = _OfficerRegistry()
    months = _months(parsed, options, this_month)
    actions = []
    for parsed_action in parsed.actions:
        action = {k: v for k, v in parsed_action.items() if k != "_row"}
        for name in ("leads", "chief_officers"):
            if f"{name}" in parsed_action and _has_column(parsed, name):
                action[name] = [registry.key(o) for o in parsed_action[name]]
            else:
                action.pop(name, None)
        action["updates"] = _updates(parsed_action["updates"], months)
        milestones = []
        for parsed_milestone in parsed_action["milestones"]:
            milestone = {k: v for k, v in parsed_milestone.items() if k != "_row"}
            if _has_column(parsed, "leads"):
                milestone["leads"] = [
                    registry.key(o) for o in parsed_milestone["leads"]
                ]
            else:
                milestone.pop("leads", None)
            milestone["updates"] = _updates(parsed_milestone["updates"], months)
            milestones.append(milestone)
        action["milestones"] = milestones
        actions.append(action)
    recommendations = [dict(rec) for rec in parsed.recommendations]
    if not parsed.themes:
        # A file without section headings leaves recommendations' themes as they are.
        for rec in recommendations:
            rec.pop("theme", None)
    actions_data = {
        "themes": parsed.themes,
        "recommendations": recommendations,
        "officers": registry.officers(),
        "actions": actions,
    }
    used = {
        month
        for action in actions
        for item in [action, *action["milestones"]]
        for month in item["updates"]
    }
    plan_data = _plan_data(
        options, {which: month for which, month in months.items() if month in used}
    )
    return plan_data, actions_data, registry.matches


def _has_column(parsed: ParsedPlan, name: str) -> bool:
    return name in parsed.columns


def _updates(updates: dict[str, Any], months: dict[str, str]) -> dict[str, Any]:
    return {
        months[which]: update for which, update in updates.items() if which in months
    }


def _months(
    parsed: ParsedPlan, options: ImportOptions, this_month: datetime.date | None
) -> dict[str, str]:
    """ "this" and "last" as months; "last" only when the file has a last month column."""
    if this_month is None:
        return {}
    months = {"this": this_month.strftime("%Y-%m")}
    if "last_status" in parsed.columns:
        last = (this_month - datetime.timedelta(days=1)).replace(day=1)
        months["last"] = last.strftime("%Y-%m")
    return months


def _plan_data(options: ImportOptions, months: dict[str, str]) -> dict[str, Any]:
    periods = []
    if "this" in months:
        this = datetime.date.fromisoformat(months["this"] + "-01")
        # Last month's statuses are history: its period is closed. This month stays open
        # for updates unless the file is its final report; then the next month opens.
        if "last" in months:
            periods.append({"month": months["last"], "closed": True})
        periods.append({"month": months["this"], "closed": options.close_this_month})
        if options.close_this_month:
            following = (this + datetime.timedelta(days=32)).replace(day=1)
            periods.append({"month": following.strftime("%Y-%m"), "closed": False})
    plan = options.plan
    if plan is not None:
        inspection = plan.inspection
        return {
            "plan": {"slug": plan.slug, "title": plan.title, "owner": plan.owner},
            "inspection": {
                "organisation": inspection.organisation,
                "title": inspection.title,
                "inspectorate": inspection.inspectorate,
            },
            "periods": periods,
        }
    new = options.new_plan
    assert new is not None
    return {
        "plan": {
            "slug": new.slug or slugify(new.title)[:80],
            "title": new.title,
            "owner": new.owner,
            "introduction": "",
            "status": ActionPlan.Status.ACTIVE,
        },
        "inspection": {
            "inspectorate": new.inspectorate,
            "title": new.inspection_title or new.title,
            "organisation": new.owner,
            "judgments": [],
        },
        "periods": periods,
    }


def _normal(text: str) -> str:
    text = text.lower().replace("&", " and ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


class _OfficerRegistry:
    """Officers named in the file, matched to the officers already in the database.

    Exact name, role and initials first; then a named person by name alone (a role written
    a little differently is the same person); then a role (with initials) written with
    different spacing, case or punctuation. Anyone else is new.
    """

    def __init__(self):
        self.known = list(Officer.objects.all())
        self.by_identity = {(o.name, o.role_title, o.initials): o for o in self.known}
        self.by_name: dict[str, list[Officer]] = {}
        self.by_role: dict[tuple[str, str], list[Officer]] = {}
        for officer in self.known:
            if officer.name:
                self.by_name.setdefault(_normal(officer.name), []).append(officer)
            else:
                key = (_normal(officer.role_title), officer.initials.lower())
                self.by_role.setdefault(key, []).append(officer)
        self.identities: dict[tuple[str, str, str], str] = {}
        self.seen: dict[OfficerName, tuple[str, str, str]] = {}
        self.file_names: dict[str, tuple[str, str, str]] = {}
        self.matches: list[OfficerMatch] = []
        self.keys: Counter = Counter()

    def key(self, written: OfficerName) -> str:
        identity = self.seen.get(written)
        if identity is None:
            identity, how = self._match(written)
            self.seen[written] = identity
            self.matches.append(
                OfficerMatch(str(written), officer_label(*identity), how)
            )
        if identity not in self.identities:
            base = slugify(officer_label(*identity))[:60] or "officer"
            self.keys[base] += 1
            suffix = f"-{self.keys[base]}" if self.keys[base] > 1 else ""
            self.identities[identity] = base + suffix
        return self.identities[identity]

    def _match(self, written: OfficerName) -> tuple[tuple[str, str, str], str]:
        identity = (written.name, written.role_title, written.initials)
        if identity in self.by_identity:
            return identity, "existing"
        if written.name:
            name = _normal(written.name)
            if name in self.file_names:
                return self.file_names[name], "matched by name"
            candidates = self.by_name.get(name, [])
            if len(candidates) == 1:
                found = candidates[0]
                identity = (found.name, found.role_title, found.initials)
                self.file_names[name] = identity
                return identity, "matched by name"
            self.file_names[name] = identity
            return identity, "new"
        candidates = self.by_role.get(
            (_normal(written.role_title), written.initials.lower()), []
        )
        if len(candidates) == 1:
            found = candidates[0]
            return (found.name, found.role_title, found.initials), "existing"
        return identity, "new"

    def officers(self) -> list[dict[str, str]]:
        return [
            {"key": key, "name": name, "role_title": role, "initials": initials}
            for (name, role, initials), key in self.identities.items()
        ]


def month_parse(text: str) -> datetime.date | None:
    """ "August 2009", "Aug-09", "08/2009", "2009-08" → 1 August 2009; None if unreadable."""
    text = (text or "").strip()
    if not text:
        return None
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text) or re.fullmatch(
        r"(\d{1,2})\s*/\s*(\d{4})", text
    )
    if match:
        first, second = match.groups()
        year, month = (first, second) if len(first) == 4 else (second, first)
        if 1 <= int(month) <= 12:
            return datetime.date(int(year), int(month), 1)
        return None
    from .dates import date_parse

    reading = date_parse(text, role="start")
    if reading.date is None:
        return None
    return reading.date.replace(day=1)


def month_label(month: datetime.date) -> str:
    return f"{calendar.month_name[month.month]} {month.year}"


def plan_actions_numbers(*, plan: ActionPlan) -> list[str]:
    return list(Action.objects.filter(plan=plan).values_list("number", flat=True))
