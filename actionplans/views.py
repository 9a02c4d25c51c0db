"""Pages of the plans and the monthly update cycle.

Every view fetches what it shows through `permissions.plan_for_user` / `_action_for_user`, so a user who
may not see a plan gets 404 (its existence does not leak) and a user who may see it but not
change it gets 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from . import services
from .forms import (
    AmendmentReasonForm,
    ClosePeriodForm,
    ItemUpdateForm,
    NarrativeForm,
    ReturnForm,
    proposed_status,
)
from .models import Action, ActionPlan, ProgressUpdate, ReportingPeriod
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
    open_periods,
    period_returns,
    plan_actions,
    plan_current_period,
    plans_for_user,
    previous_period,
    signoff_queue,
    updates_for_action,
)


def _action_for_user(request: HttpRequest, slug: str, pk: int) -> Action:
    plan = plan_for_user(request.user, slug)
    action = action_for_plan(plan=plan, pk=pk)
    if action is None:
        raise Http404("No such action in this plan.")
    return action


def _open_period(plan: ActionPlan) -> ReportingPeriod | None:
    return open_periods(plans=[plan]).get(plan.pk)


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
    period = plan_current_period(plan=plan)
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
        "open_period": _open_period(action.plan),
    }
    return render(request, "actionplans/action_detail.html", context)


def _item_form(*, item, prefix, period, statuses, update, last, data, compact):
    submit = bool(data) and "submit" in data
    initial = {"version": update.version if update else 0}
    if update is not None:
        initial |= {
            "status": update.status_id,
            "direction": update.direction,
            "progress": update.progress,
            "risk": update.risk,
            "actual_finish": update.actual_finish,
        }
    else:
        status = proposed_status(
            item=item,
            period=period,
            statuses=statuses,
            last=last.status if last else None,
        )
        initial["status"] = status.pk if status else None
        # A finished item stays finished: offer last month's actual finish again.
        initial["actual_finish"] = last.actual_finish if last else None
    return ItemUpdateForm(
        data,
        item=item,
        period=period,
        statuses=statuses,
        submit=submit,
        compact=compact,
        prefix=prefix,
        initial=initial,
    )


def _anchor(bound_field) -> str:
    """The id an error summary links to: the first option of a group of radios."""
    if bound_field.widget_type == "radioselect":
        return f"{bound_field.auto_id}_0"
    return bound_field.id_for_label


def _item_label(action: Action, form: ItemUpdateForm) -> str:
    return action.number if form.item == action else form.item.number


def _values(form: ItemUpdateForm) -> services.ItemValues:
    data = form.cleaned_data
    return services.ItemValues(
        status=data["status"],
        direction=data["direction"],
        progress=data["progress"],
        risk=data["risk"],
        actual_finish=data["actual_finish"],
        version=data["version"],
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def update_form(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One action and its milestones on one page: save as draft or submit for sign-off."""
    action = _action_for_user(request, slug, pk)
    access = action_access(request.user, action)
    if not access.edit_any:
        raise PermissionDenied("You do not lead this action.")
    plan = action.plan
    period = _open_period(plan)
    if period is None:
        return render(request, "actionplans/update_closed.html", {"action": action})
    statuses = list(plan.statuses.all())
    current = updates_for_action(action=action, period=period)
    previous = previous_period(period=period)
    last = updates_for_action(action=action, period=previous)
    data = request.POST.copy() if request.method == "POST" else None
    conflict = None

    def build(data: QueryDict | None):
        action_form = None
        if access.edit_action:
            action_form = _item_form(
                item=action,
                prefix="action",
                period=period,
                statuses=statuses,
                update=current.get((action.pk, None)),
                last=last.get((action.pk, None)),
                data=data,
                compact=False,
            )
        milestone_forms = []
        for milestone in action.milestones.all():
            form = None
            if milestone.pk in access.edit_milestones:
                form = _item_form(
                    item=milestone,
                    prefix=f"m{milestone.pk}",
                    period=period,
                    statuses=statuses,
                    update=current.get((None, milestone.pk)),
                    last=last.get((None, milestone.pk)),
                    data=data,
                    compact=True,
                )
            milestone_forms.append(
                (
                    milestone,
                    form,
                    current.get((None, milestone.pk)),
                    last.get((None, milestone.pk)),
                )
            )
        return action_form, milestone_forms

    action_form, milestone_forms = build(data)
    forms = [
        f for f in [action_form, *(m[1] for m in milestone_forms)] if f is not None
    ]
    if data is not None and all(form.is_valid() for form in forms):
        try:
            services.update_save(
                action=action,
                period=period,
                user=request.user,
                action_values=_values(action_form) if action_form else None,
                milestone_values={
                    milestone.pk: _values(form)
                    for milestone, form, _, _ in milestone_forms
                    if form is not None
                },
                submit="submit" in data,
            )
        except services.UpdateConflict as exc:
            conflict = exc.changes
            # Show the user's own values again, now against the latest versions: saving
            # again (after reading the changes) replaces the other person's values knowingly.
            current = updates_for_action(action=action, period=period)
            for form in forms:
                item_key = (
                    (action.pk, None)
                    if form.prefix == "action"
                    else (None, form.item.pk)
                )
                latest = current.get(item_key)
                data[f"{form.prefix}-version"] = str(latest.version if latest else 0)
            action_form, milestone_forms = build(data)
            forms = [
                f
                for f in [action_form, *(m[1] for m in milestone_forms)]
                if f is not None
            ]
            for form in forms:
                form.is_valid()
        except services.WorkflowError as exc:
            messages.error(request, str(exc))
            return redirect("home")
        else:
            if "submit" in data:
                messages.success(request, f"Action {action.number} sent for sign-off.")
            else:
                messages.success(request, f"Action {action.number} saved as a draft.")
            return redirect("home")
    errors = [
        (
            _anchor(form[name]),
            f"{_item_label(action, form)} {form.fields[name].label}",
            e,
        )
        for form in forms
        if form.is_bound
        for name, field_errors in form.errors.items()
        if name in form.fields
        for e in field_errors
    ]
    context = {
        "plan": plan,
        "action": action,
        "period": period,
        "previous": previous,
        "access": access,
        "action_form": action_form,
        "action_update": current.get((action.pk, None)),
        "action_last": last.get((action.pk, None)),
        "milestone_forms": milestone_forms,
        "errors": errors,
        "conflict": conflict,
        "complete_statuses": [s.pk for s in statuses if s.counts_as_complete],
    }
    status = 409 if conflict else (400 if errors else 200)
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
    period = _open_period(action.plan)
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
    last = updates_for_action(action=action, period=previous_period(period=period))
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
    period = _open_period(plan)
    returns = period_returns(period=period) if period else []
    context = {
        "plan": plan,
        "periods": plan.periods.order_by("-month"),
        "open_period": period,
        "returns": returns,
        "missing": [r for r in returns if r.state != "Approved"],
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
    outstanding = [r for r in period_returns(period=period) if r.state != "Approved"]
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
    statuses = list(plan.statuses.all())
    form = ItemUpdateForm(
        request.POST or None,
        item=item,
        period=update.period,
        statuses=statuses,
        prefix="amend",
        initial={
            "status": update.status_id,
            "direction": update.direction,
            "progress": update.progress,
            "risk": update.risk,
            "actual_finish": update.actual_finish,
            "version": update.version,
        },
    )
    reason_form = AmendmentReasonForm(request.POST or None)
    conflict = None
    if request.method == "POST" and form.is_valid() and reason_form.is_valid():
        try:
            services.update_amend(
                update=update,
                user=request.user,
                values=_values(form),
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
