"""Small builders for test data. Tests build what they need here, not from the demo fixtures."""

import datetime
import itertools

from django.contrib.auth import get_user_model

from actionplans.models import (
    Action,
    ActionPlan,
    Milestone,
    Officer,
    PlanMembership,
    ProgressUpdate,
    ReportingPeriod,
)
from actionplans.services import status_scheme_install_default
from organisations.models import Organisation
from recommendations.models import Inspection, Recommendation

_counter = itertools.count(1)


def make_user(username: str | None = None, **fields):
    username = username or f"user{next(_counter)}"
    return get_user_model().objects.create_user(
        username=username, password="pw-for-tests-1", **fields
    )


def make_organisation(name: str = "Leeds City Council") -> Organisation:
    """The council; tests that do not care all share Leeds."""
    return Organisation.objects.get_or_create(name=name)[0]


def make_inspection(**fields) -> Inspection:
    values = {"inspectorate": "CSCI", "title": f"Inspection {next(_counter)}"}
    if "organisation" not in fields:
        values["organisation"] = make_organisation()
    return Inspection.objects.create(**(values | fields))


def make_plan(**fields) -> ActionPlan:
    n = next(_counter)
    values = {"slug": f"plan-{n}", "title": f"Plan {n}", "owner": "Leeds City Council"}
    if "inspection" not in fields:
        values["inspection"] = make_inspection()
    plan = ActionPlan.objects.create(**(values | fields))
    status_scheme_install_default(plan=plan)
    return plan


def make_recommendation(
    plan: ActionPlan, number: str = "1", **fields
) -> Recommendation:
    return Recommendation.objects.create(
        inspection=plan.inspection,
        number=number,
        text=fields.pop("text", "Do better."),
        **fields,
    )


def make_officer(
    name: str | None = None, role_title: str = "Service Delivery Manager", **fields
) -> Officer:
    """An officer; name "" makes a role without a name, as chief officers often are."""
    if name is None:
        name = f"Officer {next(_counter)}"
    if "organisation" not in fields:
        fields["organisation"] = make_organisation()
    return Officer.objects.create(name=name, role_title=role_title, **fields)


def make_action(
    plan: ActionPlan, number: str = "1.1", *, leads=(), chief_officers=(), **fields
):
    action = Action.objects.create(
        plan=plan, number=number, text=fields.pop("text", "Act."), **fields
    )
    action.leads.set(leads)
    action.chief_officers.set(chief_officers)
    return action


def make_milestone(action: Action, label: str = "(a)", **fields) -> Milestone:
    return Milestone.objects.create(action=action, label=label, **fields)


def make_period(
    plan: ActionPlan, year: int = 2009, month: int = 8, **fields
) -> ReportingPeriod:
    return ReportingPeriod.objects.create(
        plan=plan, month=datetime.date(year, month, 1), **fields
    )


def make_update(
    period: ReportingPeriod, *, action=None, milestone=None, status_label=None, **fields
):
    status = period.plan.statuses.get(label=status_label) if status_label else None
    return ProgressUpdate.objects.create(
        period=period, action=action, milestone=milestone, status=status, **fields
    )


def make_member(
    plan: ActionPlan, user, role=PlanMembership.Role.VIEWER
) -> PlanMembership:
    return PlanMembership.objects.create(plan=plan, user=user, role=role)
