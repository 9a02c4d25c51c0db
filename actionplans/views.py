"""Pages of the plans and the monthly update cycle.

Every view fetches what it shows through `permissions.plan_for_user` / `_action_for_user`, so a user who
may not see a plan gets 404 (its existence does not leak) and a user who may see it but not
change it gets 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from . import services
from .forms import (
    ActionUpdateForms,
    AmendmentReasonForm,
    ClosePeriodForm,
    ItemUpdateForm,
    NarrativeForm,
    ReturnForm,
)
from .models import Action, ProgressUpdate
from .permissions import (
    action_access,
    coordinated_plan_ids,
    plan_for_coordinator,
    plan_for_user,
    user_is_coordinator,
)
from .selectors import (
    action_change_history,
    action_for_plan,
    action_timeline,
    action_updates_by_period,
    my_actions,
    period_returns,
    plan_actions,
    plans_for_user,
    signoff_queue,
    updates_for_action,
)


def _action_for_user(request: HttpRequest, slug: str, pk: int) -> Action:
    plan = plan_for_user(request.user, slug)
    action = action_for_plan(plan=plan, pk=pk)
    if action is None:
        raise Http404("No such action in this plan.")
    return action


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """My actions for leads and chief officers, then the plans the user can see."""
    plans = list(plans_for_user(user=request.user).order_by("title"))
    coordinated = coordinated_plan_ids(request.user)
    context = {
        "rows": my_actions(user=request.user),
        "signoff_count": len(signoff_queue(user=request.user)),
        "plans": plans,
        "coordinated": [p for p in plans if coordinated is None or p.pk in coordinated],
    }
    return render(request, "actionplans/home.html", context)


@login_required
@require_safe
def plan_detail(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_for_user(request.user, slug)
    period = plan.current_period()
    context = {
        "plan": plan,
        "period": period,
        "actions": plan_actions(plan=plan, period=period),
        "statuses": plan.statuses.all(),
        "is_coordinator": user_is_coordinator(request.user, plan),
    }
    return render(request, "actionplans/plan_detail.html", context)


@login_required
@require_safe
def action_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    action = _action_for_user(request, slug, pk)
    periods, timeline = action_timeline(action=action)
    access = action_access(request.user, action)
    context = {
        "plan": action.plan,
        "action": action,
        "periods": action_updates_by_period(action=action),
        "timeline_periods": periods,
        "timeline": timeline,
        "history": action_change_history(action=action),
        "access": access,
        "open_period": action.plan.open_period(),
    }
    return render(request, "actionplans/action_detail.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def update_form(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One action and its milestones on one page: save as draft or submit for sign-off."""
    action = _action_for_user(request, slug, pk)
    access = action_access(request.user, action)
    if not access.edit_any:
        raise PermissionDenied("You do not lead this action.")
    period = action.plan.open_period()
    if period is None:
        return render(request, "actionplans/update_closed.html", {"action": action})
    data = request.POST if request.method == "POST" else None
    forms = ActionUpdateForms(data, action=action, period=period, access=access)
    if forms.is_valid():
        try:
            services.update_save(
                action=action, period=period, user=request.user, **forms.values()
            )
        except services.UpdateConflict as exc:
            forms.rebase(exc.changes)
        except services.WorkflowError as exc:
            messages.error(request, str(exc))
            return redirect("home")
        else:
            done = "sent for sign-off" if forms.submit else "saved as a draft"
            messages.success(request, f"Action {action.number} {done}.")
            return redirect("home")
    context = {
        "plan": action.plan,
        "action": action,
        "period": period,
        "forms": forms,
        "action_form": forms.action_form,
        "milestone_forms": forms.milestone_forms,
    }
    status = 409 if forms.conflict else (400 if forms.errors else 200)
    return render(request, "actionplans/update_form.html", context, status=status)


@login_required
@require_safe
def signoff_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "actionplans/signoff_list.html",
        {"updates": signoff_queue(user=request.user)},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def signoff_decide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Approve an action's update or return it to the lead with a comment."""
    action = _action_for_user(request, slug, pk)
    if not action_access(request.user, action).sign_off:
        raise PermissionDenied("You do not sign off this action.")
    period = action.plan.open_period()
    current = updates_for_action(action=action, period=period)
    update = current.get((action.pk, None))
    if update is None or update.workflow_state != ProgressUpdate.Workflow.SUBMITTED:
        messages.info(
            request, f"Action {action.number} has no update awaiting sign-off."
        )
        return redirect("actionplans:signoff_list")
    return_form = ReturnForm(request.POST if "return" in request.POST else None)
    if request.method == "POST":
        try:
            if "approve" in request.POST:
                services.update_approve(update=update, user=request.user)
                messages.success(request, f"Action {action.number} approved.")
                return redirect("actionplans:signoff_list")
            if "return" in request.POST and return_form.is_valid():
                services.update_return(
                    update=update,
                    user=request.user,
                    comment=return_form.cleaned_data["comment"],
                )
                messages.success(
                    request, f"Action {action.number} returned to the lead."
                )
                return redirect("actionplans:signoff_list")
        except services.WorkflowError as exc:
            messages.error(request, str(exc))
            return redirect("actionplans:signoff_list")
    last = updates_for_action(action=action, period=period.previous())
    rows = [(action.number, update, last.get((action.pk, None)))] + [
        (
            f"{action.number} {m.label}",
            current.get((None, m.pk)),
            last.get((None, m.pk)),
        )
        for m in action.milestones.all()
    ]
    context = {
        "plan": action.plan,
        "action": action,
        "period": period,
        "update": update,
        "rows": rows,
        "return_form": return_form,
    }
    return render(
        request,
        "actionplans/signoff_decide.html",
        context,
        status=400 if return_form.errors else 200,
    )


@login_required
@require_safe
def period_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Coordinators: the months of the plan, and who has not returned this month."""
    plan = plan_for_coordinator(request.user, slug)
    period = plan.open_period()
    returns = period_returns(period=period) if period else []
    context = {
        "plan": plan,
        "periods": plan.periods.order_by("-month"),
        "open_period": period,
        "returns": returns,
        "missing": [r for r in returns if not r.is_approved],
        "close_form": ClosePeriodForm(),
    }
    return render(request, "actionplans/period_list.html", context)


@login_required
@require_POST
def period_open(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_for_coordinator(request.user, slug)
    try:
        period = services.period_open_next(plan=plan, user=request.user)
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{period} is open for updates.")
    return redirect("actionplans:period_list", slug=plan.slug)


@login_required
@require_POST
def period_close(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    plan = plan_for_coordinator(request.user, slug)
    period = get_object_or_404(plan.periods, pk=pk)
    form = ClosePeriodForm(request.POST)
    form.is_valid()
    outstanding = [r for r in period_returns(period=period) if not r.is_approved]
    if outstanding and not form.cleaned_data.get("confirm_missing"):
        messages.error(
            request,
            f"{len(outstanding)} actions have no approved update. Tick the box to close "
            f"{period} anyway: their last status is carried forward as “no return”.",
        )
        return redirect("actionplans:period_list", slug=plan.slug)
    try:
        missing = services.period_close(period=period, user=request.user)
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"{period} is closed. {missing} items had no return and were carried forward.",
        )
    return redirect("actionplans:period_list", slug=plan.slug)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def period_narrative(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The month's overview, risks and requested amendments, written by a coordinator."""
    plan = plan_for_coordinator(request.user, slug)
    period = get_object_or_404(plan.periods, pk=pk)
    form = NarrativeForm(request.POST or None, instance=period)
    if request.method == "POST" and form.is_valid():
        services.period_narrative_save(
            period=period,
            user=request.user,
            overview=form.cleaned_data["overview"],
            risks=form.cleaned_data["risks"],
            amendments=form.cleaned_data["amendments"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, f"The narrative for {period} is saved.")
        return redirect("actionplans:period_list", slug=plan.slug)
    return render(
        request,
        "actionplans/period_narrative.html",
        {"plan": plan, "period": period, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def update_amend(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A coordinator's recorded correction of one update of a closed month."""
    plan = plan_for_coordinator(request.user, slug)
    update = get_object_or_404(
        ProgressUpdate.objects.select_related("period", "action", "milestone__action"),
        pk=pk,
        period__plan=plan,
    )
    if not update.period.is_closed:
        return redirect(
            "actionplans:update_form", slug=plan.slug, pk=_action_of(update).pk
        )
    item = update.action or update.milestone
    form = ItemUpdateForm(
        request.POST or None,
        item=item,
        period=update.period,
        statuses=list(plan.statuses.all()),
        update=update,
        prefix="amend",
    )
    reason_form = AmendmentReasonForm(request.POST or None)
    conflict = None
    if request.method == "POST" and form.is_valid() and reason_form.is_valid():
        try:
            services.update_amend(
                update=update,
                user=request.user,
                values=form.values(),
                reason=reason_form.cleaned_data["reason"],
            )
        except services.UpdateConflict as exc:
            conflict = exc.changes
        else:
            messages.success(
                request, f"The {update.period} update of {item.number} is amended."
            )
            return redirect(_action_of(update).get_absolute_url())
    context = {
        "plan": plan,
        "update": update,
        "item": item,
        "form": form,
        "reason_form": reason_form,
        "errors": form.summary_errors(),
        "conflict": conflict,
    }
    invalid = request.method == "POST" and (form.errors or reason_form.errors)
    return render(
        request,
        "actionplans/update_amend.html",
        context,
        status=409 if conflict else (400 if invalid else 200),
    )


def _action_of(update: ProgressUpdate) -> Action:
    return update.action or update.milestone.action
