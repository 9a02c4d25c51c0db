"""Reads for the plan pages. Permission to see a plan is decided here, in one place."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch, Q, QuerySet

from .models import (
    Action,
    ActionPlan,
    Milestone,
    Officer,
    ProgressUpdate,
    ReportingPeriod,
)


def plans_for_user(*, user: AbstractBaseUser) -> QuerySet[ActionPlan]:
    """The plans a user may see: admins see all; others the plans they have a role on."""
    plans = ActionPlan.objects.select_related("inspection")
    if user.is_superuser:
        return plans
    visible = Q(memberships__user=user)
    officer = Officer.objects.filter(user=user).first()
    if officer is not None:
        visible |= (
            Q(actions__leads=officer)
            | Q(actions__chief_officers=officer)
            | Q(actions__milestones__leads=officer)
        )
    return plans.filter(visible).distinct()


def plan_current_period(*, plan: ActionPlan) -> ReportingPeriod | None:
    """The open period, else the latest closed one."""
    periods = list(plan.periods.order_by("-month"))
    open_periods = [period for period in periods if not period.is_closed]
    return (open_periods or periods or [None])[0]


def plan_actions(*, plan: ActionPlan, period: ReportingPeriod | None) -> list[Action]:
    """Every action of the plan in reading order, with milestones, people and the period's updates.

    A fixed number of queries whatever the size of the plan.
    """
    updates = ProgressUpdate.objects.filter(period=period).select_related("status")
    return list(
        Action.objects.filter(plan=plan)
        .select_related("plan")
        .prefetch_related(
            "recommendations",
            "leads",
            "chief_officers",
            "cross_references",
            Prefetch("updates", queryset=updates, to_attr="period_updates"),
            Prefetch(
                "milestones",
                queryset=Milestone.objects.prefetch_related(
                    "leads",
                    Prefetch("updates", queryset=updates, to_attr="period_updates"),
                ),
            ),
        )
        .order_by("sort_key")
    )


def action_for_plan(*, plan: ActionPlan, pk: int) -> Action | None:
    """One action with everything its page shows, or None if it is not in the plan."""
    return (
        Action.objects.filter(plan=plan, pk=pk)
        .select_related("plan")
        .prefetch_related(
            "recommendations",
            "leads",
            "chief_officers",
            "cross_references",
            "referenced_by",
            Prefetch(
                "milestones", queryset=Milestone.objects.prefetch_related("leads")
            ),
        )
        .first()
    )


def action_updates_by_period(*, action: Action) -> list[dict]:
    """Per period, newest first: the action's update and its milestones' updates."""
    updates = (
        ProgressUpdate.objects.filter(Q(action=action) | Q(milestone__action=action))
        .select_related("period", "status", "milestone")
        .order_by("-period__month", "milestone__order")
    )
    rows: dict[int, dict] = {}
    for update in updates:
        row = rows.setdefault(
            update.period_id,
            {"period": update.period, "action": None, "milestones": []},
        )
        if update.milestone_id:
            row["milestones"].append(update)
        else:
            row["action"] = update
    return list(rows.values())
