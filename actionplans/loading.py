"""Loading a whole plan from a plan document: the demo fixtures and spreadsheet imports.

A plan document is the structure described in fixtures/SCHEMA.md. Rows are matched by their
natural keys (plan slug, recommendation and action number, milestone label, period month,
officer name/role/initials), and a row is saved only where a value differs, so loading the
same document twice changes nothing and writes no history.
"""

import datetime
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
        if obj is None:
            obj = model(**lookup, **values)
            self.save_row(obj)
            self._created.add((model, obj.pk))
            self.report.record(obj, None)
            return obj
        changed = [
            name for name, value in values.items() if getattr(obj, name) != value
        ]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            self.save_row(obj)
        self.report.record(obj, changed)
        return obj

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
        self, *, plan_data: dict[str, Any], actions_data: dict[str, Any]
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
                | ({"theme": themes.get(rec["theme"])} if "theme" in rec else {}),
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
        return plan

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
        return self.upsert(
            ActionPlan,
            lookup={"slug": meta["slug"]},
            values={
                "inspection": inspection,
                "title": meta["title"],
                "owner": meta["owner"],
                "introduction": meta.get("introduction", ""),
                "status": meta.get("status", ActionPlan.Status.ACTIVE),
            },
        )

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


def plan_load_document(
    *,
    plan_data: dict[str, Any],
    actions_data: dict[str, Any],
    user: AbstractBaseUser | None = None,
    report: LoadReport | None = None,
) -> ActionPlan:
    """Create or bring up to date a whole plan from a plan document (fixtures/SCHEMA.md)."""
    return PlanLoader(user=user, report=report).load(
        plan_data=plan_data, actions_data=actions_data
    )


def _direction_from(directions: list[str]) -> str:
    for direction in _DIRECTION_PRECEDENCE:
        if direction in directions:
            return direction
    return ""


def _date(value: str | None) -> datetime.date | None:
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
