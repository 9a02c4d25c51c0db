"""Pages of the amendments register: an action's requests, a request, the month's list.

As on every page, a plan the user may not see is 404 and a page they may see but not use
is 403 (actionplans.permissions decides both).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from actionplans.models import (
    Action,
    ActionPlan,
    Amendment,
    Milestone,
    Officer,
    ReportingPeriod,
)
from actionplans.permissions import action_access, plan_for_user, user_is_coordinator
from actionplans.selectors import action_for_plan
from lib import months

from . import services
from .forms import DecisionForm, RequestForm
from .selectors import item_amendments, month_register, register_rows

Kind = Amendment.Kind

# The changes offered for an existing action or milestone, in the order offered.
ITEM_KINDS = [Kind.DATES, Kind.WORDING, Kind.OFFICERS, Kind.WITHDRAW]


def _action(request: HttpRequest, slug: str, pk: int) -> Action:
    action = action_for_plan(plan=plan_for_user(request.user, slug), pk=pk)
    if action is None:
        raise Http404("No such action in this plan.")
    return action


def _may_request(user, action: Action, item: Action | Milestone) -> bool:
    """Leads for what they lead, chief officers for what they are accountable for,
    coordinators for everything."""
    access = action_access(user, action)
    if isinstance(item, Milestone):
        return item.pk in access.edit_milestones
    return access.edit_action


def _may_request_new_action(user, plan: ActionPlan) -> bool:
    if user_is_coordinator(user, plan):
        return True
    officer = Officer.objects.for_user(user)
    return officer is not None and plan.actions.filter(chief_officers=officer).exists()


def _item(action: Action, key: str) -> Action | Milestone:
    """The action ("action" or "") or one of its milestones (by id)."""
    if key in {"", "action"}:
        return action
    milestone = next((m for m in action.milestones.all() if str(m.pk) == key), None)
    if milestone is None:
        raise Http404("No such milestone in this action.")
    return milestone


@login_required
@require_safe
def action_amendments(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """An action's requests and decisions, and the changes the user may ask for."""
    action = _action(request, slug, pk)
    open_period = action.plan.open_period()
    items = [action, *action.milestones.all()]
    offers = [
        item
        for item in items
        if open_period
        and not item.withdrawn_in
        and _may_request(request.user, action, item)
    ]
    context = {
        "plan": action.plan,
        "action": action,
        "open_period": open_period,
        "offers": offers,
        "rows": register_rows(item_amendments(action=action), plan=action.plan),
        "is_coordinator": user_is_coordinator(request.user, action.plan),
    }
    return render(request, "amendments/action_amendments.html", context)


def _request_page(
    request: HttpRequest,
    *,
    plan: ActionPlan,
    kind: str,
    item: Action | Milestone | None,
    back: str,
) -> HttpResponse:
    form = RequestForm(
        request.POST if request.method == "POST" else None,
        kind=kind,
        plan=plan,
        item=item,
    )
    open_period = plan.open_period()
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.amendment_request(
                plan=plan,
                user=request.user,
                kind=kind,
                item=item,
                proposed=form.proposed(),
                reason=form.cleaned_data["reason"],
                recommendation=form.cleaned_data.get("recommendation"),
            )
        except services.AmendmentInvalid as exc:
            form.add_service_errors(exc)
        else:
            number = item.number if item is not None else "the new action"
            messages.success(
                request,
                f"Your request for {number} is recorded for {open_period}: "
                "a plan coordinator records the board's decision.",
            )
            return redirect(back)
    if form.errors:
        status = 400
    context = {
        "plan": plan,
        "item": item,
        "kind": kind,
        "kind_label": Kind(kind).label,
        "form": form,
        "open_period": open_period,
        "back": back,
    }
    return render(request, "amendments/request_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def amendment_new(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Request a change to the action or one of its milestones (`?item=<id>`), or a new
    milestone under it: `?kind=dates` ("request a new date"), wording, officers,
    withdraw, merge, new_milestone."""
    action = _action(request, slug, pk)
    kind = request.GET.get("kind", Kind.DATES)
    if kind not in {*ITEM_KINDS, Kind.MERGE, Kind.NEW_MILESTONE}:
        raise Http404("No such kind of request.")
    item = _item(action, request.GET.get("item", ""))
    if kind in {Kind.MERGE, Kind.NEW_MILESTONE} and item is not action:
        raise Http404("Only an action is merged or given a new milestone.")
    if not _may_request(request.user, action, item):
        raise PermissionDenied(f"You do not lead {item.number}.")
    back = _back(action)
    return _request_page(request, plan=action.plan, kind=kind, item=item, back=back)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def amendment_new_action(request: HttpRequest, slug: str) -> HttpResponse:
    """Request a new action under a recommendation: coordinators and chief officers."""
    plan = plan_for_user(request.user, slug)
    if not _may_request_new_action(request.user, plan):
        raise PermissionDenied(
            "Only the plan's chief officers and coordinators propose new actions."
        )
    back = _register_url(plan)
    return _request_page(request, plan=plan, kind=Kind.NEW_ACTION, item=None, back=back)


def _back(action: Action) -> str:
    return reverse("amendments:action_amendments", args=[action.plan.slug, action.pk])


def _register_url(plan: ActionPlan, month=None) -> str:
    url = reverse("amendments:month_register", args=[plan.slug])
    return f"{url}?month={months.month_key(month)}" if month else url


def _amendment(plan: ActionPlan, pk: int) -> Amendment:
    return get_object_or_404(
        Amendment.objects.select_related(
            "action", "milestone__action", "period", "requested_by", "decided_by"
        ),
        plan=plan,
        pk=pk,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def amendment_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One request; a coordinator records the board's decision on it."""
    plan = plan_for_user(request.user, slug)
    amendment = _amendment(plan, pk)
    coordinator = user_is_coordinator(request.user, plan)
    posting = request.method == "POST"
    if posting and not coordinator:
        raise PermissionDenied("Only the plan's coordinators record decisions.")
    form = DecisionForm(request.POST if posting else None)
    status = 200
    if posting and form.is_valid():
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = -1
        try:
            decided = services.amendment_decide(
                amendment=amendment, user=request.user, version=version, **form.values()
            )
        except services.AmendmentInvalid as exc:
            form.add_service_errors(exc)
            amendment = _amendment(plan, pk)
            status = 409 if isinstance(exc, services.AmendmentStale) else 400
        else:
            messages.success(
                request,
                f"{decided.item_number}: {decided.get_decision_display().lower()}.",
            )
            return redirect(_register_url(plan, decided.period.month))
    if posting and status == 200:
        status = 400
    context = {
        "plan": plan,
        "amendment": amendment,
        "row": register_rows([amendment], plan=plan)[0],
        "form": form if coordinator and not amendment.is_final else None,
    }
    return render(request, "amendments/amendment_detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def month_register_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The month's requests and decisions; a coordinator decides ticked requests at once
    (all or none)."""
    plan = plan_for_user(request.user, slug)
    periods = list(plan.periods.order_by("month"))
    current = ReportingPeriod.pick_current(periods)
    month = _month(request.GET.get("month"), periods, current)
    coordinator = user_is_coordinator(request.user, plan)
    posting = request.method == "POST"
    if posting and not coordinator:
        raise PermissionDenied("Only the plan's coordinators record decisions.")
    # The month being worked on also lists earlier requests still awaiting a decision.
    with_undecided = current is not None and current.month == month
    amendments = (
        month_register(plan=plan, month=month, with_undecided=with_undecided)
        if month
        else []
    )
    form = DecisionForm(request.POST if posting else None)
    chosen_error = ""
    status = 200
    if posting:
        chosen = _chosen(request.POST, amendments)
        if not chosen:
            chosen_error = "Tick the requests the decision applies to."
        if form.is_valid() and chosen:
            try:
                decided = services.amendments_decide(
                    amendments=chosen, user=request.user, **form.values()
                )
            except services.AmendmentInvalid as exc:
                form.add_service_errors(exc)
                status = 409 if isinstance(exc, services.AmendmentStale) else 400
            else:
                messages.success(
                    request,
                    f"{len(decided)} request{'s' if len(decided) != 1 else ''} "
                    f"{decided[0].get_decision_display().lower()}.",
                )
                return redirect(_register_url(plan, month))
        if status == 200:
            status = 400
        amendments = month_register(
            plan=plan, month=month, with_undecided=with_undecided
        )
    context = {
        "plan": plan,
        "month": month,
        "periods": periods,
        "rows": register_rows(amendments, plan=plan),
        "form": form,
        "chosen_error": chosen_error,
        "chosen_ids": {str(pk) for pk in request.POST.getlist("amendment")},
        "is_coordinator": coordinator,
        "may_propose_action": current is not None
        and not current.is_closed
        and _may_request_new_action(request.user, plan),
    }
    return render(request, "amendments/month_register.html", context, status=status)


def _month(value: str | None, periods, current: ReportingPeriod | None):
    """The month asked for (one of the plan's), else the month being worked on."""
    if value:
        try:
            month = months.month_parse(value)
        except ValueError:
            raise Http404("No such month.") from None
        if month not in {p.month for p in periods}:
            raise Http404("The plan has no such month.")
        return month
    return current.month if current else None


def _chosen(post, amendments: list[Amendment]) -> list[tuple[Amendment, int]]:
    """The ticked requests of the list, each with the version the page showed."""
    by_id = {str(a.pk): a for a in amendments}
    chosen = []
    for pk in post.getlist("amendment"):
        if pk in by_id:
            try:
                version = int(post.get(f"version-{pk}", ""))
            except ValueError:
                version = -1
            chosen.append((by_id[pk], version))
    return chosen
