"""Pages of evidence: a month's update's evidence (add, remove) and the download.

As everywhere, a plan the user may not see is 404, so that its existence does not leak,
and a page they may see but not change is 403 (actionplans.permissions decides both).
Files are only ever served here, after that check: there is no media URL.
"""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from actionplans.models import Action, Evidence, ProgressUpdate
from actionplans.permissions import action_access, plan_for_user

from . import services
from .forms import EvidenceForm, RemoveForm
from .selectors import action_evidence

logger = logging.getLogger(__name__)


def _action_of(update: ProgressUpdate) -> Action:
    return update.action or update.milestone.action


def _update_for_user(
    request: HttpRequest, slug: str, pk: int, *, edit: bool = False
) -> tuple[ProgressUpdate, bool]:
    """The plan's update and whether the user may change its item's evidence: those
    who may update the item (its leads, its chief officers, the plan's coordinators).
    With `edit`, PermissionDenied for anyone else."""
    plan = plan_for_user(request.user, slug)
    update = get_object_or_404(
        ProgressUpdate.objects.select_related(
            "period",
            "status",
            "carried_from__period",
            "action__plan",
            "milestone__action__plan",
        ),
        pk=pk,
        period__plan=plan,
    )
    access = action_access(request.user, _action_of(update))
    may_edit = (
        update.milestone_id in access.edit_milestones
        if update.milestone_id
        else access.edit_action
    )
    if edit and not may_edit:
        raise PermissionDenied("You do not report on this item.")
    return update, may_edit


def _evidence_for_user(request: HttpRequest, pk: int) -> Evidence:
    evidence = get_object_or_404(
        Evidence.objects.select_related("update__period__plan"), pk=pk
    )
    plan_for_user(request.user, evidence.update.period.plan.slug)
    return evidence


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def update_evidence(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """An update's evidence, the item's from earlier months, and the form to add more."""
    posting = request.method == "POST"
    update, may_edit = _update_for_user(request, slug, pk, edit=posting)
    refusal = services.evidence_refusal(update=update)
    form = EvidenceForm(request.POST, request.FILES) if posting else EvidenceForm()
    status = 200
    if posting and refusal:
        status = 409
    elif posting and form.is_valid():
        try:
            evidence = services.evidence_add(
                update=update, user=request.user, **form.values()
            )
        except services.EvidenceRefused as exc:
            refusal, status = str(exc), 409  # closed or approved since the check
        else:
            item = update.action or update.milestone
            messages.success(
                request,
                f"“{evidence.title}” is added to the {update.period} update of "
                f"{item.number}.",
            )
            return redirect("evidence:item", slug=slug, pk=pk)
    elif posting:
        status = 400
    return render(
        request,
        "evidence/update_evidence.html",
        _page_context(update, form=form, may_edit=may_edit, refusal=refusal),
        status=status,
    )


def _page_context(
    update: ProgressUpdate, *, form: EvidenceForm, may_edit: bool, refusal: str
) -> dict:
    item = update.action or update.milestone
    action = _action_of(update)
    return {
        "plan": action.plan,
        "action": action,
        "item": item,
        "update": update,
        "period": update.period,
        "proof": action_evidence(action_id=action.pk).proof(item, update.period),
        "may_edit": may_edit,
        "can_change": may_edit and not refusal,
        "refusal": refusal,
        "form": form,
        "errors": form.summary_errors(),
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def evidence_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then remove, one piece of evidence of an open month's update."""
    evidence = _evidence_for_user(request, pk)
    plan = evidence.update.period.plan
    update, _ = _update_for_user(request, plan.slug, evidence.update_id, edit=True)
    back = redirect("evidence:item", slug=plan.slug, pk=update.pk)
    refusal = services.evidence_refusal(update=update)
    if refusal:
        messages.error(request, f"“{evidence.title}” was not removed: {refusal}")
        return back
    posting = request.method == "POST"
    form = RemoveForm(request.POST if posting else None)
    if posting and form.is_valid():
        try:
            services.evidence_remove(
                evidence=evidence,
                user=request.user,
                reason=form.cleaned_data["reason"],
            )
        except services.EvidenceRefused as exc:
            messages.error(request, f"“{evidence.title}” was not removed: {exc}")
        else:
            messages.success(
                request,
                f"“{evidence.title}” is removed. The change history keeps a record of it.",
            )
        return back
    context = {
        "plan": plan,
        "update": update,
        "item": update.action or update.milestone,
        "evidence": evidence,
        "form": form,
    }
    status = 400 if form.errors else 200
    return render(request, "evidence/evidence_remove.html", context, status=status)


@login_required
@require_safe
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """The stored file, as an attachment of the type read from its content.

    Never shown in the browser (attachment, nosniff), never kept by a shared cache.
    """
    evidence = _evidence_for_user(request, pk)
    if not evidence.is_file:
        raise Http404("This evidence is a link, not a file.")
    try:
        file = default_storage.open(evidence.storage_name, "rb")
    except FileNotFoundError:
        logger.error("Evidence %s: its file %s is missing.", pk, evidence.storage_name)
        raise Http404("The file is missing.") from None
    response = FileResponse(
        file,
        as_attachment=True,
        filename=evidence.file_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private"
    return response
