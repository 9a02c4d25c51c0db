"""Search from the header: a lead finds actions by a word and opens one."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_lead_searches_from_the_header_and_opens_a_result(
    demo, sign_in, assert_accessible
):
    lead = sign_in("lead")
    header_box = lead.get_by_role("search", name="Site").get_by_label(
        "Search actions and milestones"
    )
    header_box.fill("practitioner")
    header_box.press("Enter")

    expect(lead).to_have_url(re.compile(r"/search/\?q=practitioner$"))
    expect(lead.get_by_role("heading", level=1)).to_have_text("Search")
    expect(lead.get_by_label("Number, words, lead or chief officer")).to_have_value(
        "practitioner"
    )
    expect(
        lead.get_by_text(re.compile(r"\d+ results for “practitioner”"))
    ).to_be_visible()
    expect(lead.locator("mark").first).to_have_text(re.compile("practitioner", re.I))

    for width in (1366, 390):
        lead.set_viewport_size({"width": width, "height": 900})
        assert_accessible(lead, f"search results at {width} px")

    lead.get_by_role("link", name="Action 1.8", exact=True).click()
    expect(lead.get_by_role("heading", level=1)).to_have_text("Action 1.8")


def test_search_works_without_script(demo, browser, live_server):
    """The header box is a plain GET form: no script is needed to search."""
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/")
    page.get_by_label("Username").fill("lead")
    page.get_by_label("Password").fill("actionplans-demo")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Search actions and milestones").fill("1.8 (b)")
    page.get_by_role("search", name="Site").get_by_role("button").click()
    first = page.locator(".search-results tbody tr").first
    expect(first.get_by_role("rowheader")).to_have_text("Milestone 1.8 (b)")
    context.close()
