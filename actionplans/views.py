from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from .models import ActionPlan
from .selectors import (
    action_for_plan,
    action_updates_by_period,
    plan_actions,
    plan_current_period,
    plans_for_user,
)


def _plan_for_user(request: HttpRequest, slug: str) -> ActionPlan:
    """The plan, or 404 when the user may not see it (so its existence does not leak)."""
    return get_object_or_404(plans_for_user(user=request.user), slug=slug)


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    plans = plans_for_user(user=request.user).order_by("title")
    return render(request, "actionplans/home.html", {"plans": plans})


@login_required
@require_safe
def plan_detail(request: HttpRequest, slug: str) -> HttpResponse:
    plan = _plan_for_user(request, slug)
    period = plan_current_period(plan=plan)
    context = {
        "plan": plan,
        "period": period,
        "actions": plan_actions(plan=plan, period=period),
        "statuses": plan.statuses.all(),
    }
    return render(request, "actionplans/plan_detail.html", context)


@login_required
@require_safe
def action_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    plan = _plan_for_user(request, slug)
    action = action_for_plan(plan=plan, pk=pk)
    if action is None:
        raise Http404("No such action in this plan.")
    context = {
        "plan": plan,
        "action": action,
        "periods": action_updates_by_period(action=action),
    }
    return render(request, "actionplans/action_detail.html", context)
