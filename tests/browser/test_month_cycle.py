"""A whole month of the Leeds plan in a real browser: update, submit, approve, close."""

import pytest
from playwright.sync_api import expect

from actionplans.models import Action, ProgressUpdate

pytestmark = pytest.mark.browser


def open_update_from_my_actions(page, number: str) -> None:
    """Follow an action's link in My actions, having opened the collapsed list of
    actions finished before the month, where the action may be."""
    finished = page.locator("details.task-group:not([open]) > summary")
    if finished.count():
        finished.click()
    page.get_by_role("link", name=f"Update action {number}").click()


def test_a_month_from_the_leads_update_to_the_frozen_record(demo, sign_in):
    action = Action.objects.get(plan__slug="leeds-iwc", number="2.7")

    # The lead goes from sign-in to the form in one click, and submits.
    lead = sign_in("lead")
    expect(lead.get_by_role("heading", name="My actions")).to_be_visible()
    open_update_from_my_actions(lead, "2.7")
    expect(
        lead.get_by_role("heading", name="Update action 2.7 for September 2009")
    ).to_be_visible()
    expect(
        lead.get_by_role("heading", name="August 2009").first
    ).to_be_visible()  # last month, beside the inputs
    lead.get_by_label("Green – Action completed").check()
    lead.get_by_label("↑ Improving").check()
    lead.get_by_label("Progress this month").fill(
        "Audit report presented to the Safeguarding Board on 14 October."
    )
    lead.get_by_role("button", name="Continue to check and submit").click()
    expect(
        lead.get_by_role("heading", name="Check your update of action 2.7")
    ).to_be_visible()
    lead.get_by_role("button", name="Submit for sign-off").click()
    expect(lead.get_by_text("Action 2.7 sent for sign-off.")).to_be_visible()

    # The chief officer approves it from the sign-off queue.
    chief = sign_in("chief")
    chief.get_by_role("link", name="Sign-off", exact=True).click()
    chief.get_by_role("link", name="Review action 2.7").click()
    expect(
        chief.get_by_text("Audit report presented to the Safeguarding Board")
    ).to_be_visible()
    chief.get_by_role("button", name="Approve").click()
    expect(chief.get_by_text("Action 2.7 approved.")).to_be_visible()

    # The coordinator closes September (other returns are missing) and opens October.
    coordinator = sign_in("coordinator")
    coordinator.get_by_role("link", name="Manage months and returns").first.click()
    coordinator.get_by_label(
        "Close the month although some returns are missing"
    ).check()
    coordinator.get_by_role("button", name="Close September 2009").click()
    expect(coordinator.get_by_text("September 2009 is closed.")).to_be_visible()
    coordinator.get_by_role("button", name="Open the next month").click()
    expect(coordinator.get_by_text("October 2009 is open for updates.")).to_be_visible()

    frozen = ProgressUpdate.objects.get(period__month__month=9, action=action)
    assert frozen.workflow_state == "approved" and frozen.status.label == "Green"

    # In October the lead sees September's frozen values as last month.
    lead.goto("/")
    open_update_from_my_actions(lead, "2.7")
    expect(
        lead.get_by_role("heading", name="Update action 2.7 for October 2009")
    ).to_be_visible()
    last_month = lead.locator(".last-month").first
    expect(last_month).to_contain_text("September 2009")
    expect(last_month).to_contain_text(
        "Audit report presented to the Safeguarding Board"
    )
    expect(last_month).to_contain_text("Green")


def test_entering_an_actual_finish_proposes_a_complete_status(demo, sign_in):
    lead = sign_in("lead")
    lead.get_by_role("link", name="Update action 4.2").click()
    lead.get_by_label("Amber – Action on track but not completed").first.check()
    finish = lead.get_by_label("Actual finish").first
    finish.fill("15/09/2009")
    finish.blur()
    expect(lead.get_by_label("Green – Action completed").first).to_be_checked()
