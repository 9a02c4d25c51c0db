"""Coordinators' "remind these leads now", from the returns page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from actionplans.permissions import plan_for_coordinator

from . import services
from .emails import digest_message
from .selectors import manual_reminders


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def remind_leads(request: HttpRequest, slug: str) -> HttpResponse:
    """The message each lead with something outstanding would get; sent on confirmation.

    Logged like the scheduled reminders, with the day as the step, so a lead gets at
    most one such reminder a day however often the button is pressed.
    """
    plan = plan_for_coordinator(request.user, slug)
    today = timezone.localdate()
    if request.method == "POST":
        sent = services.leads_remind_now(plan=plan, user=request.user, on=today)
        if sent:
            names = ", ".join(digest.name for digest in sent)
            messages.success(request, f"Reminded {len(sent)} leads: {names}.")
        else:
            messages.info(request, "No lead needed a reminder: nothing was sent.")
        return redirect("actionplans:period_list", slug=plan.slug)
    reminders = manual_reminders(plan=plan, on=today)
    context = {
        "plan": plan,
        "period": plan.open_period(),
        "previews": [(digest, digest_message(digest)) for digest in reminders.digests],
        "already_reminded": reminders.already_reminded,
        "unreachable": reminders.unreachable,
    }
    return render(request, "reminders/remind_leads.html", context)
