"""Browser tests: Playwright driving Debian's Chromium against the live test server.

Skipped when Chromium is missing, unless REQUIRE_BROWSER=1 (as CI sets), when its absence
fails the run instead.
"""

import os
import shutil

import pytest
from django.core.management import call_command

CHROMIUM = (
    os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
)


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
        page = context.new_page()
        page.goto("/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill("actionplans-demo")
        page.get_by_role("button", name="Sign in").click()
        return page

    yield _sign_in
    for context in contexts:
        context.close()
