"""Pages of a plan's measures: the list everyone on the plan reads, and the coordinator's
pages to add, change and delete them.

As on every page, a plan the user may not see is 404 and a page they may see but not use
is 403 (actionplans.permissions decides both).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from actionplans.models import ActionPlan, Measure
from actionplans.permissions import (
    plan_for_coordinator,
    plan_for_user,
    user_is_coordinator,
)

from . import services
from .forms import MeasureForm
from .selectors import measure_for_plan, plan_measures

REFUSAL = "Only the plan's coordinators define its measures."


def _plan(request: HttpRequest, slug: str, *, edit: bool = False) -> ActionPlan:
    """The plan for this user: 404 if they may not see it; with `edit`, 403 unless they
    coordinate it."""
    if edit:
        return plan_for_coordinator(request.user, slug, refusal=REFUSAL)
    return plan_for_user(request.user, slug)


def _measure(plan: ActionPlan, pk: int) -> Measure:
    measure = measure_for_plan(plan=plan, pk=pk)
    if measure is None:
        raise Http404("No such measure in this plan.")
    return measure


def _list_url(plan: ActionPlan, measure: Measure | None = None) -> str:
    url = reverse("measures:plan_measures", args=[plan.slug])
    return f"{url}#measure-{measure.pk}" if measure else url


@login_required
@require_safe
def plan_measures_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The plan's measures as at its current month, with their targets and actuals."""
    plan = _plan(request, slug)
    period = plan.current_period()
    context = {
        "plan": plan,
        "period": period,
        "rows": plan_measures(plan=plan, period=period),
        "is_coordinator": user_is_coordinator(request.user, plan),
    }
    return render(request, "measures/plan_measures.html", context)


def _form_page(
    request: HttpRequest, *, plan: ActionPlan, measure: Measure | None
) -> HttpResponse:
    """The add and change pages: one form, one service call, all or nothing."""
    posting = request.method == "POST"
    form = MeasureForm(request.POST if posting else None, plan=plan, measure=measure)
    if posting and form.is_valid():
        try:
            if measure is None:
                saved = services.measure_create(
                    plan=plan, definition=form.definition(), user=request.user
                )
            else:
                saved = services.measure_change(
                    measure=measure, definition=form.definition(), user=request.user
                )
        except services.MeasureInvalid as exc:
            form.add_service_errors(exc)
        else:
            done = "added" if measure is None else "saved"
            messages.success(request, f"Measure “{saved.name}” {done}.")
            return redirect(_list_url(plan, saved))
    context = {
        "plan": plan,
        "measure": measure,
        "form": form,
        "delete_refusal": (
            services.measure_delete_refusal(measure) if measure is not None else ""
        ),
    }
    status = 400 if form.errors else 200
    return render(request, "measures/measure_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def measure_add(request: HttpRequest, slug: str) -> HttpResponse:
    plan = _plan(request, slug, edit=True)
    return _form_page(request, plan=plan, measure=None)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def measure_change(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    plan = _plan(request, slug, edit=True)
    return _form_page(request, plan=plan, measure=_measure(plan, pk))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def measure_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Confirm, then delete a measure; one with actuals is refused, with the reason."""
    plan = _plan(request, slug, edit=True)
    measure = _measure(plan, pk)
    refusal = services.measure_delete_refusal(measure)
    if request.method == "POST" and not refusal:
        try:
            services.measure_delete(measure=measure, user=request.user)
        except services.MeasureInvalid as exc:
            refusal = exc.errors["__all__"]  # an actual entered meanwhile
        else:
            messages.success(request, f"Measure “{measure.name}” deleted.")
            return redirect(_list_url(plan))
    status = 409 if request.method == "POST" and refusal else 200
    context = {"plan": plan, "measure": measure, "refusal": refusal}
    return render(request, "measures/measure_delete.html", context, status=status)
