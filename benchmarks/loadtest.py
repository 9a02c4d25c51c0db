"""The load test: simulated users against the app served by gunicorn on 127.0.0.1.

A small threaded client (http.client, one keep-alive connection per user) rather than
locust: locust is not in the project's dependencies and brings gevent with it. Each user
logs in through the real login form (CSRF token and session cookie), then loops until the
time is up, waiting 1–3 s between pages like a person reading them (locust's usual
`between(1, 3)`):

- leads: My actions, then the update form of one of their actions, saved as a draft or
  submitted for sign-off (a form read and posted back as a browser would);
- chief officers: My actions, the sign-off list, and the first update waiting there
  approved;
- board viewers: the progress, summary and chief-officer reports and the dashboard of the
  latest closed month, and now and then a PDF (the closed month's, from storage, or the
  open month's draft, rendered on request);
- public readers (a separate run, `public=True`): no sign-in, the published plan's public
  page and then its latest closed month's (cached whole after the first reader).

It only ever connects to 127.0.0.1 and stops by itself at the deadline or after a fixed
number of requests.
"""

import http.client
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .htmlforms import as_a_lead_sends, form_with_button

HOST = "127.0.0.1"
_SIGNOFF_LINK = re.compile(r'href="(/plans/[^"/]+/actions/\d+/sign-off/)"')


@dataclass
class Plan:
    """What the simulated users need to know, read from the database beforehand."""

    slug: str
    closed_month: str
    open_month: str | None
    chief_officer_pk: int
    password: str
    # username -> action ids the user leads (for leads)
    leads: dict[str, list[int]]
    chiefs: list[str]
    viewers: list[str]
    # Status ids a lead reports instead (Blue, unproven in the generated plan → Green).
    status_instead: dict[str, str] = field(default_factory=dict)


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    conflicts: int = 0
    error_samples: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, page: str, seconds: float, ok: bool, detail: str = "") -> None:
        with self.lock:
            self.latencies[page].append(seconds)
            if not ok:
                self.errors[page] += 1
                if len(self.error_samples) < 10:
                    self.error_samples.append(f"{page}: {detail}")


class _Budget:
    def __init__(self, deadline: float, max_requests: int):
        self.deadline, self.left = deadline, max_requests
        self.lock = threading.Lock()

    def take(self) -> bool:
        with self.lock:
            if time.monotonic() >= self.deadline or self.left <= 0:
                return False
            self.left -= 1
            return True


class StopUser(Exception):
    pass


class _User:
    def __init__(self, port: int, stats: Stats, budget: _Budget, rng: random.Random):
        self.port, self.stats, self.budget, self.rng = port, stats, budget, rng
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection(HOST, port, timeout=120)

    def request(self, page: str, method: str, path: str, data=None, expect=(200,)):
        if not self.budget.take():
            raise StopUser
        headers = {"Host": f"{HOST}:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{HOST}:{self.port}{path}"
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.stats.record(page, time.perf_counter() - started, False, repr(exc))
            self.connection.close()
            self.connection = http.client.HTTPConnection(HOST, self.port, timeout=120)
            return None, b""
        seconds = time.perf_counter() - started
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.status == 409:
            with self.stats.lock:
                self.stats.conflicts += 1
        ok = response.status in expect or response.status == 409
        self.stats.record(page, seconds, ok, f"{method} {path} -> {response.status}")
        return response, content

    def think(self) -> None:
        time.sleep(self.rng.uniform(1.0, 3.0))

    def login(self, username: str, password: str) -> None:
        _, content = self.request("login", "GET", "/accounts/login/")
        token = self.cookies.get("csrftoken", "")
        match = re.search(
            r'name="csrfmiddlewaretoken" value="([^"]+)"', content.decode()
        )
        data = {
            "csrfmiddlewaretoken": match[1] if match else token,
            "username": username,
            "password": password,
            "next": "/",
        }
        response, _ = self.request(
            "login", "POST", "/accounts/login/", data, expect=(302,)
        )
        if response is None or response.status != 302:
            raise StopUser


def _lead(user: _User, plan: Plan, username: str) -> None:
    actions = plan.leads[username]
    while True:
        user.request("my_actions", "GET", "/")
        user.think()
        if not plan.open_month or not actions:
            continue
        pk = user.rng.choice(actions)
        path = f"/plans/{plan.slug}/actions/{pk}/update/"
        _, content = user.request("update_form", "GET", path)
        user.think()
        form = form_with_button(content.decode(errors="replace"), "save")
        if form is None:
            continue
        button = "review" if user.rng.random() < 0.5 else "save"
        data = as_a_lead_sends(form.data(button), status_instead=plan.status_instead)
        response, _ = user.request("update_save", "POST", path, data, expect=(302,))
        user.think()
        if button == "review" and response is not None and response.status == 302:
            # Checking their answers, then submitting them for sign-off.
            check = urllib.parse.urlsplit(response.getheader("Location", "")).path
            _, content = user.request("update_check", "GET", check)
            user.think()
            form = form_with_button(content.decode(errors="replace"), "submit")
            if form is not None:
                user.request(
                    "update_submit", "POST", check, form.data("submit"), expect=(302,)
                )
                user.think()


def _chief(user: _User, plan: Plan, username: str) -> None:
    while True:
        user.request("my_actions", "GET", "/")
        user.think()
        _, content = user.request("signoff_list", "GET", "/sign-off/")
        user.think()
        links = _SIGNOFF_LINK.findall(content.decode(errors="replace"))
        if not links:
            continue
        path = user.rng.choice(links[:5])
        response, content = user.request(
            "signoff_decide", "GET", path, expect=(200, 302)
        )
        user.think()
        form = form_with_button(content.decode(errors="replace"), "approve")
        if response is None or response.status != 200 or form is None:
            continue
        user.request(
            "signoff_approve", "POST", path, form.data("approve"), expect=(302,)
        )
        user.think()


def _viewer(user: _User, plan: Plan, username: str) -> None:
    base = f"/plans/{plan.slug}/reports"
    period = f"period={plan.closed_month}"
    pages = [
        ("progress_report", f"{base}/progress/?{period}"),
        ("summary_report", f"{base}/summary/?{period}"),
        (
            "chief_officer_report",
            f"{base}/chief-officer/?{period}&chief_officer={plan.chief_officer_pk}",
        ),
        ("dashboard", f"{base}/dashboard/"),
    ]
    while True:
        for page, path in pages:
            user.request(page, "GET", path)
            user.think()
        chance = user.rng.random()
        if chance < 0.3:
            user.request("pdf_closed_stored", "GET", f"{base}/progress/pdf/?{period}")
            user.think()
        elif chance < 0.4 and plan.open_month:
            user.request(
                "pdf_open",
                "GET",
                f"{base}/progress/pdf/?period={plan.open_month}",
                # With a worker (REDIS_URL) the PDF is queued and the page that waits
                # for it answers; without, it is laid out in the request.
                expect=(200, 302),
            )
            user.think()


def _public(user: _User, plan: Plan, username: str) -> None:
    base = f"/public/{plan.slug}/"
    while True:
        user.request("public_plan", "GET", base)
        user.think()
        user.request("public_month", "GET", f"{base}{plan.closed_month}/")
        user.think()


_KINDS = {"lead": _lead, "chief": _chief, "viewer": _viewer, "public": _public}


def _run_user(kind, port, stats, budget, plan, username, seed) -> None:
    user = _User(port, stats, budget, random.Random(seed))  # noqa: S311
    try:
        if kind != "public":
            user.login(username, plan.password)
        _KINDS[kind](user, plan, username)
    except StopUser:
        pass
    except Exception as exc:  # noqa: BLE001 - a crashed user is an error, not a stop
        stats.record("client", 0.0, False, repr(exc))
    finally:
        user.connection.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def gunicorn_start(*, port: int, workers: int, log: Path) -> subprocess.Popen:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="benchmarks.loadtest_settings")
    command = [
        sys.executable, "-m", "gunicorn", "config.wsgi:application",
        "--config", "config/gunicorn.conf.py",
        "--bind", f"{HOST}:{port}", "--workers", str(workers),
        "--timeout", "120", "--graceful-timeout", "10",
        "--access-logfile", "-", "--error-logfile", "-",
    ]  # fmt: skip
    handle = log.open("w")
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        command,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
        cwd=Path(__file__).resolve().parent.parent,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped at start; see {log}")
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise RuntimeError(f"gunicorn did not start listening in 30 s; see {log}")


def gunicorn_stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def load_run(
    *,
    plan: Plan,
    users: int = 50,
    duration: float = 60,
    workers: int | None = None,
    max_requests: int | None = None,
    public: bool = False,
    log=print,
) -> dict:
    """Start gunicorn, run the users, stop gunicorn; the figures per page. With
    `public`, every user is an anonymous reader of the plan's public pages."""
    workers = workers or (2 * (os.cpu_count() or 1) + 1)
    port = free_port()
    log_file = Path(tempfile.gettempdir()) / f"bench-gunicorn-{port}.log"
    process = gunicorn_start(port=port, workers=workers, log=log_file)
    stats = Stats()
    # Leads 60 %, chief officers 20 %, board viewers 20 %.
    kinds = []
    lead_names, chief_names = list(plan.leads), list(plan.chiefs)
    for index in range(users):
        share = index % 5
        if public:
            kinds.append(("public", ""))
        elif share < 3 and lead_names:
            kinds.append(("lead", lead_names[index % len(lead_names)]))
        elif share == 3 and chief_names:
            kinds.append(("chief", chief_names[index % len(chief_names)]))
        else:
            kinds.append(("viewer", plan.viewers[index % len(plan.viewers)]))
    budget = _Budget(
        time.monotonic() + duration, max_requests or int(users * duration * 2)
    )
    started = time.monotonic()
    threads = [
        threading.Thread(
            target=_run_user,
            args=(kind, port, stats, budget, plan, name, 1000 + index),
            daemon=True,
        )
        for index, (kind, name) in enumerate(kinds)
    ]
    try:
        for thread in threads:
            thread.start()
            time.sleep(min(0.05, duration / users / 10))  # a gentle ramp-up
        for thread in threads:
            thread.join(timeout=duration + 180)
    finally:
        elapsed = time.monotonic() - started
        gunicorn_stop(process)
    pages = {}
    total = 0
    for page, values in sorted(stats.latencies.items()):
        total += len(values)
        pages[page] = {
            "requests": len(values),
            "p50_ms": round(_percentile(values, 50) * 1000, 1),
            "p95_ms": round(_percentile(values, 95) * 1000, 1),
            "p99_ms": round(_percentile(values, 99) * 1000, 1),
            "median_s": round(statistics.median(values), 4),
            "max_s": round(max(values), 4),
            "errors": stats.errors.get(page, 0),
        }
    return {
        "users": users,
        "duration_s": round(elapsed, 1),
        "workers": workers,
        "requests": total,
        "rps": round(total / elapsed, 1) if elapsed else 0.0,
        "errors": sum(stats.errors.values()),
        "conflicts": stats.conflicts,
        "error_samples": stats.error_samples,
        "pages": pages,
        "gunicorn_log": str(log_file),
    }
