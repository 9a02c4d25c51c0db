"""Views of the publishing app: the coordinator's publishing page, and the public pages
of a published plan (no sign-in), whose month page is cached whole."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db.models import Prefetch
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from actionplans.models import Action, ActionPlan, Milestone
from actionplans.permissions import plan_for_coordinator
from reporting import pdfs

from .forms import PublicationSettingsForm, PublishForm
from .pdf import public_pdf_target
from .selectors import (
    PUBLIC_FRESH_SECONDS,
    public_month_build,
    public_month_key,
    public_period_get,
    public_plan_build,
    public_recent_key,
    published_plan_get,
)
from .services import plan_publish, plan_unpublish, publication_settings_save

# How long browsers and shared caches may keep a public page, and the server its HTML.
PUBLIC_MAX_AGE = 300
PUBLIC_CACHE_SECONDS = 24 * 60 * 60


def _public(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response


def _public_html(template: str, context: dict) -> str:
    """A public page, rendered without the request: it holds nothing of the reader (no
    user, no messages, no token), so every reader and shared cache may get the same."""
    return render_to_string(template, context)


def _served_lately(key: str, page: Callable[[], str]) -> HttpResponse:
    """The public page as served in the last PUBLIC_FRESH_SECONDS, with no query; else
    made by `page` and kept that long."""
    return _public(
        HttpResponse(cache.get_or_set(key, page, timeout=PUBLIC_FRESH_SECONDS))
    )


def _plan_actions(plan: ActionPlan) -> list[Action]:
    milestones = Milestone.objects.order_by("order", "pk")
    return list(
        Action.objects.filter(plan=plan)
        .prefetch_related(Prefetch("milestones", queryset=milestones))
        .order_by("sort_key", "pk")
    )


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


# ---------------------------------------------------------------------------------------
# The coordinator's page


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def publication_settings(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_for_coordinator(
        request.user, slug, refusal="Only the plan's coordinators can publish it."
    )
    actions = _plan_actions(plan)
    form = PublicationSettingsForm(request.POST or None, plan=plan, actions=actions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            publication_settings_save(
                plan=plan,
                user=request.user,
                shows_risks=data["shows_risks"],
                shows_officers=data["shows_officers"],
                shows_evidence=data["shows_evidence"],
                exempt_action_ids=data["exempt_action"],
                exempt_milestone_ids=data["exempt_milestone"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Publication settings saved.")
            return redirect("publishing:settings", slug=plan.slug)
    return _settings_page(request, plan, actions, form, PublishForm())


def _settings_page(
    request: HttpRequest,
    plan: ActionPlan,
    actions: list[Action],
    form: PublicationSettingsForm,
    publish_form: PublishForm,
    *,
    status: int = 200,
) -> HttpResponse:
    closed = list(plan.periods.closed().order_by("-month"))
    exempt_actions = sum(a.not_for_publication for a in actions)
    exempt_milestones = sum(
        m.not_for_publication and not a.not_for_publication
        for a in actions
        for m in a.milestones.all()
    )
    context = {
        "plan": plan,
        "actions": actions,
        "form": form,
        "publish_form": publish_form,
        "closed_months": closed,
        "internal": plan.internal_fields(),
        "exempt_actions": exempt_actions,
        "exempt_milestones": exempt_milestones,
        "public_url": reverse("publishing:public_plan", args=[plan.slug]),
    }
    return render(
        request, "publishing/publication_settings.html", context, status=status
    )


@login_required
@require_POST
def publish(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_for_coordinator(
        request.user, slug, refusal="Only the plan's coordinators can publish it."
    )
    publish_form = PublishForm(request.POST)
    if not publish_form.is_valid():
        actions = _plan_actions(plan)
        form = PublicationSettingsForm(plan=plan, actions=actions)
        return _settings_page(request, plan, actions, form, publish_form, status=400)
    try:
        plan_publish(plan=plan, user=request.user)
    except ValidationError as error:
        messages.info(request, _errors(error))
    else:
        messages.success(
            request, "Published: its closed months are now on its public pages."
        )
    return redirect("publishing:settings", slug=plan.slug)


@login_required
@require_POST
def unpublish(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_for_coordinator(
        request.user, slug, refusal="Only the plan's coordinators can unpublish it."
    )
    try:
        plan_unpublish(plan=plan, user=request.user)
    except ValidationError as error:
        messages.info(request, _errors(error))
    else:
        messages.success(request, "Unpublished: its public pages are gone.")
    return redirect("publishing:settings", slug=plan.slug)


# ---------------------------------------------------------------------------------------
# The public pages


@login_not_required
@require_safe
def public_plan(request: HttpRequest, slug: str) -> HttpResponse:
    """The published plan; served in the last PUBLIC_FRESH_SECONDS, it is served again
    as it was, with no query."""

    def page() -> str:
        context = {"public": public_plan_build(plan=published_plan_get(slug=slug))}
        return _public_html("publishing/public_plan.html", context)

    return _served_lately(public_recent_key(slug=slug), page)


@login_not_required
@require_safe
def public_month(request: HttpRequest, slug: str, month: str) -> HttpResponse:
    """A closed month, cached whole under a key that changes with anything it shows
    (`public_month_key`): a hit costs three queries whatever the size of the plan. Served
    in the last PUBLIC_FRESH_SECONDS, it is served again as it was, with none."""

    def page() -> str:
        plan = published_plan_get(slug=slug)
        period = public_period_get(plan=plan, month_key=month)
        return cache.get_or_set(
            public_month_key(plan=plan, period=period),
            lambda: _public_html(
                "publishing/public_month.html",
                {"month": public_month_build(plan=plan, period=period)},
            ),
            timeout=PUBLIC_CACHE_SECONDS,
        )

    return _served_lately(public_recent_key(slug=slug, month_key=month), page)


@login_not_required
@require_safe
def public_month_pdf(request: HttpRequest, slug: str, month: str) -> HttpResponse:
    """The month's PDF: stored once made; laid out by a worker on the first request."""
    plan = published_plan_get(slug=slug)
    period = public_period_get(plan=plan, month_key=month)
    target = public_pdf_target(
        plan=plan, period=period, key=public_month_key(plan=plan, period=period)
    )
    job = pdfs.stored_pdf(target) or pdfs.pdf_request(target=target, user=None)
    if job.is_ready:
        return _public(
            FileResponse(
                default_storage.open(job.storage_name, "rb"),
                as_attachment=True,
                filename=job.filename,
                content_type="application/pdf",
            )
        )
    context = {"plan": plan, "period": period, "failed": job.is_failed}
    response = HttpResponse(
        _public_html("publishing/public_pdf_wait.html", context),
        status=503 if job.is_failed else 202,
    )
    patch_cache_control(response, no_store=True)
    return response
