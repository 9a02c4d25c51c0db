"""Writes to plans. Every function here runs in a transaction and is safe to call twice."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import models, transaction

from recommendations.models import Inspection, Judgment, Recommendation, Theme

from .models import (
    Action,
    ActionPlan,
    Milestone,
    Officer,
    ProgressUpdate,
    ReportingPeriod,
    StatusOption,
)

# The Leeds guidance on RAG reporting (seed 001), the default scheme of every new plan.
DEFAULT_STATUS_SCHEME = [
    {
        "label": "Blue",
        "colour": "#1d70b8",
        "meaning": "Action completed and success criteria met",
        "counts_as_complete": True,
    },
    {
        "label": "Green",
        "colour": "#00703c",
        "meaning": "Action completed",
        "counts_as_complete": True,
    },
    {
        "label": "Amber",
        "colour": "#f47738",
        "meaning": "Action on track but not completed",
    },
    {
        "label": "Red",
        "colour": "#d4351c",
        "meaning": "Not on track for completion and/or significant risk to completion time",
        "is_exception": True,
    },
    {
        "label": "Grey",
        "colour": "#b1b4b6",
        "meaning": "Not due to commence",
        "is_not_started": True,
    },
]

# When an action has milestones, its own status is the most pressing of theirs.
_STATUS_PRECEDENCE = ["Red", "Amber", "Grey", "Green", "Blue"]
_DIRECTION_PRECEDENCE = [
    ProgressUpdate.Direction.DETERIORATING,
    ProgressUpdate.Direction.IMPROVING,
    ProgressUpdate.Direction.NO_CHANGE,
]


def upsert(
    model: type[models.Model], *, lookup: dict[str, Any], values: dict[str, Any]
):
    """Create the row, or update it only where a value differs.

    Unlike `update_or_create`, an unchanged row is not saved again, so loading the same data
    twice writes no new history.
    """
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values)
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save()
    return obj


def set_if_changed(manager, objects: Iterable[models.Model]) -> None:
    """Set a many-to-many relation without touching it (or its history) when it is unchanged."""
    wanted = {obj.pk for obj in objects}
    if set(manager.values_list("pk", flat=True)) != wanted:
        manager.set(wanted)


def status_scheme_install_default(*, plan: ActionPlan) -> None:
    """Give a plan the Leeds five-status scheme unless it already has a scheme."""
    if plan.statuses.exists():
        return
    for order, status in enumerate(DEFAULT_STATUS_SCHEME):
        StatusOption.objects.create(plan=plan, order=order, **status)


def action_status_from_milestones(
    statuses: list[StatusOption | None],
) -> StatusOption | None:
    """The status an action shows when its milestones carry their own statuses."""
    known = [status for status in statuses if status is not None]
    if not known:
        return None
    rank = {label: index for index, label in enumerate(_STATUS_PRECEDENCE)}
    return min(known, key=lambda status: rank.get(status.label, -1))


def _direction_from_milestones(directions: list[str]) -> str:
    for direction in _DIRECTION_PRECEDENCE:
        if direction in directions:
            return direction
    return ""


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _month(value: str) -> datetime.date:
    return datetime.date.fromisoformat(f"{value}-01")


def _dates(row: dict[str, Any]) -> dict[str, Any]:
    values = {}
    for name in ("plan_start", "plan_finish", "actual_finish"):
        values[name] = _date(row.get(name))
        values[f"{name}_text"] = row.get(f"{name}_text", "")
    return values


@transaction.atomic
def plan_load_document(
    *, plan_data: dict[str, Any], actions_data: dict[str, Any]
) -> ActionPlan:
    """Create or bring up to date a whole plan from the demo fixture format (fixtures/SCHEMA.md).

    Rows are matched by their natural keys (plan slug, action number, milestone label,
    period month), so loading the same document twice changes nothing.
    """
    inspection_data = dict(plan_data["inspection"])
    judgments = inspection_data.pop("judgments", [])
    for name in ("inspected_from", "inspected_to", "published_on"):
        inspection_data[name] = _date(inspection_data.get(name))
    inspection = upsert(
        Inspection,
        lookup={
            "organisation": inspection_data.pop("organisation"),
            "title": inspection_data.pop("title"),
        },
        values=inspection_data,
    )
    for order, judgment in enumerate(judgments):
        upsert(
            Judgment,
            lookup={"inspection": inspection, "area": judgment["area"]},
            values={"grade": judgment["grade"], "order": order},
        )

    meta = plan_data["plan"]
    plan = upsert(
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
    status_scheme_install_default(plan=plan)
    statuses = {status.label: status for status in plan.statuses.all()}

    periods = {}
    for period in plan_data.get("periods", []):
        periods[period["month"]] = upsert(
            ReportingPeriod,
            lookup={"plan": plan, "month": _month(period["month"])},
            values={
                "state": ReportingPeriod.State.CLOSED
                if period["closed"]
                else ReportingPeriod.State.OPEN,
                "overview": period.get("overview", ""),
                "risks": period.get("risks", ""),
                "amendments": period.get("amendments", ""),
            },
        )

    themes = {}
    for order, theme in enumerate(actions_data.get("themes", [])):
        themes[theme["key"]] = upsert(
            Theme,
            lookup={"inspection": inspection, "title": theme["title"]},
            values={"number": theme.get("number") or "", "order": order},
        )
    recommendations = {}
    for rec in actions_data["recommendations"]:
        recommendations[rec["number"]] = upsert(
            Recommendation,
            lookup={"inspection": inspection, "number": rec["number"]},
            values={"text": rec["text"], "theme": themes.get(rec.get("theme"))},
        )
    officers = {}
    for officer in actions_data["officers"]:
        officers[officer["key"]] = upsert(
            Officer,
            lookup={
                "name": officer.get("name", ""),
                "role_title": officer.get("role_title", ""),
                "initials": officer.get("initials", ""),
            },
            values={},
        )

    def save_updates(*, item_field: str, item, updates: dict[str, Any]) -> None:
        for month, update in updates.items():
            period = periods[month]
            # The update reports the actual finish only once the item has finished.
            finished = item.actual_finish and item.actual_finish <= period.last_day
            upsert(
                ProgressUpdate,
                lookup={"period": period, item_field: item},
                values={
                    "status": statuses[update["status"]]
                    if update.get("status")
                    else None,
                    "direction": update.get("direction", ""),
                    "progress": update.get("progress", ""),
                    "risk": update.get("risk", ""),
                    "actual_finish": item.actual_finish if finished else None,
                    "workflow_state": ProgressUpdate.Workflow.APPROVED
                    if period.is_closed
                    else ProgressUpdate.Workflow.DRAFT,
                },
            )

    actions = {}
    for row in actions_data["actions"]:
        action = upsert(
            Action,
            lookup={"plan": plan, "number": row["number"]},
            values={
                "aim": row.get("aim", ""),
                "text": row["text"],
                "success_criteria": row.get("success_criteria", ""),
                "outcomes": row.get("outcomes", ""),
                **_dates(row),
            },
        )
        actions[row["number"]] = action
        set_if_changed(
            action.recommendations, [recommendations[n] for n in row["recommendations"]]
        )
        set_if_changed(action.leads, [officers[k] for k in row.get("leads", [])])
        set_if_changed(
            action.chief_officers, [officers[k] for k in row.get("chief_officers", [])]
        )

        milestone_updates: dict[str, list[dict[str, Any]]] = {}
        for order, milestone_row in enumerate(row.get("milestones", [])):
            milestone = upsert(
                Milestone,
                lookup={"action": action, "label": milestone_row["label"]},
                values={
                    "order": order,
                    "text": milestone_row.get("text", ""),
                    "success_criteria": milestone_row.get("success_criteria", ""),
                    **_dates(milestone_row),
                },
            )
            set_if_changed(
                milestone.leads, [officers[k] for k in milestone_row.get("leads", [])]
            )
            save_updates(
                item_field="milestone", item=milestone, updates=milestone_row["updates"]
            )
            for month, update in milestone_row["updates"].items():
                milestone_updates.setdefault(month, []).append(update)

        updates = dict(row.get("updates", {}))
        for month, rows in milestone_updates.items():
            updates.setdefault(
                month,
                {
                    "status": getattr(
                        action_status_from_milestones(
                            [statuses.get(r.get("status") or "") for r in rows]
                        ),
                        "label",
                        None,
                    ),
                    "direction": _direction_from_milestones(
                        [r.get("direction", "") for r in rows]
                    ),
                },
            )
        save_updates(item_field="action", item=action, updates=updates)

    for row in actions_data["actions"]:
        set_if_changed(
            actions[row["number"]].cross_references,
            [actions[number] for number in row.get("cross_references", [])],
        )
    return plan
