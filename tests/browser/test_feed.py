"""A data feed, as the coordinator of the Leeds plan sets one up in Chromium: they make a
token on the feeds page and read it once; a program reads August 2009 with it; they
revoke it on the page, and the same token is refused. The pages have no WCAG
violations, at desktop and phone widths."""

import os
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# Set to a folder to keep screenshots of the pages for a look by eye.
SCREENSHOTS = os.environ.get("SCREENSHOTS_DIR", "")


def _screenshot(page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


def test_coordinator_makes_a_token_a_program_reads_and_the_coordinator_revokes(
    demo, sign_in, live_server, assert_accessible
):
    page = sign_in("coordinator")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(reverse("actionplans:plan_detail", args=["leeds-iwc"]))
    page.get_by_role("link", name="Data feeds").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Data feeds")
    assert_accessible(page, "the feeds page without tokens")

    page.get_by_role("link", name="Make a token").click()
    assert_accessible(page, "the make a token page")
    page.get_by_label("What is it for?").fill("Power BI: DMT dashboard")
    page.get_by_role("button", name="Make the token").click()
    expect(page.locator("body")).to_contain_text("the only time it is shown")
    secret = page.get_by_label("Token (public fields only)").input_value()
    assert secret.startswith("apf_")
    assert_accessible(page, "the token made page")
    _screenshot(page, "feed_created_1280")

    feed = f"{live_server.url}/feeds/leeds-iwc/items.json?from=2009-08&to=2009-08"
    program = page.context.request  # a session cookie is no credential to a feed
    answer = program.get(feed, headers={"Authorization": f"Bearer {secret}"})
    assert answer.status == 200, answer.text()
    data = answer.json()
    assert data["month"] == "2009-08" and data["pages"] == 1
    numbers = {row["number"] for row in data["results"]}
    assert {"1.1", "4.2 (b)"} <= numbers
    assert {row["month"] for row in data["results"]} == {"2009-08"}
    assert "risk" not in data["results"][0]  # a public token

    page.get_by_role("link", name="Back to the data feeds").click()
    expect(page.locator("body")).to_contain_text("Power BI: DMT dashboard")
    expect(page.locator("body")).not_to_contain_text(secret)
    expect(page.locator("body")).to_contain_text("/feeds/leeds-iwc/items.json")
    assert_accessible(page, "the feeds page with a token and its request")
    _screenshot(page, "feed_list_1280")
    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page, "the feeds page at 390px")
    _screenshot(page, "feed_list_390")

    page.get_by_role("link", name="Revoke “Power BI: DMT dashboard”").click()
    assert_accessible(page, "the revoke page")
    _screenshot(page, "feed_revoke_390")
    page.get_by_role("button", name="Revoke the token").click()
    expect(page.locator("body")).to_contain_text("requests with it are now refused")
    assert_accessible(page, "the feeds page after revoking")

    refused = program.get(feed, headers={"Authorization": f"Bearer {secret}"})
    assert refused.status == 401
    assert refused.json()["error"].startswith("Revoked token")
