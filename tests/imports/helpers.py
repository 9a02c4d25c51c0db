"""Shared helpers for the import tests: the test files and a plan's contents as plain data."""

import datetime
import json
from pathlib import Path

from django.apps import apps

from actionplans.models import ActionPlan, ProgressUpdate, ReportingPeriod
from imports.document import NewPlan
from imports.services import ImportOptions, plan_import_confirm
from lib.months import month_key
from recommendations.models import Theme
from tests import factories

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


def plan_in_use() -> ActionPlan:
    """A plan as the app leaves it after two months of use: July closed and approved,
    August open with drafts, text typed into the update form (Windows line ends, double
    spaces), actual finishes set by sign-off (no text kept beside them), an action with
    milestones that has its own progress, and a draft reporting a finish not yet signed
    off."""
    approved = ProgressUpdate.Workflow.APPROVED
    plan = factories.make_plan()
    safety = Theme.objects.create(
        inspection=plan.inspection, number="I", title="Safeguarding adults"
    )
    planning = Theme.objects.create(
        inspection=plan.inspection, number="II", title="Planning", order=1
    )
    factories.make_recommendation(plan, "1", text="Keep people safe.", theme=safety)
    factories.make_recommendation(plan, "2", text="Plan the work.", theme=planning)
    lead = factories.make_officer("Jane Smith")
    chief = factories.make_officer("Mary Brown", role_title="Director")
    day = datetime.date
    done = factories.make_action(
        plan,
        "1.1",
        leads=[lead],
        chief_officers=[chief],
        aim="People are safe",
        text="Train every social worker",
        success_criteria="All trained",
        outcomes="Fewer referrals",
        plan_start=day(2009, 4, 1),
        plan_start_text="Apr-09",
        plan_finish=day(2009, 7, 31),
        plan_finish_text="Jul-09",
        actual_finish=day(2009, 7, 20),
    )
    split = factories.make_action(
        plan,
        "1.2",
        leads=[lead],
        chief_officers=[chief],
        text="Review the procedures",
        plan_start=day(2009, 5, 1),
        plan_finish=day(2009, 12, 31),
    )
    first = factories.make_milestone(
        split,
        "(a)",
        order=0,
        plan_start=day(2009, 5, 1),
        plan_finish=day(2009, 7, 31),
        actual_finish=day(2009, 7, 15),
        success_criteria="Draft agreed",
    )
    second = factories.make_milestone(
        split,
        "(b)",
        order=1,
        plan_start=day(2009, 6, 1),
        plan_start_text="June 2009",
        plan_finish=day(2009, 12, 31),
        plan_finish_text="Dec-09",
    )
    second.leads.set([lead])
    later = factories.make_action(
        plan,
        "2.1",
        leads=[lead],
        text="Publish the new plan",
        plan_start=day(2009, 7, 1),
        plan_start_text="Jul-09",
        plan_finish=day(2009, 9, 30),
        plan_finish_text="Sep-09",
    )
    later.cross_references.set([done])
    pending = factories.make_action(
        plan, "2.2", leads=[lead], text="Agree the budget", plan_start=day(2009, 6, 1)
    )
    for action in (done, split):
        action.recommendations.set(plan.inspection.recommendations.filter(number="1"))
    for action in (later, pending):
        action.recommendations.set(plan.inspection.recommendations.filter(number="2"))
    july = factories.make_period(plan, 2009, 7, state=ReportingPeriod.State.CLOSED)
    august = factories.make_period(plan, 2009, 8)
    rows = [
        (
            july,
            done,
            "Green",
            "improving",
            "All  trained.\r\nCertificates filed.",
            "",
            day(2009, 7, 20),
        ),
        (
            august,
            done,
            "Green",
            "no_change",
            "Complete. ",
            "None now.",
            day(2009, 7, 20),
        ),
        (
            july,
            first,
            "Green",
            "improving",
            "Agreed by the board.",
            "",
            day(2009, 7, 15),
        ),
        (july, second, "Amber", "no_change", "Started.", "", None),
        (july, split, "Amber", "no_change", "The action's own words.", "", None),
        (august, first, "Green", "no_change", "Done.", "", day(2009, 7, 15)),
        (
            august,
            second,
            "Red",
            "deteriorating",
            "Late:\r\n\r\nstaff away.",
            "Slipping",
            None,
        ),
        (august, split, "Amber", "deteriorating", "Half done.", "", None),
        (july, later, "Grey", "", "", "", None),
        (august, later, "Amber", "improving", "Drafting.", "", None),
        (
            august,
            pending,
            "Green",
            "improving",
            "Agreed on 10 August.",
            "",
            day(2009, 8, 10),
        ),
    ]
    for period, item, status, direction, progress, risk, finish in rows:
        item_field = "milestone" if item in (first, second) else "action"
        factories.make_update(
            period,
            **{item_field: item},
            status_label=status,
            direction=direction,
            progress=progress,
            risk=risk,
            actual_finish=finish,
            workflow_state=approved
            if period == july
            else ProgressUpdate.Workflow.DRAFT,
        )
    return plan


def row_counts() -> dict[str, int]:
    """How many rows each table holds: equal before and after means nothing was written."""
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


class SlowClock:
    """Stands in for the `time` module in imports.reading: a second passes per look."""

    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        self.now += 1
        return self.now
