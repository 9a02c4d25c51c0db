"""Loading a whole plan from a plan document: the demo fixtures and spreadsheet imports.

A plan document is the structure described in fixtures/SCHEMA.md. Rows are matched by their
natural keys (plan slug, recommendation and action number, milestone label, period month,
officer name/role/initials; a measure by its name, its targets by their dates and its
actuals by their months), and a row is saved only where a value differs, so loading the
same document twice changes nothing and writes no history.
"""

import datetime
import decimal
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import models, transaction

from lib import months
from organisations.models import Organisation
from recommendations.models import Inspection, Judgment, Recommendation, Theme

from .models import (
    Action,
    ActionPlan,
    Measure,
    MeasureTarget,
    MeasureValue,
    Milestone,
    Officer,
    ProgressUpdate,
    ReportingPeriod,
)
from .rules import status_worst
from .services import status_scheme_install_default

_DIRECTION_PRECEDENCE = [
    ProgressUpdate.Direction.DETERIORATING,
    ProgressUpdate.Direction.IMPROVING,
    ProgressUpdate.Direction.NO_CHANGE,
]


@dataclass
class LoadReport:
    """What a load created, changed and left as it was, per kind of row."""

    created: Counter = field(default_factory=Counter)
    changed: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    # (kind, row, changed field names) for every changed row, in load order.
    changes: list[tuple[str, str, list[str]]] = field(default_factory=list)
    created_rows: list[tuple[str, str]] = field(default_factory=list)

    def record(self, obj: models.Model, fields: list[str] | None) -> None:
        kind = obj._meta.verbose_name
        if fields is None:
            self.created[kind] += 1
            self.created_rows.append((kind, str(obj)))
        elif fields:
            self.changed[kind] += 1
            self.changes.append((kind, str(obj), fields))
        else:
            self.unchanged[kind] += 1


class PlanLoader:
    """Brings the database in line with one plan document, recording who did it."""

    def __init__(
        self, *, user: AbstractBaseUser | None = None, report: LoadReport | None = None
    ):
        self.user = user
        self.report = report or LoadReport()
        # Rows this load created: nothing can hang under them yet, so their children are
        # created without first looking for them (a large import's main saving).
        self._created: set[tuple[type, int]] = set()

    def under_new_parent(self, lookup: dict[str, Any]) -> bool:
        """True when the lookup names a row created by this load, so no match can exist."""
        return any(
            isinstance(value, models.Model) and (type(value), value.pk) in self._created
            for value in lookup.values()
        )

    def upsert(
        self,
        model: type[models.Model],
        *,
        lookup: dict[str, Any],
        values: dict[str, Any],
    ):
        """Create the row, or update it only where a value differs."""
        if self.under_new_parent(lookup):
            obj = None
        else:
            obj = model.objects.filter(**lookup).first()
        obj, changed = self.write_row(model, obj, lookup=lookup, values=values)
        self.report.record(obj, changed)
        return obj

    def write_row(
        self,
        model: type[models.Model],
        obj: models.Model | None,
        *,
        lookup: dict[str, Any],
        values: dict[str, Any],
    ) -> tuple[Any, list[str] | None]:
        """Create the row (`obj` None) or update the row found where a value differs,
        without recording it: (the row, the changed field names or None when created)."""
        if obj is None:
            obj = model(**lookup, **values)
            self.save_row(obj)
            self._created.add((model, obj.pk))
            return obj, None
        changed = [
            name for name, value in values.items() if getattr(obj, name) != value
        ]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            self.save_row(obj)
        return obj, changed

    def set_if_changed(self, manager, objects: Iterable[models.Model]) -> None:
        """Set a many-to-many relation only when it differs (so no history otherwise)."""
        wanted = {obj.pk for obj in objects}
        if (type(manager.instance), manager.instance.pk) in self._created:
            current = set()  # created by this load: no relations yet
        else:
            current = set(manager.values_list("pk", flat=True))
        if current != wanted:
            # simple-history reads the user of an m2m change from the instance.
            manager.instance._history_user = self.user
            manager.set(wanted)

    def save_row(self, obj: models.Model) -> None:
        """Validate and save one row; a subclass may add to it (imports bump versions)."""
        if self.user is not None:
            obj._history_user = self.user
        obj.full_clean(validate_unique=False, validate_constraints=False)
        obj.save()

    @transaction.atomic
    def load(
        self,
        *,
        plan_data: dict[str, Any],
        actions_data: dict[str, Any],
        measures_data: dict[str, Any] | None = None,
    ) -> ActionPlan:
        inspection = self._load_inspection(plan_data["inspection"])
        plan = self._load_plan(plan_data["plan"], inspection)
        status_scheme_install_default(plan=plan)
        self.statuses = {status.label: status for status in plan.statuses.all()}
        self.periods = {
            period["month"]: self._load_period(plan, period)
            for period in plan_data.get("periods", [])
        }
        themes = {
            theme["key"]: self.upsert(
                Theme,
                lookup={"inspection": inspection, "title": theme["title"]},
                values={"number": theme.get("number") or "", "order": order},
            )
            for order, theme in enumerate(actions_data.get("themes", []))
        }
        recommendations = {
            rec["number"]: self.upsert(
                Recommendation,
                lookup={"inspection": inspection, "number": rec["number"]},
                values={"text": rec["text"]}
                | ({"theme": themes.get(rec["theme"])} if "theme" in rec else {})
                | (
                    {"judgment": self._judgment(rec["judgment"])}
                    if "judgment" in rec
                    else {}
                ),
            )
            for rec in actions_data["recommendations"]
        }
        self.officers = {
            officer["key"]: self.upsert(
                Officer,
                lookup={
                    # Only ever this council's officers: every council has a "Director
                    # of Adult Social Services", and they are different people.
                    "organisation": inspection.organisation,
                    "name": officer.get("name", ""),
                    "role_title": officer.get("role_title", ""),
                    "initials": officer.get("initials", ""),
                },
                values={},
            )
            for officer in actions_data["officers"]
        }
        actions = {
            row["number"]: self._load_action(plan, row, recommendations)
            for row in actions_data["actions"]
        }
        for row in actions_data["actions"]:
            if "cross_references" not in row:
                continue
            references = []
            for number in row["cross_references"]:
                # A reference may point to an action of the plan that the document
                # itself does not carry (a partial import).
                target = (
                    actions.get(number)
                    or Action.objects.filter(plan=plan, number=number).first()
                )
                if target is not None:
                    references.append(target)
            self.set_if_changed(actions[row["number"]].cross_references, references)
        if measures_data is not None:
            # After the actions, so that a measure can evidence an action the same
            # document brings in.
            self.load_measures(plan, measures_data.get("measures", []))
        return plan

    def _judgment(self, area: str | None) -> Judgment | None:
        """The inspection's judgment of that area: the one a recommendation answers."""
        if not area:
            return None
        judgment = self.judgments.get(area)
        if judgment is None:
            raise ValidationError(
                f"Recommendation judgment “{area}” is not a judgment area of the "
                "inspection: name one of its judgments."
            )
        return judgment

    def _load_inspection(self, data: dict[str, Any]) -> Inspection:
        data = dict(data)
        judgments = data.pop("judgments", [])
        for name in ("inspected_from", "inspected_to", "published_on"):
            data[name] = _date(data.get(name))
        organisation = self.upsert(
            Organisation, lookup={"name": data.pop("organisation")}, values={}
        )
        inspection = self.upsert(
            Inspection,
            lookup={
                "organisation": organisation,
                "title": data.pop("title"),
            },
            values=data,
        )
        for order, judgment in enumerate(judgments):
            self.upsert(
                Judgment,
                lookup={"inspection": inspection, "area": judgment["area"]},
                values={"grade": judgment["grade"], "order": order},
            )
        # Every area the inspection has, this document's and earlier ones': what a
        # recommendation's "judgment" may name (one query, not one per recommendation).
        self.judgments = {j.area: j for j in inspection.judgments.all()}
        return inspection

    def _load_plan(self, meta: dict[str, Any], inspection: Inspection) -> ActionPlan:
        taken = (
            ActionPlan.objects.filter(slug=meta["slug"])
            .exclude(inspection__organisation=inspection.organisation)
            .exists()
        )
        if taken:
            # Never move a plan from one council to another by loading a document.
            raise ValidationError(
                f"The plan address “{meta['slug']}” belongs to another council's plan: "
                "choose another address."
            )
        values = {
            "inspection": inspection,
            "title": meta["title"],
            "owner": meta["owner"],
            "introduction": meta.get("introduction", ""),
            "status": meta.get("status", ActionPlan.Status.ACTIVE),
        }
        # The report layout, where the document gives one (the demo plans do): a
        # document without it leaves the plan's choice as it is.
        for name in ("report_columns", "report_by_section"):
            if name in meta:
                values[name] = meta[name]
        return self.upsert(ActionPlan, lookup={"slug": meta["slug"]}, values=values)

    def _load_period(self, plan: ActionPlan, period: dict[str, Any]) -> ReportingPeriod:
        state = ReportingPeriod.State
        return self.upsert(
            ReportingPeriod,
            lookup={"plan": plan, "month": months.month_parse(period["month"])},
            values={
                "state": state.CLOSED if period["closed"] else state.OPEN,
                "overview": period.get("overview", ""),
                "risks": period.get("risks", ""),
                "amendments": period.get("amendments", ""),
            },
        )

    def _load_action(
        self,
        plan: ActionPlan,
        row: dict[str, Any],
        recommendations: dict[str, Recommendation],
    ) -> Action:
        action = self.upsert(
            Action,
            lookup={"plan": plan, "number": row["number"]},
            values={
                "text": row["text"],
                **_present(row, ["aim", "success_criteria", "outcomes"], ""),
                **_dates(row),
            },
        )
        self.set_if_changed(
            action.recommendations, [recommendations[n] for n in row["recommendations"]]
        )
        # A key the document leaves out (a column the spreadsheet did not have) leaves
        # the relation as it is.
        if "leads" in row:
            self.set_if_changed(action.leads, [self.officers[k] for k in row["leads"]])
        if "chief_officers" in row:
            self.set_if_changed(
                action.chief_officers, [self.officers[k] for k in row["chief_officers"]]
            )
        milestone_updates: dict[str, list[dict[str, Any]]] = {}
        for order, milestone_row in enumerate(row.get("milestones", [])):
            milestone = self.upsert(
                Milestone,
                lookup={"action": action, "label": milestone_row["label"]},
                values={
                    "order": order,
                    **_present(milestone_row, ["text", "success_criteria"], ""),
                    **_dates(milestone_row),
                },
            )
            if "leads" in milestone_row:
                self.set_if_changed(
                    milestone.leads,
                    [self.officers[k] for k in milestone_row["leads"]],
                )
            self._load_updates("milestone", milestone, milestone_row.get("updates", {}))
            for month, update in milestone_row.get("updates", {}).items():
                milestone_updates.setdefault(month, []).append(update)

        updates = dict(row.get("updates", {}))
        for month, rows in milestone_updates.items():
            # An action with milestones shows the most pressing of their statuses.
            status = status_worst(
                [self.statuses.get(r.get("status") or "") for r in rows]
            )
            updates.setdefault(
                month,
                {
                    "status": status.label if status else None,
                    "direction": _direction_from(
                        [r.get("direction", "") for r in rows]
                    ),
                },
            )
        self._load_updates("action", action, updates)
        return action

    def _load_updates(self, item_field: str, item, updates: dict[str, Any]) -> None:
        for month, update in updates.items():
            period = self.periods[month]
            # An update reports the actual finish once the item has finished.
            finished = item.is_complete(on=period.last_day)
            workflow = ProgressUpdate.Workflow
            # A key the update leaves out (no such column) keeps the stored value.
            values = _present(update, ["direction", "progress", "risk"], "")
            if "status" in update:
                values["status"] = (
                    self.statuses[update["status"]] if update["status"] else None
                )
            self.upsert(
                ProgressUpdate,
                lookup={"period": period, item_field: item},
                values={
                    **values,
                    "actual_finish": item.actual_finish if finished else None,
                    "workflow_state": workflow.APPROVED
                    if period.is_closed
                    else workflow.DRAFT,
                },
            )

    # -- measures ------------------------------------------------------------------

    def load_measures(self, plan: ActionPlan, rows: list[dict[str, Any]]) -> None:
        """Bring the plan's measures in line with the document's, in a fixed number of
        queries however many there are: a measure is matched by its name (spaces and
        case aside), a target by its date and an actual by its month. A measure's targets
        and links become exactly the document's; its actuals are added or changed month
        by month, never removed. Measures the document leaves out are left as they are.
        A row with a problem is refused (`refuse`) and not written."""
        stored = {
            measure_name_key(m.name): m
            for m in Measure.objects.filter(plan=plan).prefetch_related(
                "targets", "values", "actions", "milestones"
            )
        }
        periods = {months.month_key(p.month): p for p in plan.periods.all()}
        items = plan_items(plan)
        keys = [measure_name_key(row["name"]) for row in rows]
        orders = _measure_orders(keys, stored)
        seen: set[str] = set()
        for row, key in zip(rows, keys, strict=True):
            if key in seen:
                self.refuse(
                    row,
                    "name",
                    f"“{row['name']}” is named twice: give each measure its own name.",
                )
                continue
            seen.add(key)
            measure = stored.get(key)
            problems = self.measure_problems(row, measure, items=items, periods=periods)
            for field_name, message in problems:
                self.refuse(row, field_name, message)
            if not problems:
                self._load_measure(
                    plan, row, measure, order=orders[key], items=items, periods=periods
                )

    def refuse(self, row: dict[str, Any], field_name: str, message: str) -> None:
        """A measure row the plan cannot take. A fixture must be right: an import
        collects these as problems of the file's rows instead."""
        raise ValidationError(f"Measure “{row['name']}”, {field_name}: {message}")

    def measure_problems(
        self,
        row: dict[str, Any],
        measure: Measure | None,
        *,
        items: dict[str, Action | Milestone],
        periods: dict[str, ReportingPeriod],
    ) -> list[tuple[str, str]]:
        """What stops the row being loaded, as (field, message): the rules of a measure
        that the plan itself decides (its items, its months, what is stored)."""
        unit = row["unit"]
        if unit not in Measure.Unit.values:
            return [("unit", f"“{unit}” is not a unit: write %, number or days.")]
        problems: list[tuple[str, str]] = []
        if measure is not None and unit != measure.unit and measure.values.all():
            problems.append(
                (
                    "unit",
                    f"Actuals are already entered in {measure.get_unit_display()}: "
                    "the unit cannot change. Add a new measure instead.",
                )
            )
        problems += _baseline_problems(row)
        problems += [
            ("targets", problem)
            for problem in _target_problems(
                unit, _date(row.get("baseline_date")), row.get("targets", [])
            )
        ]
        unknown = [n for n in row.get("evidences", []) if _item_key(n) not in items]
        if unknown:
            problems.append(
                (
                    "evidences",
                    f"{', '.join(unknown)}: not an action or milestone of this plan. "
                    "Write action numbers like 11.1 and milestones like 11.1 (a).",
                )
            )
        return problems + self._actual_problems(row, measure, periods)

    def _actual_problems(
        self,
        row: dict[str, Any],
        measure: Measure | None,
        periods: dict[str, ReportingPeriod],
    ) -> list[tuple[str, str]]:
        stored = {v.period_id: v for v in measure.values.all()} if measure else {}
        problems = []
        for month, number in row.get("values", {}).items():
            period, value = periods.get(month), _decimal(number)
            if period is None:
                problem = (
                    f"The plan has no {_month_label(month)}: an actual is entered for "
                    "one of the plan's reporting months."
                )
            else:
                problem = measure_range_problem(row["unit"], value) or (
                    self.actual_problem(
                        period, stored.get(period.pk), value, name=row["name"]
                    )
                )
            if problem:
                problems.append((month, problem))
        return problems

    def actual_problem(
        self,
        period: ReportingPeriod,
        stored: MeasureValue | None,
        value: decimal.Decimal,
        *,
        name: str,
    ) -> str:
        """Why the month's actual cannot be `value` ("" when it can). A fixture is the
        record of its months, closed ones included; an import refuses to change those."""
        return ""

    def _load_measure(
        self,
        plan: ActionPlan,
        row: dict[str, Any],
        stored: Measure | None,
        *,
        order: int,
        items: dict[str, Action | Milestone],
        periods: dict[str, ReportingPeriod],
    ) -> None:
        """Write one measure (`stored`: as found, with its relations prefetched), then
        its links, targets and actuals."""
        measure, changed = self.write_row(
            Measure,
            stored,
            lookup={"plan": plan},
            values={
                "name": row["name"],
                "unit": row["unit"],
                "higher_is_better": row["higher_is_better"],
                "baseline_value": _decimal(row.get("baseline_value")),
                "baseline_date": _date(row.get("baseline_date")),
                "source": row.get("source", ""),
                "order": order,
            },
        )
        evidenced = [items[_item_key(n)] for n in row.get("evidences", [])]
        targets = row.get("targets", [])
        if changed is None:
            self.report.record(measure, None)
            self._measure_links(measure, evidenced, stored=None)
            self._measure_targets(measure, targets, None)
        else:
            # A changed link or a removed target is a change of the measure itself.
            changed += self._measure_links(measure, evidenced, stored=stored)
            changed += self._measure_targets(measure, targets, stored)
            self.report.record(measure, changed)
        for month, number in row.get("values", {}).items():
            self._measure_actual(measure, periods[month], _decimal(number), stored)

    def _measure_links(
        self,
        measure: Measure,
        evidenced: list[Action | Milestone],
        *,
        stored: Measure | None,
    ) -> list[str]:
        """Link the measure to exactly these actions and milestones; the names of the
        relations changed."""
        changed = []
        for name, model in (("actions", Action), ("milestones", Milestone)):
            wanted = {item.pk for item in evidenced if isinstance(item, model)}
            manager = getattr(measure, name)
            current = {o.pk for o in manager.all()} if stored is not None else set()
            if wanted != current:
                # simple-history reads the user of an m2m change from the instance.
                measure._history_user = self.user
                manager.set(wanted)
                changed.append(name)
        return changed

    def _measure_targets(
        self,
        measure: Measure,
        rows: list[dict[str, Any]],
        stored: Measure | None,
    ) -> list[str]:
        """Make the measure's targets the rows', matched by date (so history shows what
        changed); ["targets"] when a target was removed."""
        existing = {t.due: t for t in stored.targets.all()} if stored else {}
        for row in rows:
            due = _date(row["due"])
            target, changed = self.write_row(
                MeasureTarget,
                existing.pop(due, None),
                lookup={"measure": measure, "due": due},
                values={"label": row.get("label", ""), "value": _decimal(row["value"])},
            )
            self.report.record(target, changed)
        for target in existing.values():
            target._history_user = self.user
            target.delete()
        return ["targets"] if existing else []

    def _measure_actual(
        self,
        measure: Measure,
        period: ReportingPeriod,
        value: decimal.Decimal,
        stored: Measure | None,
    ) -> None:
        found = None
        if stored is not None:
            found = next(
                (v for v in stored.values.all() if v.period_id == period.pk), None
            )
        values: dict[str, Any] = {"value": value}
        if found is None or found.value != value:
            values["entered_by"] = self.user  # whoever brought this value in
        actual, changed = self.write_row(
            MeasureValue,
            found,
            lookup={"measure": measure, "period": period},
            values=values,
        )
        self.report.record(actual, changed)


def plan_load_document(
    *,
    plan_data: dict[str, Any],
    actions_data: dict[str, Any],
    measures_data: dict[str, Any] | None = None,
    user: AbstractBaseUser | None = None,
    report: LoadReport | None = None,
) -> ActionPlan:
    """Create or bring up to date a whole plan from a plan document (fixtures/SCHEMA.md);
    without `measures_data` the plan's measures are left as they are."""
    return PlanLoader(user=user, report=report).load(
        plan_data=plan_data, actions_data=actions_data, measures_data=measures_data
    )


def _direction_from(directions: list[str]) -> str:
    for direction in _DIRECTION_PRECEDENCE:
        if direction in directions:
            return direction
    return ""


def _date(value: str | datetime.date | None) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(value) if value else None


def _dates(row: dict[str, Any]) -> dict[str, Any]:
    """The dates the row carries; a document without a date's keys leaves it as it is."""
    values = {}
    for name in ("plan_start", "plan_finish", "actual_finish"):
        if name in row or f"{name}_text" in row:
            values[name] = _date(row.get(name))
            values[f"{name}_text"] = row.get(f"{name}_text", "")
    return values


def _present(row: dict[str, Any], names: list[str], default: Any) -> dict[str, Any]:
    """The row's values for the names it has. Fixture rows have every key; a spreadsheet
    without a column leaves that field as it is."""
    return {name: row.get(name, default) for name in names if name in row}


def measure_name_key(name: str) -> str:
    """How measure names are matched: spaces and case aside, as people read them."""
    return " ".join(name.split()).casefold()


def measure_range_problem(unit: str, value: decimal.Decimal) -> str:
    """Why a value cannot be one of the unit's ("" when it can)."""
    if unit == Measure.Unit.PERCENT and not 0 <= value <= 100:
        return f"{_plain(value)} is not a percentage: write a number from 0 to 100."
    if unit == Measure.Unit.DAYS and value < 0:
        return f"{_plain(value)} is not a number of days: it cannot be below 0."
    return ""


def plan_items(plan: ActionPlan) -> dict[str, Action | Milestone]:
    """The plan's actions by number ("11.1") and milestones by number and label
    ("11.1 (a)"); an action numbered like a milestone ("4.2 (a)") comes first."""
    items: dict[str, Action | Milestone] = {
        action.number: action for action in Action.objects.filter(plan=plan)
    }
    for milestone in Milestone.objects.filter(action__plan=plan).select_related(
        "action"
    ):
        items.setdefault(f"{milestone.action.number} {milestone.label}", milestone)
    return items


def _item_key(number: str) -> str:
    return " ".join(number.split())


def _baseline_problems(row: dict[str, Any]) -> list[tuple[str, str]]:
    baseline = _decimal(row.get("baseline_value"))
    baseline_date = _date(row.get("baseline_date"))
    if baseline is None:
        if baseline_date is not None:
            return [("baseline_value", "A baseline date needs its baseline.")]
        return []
    if baseline_date is None:
        return [("baseline_date", "A baseline needs its date, like 31/03/2008.")]
    if problem := measure_range_problem(row["unit"], baseline):
        return [("baseline_value", problem)]
    return []


def _target_problems(
    unit: str, baseline_date: datetime.date | None, targets: list[dict[str, Any]]
) -> list[str]:
    problems = []
    seen: set[datetime.date] = set()
    for target in targets:
        due, value = _date(target["due"]), _decimal(target["value"])
        where = f"{_plain(value)} by {due:%d/%m/%Y}"
        if problem := measure_range_problem(unit, value):
            problems.append(problem)
        if baseline_date is not None and due <= baseline_date:
            problems.append(
                f"{where}: a target is due after the baseline date "
                f"({baseline_date:%d/%m/%Y})."
            )
        if due in seen:
            problems.append(f"{where}: two targets are due on that date.")
        seen.add(due)
    return problems


def _measure_orders(keys: list[str], stored: dict[str, Measure]) -> dict[str, int]:
    """Each measure's place. Measures the document lists in the order they already have
    keep their numbers (an order the app gave, all 0, say, is not rewritten by a file
    that only restates it) and new ones follow them; a new order renumbers them all."""
    listed = [key for key in keys if key in stored]
    as_stored = sorted(listed, key=lambda key: (stored[key].order, stored[key].name))
    if listed != as_stored:
        return {key: index for index, key in enumerate(keys)}
    after = max((measure.order for measure in stored.values()), default=-1) + 1
    new = [key for key in keys if key not in stored]
    return {key: stored[key].order for key in listed} | {
        key: after + index for index, key in enumerate(new)
    }


def _decimal(value: Any) -> decimal.Decimal | None:
    """A document's number (JSON's int or float, or a Decimal) as a Decimal; through its
    text, so that 97.5 is 97.5 and not the float nearest to it."""
    if value is None or value == "":
        return None
    return value if isinstance(value, decimal.Decimal) else decimal.Decimal(str(value))


def _month_label(key: str) -> str:
    try:
        return f"{months.month_parse(key):%B %Y}"
    except ValueError:
        return f"month {key}"


def _plain(value: decimal.Decimal) -> str:
    return f"{value.normalize():f}"
