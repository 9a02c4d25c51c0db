"""A parsed spreadsheet as a plan document (fixtures/SCHEMA.md), which PlanLoader loads.

The spreadsheet's "this month" and "last month" columns become updates of real months;
officers become keys of the document's officer list, matched to the officers already in
the database; a new plan's own details come from the import form, since a spreadsheet does
not carry them.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils.text import slugify

from actionplans.models import ActionPlan
from lib.months import month_key, month_next, month_previous
from organisations.models import Organisation

from .layouts import ParsedPlan
from .matching import OfficerMatch, OfficerRegistry


@dataclass
class NewPlan:
    """The details of a plan the import creates."""

    title: str
    owner: str
    inspectorate: str
    inspection_title: str = ""
    slug: str = ""
    # The council's name; officers are matched only within it. Empty: the owner's name.
    organisation: str = ""

    @property
    def council(self) -> str:
        return self.organisation or self.owner

    @property
    def address(self) -> str:
        """The new plan's slug: the one given, else one made from the title."""
        return self.slug or slugify(self.title)[:80]


def plan_document(
    parsed: ParsedPlan,
    *,
    this_month: datetime.date | None,
    close_this_month: bool,
    plan: ActionPlan | None,
    new_plan: NewPlan | None,
) -> tuple[dict[str, Any], dict[str, Any], list[OfficerMatch]]:
    """The plan document's two halves (plan, actions) and how each officer was matched.

    Into an existing `plan`, the plan and its inspection are named as they are; otherwise
    `new_plan` describes them. A column the file does not have leaves its field out, so
    that loading leaves the stored value as it is.
    """
    registry = OfficerRegistry(organisation_id=_organisation_id(plan, new_plan))
    months = _months(parsed, this_month)
    actions = []
    for parsed_action in parsed.actions:
        action = {k: v for k, v in parsed_action.items() if k != "_row"}
        for name in ("leads", "chief_officers"):
            if name in parsed_action and name in parsed.columns:
                action[name] = [registry.key(o) for o in parsed_action[name]]
            else:
                action.pop(name, None)
        action["updates"] = _updates(parsed_action["updates"], months)
        milestones = []
        for parsed_milestone in parsed_action["milestones"]:
            milestone = {k: v for k, v in parsed_milestone.items() if k != "_row"}
            if "leads" in parsed.columns:
                milestone["leads"] = [
                    registry.key(o) for o in parsed_milestone["leads"]
                ]
            else:
                milestone.pop("leads", None)
            milestone["updates"] = _updates(parsed_milestone["updates"], months)
            milestones.append(milestone)
        action["milestones"] = milestones
        actions.append(action)
    recommendations = [
        {k: v for k, v in rec.items() if k != "_row"} for rec in parsed.recommendations
    ]
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
        key
        for action in actions
        for item in [action, *action["milestones"]]
        for key in item["updates"]
    }
    plan_data = _plan_data(
        months={
            which: month for which, month in months.items() if month_key(month) in used
        },
        close_this_month=close_this_month,
        plan=plan,
        new_plan=new_plan,
    )
    return plan_data, actions_data, registry.matches


def _months(
    parsed: ParsedPlan, this_month: datetime.date | None
) -> dict[str, datetime.date]:
    """ "this" and "last" as months; "last" only when the file has a last month column."""
    if this_month is None:
        return {}
    months = {"this": this_month}
    if "last_status" in parsed.columns:
        months["last"] = month_previous(this_month)
    return months


def _updates(
    updates: dict[str, Any], months: dict[str, datetime.date]
) -> dict[str, Any]:
    """An item's "this" and "last" updates, keyed by their months ("2009-08")."""
    return {
        month_key(months[which]): update
        for which, update in updates.items()
        if which in months
    }


def _periods(
    months: dict[str, datetime.date], *, close_this_month: bool
) -> list[dict[str, Any]]:
    if "this" not in months:
        return []
    this = months["this"]
    periods = []
    # Last month's statuses are history: its period is closed. This month stays open
    # for updates unless the file is its final report; then the next month opens.
    if "last" in months:
        periods.append({"month": month_key(months["last"]), "closed": True})
    periods.append({"month": month_key(this), "closed": close_this_month})
    if close_this_month:
        periods.append({"month": month_key(month_next(this)), "closed": False})
    return periods


def _organisation_id(plan: ActionPlan | None, new_plan: NewPlan | None) -> int | None:
    """The council whose officers the file's names are matched to."""
    if plan is not None:
        return plan.organisation_id
    assert new_plan is not None
    council = Organisation.objects.filter(name=new_plan.council).first()
    return council.pk if council else None


def _plan_data(
    *,
    months: dict[str, datetime.date],
    close_this_month: bool,
    plan: ActionPlan | None,
    new_plan: NewPlan | None,
) -> dict[str, Any]:
    periods = _periods(months, close_this_month=close_this_month)
    if plan is not None:
        inspection = plan.inspection
        return {
            "plan": {"slug": plan.slug, "title": plan.title, "owner": plan.owner},
            "inspection": {
                "organisation": inspection.organisation.name,
                "title": inspection.title,
                "inspectorate": inspection.inspectorate,
            },
            "periods": periods,
        }
    assert new_plan is not None
    return {
        "plan": {
            "slug": new_plan.address,
            "title": new_plan.title,
            "owner": new_plan.owner,
            "introduction": "",
            "status": ActionPlan.Status.ACTIVE,
        },
        "inspection": {
            "inspectorate": new_plan.inspectorate,
            "title": new_plan.inspection_title or new_plan.title,
            "organisation": new_plan.council,
            "judgments": [],
        },
        "periods": periods,
    }
