"""Pages of the plans and the monthly update cycle.

Every view fetches what it shows through `permissions.plan_for_user` / `_action_for_user`, so a user who
may not see a plan gets 404 (its existence does not leak) and a user who may see it but not
change it gets 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from lib import months
from recommendations.selectors import inspection_summary

from . import services
from .forms import (
    ActionUpdateForms,
    AmendmentReasonForm,
    BulkApproveForm,
    ClosePeriodForm,
    ItemUpdateForm,
    NarrativeForm,
    ReturnForm,
    SignoffForm,
    month_refusal,
)
from .history import action_change_history
from .models import Action, ProgressUpdate, ReportingPeriod
from .permissions import (
    action_access,
    approval_refusals,
    coordinated_plan_ids,
    plan_for_coordinator,
    plan_for_user,
    reported_items,
    user_is_coordinator,
)
from .proof import status_whys
from .selectors import (
    action_for_plan,
    action_revisions,
    action_timeline,
    action_updates_by_period,
    item_key,
    lead_tasks,
    month_window,
    my_actions,
    period_returns,
    period_returns_by_lead,
    plan_actions,
    plans_for_user,
    signoff_items,
    signoff_queue,
    signoff_rows,
    update_check_rows,
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
    rows = my_actions(user=request.user)
    context = {
        "rows": rows,
        "tasks": lead_tasks(rows),
        "accountable": [row for row in rows if row.is_chief],
        "signoff_count": len(_signoff_queue(request.user)[0]),
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
        "inspection": inspection_summary(inspection_id=plan.inspection_id),
    }
    return render(request, "actionplans/plan_detail.html", context)


@login_required
@require_safe
def action_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    action = _action_for_user(request, slug, pk)
    plan_months = list(action.plan.periods.all())
    window = month_window(
        periods=plan_months, show_all=request.GET.get("months") == "all"
    )
    periods, timeline = action_timeline(
        action=action, plan_periods=plan_months, since=window.since
    )
    access = action_access(request.user, action)
    current = action.plan.current_period()
    context = {
        "plan": action.plan,
        "action": action,
        "current_period": current,
        "whys": status_whys(action=action, period=current) if current else [],
        "window": window,
        "periods": action_updates_by_period(action=action, since=window.since),
        "timeline_periods": periods,
        "timeline": timeline,
        "history": action_change_history(
            action=action, periods=plan_months, since=window.since
        ),
        "revisions": action_revisions(action=action),
        "access": access,
        "open_period": action.plan.open_period(),
    }
    return render(request, "actionplans/action_detail.html", context)


_NOT_SAVED = "your changes were not saved"
_NOT_SIGNED_OFF = "nothing was signed off"


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def update_form(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One action and its milestones on one page: save as draft or submit for sign-off.

    The page carries its month: a post for any other month than the open one is refused
    (409) and the open month's form is shown, so nothing lands in the wrong month.
    """
    action = _action_for_user(request, slug, pk)
    access = action_access(request.user, action)
    if not access.edit_any:
        raise PermissionDenied("You do not lead this action.")
    period = action.plan.open_period()
    if period is not None and not action.is_in_plan(period.month):
        messages.info(
            request, f"Action {action.number} is withdrawn: it has no updates."
        )
        return redirect(action)
    posting = request.method == "POST"
    stale = (
        month_refusal(request.POST.get("month"), period=period, outcome=_NOT_SAVED)
        if posting
        else None
    )
    forms, refused = None, ""
    if posting and not stale and period is not None:
        forms = ActionUpdateForms(
            request.POST, action=action, period=period, access=access
        )
        if forms.is_valid():
            try:
                services.update_save(
                    action=action, period=period, user=request.user, **forms.values()
                )
            except services.UpdateConflict as exc:
                forms.rebase(exc.changes)
            except services.PeriodClosed as exc:
                # The month closed while this request ran: as for a page left open.
                period, forms = action.plan.open_period(), None
                stale = month_refusal(
                    months.month_key(exc.period.month),
                    period=period,
                    outcome=_NOT_SAVED,
                )
            except services.WorkflowError as exc:
                # Nothing was saved; the form is shown again with what the user typed.
                refused = str(exc)
            else:
                if forms.review:
                    return redirect(
                        "actionplans:update_check", slug=action.plan.slug, pk=action.pk
                    )
                evidence_page = _evidence_page(forms, period)
                if evidence_page:
                    return evidence_page
                done = "sent for sign-off" if forms.submit else "saved as a draft"
                messages.success(request, f"Action {action.number} {done}.")
                return redirect("home")
    if period is None:
        if posting:
            messages.error(
                request, stale or f"No month is open for updates: {_NOT_SAVED}."
            )
        return render(
            request,
            "actionplans/update_closed.html",
            {"action": action},
            status=409 if posting else 200,
        )
    if forms is None:
        forms = ActionUpdateForms(None, action=action, period=period, access=access)
    context = {
        "plan": action.plan,
        "action": action,
        "period": period,
        "month_key": months.month_key(period.month),
        "stale": stale,
        "refused": refused,
        "forms": forms,
        "action_form": forms.action_form,
        "milestone_forms": forms.milestone_forms,
    }
    status = (
        409 if stale or forms.conflict else (400 if forms.errors or refused else 200)
    )
    return render(request, "actionplans/update_form.html", context, status=status)


def _evidence_page(forms: ActionUpdateForms, period: ReportingPeriod):
    """After "Add evidence" saved the draft: a redirect to that item's evidence page."""
    item = forms.item_for_prefix(forms.evidence_for)
    if item is None:
        return None
    field = "action" if isinstance(item, Action) else "milestone"
    update = ProgressUpdate.objects.filter(period=period, **{field: item}).first()
    if update is None:
        return None
    return redirect("evidence:item", slug=forms.action.plan.slug, pk=update.pk)


def _open_period_for_update(request: HttpRequest, action: Action):
    """The month a lead's page about the action writes to, or a redirect when there is
    none: no open month, or the action is withdrawn."""
    period = action.plan.open_period()
    if period is None:
        messages.info(request, f"No month is open for updates: {_NOT_SAVED}.")
        return None, redirect(action)
    if not action.is_in_plan(period.month):
        messages.info(
            request, f"Action {action.number} is withdrawn: it has no updates."
        )
        return None, redirect(action)
    return period, None


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def update_check(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Check your answers, then submit for sign-off (GOV.UK pattern).

    The update form's "Continue" saves a draft and comes here; only this page's button
    sends the month's update for sign-off, so pressing Enter in the form never does.
    """
    action = _action_for_user(request, slug, pk)
    access = action_access(request.user, action)
    if not access.edit_any:
        raise PermissionDenied("You do not lead this action.")
    period, elsewhere = _open_period_for_update(request, action)
    if elsewhere:
        return elsewhere
    items = reported_items(action, access, period.month)
    rows = update_check_rows(action=action, period=period, items=items)
    conflict, status = [], 200
    if request.method == "POST":
        stale = month_refusal(
            request.POST.get("month"), period=period, outcome="nothing was submitted"
        )
        if stale:
            messages.error(request, stale)
            return redirect("actionplans:update_form", slug=slug, pk=pk)
        seen = {
            item_key(row.item): _posted_int(request.POST, f"v-{row.anchor}")
            for row in rows
        }
        try:
            services.update_submit(
                action=action, period=period, user=request.user, seen=seen
            )
        except services.UpdateConflict as exc:
            conflict, status = exc.changes, 409
            rows = update_check_rows(action=action, period=period, items=items)
        except services.WorkflowError as exc:
            messages.error(request, str(exc))
            return redirect("actionplans:update_form", slug=slug, pk=pk)
        else:
            messages.success(request, f"Action {action.number} sent for sign-off.")
            return redirect("home")
    context = {
        "plan": action.plan,
        "action": action,
        "period": period,
        "month_key": months.month_key(period.month),
        "rows": rows,
        "no_progress": [row for row in rows if row.has_no_progress],
        "conflict": conflict,
    }
    return render(request, "actionplans/update_check.html", context, status=status)


def _posted_int(data, name: str) -> int:
    try:
        return int(data.get(name, ""))
    except ValueError:
        return -1  # never a version: refused as changed


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def unchanged_confirm(request: HttpRequest) -> HttpResponse:
    """A lead confirms, in one step, the actions with no change since last month.

    Each tick carries the month the page showed ("<action id>@<month>"): a tick for a
    month no longer open, or for an action no longer offered (updated since), refuses
    the lot (409), so nothing is confirmed from values the lead did not see.
    """
    candidates = lead_tasks(my_actions(user=request.user)).unchanged_candidates
    context = {"rows": candidates, "chosen": set()}
    if request.method != "POST":
        return render(request, "actionplans/unchanged_confirm.html", context)
    chosen = request.POST.getlist("action")
    context["chosen"] = set(chosen)
    offered = {row.confirm_key: row.action for row in candidates}
    if not chosen:
        messages.error(request, "Tick the actions that have not changed.")
        status = 400
    elif any(choice not in offered for choice in chosen):
        messages.error(
            request,
            "An action you ticked was updated, or its month closed, since the page was "
            "shown: nothing was confirmed. Check the list below and tick again.",
        )
        status = 409
    else:
        actions = [offered[choice] for choice in chosen]
        try:
            services.updates_confirm_unchanged(actions=actions, user=request.user)
        except services.WorkflowError as exc:
            messages.error(request, str(exc))
            status = 409
        else:
            numbers = ", ".join(a.number for a in actions)
            messages.success(
                request,
                f"{len(actions)} action{'s' if len(actions) != 1 else ''} sent for "
                f"sign-off as unchanged since last month: {numbers}.",
            )
            return redirect("home")
    return render(request, "actionplans/unchanged_confirm.html", context, status=status)


def _signoff_queue(user) -> tuple[list[tuple], list[tuple]]:
    """(update, action) for each update awaiting this user's sign-off, and (update,
    action, why not) for those awaiting someone else's because the user leads or wrote
    them. A milestone submitted on its own stands for its action."""
    queue = [(update, _action_of(update)) for update in signoff_queue(user=user)]
    refusals = approval_refusals(user=user, actions=[action for _, action in queue])
    return (
        [(u, action) for u, action in queue if action.pk not in refusals],
        [
            (u, action, refusals[action.pk])
            for u, action in queue
            if action.pk in refusals
        ],
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def signoff_list(request: HttpRequest) -> HttpResponse:
    """The actions awaiting the user's sign-off, each beside last month; those ticked, or
    all those shown, are approved at once, all or none (BulkApproveForm).

    An approval refused because an action changed, closed or no longer awaits sign-off
    is 409: the queue is shown again as it is now, with that action named and unticked.
    """
    mine, not_mine = _signoff_queue(request.user)
    rows = signoff_rows(queue=[update for update, _ in mine])
    posting = request.method == "POST"
    form = BulkApproveForm(
        request.POST if posting else None, rows=rows, user=request.user
    )
    refused = None
    if posting and form.is_valid():
        try:
            services.updates_approve_many(
                selections=form.selections(), user=request.user
            )
        except services.ApprovalRefused as exc:
            refused = exc
            mine, not_mine = _signoff_queue(request.user)
            rows = signoff_rows(queue=[update for update, _ in mine])
            form = BulkApproveForm(
                rows=rows, user=request.user, ticked=form.ticked - {exc.action.pk}
            )
        else:
            numbers = [selection.action.number for selection in form.selections()]
            actions = "action" if len(numbers) == 1 else "actions"
            messages.success(
                request, f"Approved {len(numbers)} {actions}: {', '.join(numbers)}."
            )
            return redirect("actionplans:signoff_list")
    if refused:
        status = 409
    elif form.errors:
        status = 400 if form.has_error(NON_FIELD_ERRORS, "none_chosen") else 409
    else:
        status = 200
    context = {"form": form, "not_mine": not_mine, "refused": refused}
    return render(request, "actionplans/signoff_list.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def signoff_decide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Approve the updates of an action awaiting sign-off, or return them with a comment.

    A decision applies to the submitted updates as the page showed them: it is refused
    (409, the page shown again with what changed) when any changed since, or when the
    page's month is no longer the open one.
    """
    action = _action_for_user(request, slug, pk)
    if not action_access(request.user, action).sign_off:
        raise PermissionDenied("You do not sign off this action.")
    period = action.plan.open_period()
    posting = request.method == "POST"
    stale = (
        month_refusal(request.POST.get("month"), period=period, outcome=_NOT_SIGNED_OFF)
        if posting
        else None
    )
    current = updates_for_action(action=action, period=period)
    if not stale and not _awaiting_signoff(current):
        messages.info(
            request, f"Action {action.number} has no update awaiting sign-off."
        )
        return redirect("actionplans:signoff_list")
    deciding = posting and not stale
    return_form = ReturnForm(
        request.POST if deciding and "return" in request.POST else None
    )
    conflict: list[services.Change] = []
    if deciding:
        seen = SignoffForm(
            request.POST, action=action, period=period, current=current
        ).seen()
        try:
            if "approve" in request.POST:
                reviewed = services.update_approve(
                    action=action, period=period, user=request.user, seen=seen
                )
                messages.success(request, f"{_reviewed(action, reviewed)} approved.")
                return redirect("actionplans:signoff_list")
            if "return" in request.POST and return_form.is_valid():
                reviewed = services.update_return(
                    action=action,
                    period=period,
                    user=request.user,
                    comment=return_form.cleaned_data["comment"],
                    seen=seen,
                )
                messages.success(
                    request, f"{_reviewed(action, reviewed)} returned to the lead."
                )
                return redirect("actionplans:signoff_list")
        except services.UpdateConflict as exc:
            conflict = exc.changes
            current = updates_for_action(action=action, period=period)
        except services.PeriodClosed as exc:
            period = action.plan.open_period()
            stale = month_refusal(
                months.month_key(exc.period.month),
                period=period,
                outcome=_NOT_SIGNED_OFF,
            )
            current = updates_for_action(action=action, period=period)
        except services.WorkflowError as exc:
            messages.error(request, str(exc))
            return redirect("actionplans:signoff_list")
    awaiting = _awaiting_signoff(current)
    context = {
        "plan": action.plan,
        "action": action,
        "period": period,
        "items": signoff_items(action=action, period=period, current=current),
        "awaiting": awaiting,
        # Why this user may not approve (they lead or wrote it), shown instead of the
        # approve button.
        "refusal": awaiting
        and approval_refusals(user=request.user, actions=[action]).get(action.pk),
        "signoff_form": SignoffForm(action=action, period=period, current=current),
        "return_form": return_form,
        "conflict": conflict,
        "stale": stale,
    }
    status = 409 if conflict or stale else (400 if return_form.errors else 200)
    return render(request, "actionplans/signoff_decide.html", context, status=status)


def _awaiting_signoff(current: dict) -> bool:
    return any(
        u.workflow_state == ProgressUpdate.Workflow.SUBMITTED for u in current.values()
    )


def _reviewed(action: Action, reviewed: list[ProgressUpdate]) -> str:
    """What a decision covered, for its confirmation: "Action 1.8" or "1.8 (b)"."""
    if any(u.action_id for u in reviewed):
        return f"Action {action.number}"
    names = {m.pk: m.number for m in action.milestones.all()}
    return ", ".join(names[u.milestone_id] for u in reviewed)


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
        "by_lead": period_returns_by_lead(returns=returns),
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
