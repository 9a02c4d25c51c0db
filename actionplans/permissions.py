"""Who may do what on a plan. Every view asks here, so the rules live in one place.

Roles: admins (superusers) may do everything; a plan coordinator and a board viewer hold a
PlanMembership; leads and chief officers are known from the actions their Officer record
leads or is accountable for.

Councils are kept apart: a user with an Officer record belongs to that officer's
organisation, and no role gives them anything on another council's plan.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db.models import F, Q
from django.shortcuts import get_object_or_404

from .models import (
    Action,
    ActionPlan,
    Milestone,
    Officer,
    PlanMembership,
    ProgressUpdate,
    ReportingPeriod,
)
from .selectors import plans_for_user


def _coordinator_memberships(user: AbstractBaseUser):
    """The user's coordinator roles, in their own council only: a user with an officer
    record belongs to that officer's council, whatever other role they were given."""
    return PlanMembership.objects.filter(
        Q(user__officer__isnull=True)
        | Q(user__officer__organisation=F("plan__inspection__organisation")),
        user=user,
        role=PlanMembership.Role.COORDINATOR,
    )


def user_is_coordinator(user: AbstractBaseUser, plan: ActionPlan) -> bool:
    """Coordinators run the plan: periods, narratives, corrections, imports."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return _coordinator_memberships(user).filter(plan=plan).exists()


def plan_for_user(user: AbstractBaseUser, slug: str) -> ActionPlan:
    """The plan, or 404 when the user may not see it (so its existence does not leak)."""
    return get_object_or_404(plans_for_user(user=user), slug=slug)


def plan_for_coordinator(
    user: AbstractBaseUser,
    slug: str,
    *,
    refusal: str = "Only the plan's coordinators can do this.",
) -> ActionPlan:
    """The plan for a coordinator's page: 404 when it is not visible, 403 when not theirs."""
    plan = plan_for_user(user, slug)
    if not user_is_coordinator(user, plan):
        raise PermissionDenied(refusal)
    return plan


def coordinated_plan_ids(user: AbstractBaseUser) -> set[int] | None:
    """Ids of the plans the user coordinates, in one query; None for an admin (all)."""
    if user.is_superuser:
        return None
    return set(_coordinator_memberships(user).values_list("plan_id", flat=True))


@dataclass(frozen=True)
class ActionAccess:
    """What one user may do with one action's updates."""

    edit_action: bool
    edit_milestones: frozenset[int]
    sign_off: bool
    coordinator: bool

    @property
    def edit_any(self) -> bool:
        return self.edit_action or bool(self.edit_milestones)


def action_access(user: AbstractBaseUser, action: Action) -> ActionAccess:
    """Leads edit what they lead; chief officers edit and sign off what they are accountable
    for; coordinators (and admins) edit everything on their plan."""
    milestone_ids = [m.pk for m in action.milestones.all()]
    if user_is_coordinator(user, action.plan):
        return ActionAccess(True, frozenset(milestone_ids), True, True)
    officer = Officer.objects.for_user(user)
    if officer is None or officer.organisation_id != action.plan.organisation_id:
        return ActionAccess(False, frozenset(), False, False)
    chief = action.chief_officers.filter(pk=officer.pk).exists()
    lead = action.leads.filter(pk=officer.pk).exists()
    if chief or lead:
        return ActionAccess(True, frozenset(milestone_ids), chief, False)
    own = frozenset(
        action.milestones.filter(leads=officer).values_list("pk", flat=True)
    )
    return ActionAccess(False, own, False, False)


def reported_items(
    action: Action, access: ActionAccess, month: datetime.date
) -> list[Action | Milestone]:
    """The items of the action this user reports on in the month: the action itself when
    they may update it, and the milestones they may update, withdrawn ones left out."""
    items: list[Action | Milestone] = [action] if access.edit_action else []
    return items + [
        m
        for m in action.milestones.all()
        if m.pk in access.edit_milestones and m.is_in_plan(month)
    ]


def approval_refusals(*, user, actions: list[Action]) -> dict[int, str]:
    """Why the user may not approve each action's updates awaiting sign-off, by action id.

    Nobody signs off their own work: a chief officer who leads the action, leads one of
    its submitted milestones or saved one of its submitted updates leaves the sign-off to
    a plan coordinator (or another chief officer, for an update they only saved).
    Coordinators and admins, who run the plan, may approve anything. An action absent
    from the answer is one the user may approve. A fixed number of queries.
    """
    if not actions:
        return {}
    coordinated = coordinated_plan_ids(user)
    if coordinated is None:
        return {}
    ids = [a.pk for a in actions if a.plan_id not in coordinated]
    if not ids:
        return {}
    submitted = ProgressUpdate.objects.filter(
        Q(action_id__in=ids) | Q(milestone__action_id__in=ids),
        workflow_state=ProgressUpdate.Workflow.SUBMITTED,
        period__state=ReportingPeriod.State.OPEN,
    )
    refusals = {
        action_id or milestone_action_id: (
            "You submitted this update, so another chief officer or a plan "
            "coordinator signs it off."
        )
        for action_id, milestone_action_id in submitted.filter(
            author_id=user.pk
        ).values_list("action_id", "milestone__action_id")
    }
    officer = Officer.objects.for_user(user)
    if officer is None:
        return refusals
    for milestone in Milestone.objects.filter(
        leads=officer, updates__in=submitted
    ).select_related("action"):
        refusals[milestone.action_id] = (
            f"You lead {milestone.number}, so a plan coordinator signs it off."
        )
    for action_id in Action.objects.filter(pk__in=ids, leads=officer).values_list(
        "pk", flat=True
    ):
        refusals[action_id] = (
            "You lead this action, so a plan coordinator signs it off."
        )
    return refusals
