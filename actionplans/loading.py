"""Loading a whole plan from a plan document: the demo fixtures and spreadsheet imports.

A plan document is the structure described in fixtures/SCHEMA.md. Rows are matched by their
natural keys (plan slug, recommendation and action number, milestone label, period month,
officer name/role/initials; a measure by its name, its targets by their dates and its
actuals by their months), and a row is saved only where a value differs, so loading the
same document twice changes nothing and writes no history.
"""

import datetime
import decimal
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import models, transaction

from lib import months
from organisations.models import Organisation
from recommendations.models import Inspection, Judgment, Recommendation, Theme
from recommendations.numbering import number_sort_key

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
from .models.units import strangers_refuse
from .rules import status_worst
from .services import status_scheme_install_default

# The models whose new rows under a parent this load created are held and then written
# in bulk (`flush`), parents first: a milestone needs its action's key, an update its
# milestone's.
_BULK_MODELS = (Recommendation, Action, Milestone, ProgressUpdate)
# Those whose save() fills the sort key from the number, which bulk_create does not call.
_SORTED_BY_NUMBER = (Recommendation, Action)
_BATCH_SIZE = 500
# Stored rows read once per plan (updates once per month) instead of once per row: the
# lookups by which the loader finds a row of the model.
_INDEXED: dict[type, tuple[tuple[str, ...], ...]] = {
    Recommendation: (("inspection", "number"),),
    Action: (("plan", "number"),),
    Milestone: (("action", "label"),),
    ProgressUpdate: (("period", "action"), ("period", "milestone")),
}
# The path from an item to its plan, to read an item relation's links once per plan.
_PLAN_PATH = {Action: "plan", Milestone: "action__plan"}

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
    """Brings the database in line with one plan document, recording who did it.

    A row under a parent this load created cannot exist yet, so it is neither looked
    for nor saved on its own: it is validated as it is read and held, with its
    many-to-many links, until `flush` writes all the held rows in bulk, a few queries
    per model however many rows there are (a large import's main saving). Each still
    gets exactly one history row, carrying the loading user, as a save would give it.
    """

    # False for a load that is rolled back (an import's preview): the held rows' history
    # would go with it, unread, and is a good part of their writing.
    held_history = True

    def __init__(
        self, *, user: AbstractBaseUser | None = None, report: LoadReport | None = None
    ):
        self.user = user
        self.report = report or LoadReport()
        # Rows this load created and saved: nothing can hang under them yet, so their
        # children are created without first looking for them.
        self._created: set[tuple[type, int]] = set()
        # Rows created but not yet written (by model, in order), and their links.
        self._held: dict[type, list[models.Model]] = {m: [] for m in _BULK_MODELS}
        self._held_ids: set[int] = set()
        self._held_links: list[tuple[models.Model, str, list[models.Model]]] = []
        # Stored rows by (model, scope), then by lookup key (`find`); stored links by
        # (model, relation, plan), then by row key (`current_links`).
        self._indexes: dict[tuple[type, Any], dict[tuple, models.Model]] = {}
        self._links: dict[tuple[type, str, int], dict[int, set[int]]] = {}

    def is_new(self, obj: models.Model) -> bool:
        """True for a row this load created, written yet or held."""
        return id(obj) in self._held_ids or (type(obj), obj.pk) in self._created

    def under_new_parent(self, lookup: dict[str, Any]) -> bool:
        """True when the lookup names a row created by this load, so no match can exist."""
        return any(
            isinstance(value, models.Model) and self.is_new(value)
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
        obj = None if self.under_new_parent(lookup) else self.find(model, lookup)
        obj, changed = self.write_row(model, obj, lookup=lookup, values=values)
        if changed is None and obj.pk is not None:
            self._remember(model, lookup, obj)
        self.report.record(obj, changed)
        return obj

    def find(self, model: type[models.Model], lookup: dict[str, Any]):
        """The stored row the lookup names, or None. A plan's recommendations, actions
        and milestones are read once, its updates once per month, not once per row; the
        row found holds the lookup's rows (its action, its period) as its relations."""
        fields, scope = _index_of(model, lookup)
        if fields is None:
            return model.objects.filter(**lookup).first()
        index = self._indexes.get((model, scope))
        if index is None:
            index = self._indexes[(model, scope)] = {}
            # In the model's order, so that each key keeps the row .first() would give.
            for row in _scope_rows(model, lookup):
                for names in _INDEXED[model]:
                    index.setdefault(_row_key(row, names), row)
        found = index.get(_lookup_key(lookup, fields))
        if found is not None:
            for name, value in lookup.items():
                if isinstance(value, models.Model):
                    setattr(found, name, value)
        return found

    def _remember(
        self, model: type[models.Model], lookup: dict[str, Any], obj: models.Model
    ) -> None:
        """A row this load saved, for `find` to find it again."""
        fields, scope = _index_of(model, lookup)
        index = self._indexes.get((model, scope)) if fields is not None else None
        if index is not None:
            index[_lookup_key(lookup, fields)] = obj

    def current_links(self, instance: models.Model, name: str) -> set[int]:
        """The keys of the rows a stored row links to by `name`: for an action or a
        milestone read once per relation and plan, not once per row."""
        key = _links_key(instance, name)
        if key is None:
            return set(getattr(instance, name).values_list("pk", flat=True))
        if key not in self._links:
            path, plan_id = _PLAN_PATH[type(instance)], key[2]
            relation = instance._meta.get_field(name)
            source, target = (
                relation.m2m_field_name(),
                relation.m2m_reverse_field_name(),
            )
            pairs = relation.remote_field.through.objects.filter(
                **{f"{source}__{path}_id": plan_id}
            ).values_list(f"{source}_id", f"{target}_id")
            links: dict[int, set[int]] = defaultdict(set)
            for row_id, target_id in pairs:
                links[row_id].add(target_id)
            self._links[key] = links
        return set(self._links[key].get(instance.pk, ()))

    def write_row(
        self,
        model: type[models.Model],
        obj: models.Model | None,
        *,
        lookup: dict[str, Any],
        values: dict[str, Any],
    ) -> tuple[Any, list[str] | None]:
        """Create the row (`obj` None) or update the row found where a value differs,
        without recording it: (the row, the changed field names or None when created).
        A new row under a new parent is held for `flush`."""
        if obj is None:
            obj = model(**lookup, **values)
            hold = model in _BULK_MODELS and self.under_new_parent(lookup)
            self.save_row(obj, hold=hold)
            if not hold:
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

    def set_if_changed(
        self, instance: models.Model, name: str, objects: Iterable[models.Model]
    ) -> None:
        """Set the instance's many-to-many relation `name` only when it differs (so no
        history otherwise); a held row's links are written with it."""
        if id(instance) in self._held_ids:
            # Once each, as set() would have it (a held row has no key yet).
            wanted = list({_identity(obj): obj for obj in objects}.values())
            if wanted:
                self._held_links.append((instance, name, wanted))
            return
        wanted = {obj.pk for obj in objects}
        if (type(instance), instance.pk) in self._created:
            current = set()  # created by this load: no relations yet
        else:
            current = self.current_links(instance, name)
        if current != wanted:
            # simple-history reads the user of an m2m change from the instance.
            instance._history_user = self.user
            getattr(instance, name).set(wanted)
            if (key := _links_key(instance, name)) in self._links:
                self._links[key][instance.pk] = set(wanted)

    def save_row(self, obj: models.Model, *, hold: bool = False) -> None:
        """Validate and save one row, or with `hold` keep it for `flush` to save; a
        subclass may add to it (imports bump versions)."""
        if self.user is not None:
            obj._history_user = self.user
        # A foreign key holding a row the loader found or made needs no check that
        # the row exists (a query per key); a held row's parent has no key to check.
        obj.full_clean(
            exclude=_held_relations(obj),
            validate_unique=False,
            validate_constraints=False,
        )
        if hold:
            self._held[type(obj)].append(obj)
            self._held_ids.add(id(obj))
        else:
            obj.save()

    def flush(self) -> None:
        """Write the held rows, parents first, then their links, then one history row
        each (with its links, as simple-history records them)."""
        if not self._held_ids:
            return
        for model in _BULK_MODELS:
            rows = self._held[model]
            if model in _SORTED_BY_NUMBER:
                for row in rows:
                    row.sort_key = number_sort_key(row.number)
            model.objects.bulk_create(rows, batch_size=_BATCH_SIZE)
            self._created.update((model, row.pk) for row in rows)
        links = self._links_write()
        for model in _BULK_MODELS if self.held_history else ():
            rows = self._held[model]
            history = model.history.bulk_history_create(
                rows,
                batch_size=_BATCH_SIZE,
                default_user=self.user,
                default_change_reason=None,
            )
            _history_links_write(model, rows, history, links)
        self._held = {m: [] for m in _BULK_MODELS}
        self._held_ids = set()
        self._held_links = []

    def _links_write(self) -> dict[tuple[type, str], dict[int, list[models.Model]]]:
        """Write the held rows' many-to-many links; the through rows written, by model
        and relation, then by the held row's key."""
        by_relation: dict[tuple[type, str], list[models.Model]] = defaultdict(list)
        for instance, name, objects in self._held_links:
            relation = instance._meta.get_field(name)
            through = relation.remote_field.through
            source, target = (
                relation.m2m_field_name(),
                relation.m2m_reverse_field_name(),
            )
            if relation.related_model is Officer:
                _officers_check(instance, objects)
            by_relation[(type(instance), name)] += [
                through(**{source: instance, target: obj}) for obj in objects
            ]
        written: dict[tuple[type, str], dict[int, list[models.Model]]] = {}
        for (model, name), rows in by_relation.items():
            relation = model._meta.get_field(name)
            relation.remote_field.through.objects.bulk_create(
                rows, batch_size=_BATCH_SIZE
            )
            source = relation.m2m_field_name()
            per_row = written.setdefault((model, name), defaultdict(list))
            for row in rows:
                per_row[getattr(row, f"{source}_id")].append(row)
        return written

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
            self.set_if_changed(actions[row["number"]], "cross_references", references)
        # What follows reads the plan's actions and milestones from the database.
        self.flush()
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
            action,
            "recommendations",
            [recommendations[n] for n in row["recommendations"]],
        )
        # A key the document leaves out (a column the spreadsheet did not have) leaves
        # the relation as it is.
        if "leads" in row:
            self.set_if_changed(
                action, "leads", [self.officers[k] for k in row["leads"]]
            )
        if "chief_officers" in row:
            self.set_if_changed(
                action,
                "chief_officers",
                [self.officers[k] for k in row["chief_officers"]],
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
                    milestone,
                    "leads",
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


def _links_key(instance: models.Model, name: str) -> tuple[type, str, int] | None:
    """Where current_links keeps the links of an action's or a milestone's relation."""
    if isinstance(instance, Action):
        return Action, name, instance.plan_id
    if isinstance(instance, Milestone):
        return Milestone, name, instance.action.plan_id
    return None


def _index_of(
    model: type[models.Model], lookup: dict[str, Any]
) -> tuple[tuple[str, ...] | None, Any]:
    """The indexed lookup (its field names) the lookup is, and the scope whose rows
    are read at once; (None, None) for a lookup read row by row."""
    fields = next(
        (names for names in _INDEXED.get(model, ()) if set(names) == set(lookup)),
        None,
    )
    if fields is None or any(
        isinstance(v, models.Model) and v.pk is None for v in lookup.values()
    ):
        return None, None
    if model is Recommendation:
        return fields, lookup["inspection"].pk
    if model is Action:
        return fields, lookup["plan"].pk
    if model is Milestone:
        return fields, lookup["action"].plan_id
    return fields, lookup["period"].pk  # ProgressUpdate


def _scope_rows(model: type[models.Model], lookup: dict[str, Any]) -> models.QuerySet:
    if model is Recommendation:
        return Recommendation.objects.filter(inspection=lookup["inspection"])
    if model is Action:
        return Action.objects.filter(plan=lookup["plan"])
    if model is Milestone:
        return Milestone.objects.filter(action__plan_id=lookup["action"].plan_id)
    return ProgressUpdate.objects.filter(period=lookup["period"]).select_related(
        "status"
    )


def _lookup_key(lookup: dict[str, Any], names: tuple[str, ...]) -> tuple:
    # The names too: an update's action 5 is not its milestone 5.
    return names, *(
        value.pk if isinstance(value, models.Model) else value
        for value in (lookup[name] for name in names)
    )


def _row_key(row: models.Model, names: tuple[str, ...]) -> tuple:
    return names, *(getattr(row, row._meta.get_field(n).attname) for n in names)


def _identity(obj: models.Model) -> tuple[bool, int]:
    """The row's key, or for a row not yet written the object's identity."""
    return (True, obj.pk) if obj.pk is not None else (False, id(obj))


def _held_relations(obj: models.Model) -> list[str]:
    """The foreign keys of `obj` that full_clean need not look up (a query each): those
    holding a row the loader found or made, and a stored row's others, which the loader
    leaves as they are (it sets rows, never bare keys). A key that limits its choices
    is always checked."""
    stored = not obj._state.adding
    return [
        key.name
        for key in obj._meta.concrete_fields
        if key.many_to_one
        and not key.get_limit_choices_to()
        and (key.get_cached_value(obj) is not None if key.is_cached(obj) else stored)
    ]


def _officers_check(item: models.Model, officers: list[models.Model]) -> None:
    """Refuse another council's officer on a held item, as the m2m_changed guard in
    actionplans.models.units does for links made one by one (bulk_create sends no
    signals)."""
    plan = item.plan if isinstance(item, Action) else item.action.plan
    organisation_id = plan.inspection.organisation_id
    strangers_refuse([str(o) for o in officers if o.organisation_id != organisation_id])


def _history_links_write(
    model: type[models.Model],
    rows: list[models.Model],
    history: list[models.Model] | None,
    links: dict[tuple[type, str], dict[int, list[models.Model]]],
) -> None:
    """Copy the links of `rows` under their new history rows, as simple-history's own
    save does (HistoricalRecords.create_historical_record_m2ms) and its
    bulk_history_create does not. The history rows' keys come back from bulk_create
    (PostgreSQL, SQLite 3.35 or later)."""
    if not history:  # history turned off, or nothing written
        return
    history_model = model.history.model
    for relation in getattr(history_model, "_history_m2m_fields", []):
        written = links.get((model, relation.name), {})
        link_model = getattr(history_model, relation.name).model
        names = [f.name for f in relation.remote_field.through._meta.fields]
        copies = [
            link_model(history=entry, **{name: getattr(link, name) for name in names})
            for row, entry in zip(rows, history, strict=True)
            for link in written.get(row.pk, [])
        ]
        link_model.objects.bulk_create(copies, batch_size=_BATCH_SIZE)


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
