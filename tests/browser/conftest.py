"""Browser tests: Playwright driving Debian's Chromium against the live test server.

Skipped when Chromium is missing, unless REQUIRE_BROWSER=1 (as CI sets), when its absence
fails the run instead. Every page a test checks with `assert_accessible` is checked for
WCAG (axe-core), valid HTML (the Nu HTML Checker) and a console without errors.
"""

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
import weakref
from urllib.error import URLError

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import Error as PlaywrightError

CHROMIUM = (
    os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
)
# The Nu HTML Checker, installed by bin/test (bin/_vnu).
VNU_JAR = os.environ.get("VNU_JAR", "")


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"Chromium not found at {CHROMIUM}")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between browser steps are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


class Served:
    """What one browser tab was last served, and the errors its console showed since the
    last look: what Lighthouse's best-practices audit counts."""

    def __init__(self, page):
        self.document = None
        self.console_errors: list[str] = []
        page.on("response", self._on_response)
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))

    def _on_response(self, response):
        # A link that downloads a file is a navigation too, but the tab keeps its page.
        if (
            response.request.is_navigation_request()
            and response.frame.parent_frame is None
            and response.headers.get("content-type", "").startswith("text/html")
        ):
            self.document = response

    def html(self) -> bytes:
        """The page's HTML as the server sent it, before any script ran."""
        try:
            return self.document.body()
        except PlaywrightError:
            # Chromium drops a body it no longer needs (after a download, say). A GET
            # asked again, with the tab's cookies, gives the same page.
            if self.document.request.method != "GET":
                raise
            return self.document.frame.page.request.get(self.document.url).body()

    def _on_console(self, message):
        if message.type != "error":
            return
        # A 404 or 403 page is itself reported as a failed load; it is the page asked for.
        if (
            message.text.startswith("Failed to load resource")
            and self.document is not None
            and self.document.status >= 400
            and message.location.get("url") == self.document.url
        ):
            return
        self.console_errors.append(f"{message.text} ({message.location.get('url')})")


_SERVED: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def watch(page):
    """Record what `page` is served from now on (see `served`)."""
    _SERVED[page] = Served(page)
    return page


def served(page) -> Served:
    return _SERVED[page]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def html_errors():
    """A function giving the Nu HTML Checker's errors for a page's HTML, as served.

    One checker, started once as a local web service: a Java start for every page would
    cost a second or more each.
    """
    if not (VNU_JAR and os.path.exists(VNU_JAR) and shutil.which("java")):
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"The Nu HTML Checker is not installed (VNU_JAR={VNU_JAR!r})")
        pytest.skip("The Nu HTML Checker is not installed: run the tests with bin/test")
    port = _free_port()
    checker = subprocess.Popen(  # noqa: S603 (fixed arguments)
        ["java", "-Xss4m", "-Dnu.validator.servlet.bind-address=127.0.0.1"]
        + ["-cp", VNU_JAR, "nu.validator.servlet.Main", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    address = f"http://127.0.0.1:{port}/?out=json"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).close()  # noqa: S310
                break
            except (URLError, ConnectionError):
                if checker.poll() is not None:
                    pytest.fail("The Nu HTML Checker stopped as it started")
                time.sleep(0.1)

        def errors(html: bytes) -> list[str]:
            request = urllib.request.Request(  # noqa: S310 (the local checker)
                address,
                data=html,
                headers={"Content-Type": "text/html; charset=utf-8"},
            )
            with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
                messages = json.load(answer)["messages"]
            return [
                f"line {m.get('lastLine')}: {m['message']}\n      {m.get('extract', '')}"
                for m in messages
                if m["type"] in {"error", "non-document-error"}
            ]

        yield errors
    finally:
        checker.terminate()
        checker.wait(timeout=10)


WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
AXE = Axe()


@pytest.fixture
def assert_accessible(html_errors):
    """Check the page in front of `page` three ways: WCAG (axe-core), its HTML as served
    (the Nu HTML Checker) and its console (no errors, as Lighthouse asks)."""

    def check(page, what: str) -> None:
        results = AXE.run(
            page,
            options={
                "runOnly": {"type": "tag", "values": WCAG_TAGS},
                "resultTypes": ["violations"],
            },
        )
        assert results.violations_count == 0, f"{what}:\n{results.generate_report()}"
        seen = served(page)
        invalid = html_errors(seen.html())
        assert invalid == [], f"{what} ({seen.document.url}):\n" + "\n".join(invalid)
        errors, seen.console_errors = seen.console_errors, []
        assert errors == [], f"{what}: console errors:\n" + "\n".join(errors)

    return check


@pytest.fixture
def demo(transactional_db, settings):
    """The real Leeds plan and the demo users, as `bin/demo` loads them."""
    settings.DEMO_MODE = True
    call_command("load_demo", verbosity=0)


@pytest.fixture
def sign_in(browser, live_server):
    """A function that opens a fresh browser session signed in as a demo user."""
    contexts = []

    def _sign_in(username: str):
        context = browser.new_context(base_url=live_server.url, locale="en-GB")
        contexts.append(context)
        page = watch(context.new_page())
        page.goto("/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill("actionplans-demo")
        page.get_by_role("button", name="Sign in").click()
        return page

    yield _sign_in
    for context in contexts:
        context.close()
