"""Shared helpers for the import tests: the test files and a plan's contents as plain data."""

import json
from pathlib import Path

from actionplans.models import ActionPlan
from imports.document import NewPlan
from imports.services import ImportOptions, plan_import_confirm
from lib.months import month_key

DATA = Path(__file__).resolve().parent.parent / "data"
FIXTURES = Path(__file__).resolve().parent.parent.parent / "fixtures"


def read(name: str) -> bytes:
    return (DATA / name).read_bytes()


def new_plan_options(title: str = "Imported plan", **fields) -> ImportOptions:
    return ImportOptions(
        new_plan=NewPlan(title=title, owner="Leeds City Council", inspectorate="CSCI"),
        **fields,
    )


def import_new(name: str, *, user=None, **fields) -> ActionPlan:
    result = plan_import_confirm(
        data=read(name), filename=name, options=new_plan_options(**fields), user=user
    )
    assert result.ok, [str(p) for p in result.errors]
    return result.plan


def _officers(officers) -> list[tuple[str, str, str]]:
    return sorted((o.name, o.role_title, o.initials) for o in officers)


def _dates(item) -> dict:
    return {
        name: (str(getattr(item, name)) if getattr(item, name) else None)
        for name in ("plan_start", "plan_finish", "actual_finish")
    } | {
        f"{name}_text": getattr(item, f"{name}_text")
        for name in ("plan_start", "plan_finish", "actual_finish")
    }


def _updates(item, *, narratives_before: str = "") -> dict:
    updates = {}
    for update in item.updates.select_related("period", "status"):
        month = month_key(update.period.month)
        values = {
            "status": update.status.label if update.status else None,
            "direction": update.direction,
        }
        if month >= narratives_before:
            values |= {"progress": update.progress, "risk": update.risk}
        updates[month] = values
    return updates


def plan_snapshot(plan: ActionPlan, *, narratives_before: str = "") -> dict:
    """Everything an import writes for a plan, as comparable plain data."""
    actions = {}
    for action in plan.actions.order_by("sort_key"):
        milestones = list(action.milestones.order_by("order"))
        actions[action.number] = {
            "recommendations": sorted(r.number for r in action.recommendations.all()),
            "aim": action.aim,
            "text": action.text,
            "leads": _officers(action.leads.all()),
            "chief_officers": _officers(action.chief_officers.all()),
            "success_criteria": action.success_criteria,
            "outcomes": action.outcomes,
            "cross_references": sorted(a.number for a in action.cross_references.all()),
            **_dates(action),
            "updates": {}
            if milestones
            else _updates(action, narratives_before=narratives_before),
            "milestones": [
                {
                    "label": m.label,
                    "text": m.text,
                    "success_criteria": m.success_criteria,
                    "leads": _officers(m.leads.all()),
                    **_dates(m),
                    "updates": _updates(m, narratives_before=narratives_before),
                }
                for m in milestones
            ],
        }
    recommendations = {
        r.number: (r.text, r.theme.title if r.theme else None)
        for r in plan.inspection.recommendations.all()
    }
    return {"recommendations": recommendations, "actions": actions}


def fixture_snapshot(slug: str, *, narratives_before: str = "") -> dict:
    """The same shape as plan_snapshot, read from fixtures/<slug>/actions.json."""
    data = json.loads((FIXTURES / slug / "actions.json").read_text())
    officers = {
        o["key"]: (o["name"], o["role_title"], o["initials"]) for o in data["officers"]
    }
    themes = {t["key"]: t["title"] for t in data["themes"]}

    def people(keys):
        return sorted(officers[key] for key in keys)

    def dates(item):
        return {
            key: item[key]
            for name in ("plan_start", "plan_finish", "actual_finish")
            for key in (name, f"{name}_text")
        }

    def updates(item):
        result = {}
        for month, update in item["updates"].items():
            values = {"status": update["status"], "direction": update["direction"]}
            if month >= narratives_before:
                values |= {"progress": update["progress"], "risk": update["risk"]}
            result[month] = values
        return result

    actions = {}
    for action in data["actions"]:
        actions[action["number"]] = {
            "recommendations": sorted(action["recommendations"]),
            "aim": action["aim"],
            "text": action["text"],
            "leads": people(action["leads"]),
            "chief_officers": people(action["chief_officers"]),
            "success_criteria": action["success_criteria"],
            "outcomes": action["outcomes"],
            "cross_references": sorted(action["cross_references"]),
            **dates(action),
            "updates": {} if action["milestones"] else updates(action),
            "milestones": [
                {
                    "label": m["label"],
                    "text": m["text"],
                    "success_criteria": m["success_criteria"],
                    "leads": people(m["leads"]),
                    **dates(m),
                    "updates": updates(m),
                }
                for m in action["milestones"]
            ],
        }
    recommendations = {
        r["number"]: (r["text"], themes.get(r["theme"]))
        for r in data["recommendations"]
    }
    return {"recommendations": recommendations, "actions": actions}
