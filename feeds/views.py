"""The feeds themselves, read by programs with a token, and the coordinator's pages that
make and revoke the tokens.

A feed has no session login: the token in `Authorization: Bearer <token>` is the only
credential. A missing, unknown or revoked token is 401 (the body says which); another
plan's token is 404, so that the plan's existence does not leak. Every request is logged,
those refused too.
"""

import csv
import io
import json
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_safe

from actionplans.models import ActionPlan
from actionplans.permissions import plan_for_coordinator
from lib.spreadsheets import text_guard

from . import selectors, services
from .forms import FeedQueryForm, FeedTokenForm
from .models import FeedToken

REFUSAL = "Only the plan's coordinators manage its data feeds."


# ---------------------------------------------------------------------------------------
# The feeds


@dataclass
class _Answer:
    status: int
    message: str = ""
    plan: ActionPlan | None = None
    token: FeedToken | None = None
    rows: list[dict] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    payload: dict = field(default_factory=dict)
    next_url: str = ""
    headers: dict[str, str] = field(default_factory=dict)


def _bearer(request: HttpRequest) -> str:
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    return credentials.strip() if scheme.lower() == "bearer" else ""


def _refused(status: int, message: str, **values) -> _Answer:
    headers = {}
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="feeds"'
    return _Answer(status=status, message=message, headers=headers, **values)


def _plan_named(slug: str) -> ActionPlan | None:
    """The plan the address names, for the log only (never shown to the caller)."""
    return ActionPlan.objects.filter(slug=slug).first()


def _answer(request: HttpRequest, slug: str, dataset: str) -> _Answer:
    """Check the request and build the page it asks for, or say why not."""
    if request.method not in ("GET", "HEAD"):
        refused = _refused(405, "Feeds are read-only: use GET.", plan=_plan_named(slug))
        refused.headers["Allow"] = "GET, HEAD"
        return refused
    secret = _bearer(request)
    if not secret:
        return _refused(
            401,
            "Missing token: send the header 'Authorization: Bearer <token>'.",
            plan=_plan_named(slug),
        )
    token = selectors.feed_token_find(secret=secret)
    if token is None:
        return _refused(
            401,
            "Unknown token: check that it was copied in full, or ask the plan's "
            "coordinator for a new one.",
            plan=_plan_named(slug),
        )
    plan = token.plan
    if plan.slug != slug:
        # Logged against the plan the address names, without the token: that plan's
        # coordinators must not learn of another plan's tokens.
        return _refused(404, "No such feed.", plan=_plan_named(slug))
    if token.is_revoked:
        return _refused(
            401,
            f"Revoked token: it was revoked on {token.revoked_at:%d %B %Y}. Ask the "
            "plan's coordinator for a new one.",
            plan=plan,
            token=token,
        )
    query = FeedQueryForm(request.GET)
    if not query.is_valid():
        return _refused(400, query.message(), plan=plan, token=token)
    data = query.cleaned_data
    feed_months = selectors.feed_months(
        plan=plan, month_from=data["month_from"], month_to=data["month_to"]
    )
    page, pages = data["page"], len(feed_months)
    if page > max(pages, 1):
        return _refused(
            404,
            f"There is no page {page}: the feed has {pages} page"
            f"{'' if pages == 1 else 's'} (one for each closed month).",
            plan=plan,
            token=token,
        )
    month = feed_months[page - 1] if pages else None
    rows = (
        selectors.feed_rows(
            plan=plan,
            dataset=dataset,
            month=month,
            allows_internal=token.allows_internal,
        )
        if month
        else []
    )
    next_url = ""
    if page < pages:
        params = {k: v for k, v in request.GET.items() if k in ("from", "to")}
        next_url = request.build_absolute_uri(
            f"{request.path}?{urlencode(params | {'page': page + 1})}"
        )
    return _Answer(
        status=200,
        plan=plan,
        token=token,
        rows=rows,
        columns=selectors.feed_columns(
            plan=plan, dataset=dataset, allows_internal=token.allows_internal
        ),
        payload={
            "plan": plan.slug,
            "generated_at": timezone.now(),
            "month": month.strftime("%Y-%m") if month else None,
            "page": page,
            "pages": pages,
            "next": next_url or None,
        },
        next_url=next_url,
        headers={"Link": f'<{next_url}>; rel="next"'} if next_url else {},
    )


def _json_response(answer: _Answer) -> HttpResponse:
    if answer.status == 200:
        body = answer.payload | {"results": answer.rows}
    else:
        body = {"error": answer.message}
    return HttpResponse(
        json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False),
        status=answer.status,
        content_type="application/json",
    )


def _csv_response(answer: _Answer) -> HttpResponse:
    if answer.status != 200:
        return HttpResponse(
            answer.message + "\n",
            status=answer.status,
            content_type="text/plain; charset=utf-8",
        )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(answer.columns)
    for row in answer.rows:
        writer.writerow([_csv_value(row[name]) for name in answer.columns])
    return HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return text_guard(value)


@login_not_required
def feed(request: HttpRequest, slug: str, *, dataset: str, format: str) -> HttpResponse:
    """One page of a plan's feed: one closed month's rows, as JSON or CSV."""
    answer = _answer(request, slug, dataset)
    response = (_json_response if format == "json" else _csv_response)(answer)
    for name, value in answer.headers.items():
        response[name] = value
    # What a token reads is for the token's holder alone.
    response["Cache-Control"] = "no-store"
    services.feed_request_log(
        plan=answer.plan,
        token=answer.token,
        path=request.get_full_path(),
        status_code=answer.status,
        remote_addr=request.META.get("REMOTE_ADDR"),
        rows=len(answer.rows),
    )
    return response


# ---------------------------------------------------------------------------------------
# The coordinator's pages


def _plan(request: HttpRequest, slug: str) -> ActionPlan:
    return plan_for_coordinator(request.user, slug, refusal=REFUSAL)


def _feed_urls(request: HttpRequest, plan: ActionPlan) -> list[tuple[str, str]]:
    return [
        (
            f"{dataset.capitalize()} ({format.upper()})",
            request.build_absolute_uri(
                reverse(f"feeds:{dataset}_{format}", args=[plan.slug])
            ),
        )
        for dataset in selectors.DATASETS
        for format in ("json", "csv")
    ]


@login_required
@require_safe
def token_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The plan's tokens, the feeds' addresses and the latest requests."""
    plan = _plan(request, slug)
    context = {
        "plan": plan,
        "tokens": selectors.feed_tokens_for_plan(plan=plan),
        "feed_urls": _feed_urls(request, plan),
        "log": selectors.feed_requests_recent(plan=plan),
    }
    return render(request, "feeds/token_list.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def token_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Make a token. The answer to the POST is the one page that ever shows it."""
    plan = _plan(request, slug)
    form = FeedTokenForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        new = services.feed_token_create(
            plan=plan,
            name=form.cleaned_data["name"],
            allows_internal=form.cleaned_data["allows_internal"],
            user=request.user,
        )
        context = {
            "plan": plan,
            "token": new.token,
            "secret": new.secret,
            "feed_urls": _feed_urls(request, plan),
        }
        response = render(request, "feeds/token_created.html", context)
        response["Cache-Control"] = "no-store"
        return response
    context = {"plan": plan, "form": form, "errors": form.summary_errors()}
    return render(request, "feeds/token_create.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def token_revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Ask, then revoke: a program using the token is refused from then on."""
    plan = _plan(request, slug)
    token = get_object_or_404(FeedToken, plan=plan, pk=pk)
    if request.method == "POST":
        if token.is_revoked:
            messages.info(request, f"“{token.name}” was already revoked.")
        else:
            services.feed_token_revoke(token=token, user=request.user)
            messages.success(
                request,
                f"“{token.name}” is revoked: requests with it are now refused.",
            )
        return redirect("feeds:token_list", plan.slug)
    return render(request, "feeds/token_revoke.html", {"plan": plan, "token": token})
