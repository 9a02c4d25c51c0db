"""The measured operations of the benchmark, run in-process with Django's test client.

Each operation is timed over several runs (median and max). Before the timed runs one
warm-up run counts the SQL queries (an execute wrapper); the timed runs do not count
queries. Where memory matters, one further run under tracemalloc gives the peak of Python
allocations in MB (tracemalloc sees what Python allocates, including openpyxl's and
WeasyPrint's Python objects, not memory that C libraries such as Pango allocate).

An operation whose code is not there yet (a report, the import) reports "not available"
instead of failing, so the benchmark can be run again when it lands.
"""

import datetime
import re
import statistics
import time
import tracemalloc
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.db.models import Count
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, reverse

from actionplans.models import (
    Action,
    ActionPlan,
    ProgressUpdate,
    ReportingPeriod,
)

from .htmlforms import as_a_lead_sends, form_with_button

BACKEND = "django.contrib.auth.backends.ModelBackend"
_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.DOTALL)
_PAGE_COUNT = re.compile(rb"/Count\s+(\d+)")


def pdf_pages(pdf: bytes) -> int:
    """The page count of a PDF: the /Count of its page tree, which WeasyPrint keeps in
    compressed object streams."""
    parts = [pdf]
    for match in _STREAM.finditer(pdf):
        try:
            parts.append(zlib.decompress(match[1]))
        except zlib.error:
            continue
    counts = [int(n) for part in parts for n in _PAGE_COUNT.findall(part)]
    return max(counts, default=0)


class QueryCounter:
    """Counts the SQL statements run on the default connection (no 9,000 cap)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self):
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        return self._wrapper.__exit__(*exc)

    def __len__(self) -> int:
        return self.count


class Unavailable(Exception):
    """The operation's code is not in the project (yet)."""


@dataclass
class Result:
    name: str
    description: str
    times: list[float] = field(default_factory=list)
    queries: int | None = None
    peak_mb: float | None = None
    pages: int | None = None
    note: str = ""
    available: bool = True
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def median_s(self) -> float | None:
        return statistics.median(self.times) if self.times else None

    @property
    def max_s(self) -> float | None:
        return max(self.times) if self.times else None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "description": self.description,
            "available": self.available,
            "median_s": _round(self.median_s),
            "max_s": _round(self.max_s),
            "runs": len(self.times),
            "queries": self.queries,
        }
        if self.peak_mb is not None:
            data["peak_mb"] = round(self.peak_mb, 1)
        if self.pages is not None:
            data["pages"] = self.pages
            if self.median_s is not None and self.pages:
                data["s_per_page"] = _round(self.median_s / self.pages)
        if self.note:
            data["note"] = self.note
        return data | self.extra


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


@dataclass
class Operation:
    name: str
    description: str
    # Called once; returns (prepare, run). prepare() is untimed and its result is passed
    # to run(), which is timed. run() returns a dict of extra figures (pages) or None.
    setup: Callable[["Target"], tuple[Callable[[], Any], Callable[[Any], Any]]]
    memory: bool = False
    max_runs: int | None = None
    # Page operations are also run once on the small plan to compare query counts.
    page: bool = False


class Target:
    """The plan under test, its periods and users, and logged-in clients."""

    def __init__(self, *, slug: str, usernames: dict[str, str]):
        self.plan = ActionPlan.objects.select_related("inspection").get(slug=slug)
        periods = list(self.plan.periods.order_by("month"))
        closed = [p for p in periods if p.is_closed]
        self.latest_closed: ReportingPeriod | None = closed[-1] if closed else None
        self.open_period = next((p for p in periods if not p.is_closed), None)
        User = get_user_model()
        self.users = {
            role: User.objects.get(username=name) for role, name in usernames.items()
        }
        self._clients: dict[int | None, Client] = {}

    def client(self, user: AbstractBaseUser) -> Client:
        if user.pk not in self._clients:
            client = Client(raise_request_exception=True)
            client.force_login(user, backend=BACKEND)
            self._clients[user.pk] = client
        return self._clients[user.pk]

    def anonymous(self) -> Client:
        """A client with no session, as a member of the public."""
        if None not in self._clients:
            self._clients[None] = Client(raise_request_exception=True)
        return self._clients[None]

    def url(self, name: str, *args, query: str = "") -> str:
        try:
            return reverse(name, args=args) + (f"?{query}" if query else "")
        except NoReverseMatch as exc:
            raise Unavailable(f"no URL {name!r} yet") from exc

    @property
    def slug(self) -> str:
        return self.plan.slug

    def period_key(self, period: ReportingPeriod | None) -> str:
        if period is None:
            raise Unavailable("the plan has no such period")
        return f"{period.month:%Y-%m}"

    def busy_action(self) -> Action:
        """The busy lead's action with the most milestones (the longest timeline)."""
        officer = self.users["lead"].officer
        return (
            Action.objects.filter(plan=self.plan, leads=officer)
            .annotate(n=Count("milestones"))
            .order_by("-n", "sort_key")
            .first()
        )

    def chief_officer_pk(self) -> int:
        return self.users["chief"].officer.pk

    def lead_and_chief_action(
        self,
    ) -> tuple[Action, AbstractBaseUser, AbstractBaseUser]:
        """An action of the busy lead, and the user of its chief officer."""
        action = self.busy_action()
        chief = action.chief_officers.exclude(user=None).first()
        if chief is None:
            raise Unavailable(
                "the busy lead's action has no chief officer with a login"
            )
        return action, self.users["lead"], chief.user


def _get(client: Client, url: str, *, status: int = 200):
    response = client.get(url)
    if response.status_code != status:
        raise AssertionError(f"GET {url} gave {response.status_code}, not {status}")
    return response


def _content(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _page(name: str, role: str, url: Callable[[Target], str]):
    def setup(target: Target):
        client = target.client(target.users[role])
        address = url(target)
        return (lambda: None), (lambda _: _get(client, address) and None)

    return setup


def _public_page(url: Callable[[Target], str]):
    """A public page of the published plan, read with no sign-in. The month page is
    cached whole: one read beforehand fills the cache, so the runs (and the query
    count) are the cache hits that nearly every reader gets."""

    def setup(target: Target):
        if target.plan.published_at is None:
            raise Unavailable("the plan is not published (generate it again)")
        client = target.anonymous()
        address = url(target)
        _get(client, address)
        return (lambda: None), (lambda _: _get(client, address) and None)

    return setup


def _progress_template_only(target: Target):
    """The report page template rendered from a context built beforehand: the floor."""
    try:
        from django.template.loader import render_to_string

        from reporting import rendering
        from reporting.forms import ReportFilterForm
        from reporting.selectors import Kind, period_report_build
    except ImportError as exc:
        raise Unavailable(f"reporting is not there yet ({exc})") from exc
    viewer = target.users["viewer"]
    month = target.latest_closed.month if target.latest_closed else None
    report = period_report_build(plan=target.plan, kind=Kind.PROGRESS, month=month)
    initial = report.filters.as_params() | {"period": report.period.key}
    context = rendering.body_context(report) | {
        "plan": target.plan,
        "form": ReportFilterForm(initial=initial, choices=report.choices),
        "pdf_url": "#",
        "xlsx_url": "#",
    }
    url = target.url("reporting:report", target.slug, "progress")
    request = RequestFactory().get(url)
    request.user = viewer
    request.session = SessionStore()
    request._messages = FallbackStorage(request)

    def run(_):
        render_to_string("reporting/report_page.html", context, request=request)

    return (lambda: None), run


def _pdf_render(kind: str, period: str):
    def setup(target: Target):
        try:
            from reporting import rendering
            from reporting.selectors import period_report_build
        except ImportError as exc:
            raise Unavailable(f"reporting is not there yet ({exc})") from exc
        chosen = target.latest_closed if period == "closed" else target.open_period
        if chosen is None:
            raise Unavailable(f"the plan has no {period} period")

        def run(_):
            report = period_report_build(
                plan=target.plan, kind=kind, month=chosen.month
            )
            pdf = rendering.report_pdf(report)
            return {"pages": pdf_pages(pdf)}

        return (lambda: None), run

    return setup


def _pdf_view(period: str):
    def setup(target: Target):
        chosen = target.latest_closed if period == "closed" else target.open_period
        url = target.url(
            "reporting:report_pdf",
            target.slug,
            "progress",
            query=f"period={target.period_key(chosen)}",
        )
        client = target.client(target.users["viewer"])
        pages = None
        if period == "closed":
            # Rendered once and stored; counting its pages is not serving it.
            pages = pdf_pages(_content(_get(client, url)))

        def run(_):
            pdf = _content(_get(client, url))
            return {"pages": pages if pages is not None else pdf_pages(pdf)}

        return (lambda: None), run

    return setup


def _update_save(target: Target):
    """A lead saves the update form of an action with milestones, as a draft."""
    if target.open_period is None:
        raise Unavailable("the plan has no open period")
    action = target.busy_action()
    client = target.client(target.users["lead"])
    url = target.url("actionplans:update_form", target.slug, action.pk)

    def prepare():
        form = form_with_button(_get(client, url).content.decode(), "save")
        if form is None:
            raise AssertionError("the update form has no save button")
        return form.data("save")

    def run(data):
        response = client.post(url, data)
        if response.status_code != 302:
            raise AssertionError(f"saving the update gave {response.status_code}")

    return prepare, run


def unproven_status_instead(plan: ActionPlan) -> dict[str, str]:
    """The status ids a lead reports instead of the generated plan's Blue ("success
    criteria met"), which it carries forward without the evidence Blue needs: Green."""
    statuses = list(plan.statuses.all())
    green = next(str(status.pk) for status in statuses if status.label == "Green")
    return {str(status.pk): green for status in statuses if status.needs_proof}


def _approve(target: Target):
    """A chief officer approves an update the lead has just submitted."""
    if target.open_period is None:
        raise Unavailable("the plan has no open period")
    action, lead, chief = target.lead_and_chief_action()
    lead_client, chief_client = target.client(lead), target.client(chief)
    form_url = target.url("actionplans:update_form", target.slug, action.pk)
    decide_url = target.url("actionplans:signoff_decide", target.slug, action.pk)

    def prepare():
        # The lead saves the form, checks their answers, and submits from there.
        form = form_with_button(_get(lead_client, form_url).content.decode(), "review")
        response = lead_client.post(
            form_url,
            as_a_lead_sends(
                form.data("review"),
                status_instead=unproven_status_instead(target.plan),
            ),
        )
        if response.status_code != 302:
            raise AssertionError(f"continuing to check gave {response.status_code}")
        check_url = response["Location"]
        form = form_with_button(_get(lead_client, check_url).content.decode(), "submit")
        response = lead_client.post(check_url, form.data("submit"))
        if response.status_code != 302:
            raise AssertionError(f"submitting gave {response.status_code}")
        form = form_with_button(
            _get(chief_client, decide_url).content.decode(), "approve"
        )
        if form is None:
            raise AssertionError("the sign-off page has no approve button")
        return form.data("approve")

    def run(data):
        response = chief_client.post(decide_url, data)
        if response.status_code != 302:
            raise AssertionError(f"approving gave {response.status_code}")
        update = ProgressUpdate.objects.get(period=target.open_period, action=action)
        if update.workflow_state != ProgressUpdate.Workflow.APPROVED:
            raise AssertionError("the update was not approved")

    return prepare, run


def _import(step: str, spreadsheet: Callable[[], bytes]):
    def setup(target: Target):
        try:
            from imports.services import (
                ImportOptions,
                NewPlan,
                plan_import_confirm,
                plan_import_preview,
            )
        except ImportError as exc:
            raise Unavailable(f"the import is not there yet ({exc})") from exc
        from .generator import delete_plan

        data = spreadsheet()
        slug = f"{target.slug}-import"
        options = ImportOptions(
            new_plan=NewPlan(
                title=f"Imported benchmark plan {slug}",
                owner="Benchmark Borough Council",
                inspectorate="CSCI",
                slug=slug,
            ),
            this_month=datetime.date(2009, 8, 1),
        )
        user = target.users["coordinator"]

        def prepare():
            existing = ActionPlan.objects.filter(slug=slug).first()
            if existing is not None:
                delete_plan(existing)

        def run(_):
            result = {}
            for name, service in [
                ("preview", plan_import_preview),
                ("confirm", plan_import_confirm),
            ]:
                if step != "both" and step != name:
                    continue
                started = time.perf_counter()
                outcome = service(
                    data=data, filename="bench.xlsx", options=options, user=user
                )
                result[f"{name}_s"] = round(time.perf_counter() - started, 3)
                if not outcome.ok:
                    raise AssertionError(
                        "the import found errors: "
                        + "; ".join(str(p) for p in outcome.errors[:3])
                    )
            return result

        return prepare, run

    return setup


def operations(spreadsheet: Callable[[], bytes]) -> list[Operation]:
    def report(kind: str, query: Callable[[Target], str] = lambda t: ""):
        def url(target: Target) -> str:
            extra = query(target)
            return target.url(
                "reporting:report",
                target.slug,
                kind,
                query=f"period={target.period_key(target.latest_closed)}"
                + (f"&{extra}" if extra else ""),
            )

        return url

    return [
        Operation(
            "progress_html",
            "Progress report page, latest closed month (viewer)",
            _page("progress_html", "viewer", report("progress")),
            memory=True,
            page=True,
        ),
        Operation(
            "progress_html_template_only",
            "The same page's template from a context built beforehand (the floor)",
            _progress_template_only,
        ),
        Operation(
            "summary_html",
            "Summary report page, latest closed month",
            _page("summary_html", "viewer", report("summary")),
            page=True,
        ),
        Operation(
            "chief_officer_html",
            "Chief officer report page for the busiest chief officer",
            _page(
                "chief_officer_html",
                "viewer",
                report(
                    "chief-officer", lambda t: f"chief_officer={t.chief_officer_pk()}"
                ),
            ),
            page=True,
        ),
        Operation(
            "exceptions_html",
            "Exceptions report page, latest closed month",
            _page("exceptions_html", "viewer", report("exceptions")),
            page=True,
        ),
        Operation(
            "dashboard_html",
            "Dashboard (every month of the plan)",
            _page(
                "dashboard_html",
                "viewer",
                lambda t: t.url("reporting:dashboard", t.slug),
            ),
            page=True,
        ),
        Operation(
            "my_actions",
            "My actions (home page) of the busy lead",
            _page("my_actions", "lead", lambda t: t.url("home")),
            page=True,
        ),
        Operation(
            "plan_page",
            "Plan page (every action, this month's statuses)",
            _page(
                "plan_page",
                "lead",
                lambda t: t.url("actionplans:plan_detail", t.slug),
            ),
            page=True,
        ),
        Operation(
            "action_page",
            "Action page: all months' timeline and change history",
            _page(
                "action_page",
                "lead",
                lambda t: t.url(
                    "actionplans:action_detail", t.slug, t.busy_action().pk
                ),
            ),
            page=True,
        ),
        Operation(
            "update_form",
            "Update form of an action with milestones (GET)",
            _page(
                "update_form",
                "lead",
                lambda t: t.url("actionplans:update_form", t.slug, t.busy_action().pk),
            ),
            page=True,
        ),
        Operation(
            "public_plan_html",
            "Public plan page of the published plan (no sign-in)",
            _public_page(lambda t: t.url("publishing:public_plan", t.slug)),
            page=True,
        ),
        Operation(
            "public_month_html",
            "Public page of the latest closed month (no sign-in; cached)",
            _public_page(
                lambda t: t.url(
                    "publishing:public_month",
                    t.slug,
                    t.period_key(t.latest_closed),
                )
            ),
            page=True,
        ),
        Operation("update_save", "Save that update as a draft (POST)", _update_save),
        Operation(
            "signoff_approve", "Chief officer approves a submitted update", _approve
        ),
        Operation(
            "progress_pdf",
            "Progress report PDF, latest closed month, rendered",
            _pdf_render("progress", "closed"),
            memory=True,
            max_runs=3,
        ),
        Operation(
            "progress_pdf_stored",
            "The same PDF served again (closed month, from storage)",
            _pdf_view("closed"),
        ),
        Operation(
            "progress_pdf_open",
            "Progress report PDF of the open month (draft, rendered per request)",
            _pdf_view("open"),
            max_runs=2,
        ),
        Operation(
            "import_preview",
            "Whole-plan import of the 1,000-row Leeds file: preview",
            _import("preview", spreadsheet),
            memory=True,
            max_runs=3,
        ),
        Operation(
            "import_preview_confirm",
            "Whole-plan import of the 1,000-row Leeds file: preview + confirm",
            _import("both", spreadsheet),
            memory=True,
            max_runs=3,
        ),
    ]


def measure(
    operation: Operation,
    target: Target,
    *,
    runs: int,
    log: Callable[[str], None] = lambda _: None,
) -> Result:
    result = Result(operation.name, operation.description)
    try:
        prepare, run = operation.setup(target)
        state = prepare()
        with QueryCounter() as queries:
            extra = run(state) or {}
        result.queries = len(queries)
    except Unavailable as exc:
        result.available, result.note = False, f"not available: {exc}"
        return result
    except Exception as exc:  # noqa: BLE001 - a broken operation is reported, not fatal
        result.available = False
        result.note = f"failed: {exc.__class__.__name__}: {str(exc)[:200]}"
        return result
    result.pages = extra.pop("pages", None)
    count = min(runs, operation.max_runs or runs)
    for _ in range(count):
        state = prepare()
        started = time.perf_counter()
        extra = run(state) or {}
        result.times.append(time.perf_counter() - started)
        for key, value in extra.items():
            if key != "pages":
                result.extra.setdefault(key + "_runs", []).append(value)
    if operation.memory:
        state = prepare()
        tracemalloc.start()
        try:
            run(state)
            result.peak_mb = tracemalloc.get_traced_memory()[1] / 1024 / 1024
        finally:
            tracemalloc.stop()
    log(f"  {operation.name}: {result.median_s:.3f} s median, {result.queries} queries")
    return result


def query_count(operation: Operation, target: Target) -> int | None:
    """The operation's query count on another plan (to check it does not grow)."""
    try:
        prepare, run = operation.setup(target)
        state = prepare()
        with QueryCounter() as queries:
            run(state)
        return len(queries)
    except Exception:  # noqa: BLE001
        return None
