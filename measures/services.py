"""Defining a plan's measures: the coordinator's writes.

A measure, the actions and milestones it evidences and its targets are written together in
one transaction, or nothing is. Bad input raises MeasureInvalid with a message for each
field at fault (the form's field names, so the page shows each message at its field).
"""

import datetime
import decimal
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Max

from actionplans.models import (
    Action,
    ActionPlan,
    Measure,
    MeasureTarget,
    Milestone,
)
from lib.text import is_blank

Unit = Measure.Unit

# As many target rows as the form offers: plans set a target a year for two or three
# years, so six leaves room without a script to add rows.
TARGET_ROWS = 6


class MeasureInvalid(ValueError):
    """What is wrong with a measure, by field ("__all__" for the whole)."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class TargetRow:
    """One filled row of the targets table; `row` is its number on the form (1, 2, ...),
    so that a message names the row the coordinator typed it in."""

    row: int
    value: decimal.Decimal
    due: datetime.date
    label: str = ""


@dataclass(frozen=True)
class MeasureDefinition:
    """Everything the coordinator defines about a measure."""

    name: str
    unit: str
    higher_is_better: bool
    baseline_value: decimal.Decimal | None
    baseline_date: datetime.date | None
    source: str = ""
    actions: Sequence[Action] = ()
    milestones: Sequence[Milestone] = ()
    targets: Sequence[TargetRow] = field(default_factory=tuple)


def target_field(row: int, name: str) -> str:
    """The form field of a target row's value: "target_2_due"."""
    return f"target_{row}_{name}"


def _date(value: datetime.date) -> str:
    return f"{value:%d/%m/%Y}"


def _range_problem(unit: str, value: decimal.Decimal, what: str) -> str:
    if unit == Unit.PERCENT and not 0 <= value <= 100:
        return f"{what} is a percentage: enter a number from 0 to 100, like 63 for 63%."
    if unit == Unit.DAYS and value < 0:
        return f"{what} is a number of days: it cannot be below 0."
    return ""


def measure_problems(
    *, plan: ActionPlan, measure: Measure | None, definition: MeasureDefinition
) -> dict[str, str]:
    """What is wrong with a definition of a measure of the plan, by form field.

    `measure` is the measure being changed (None for a new one). Reads the plan's other
    measures' names and, for a change, whether the measure has actuals.
    """
    d = definition
    errors: dict[str, str] = {}
    name = d.name.strip()
    if is_blank(name):
        errors["name"] = "Enter the measure's name, like “Timely reviews”."
    else:
        others = Measure.objects.filter(plan=plan, name__iexact=name)
        if measure is not None:
            others = others.exclude(pk=measure.pk)
        if others.exists():
            errors["name"] = f"The plan already has a measure called “{name}”."
    if d.unit not in Unit.values:
        errors["unit"] = "Choose the unit the measure is counted in."
    elif (
        measure is not None
        and d.unit != measure.unit
        and measure.values.exists()  # the actuals were entered in the old unit
    ):
        errors["unit"] = (
            f"Actuals are already entered in {measure.get_unit_display()}: the unit "
            "cannot change. Add a new measure instead."
        )
    if (d.baseline_value is None) != (d.baseline_date is None):
        if d.baseline_value is None:
            errors["baseline_value"] = "Enter the baseline, like 63, with its date."
        else:
            errors["baseline_date"] = "Enter the date of the baseline, like 31/03/2008."
    if d.baseline_value is not None and (
        problem := _range_problem(d.unit, d.baseline_value, "The baseline")
    ):
        errors["baseline_value"] = problem
    for name, strangers in [
        ("actions", [a.number for a in d.actions if a.plan_id != plan.pk]),
        ("milestones", [m.number for m in d.milestones if m.action.plan_id != plan.pk]),
    ]:
        if strangers:
            errors[name] = (
                f"{', '.join(strangers)} is not in this plan: choose this plan's "
                "actions and milestones."
            )
    errors.update(_target_problems(d))
    return errors


def _target_problems(d: MeasureDefinition) -> dict[str, str]:
    errors: dict[str, str] = {}
    seen: dict[datetime.date, int] = {}
    for target in d.targets:
        what = f"Target {target.row}"
        if problem := _range_problem(d.unit, target.value, what):
            errors[target_field(target.row, "value")] = problem
        due_field = target_field(target.row, "due")
        if d.baseline_date is not None and target.due <= d.baseline_date:
            relation = "is before" if target.due < d.baseline_date else "is the same as"
            errors[due_field] = (
                f"{what}'s date ({_date(target.due)}) {relation} the baseline date "
                f"({_date(d.baseline_date)}): a target is due after the baseline."
            )
        elif target.due in seen:
            errors[due_field] = (
                f"Targets {seen[target.due]} and {target.row} are both due on "
                f"{_date(target.due)}: give each target its own date."
            )
        seen.setdefault(target.due, target.row)
    return errors


def _next_order(plan: ActionPlan) -> int:
    highest = plan.measures.aggregate(highest=Max("order"))["highest"]
    return 0 if highest is None else highest + 1


def _targets_replace(measure: Measure, rows: Iterable[TargetRow], user) -> None:
    """Make the measure's targets those of the rows, matched by date, so that history
    shows what changed rather than every target removed and added again."""
    wanted = {row.due: row for row in rows}
    for target in list(measure.targets.all()):
        row = wanted.pop(target.due, None)
        target._history_user = user
        if row is None:
            target.delete()
        elif (target.label, target.value) != (row.label, row.value):
            target.label, target.value = row.label, row.value
            target.save(update_fields=["label", "value"])
    for row in wanted.values():
        target = MeasureTarget(
            measure=measure, label=row.label, value=row.value, due=row.due
        )
        target._history_user = user
        target.full_clean(validate_unique=False, validate_constraints=False)
        target.save()


def _links_set(measure: Measure, d: MeasureDefinition, user) -> None:
    # simple-history records an m2m change with the user it finds on the instance.
    measure._history_user = user
    if {a.pk for a in measure.actions.all()} != {a.pk for a in d.actions}:
        measure.actions.set(d.actions)
    if {m.pk for m in measure.milestones.all()} != {m.pk for m in d.milestones}:
        measure.milestones.set(d.milestones)


def _write(
    *, plan: ActionPlan, measure: Measure, definition: MeasureDefinition, user
) -> Measure:
    d = definition
    errors = measure_problems(
        plan=plan, measure=measure if measure.pk else None, definition=d
    )
    if errors:
        raise MeasureInvalid(errors)
    measure.name = d.name.strip()
    measure.unit = d.unit
    measure.higher_is_better = d.higher_is_better
    measure.baseline_value = d.baseline_value
    measure.baseline_date = d.baseline_date
    measure.source = d.source.strip()
    measure._history_user = user
    measure.full_clean(validate_unique=False, validate_constraints=False)
    try:
        # A savepoint, so that the name taken by someone else at the same moment is a
        # message on the page rather than a broken transaction.
        with transaction.atomic():
            measure.save()
    except IntegrityError as exc:
        raise MeasureInvalid(
            {"name": f"The plan already has a measure called “{measure.name}”."}
        ) from exc
    _links_set(measure, d, user)
    _targets_replace(measure, d.targets, user)
    return measure


@transaction.atomic
def measure_create(*, plan: ActionPlan, definition: MeasureDefinition, user) -> Measure:
    """Add a measure to the plan, last in its order, with its links and targets."""
    measure = Measure(plan=plan, order=_next_order(plan))
    return _write(plan=plan, measure=measure, definition=definition, user=user)


@transaction.atomic
def measure_change(*, measure: Measure, definition: MeasureDefinition, user) -> Measure:
    """Change a measure's definition, links and targets (the targets become exactly the
    rows given). The measure is locked so that two coordinators' saves run one after the
    other; the last one saved is the definition."""
    locked = (
        Measure.objects.select_for_update()
        .select_related("plan__inspection")
        .get(pk=measure.pk)
    )
    return _write(plan=locked.plan, measure=locked, definition=definition, user=user)


def measure_delete_refusal(measure: Measure) -> str:
    """Why the measure cannot be deleted ("" when it can): its actuals are part of the
    record of the months they were entered for, and go to committee in their reports."""
    months = measure.values.count()
    if not months:
        return ""
    plural = "s" if months != 1 else ""
    return (
        f"“{measure.name}” has actuals for {months} month{plural}, which are part of "
        "those months' record: it cannot be deleted. Unlink it from its actions and "
        "milestones instead if it no longer applies."
    )


@transaction.atomic
def measure_delete(*, measure: Measure, user) -> None:
    """Delete a measure that has no actuals, with its targets and links.

    The measure is locked first: an actual entered meanwhile (which must wait for the
    lock, or is seen once it is committed) makes this refuse rather than lose it.
    """
    locked = Measure.objects.select_for_update().get(pk=measure.pk)
    if refusal := measure_delete_refusal(locked):
        raise MeasureInvalid({"__all__": refusal})
    for target in locked.targets.all():
        target._history_user = user
        target.delete()
    locked._history_user = user
    locked.delete()
