"""Importing a whole plan from a spreadsheet: a preview first, then the import itself.

spreadsheet → rows (reading.py) → parsed plan (layouts.py) → plan document (document.py,
fixtures/SCHEMA.md) → actionplans.loading.PlanLoader. A workbook's Measures sheet is read by
measures.py into the document's measures, loaded in the same transaction (a workbook
without one leaves the plan's measures as they are). The preview runs the loader inside a
transaction that is rolled back and shows its LoadReport (results.py); the confirmed import
runs it in one transaction. Any error, found while reading or while loading, means nothing
is written. Both run the same code, so the preview shows exactly what the import does; the
preview only leaves out the history of the rows the loader writes in bulk, which the
rollback would drop unread.

Re-importing a plan does not move an existing action's or milestone's agreed values (its
plan dates, wording and officers, actionplans.models.amendments) silently: the loader
holds each difference back, and the import records it as an amendment approved by the
uploader (amendments.services.amendment_record_approved), in the same transaction. The
preview lists them. A first import, which creates the items, records none.
"""

import datetime
import decimal
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage
from django.db import DatabaseError, IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import capfirst

from actionplans.loading import LoadReport, PlanLoader
from actionplans.models import (
    Action,
    ActionPlan,
    Amendment,
    Measure,
    MeasureTarget,
    MeasureValue,
    Milestone,
    ProgressUpdate,
    ReportingPeriod,
)
from actionplans.models.amendments import (
    AMENDED_DATES,
    AMENDED_OFFICERS,
    AMENDED_WORDING,
    WRITTEN_AS,
    agreed_value,
)
from actionplans.rules import update_values_problems
from actionplans.services import DEFAULT_STATUS_SCHEME
from amendments.services import AmendmentInvalid, amendment_record_approved
from lib.months import plan_date_label
from lib.text import is_blank
from recommendations.models import Inspection, Recommendation
from reporting.columns import preset_keys

from .columns import COLUMN_NAMES
from .document import NewPlan, plan_document
from .layouts import Layout, ParsedPlan, Problem, plan_parse
from .measures import ParsedMeasures, measures_parse, sheets_split
from .models import UPLOAD_FOLDER, Upload, UploadChanged
from .reading import SpreadsheetError, spreadsheet_read, text_clean
from .results import Difference, ImportAmendment, ImportResult, field_label

logger = logging.getLogger(__name__)


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


def upload_import(
    *,
    upload: Upload,
    options: ImportOptions,
    user: AbstractBaseUser | None = None,
) -> ImportResult:
    """Import a previewed upload, then delete it and its file whatever happened: imported,
    refused or failed, it is done with (a refused one's page offers another upload, not a
    second try). The file is read back from storage and checked against the hash taken at
    its preview, so what is imported is what was previewed."""
    try:
        data = upload.read()
        return plan_import_confirm(
            data=data, filename=upload.filename, options=options, user=user
        )
    except UploadChanged as error:
        result = ImportResult(layout=options.layout, plan=options.plan)
        result.problems.append(Problem("error", f"{error} Upload it again."))
        return result
    finally:
        upload_delete(upload=upload)


def upload_delete(*, upload: Upload) -> None:
    """Delete the upload, then its file. A file that cannot be deleted is logged and left
    behind: by then the import it belonged to is written or refused, and must not fail
    for it."""
    name = upload.file.name
    upload.delete()
    if not name:
        return
    try:
        upload.file.storage.delete(name)
    except Exception:
        # Whatever the storage raises (OSError, botocore's errors): the row is gone.
        logger.exception("Could not delete the uploaded file %s.", name)


def upload_files_sweep(*, before: datetime.datetime) -> int:
    """Delete stored upload files that no upload names and that were stored before
    `before`; return how many. Such files are left by a delete that failed, and by
    uploads deleted along with their user or plan. Newer files are left alone: a preview
    stores its file just before its row."""
    storage = Upload._meta.get_field("file").storage
    named = set(Upload.objects.values_list("file", flat=True))
    count = 0
    for name in _stored_files(storage, UPLOAD_FOLDER):
        if name not in named and storage.get_modified_time(name) < before:
            storage.delete(name)
            count += 1
    return count


def _stored_files(storage: Storage, folder: str) -> Iterator[str]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a folder storage before its first upload
        return
    for name in files:
        yield f"{folder}/{name}"
    for subfolder in folders:
        yield from _stored_files(storage, f"{folder}/{subfolder}")


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
    sheets, measures_sheet = sheets_split(sheets)
    parsed = plan_parse(
        sheets,
        layout=options.layout,
        this_month=options.this_month,
        status_labels=labels,
        complete_label=complete,
    )
    result.layout = parsed.layout
    result.problems.extend(parsed.problems)
    measures = measures_parse(measures_sheet) if measures_sheet else None
    if measures is not None:
        result.problems.extend(measures.problems)
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
    loader = _ImportLoader(plan=plan, user=user, report=report, preview=not save)
    try:
        with transaction.atomic():
            loaded = loader.load(
                plan_data=plan_data,
                actions_data=actions_data,
                measures_data=measures.document() if measures else None,
            )
            result.problems.extend(_refused_measures(loader, measures))
            _layout_adopt(loader=loader, plan=loaded, parsed=parsed)
            result.amendments = [_summary(d) for d in loader.differences.values()]
            result.problems.extend(_kept_problems(loader, parsed))
            result.problems.extend(
                _amendments_record(loader, parsed, filename=filename, user=user)
            )
            result.problems.extend(
                _conflict_problems(loader.conflicts, parsed, this_month)
            )
            result.problems.extend(_update_problems(loader, parsed, this_month))
            result.problems.extend(_too_long_problems(loader, parsed))
            if not save or not result.ok:
                raise _Rollback
    except _Rollback:
        loaded = None
    except (ValidationError, DatabaseError, KeyError, ValueError) as exc:
        result.problems.extend(_too_long_problems(loader, parsed))
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


def _layout_adopt(
    *, loader: "_ImportLoader", plan: ActionPlan, parsed: ParsedPlan
) -> None:
    """A file in Dudley's layout gives a plan that chose no report layout Dudley's
    columns, grouped under its sections when the file has any."""
    if parsed.layout != "dudley" or plan.report_columns:
        return
    plan.report_columns = preset_keys("dudley")
    plan.report_by_section = plan.report_by_section or bool(parsed.themes)
    loader.save_row(plan)  # recording the importing user in its history


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

    So that importing the app's own export changes nothing, a value the file only restates
    is left as stored (see _restated), an action's status worked out from its milestones
    does not replace one already reported, and an update keeps its actual finish unless
    the file changes the item's. Every update it changes gets a new version, so that a
    lead's form opened before the import refuses to overwrite it. Values longer than their
    field allows are recorded in `too_long` (and cut, so that the rest of the file can
    still be checked); the service refuses the import for them.

    Into an existing plan, an existing action's or milestone's agreed values (plan dates,
    wording, officers) are not written: each difference is held in `differences`, one per
    item and kind of amendment, for the service to record as an amendment. A date's text
    as written moves with its date (it is written once the amendment is recorded). A
    blank the amendments' rules do not allow (no lead, no wording) leaves the agreed value
    as it is, and is recorded in `kept`, which the service reports as a warning.
    """

    def __init__(self, *, plan: ActionPlan | None, preview: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.existing_plan = plan
        self.held_history = not preview  # a preview is rolled back
        self.conflicts: list[tuple[ProgressUpdate, list[str], dict[str, Any]]] = []
        self.too_long: list[_TooLong] = []
        self.differences: dict[tuple[type, int, str], _Difference] = {}
        self.kept: list[tuple[Action | Milestone, str]] = []
        # Updates this load created or changed, to be checked as the update form would.
        self.written_updates: list[ProgressUpdate] = []
        self._finish_changed: set[tuple[type, int]] = set()
        self._with_milestones: set[int] = set()
        # Measure rows the plan refuses: (row, field, message), for the service to report.
        self.refused: list[tuple[dict[str, Any], str, str]] = []

    def upsert(self, model, *, lookup, values):
        if self.existing_plan is not None and model is Inspection:
            return self.existing_plan.inspection
        if self.existing_plan is not None and model is ActionPlan:
            return self.existing_plan
        values = self._within_limits(model, lookup, values)
        if model is Milestone and not self.is_new(lookup["action"]):
            # Only an existing action can have updates for this to keep.
            self._with_milestones.add(lookup["action"].pk)
        if self.under_new_parent(lookup) or not values:
            return super().upsert(model, lookup=lookup, values=values)
        if model is ReportingPeriod:
            existing = ReportingPeriod.objects.filter(**lookup).first()
            if existing is not None:
                self.report.record(existing, [])
                return existing
        if model is ProgressUpdate:
            existing = self.find(model, lookup)
            if existing is not None:
                values = self._update_values(existing, lookup, values)
                if existing.period.is_closed:
                    changed = [
                        k for k, v in values.items() if getattr(existing, k) != v
                    ]
                    if changed:
                        self.conflicts.append((existing, changed, values))
                        self.report.record(existing, [])
                        return existing
            return super().upsert(model, lookup=lookup, values=values)
        existing = self.find(model, lookup)
        if existing is not None:
            values = _restated(existing, values)
            if (
                model in (Action, Milestone)
                and values.get("actual_finish", existing.actual_finish)
                != existing.actual_finish
            ):
                self._finish_changed.add((model, existing.pk))
            if model in (Action, Milestone) and self.existing_plan is not None:
                return self._item_upsert(existing, values)
        return super().upsert(model, lookup=lookup, values=values)

    def _item_upsert(
        self, item: Action | Milestone, values: dict[str, Any]
    ) -> Action | Milestone:
        """Bring an existing item in line with the file, holding back the differences
        of its agreed dates and wording (with their texts as written) as amendments."""
        kept = dict(values)
        held = set()
        for name in [*AMENDED_DATES, *AMENDED_WORDING]:
            if name not in values or values[name] == getattr(item, name):
                continue
            del kept[name]
            if name == "text" and is_blank(values[name]):
                self.kept.append((item, name))
                continue
            difference = self._difference(item, name, values[name])
            held.add(name)
            written = WRITTEN_AS.get(name)
            if written in values:
                difference.written[name] = kept.pop(written)
                if values[written] != getattr(item, written):
                    held.add(written)
        changed = [name for name, value in kept.items() if getattr(item, name) != value]
        for name in changed:
            setattr(item, name, kept[name])
        if changed:
            self.save_row(item)
        self.report.record(item, [n for n in values if n in held or n in changed])
        return item

    def _difference(
        self, item: Action | Milestone, name: str, new: Any
    ) -> "_Difference":
        kind = _KIND_OF[name]
        key = (type(item), item.pk, kind)
        difference = self.differences.setdefault(key, _Difference(item, kind))
        difference.old[name] = agreed_value(item, name)
        difference.new[name] = new
        return difference

    def set_if_changed(
        self, item: models.Model, name: str, objects: Iterable[models.Model]
    ) -> None:
        if (
            (type(item), name) not in _OFFICER_RELATIONS
            or self.existing_plan is None
            or self.is_new(item)
        ):
            return super().set_if_changed(item, name, objects)
        wanted = list(objects)
        if {o.pk for o in wanted} == self.current_links(item, name):
            return None
        if name == "leads" and not wanted:
            self.kept.append((item, name))
            return None
        self._difference(item, name, wanted)
        return None

    def record_amendments(
        self, *, reason: str, board: str
    ) -> list[tuple["_Difference", dict[str, str]]]:
        """Record every difference as an approved amendment; return those refused, with
        the amendments' errors by field. A refused one writes nothing."""
        refused = []
        for difference in self.differences.values():
            try:
                amendment_record_approved(
                    plan=self.existing_plan,
                    user=self.user,
                    item=difference.item,
                    kind=difference.kind,
                    proposed=dict(difference.new),
                    reason=reason,
                    board=board,
                )
            except AmendmentInvalid as exc:
                refused.append((difference, exc.errors))
            except IntegrityError as exc:  # a constraint the amendment rules miss
                refused.append(
                    (difference, {"__all__": f"It could not be saved: {exc}."})
                )
            else:
                self._agreed(difference)
        return refused

    def _agreed(self, difference: "_Difference") -> None:
        """Once its amendment is recorded, the item as the loader holds it takes the new
        values (so that later checks see them), and a new date its text as written."""
        item = difference.item
        texts = []
        for name, value in difference.new.items():
            if name in AMENDED_OFFICERS:
                continue
            setattr(item, name, value)
            if name not in WRITTEN_AS:
                continue
            # The approval cleared the old date's text; the file's is the new date's,
            # unless it only restates the date (as _restated).
            text = difference.written.get(name, "")
            if value is not None and text == f"{value:%d/%m/%Y}":
                text = ""
            setattr(item, WRITTEN_AS[name], text)
            if text:
                texts.append(WRITTEN_AS[name])
        if texts:
            if self.user is not None:
                item._history_user = self.user
            item.save(update_fields=texts)

    def _update_values(
        self, existing: ProgressUpdate, lookup: dict[str, Any], values: dict[str, Any]
    ) -> dict[str, Any]:
        """The values to bring an existing update in line with the file."""
        values = _restated(existing, values)
        values.pop("workflow_state", None)
        item = lookup.get("action") or lookup.get("milestone")
        if "action" in lookup and item.pk in self._with_milestones:
            # The file has no status of its own for an action with milestones: the loader
            # works one out from theirs, which must not replace the one reported.
            values.pop("status", None)
            values.pop("direction", None)
        if (
            existing.period.is_closed
            or (type(item), item.pk) not in self._finish_changed
        ):
            # A frozen update keeps the actual finish it recorded, and an open one the
            # finish its lead reported (perhaps not yet signed off, so not the item's).
            values.pop("actual_finish", None)
        return values

    def _within_limits(
        self, model, lookup: dict[str, Any], values: dict[str, Any]
    ) -> dict[str, Any]:
        fitted = dict(values)
        for name, value in (lookup | values).items():
            if not isinstance(value, str):
                continue
            limit = model._meta.get_field(name).max_length
            if limit is not None and len(value) > limit:
                self.too_long.append(_TooLong(model, lookup, name, len(value), limit))
                if name in fitted:
                    fitted[name] = value[:limit]
        return fitted

    def refuse(self, row: dict[str, Any], field_name: str, message: str) -> None:
        self.refused.append((row, field_name, message))

    def actual_problem(
        self,
        period: ReportingPeriod,
        stored: MeasureValue | None,
        value: decimal.Decimal,
        *,
        name: str,
    ) -> str:
        """A closed month's actuals are frozen with it, as its updates are. A month this
        import creates closed (a new plan's final report) is not frozen yet."""
        created = (ReportingPeriod, period.pk) in self._created
        if not period.is_closed or created:
            return ""
        if stored is not None and stored.value == value:
            return ""
        was = _plain(stored.value) if stored is not None else "none"
        return (
            f"{period} is closed, and the file would change the actual of {name} "
            f"({was} → {_plain(value)}). Closed months are not changed by an import: "
            "correct the file, or ask for the month to be reopened."
        )

    def write_row(self, model, obj, *, lookup, values):
        if obj is not None and model in (Measure, MeasureTarget):
            values = _restated(obj, values)
        return super().write_row(model, obj, lookup=lookup, values=values)

    def save_row(self, obj: models.Model, *, hold: bool = False) -> None:
        if isinstance(obj, ProgressUpdate):
            if not obj._state.adding:
                obj.version += 1  # as every other write of an update does
            self.written_updates.append(obj)
        super().save_row(obj, hold=hold)


_KIND_OF = (
    dict.fromkeys(AMENDED_DATES, Amendment.Kind.DATES)
    | dict.fromkeys(AMENDED_WORDING, Amendment.Kind.WORDING)
    | dict.fromkeys(AMENDED_OFFICERS, Amendment.Kind.OFFICERS)
)
# The officer relations an amendment changes.
_OFFICER_RELATIONS = {
    (Action, "leads"),
    (Action, "chief_officers"),
    (Milestone, "leads"),
}


@dataclass
class _Difference:
    """Where the file differs from an existing item's agreed values, for one kind of
    amendment: the values (as the model holds them) before and as the file has them,
    and the file's texts as written for the new dates."""

    item: Action | Milestone
    kind: str
    old: dict[str, Any] = field(default_factory=dict)
    new: dict[str, Any] = field(default_factory=dict)
    written: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _TooLong:
    model: type
    lookup: dict[str, Any]
    name: str
    length: int
    limit: int


def _restated(existing, values: dict[str, Any]) -> dict[str, Any]:
    """`values`, keeping the stored value wherever the file only restates it.

    Text is stored as typed (the update form keeps Windows line ends and double spaces)
    but read from a file tidied (reading.text_clean); a date's text that adds nothing to
    an unchanged date (a date cell's plain "20/07/2009", or none at all on an action whose
    dates come from its milestones) leaves the text kept beside the date, often none.
    """
    kept = dict(values)
    for name, value in values.items():
        stored = getattr(existing, name)
        if (
            isinstance(value, str)
            and isinstance(stored, str)
            and value != stored
            and text_clean(stored) == value
        ):
            kept[name] = stored
    for name in ("plan_start", "plan_finish", "actual_finish"):
        day, text = values.get(name), values.get(f"{name}_text")
        if day is None or text is None or day != getattr(existing, name):
            continue
        if text in ("", f"{day:%d/%m/%Y}"):
            kept[f"{name}_text"] = getattr(existing, f"{name}_text")
    return kept


def _item_rows(parsed: ParsedPlan) -> dict[str, tuple[str, int]]:
    """The sheet and row of every action and milestone ("1.2 (a)") of the file."""
    rows: dict[str, tuple[str, int]] = {}
    for action in parsed.actions:
        rows[action["number"]] = action["_row"]
        for milestone in action["milestones"]:
            rows[f"{action['number']} {milestone['label']}"] = milestone["_row"]
    return rows


def _amendments_record(
    loader: _ImportLoader,
    parsed: ParsedPlan,
    *,
    filename: str,
    user: AbstractBaseUser | None,
) -> list[Problem]:
    """Record the loader's differences as approved amendments, decided by the uploader;
    the problems of those that cannot be recorded, each on its item's row."""
    if not loader.differences:
        return []
    plan = loader.existing_plan
    if not plan.periods.open().exists():
        numbers = ", ".join(
            dict.fromkeys(str(d.item.number) for d in loader.differences.values())
        )
        return [
            Problem(
                "error",
                f"The file changes agreed dates, wording or officers ({numbers}). An "
                "import records such changes as amendments in the plan's open month, "
                "and no month is open: open the plan's next month, then import the "
                "file again.",
            )
        ]
    name = (user.get_full_name() or user.get_username()) if user else ""
    refused = loader.record_amendments(
        reason=f"imported from {filename}",
        board=f"Imported by {name}" if name else "Imported",
    )
    rows = _item_rows(parsed)
    problems = []
    for difference, errors in refused:
        number = str(difference.item.number)
        sheet, row = rows.get(number, ("", None))
        summary = _summary(difference)
        for name, message in errors.items():
            at = name if name in difference.new else next(iter(difference.new))
            problems.append(
                Problem(
                    "error",
                    f"{summary}: the change cannot be recorded as an amendment. "
                    f"{message}",
                    sheet=sheet,
                    row=row,
                    column=COLUMN_NAMES.get(at, ""),
                )
            )
    return problems


def _summary(difference: _Difference) -> ImportAmendment:
    item = difference.item
    kind = item._meta.verbose_name
    return ImportAmendment(
        number=str(item.number),
        kind=Amendment.Kind(difference.kind).label,
        differences=tuple(
            Difference(
                label=field_label(kind, name),
                old=_value_shown(name, difference.old[name]),
                new=_value_shown(name, value),
            )
            for name, value in difference.new.items()
        ),
    )


def _value_shown(name: str, value: Any) -> str:
    if name in AMENDED_OFFICERS:
        return "; ".join(sorted(str(officer) for officer in value)) or "none"
    if isinstance(value, datetime.date):
        return plan_date_label(value)
    return value or "none"


def _kept_problems(loader: _ImportLoader, parsed: ParsedPlan) -> list[Problem]:
    """Warnings for the blanks that left an agreed value as it is."""
    rows = _item_rows(parsed)
    problems = []
    for item, name in loader.kept:
        number = str(item.number)
        sheet, row = rows.get(number, ("", None))
        label = field_label(item._meta.verbose_name, name)
        problems.append(
            Problem(
                "warning",
                f"{number}: no lead in the file, and an item cannot be left without "
                "one: its agreed leads are kept."
                if name == "leads"
                else f"{number}: no {label} in the file, and an amendment cannot clear "
                f"it: the agreed {label} is kept.",
                sheet=sheet,
                row=row,
                column=COLUMN_NAMES.get(name, ""),
            )
        )
    return problems


def _status_column(period: ReportingPeriod, this_month: datetime.date | None) -> str:
    is_this = this_month is not None and period.month == this_month
    return COLUMN_NAMES["this_status" if is_this else "last_status"]


def _update_problems(
    loader: _ImportLoader, parsed: ParsedPlan, this_month: datetime.date | None
) -> list[Problem]:
    """The update form's rules (rules.update_values_problems) for every update the
    import writes, each on its item's row."""
    rows = _item_rows(parsed)
    complete = [s.label for s in loader.statuses.values() if s.counts_as_complete]
    today = timezone.localdate()
    problems = []
    for update in loader.written_updates:
        item = update.action or update.milestone
        for problem in update_values_problems(
            status=update.status,
            complete_labels=complete,
            actual_finish=update.actual_finish,
            plan_start=item.plan_start,
            today=today,
        ):
            if (
                problem.code == "complete_needs_finish"
                and item.actual_finish_text
                and item.actual_finish is None
            ):
                # A file that says "Completed" where the date goes records the finish
                # as written, with no date to give (Dudley's timescales).
                continue
            sheet, row = rows.get(str(item.number), ("", None))
            column = (
                COLUMN_NAMES["actual_finish"]
                if problem.field == "actual_finish"
                else _status_column(update.period, this_month)
            )
            problems.append(
                Problem(
                    "error",
                    f"{item.number}, {update.period}: {problem.message}",
                    sheet=sheet,
                    row=row,
                    column=column,
                )
            )
    return problems


def _too_long_problems(loader: _ImportLoader, parsed: ParsedPlan) -> list[Problem]:
    rows = _item_rows(parsed) | {
        f"recommendation {rec['number']}": rec["_row"] for rec in parsed.recommendations
    }
    problems = []
    for too_long in loader.too_long:
        model, lookup, name = too_long.model, too_long.lookup, too_long.name
        sheet, row = rows.get(_row_key(model, lookup), ("", None))
        column = ""
        if model in (Action, Milestone, ProgressUpdate):
            column = COLUMN_NAMES.get(name.removesuffix("_text"), "")
        label = str(model._meta.get_field(name).verbose_name)
        if not column:
            # No column to point to (a heading row): say whose field it is.
            label = f"{model._meta.verbose_name} {label}"
        label = capfirst(label)
        problems.append(
            Problem(
                "error",
                f"{label}: {too_long.length:,} characters; at most "
                f"{too_long.limit:,}. Shorten the text.",
                sheet=sheet,
                row=row,
                column=column,
            )
        )
    return problems


def _row_key(model, lookup: dict[str, Any]) -> str:
    """The key of _item_rows (or "recommendation N") for a row the loader looks up."""
    if model is Action:
        return lookup["number"]
    if model is Milestone:
        return f"{lookup['action'].number} {lookup['label']}"
    if model is ProgressUpdate:
        return str((lookup.get("action") or lookup.get("milestone")).number)
    if model is Recommendation:
        return f"recommendation {lookup['number']}"
    return ""


def _conflict_problems(
    conflicts, parsed: ParsedPlan, this_month: datetime.date | None
) -> list[Problem]:
    rows = _item_rows(parsed)
    problems = []
    for update, changed, values in conflicts:
        item = update.milestone.number if update.milestone_id else update.action.number
        sheet, row = rows.get(item, ("", None))
        column = {
            "status": _status_column(update.period, this_month),
            "direction": _status_column(update.period, this_month),
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


def _refused_measures(
    loader: _ImportLoader, measures: ParsedMeasures | None
) -> list[Problem]:
    """The measure rows the plan refused, each on its row and column of the sheet."""
    problems = []
    for row, field_name, message in loader.refused:
        sheet, number = row["_row"]
        problems.append(
            Problem(
                "error",
                message,
                sheet=sheet,
                row=number,
                column=measures.column(field_name) if measures else "",
            )
        )
    return problems


def _plain(value: decimal.Decimal) -> str:
    return f"{value.normalize():f}"


def _shown(value: Any) -> str:
    if value is None:
        return ""
    return str(value)[:60]


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    return str(exc) or exc.__class__.__name__
