"""Who may do what on a plan. Every view asks here, so the rules live in one place.

Roles: admins (superusers) may do everything; a plan coordinator and a board viewer hold a
PlanMembership; leads and chief officers are known from the actions their Officer record
leads or is accountable for.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import Action, ActionPlan, Officer, PlanMembership
from .selectors import plans_for_user


def user_is_coordinator(user: AbstractBaseUser, plan: ActionPlan) -> bool:
    """Coordinators run the plan: periods, narratives, corrections, imports."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return PlanMembership.objects.filter(
        plan=plan, user=user, role=PlanMembership.Role.COORDINATOR
    ).exists()


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
    return set(
        PlanMembership.objects.filter(
            user=user, role=PlanMembership.Role.COORDINATOR
        ).values_list("plan_id", flat=True)
    )


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
    if officer is None:
        return ActionAccess(False, frozenset(), False, False)
    chief = action.chief_officers.filter(pk=officer.pk).exists()
    lead = action.leads.filter(pk=officer.pk).exists()
    if chief or lead:
        return ActionAccess(True, frozenset(milestone_ids), chief, False)
    own = frozenset(
        action.milestones.filter(leads=officer).values_list("pk", flat=True)
    )
    return ActionAccess(False, own, False, False)
