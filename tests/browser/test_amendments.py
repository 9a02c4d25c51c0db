"""The amendments register in a real browser, as the issue's council users would use it:
the lead of 7.2 asks for a new finish for 7.2 (a), the coordinator records the DMT
board's approval, and the reports follow (August's, closed, stay as they were)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from actionplans.models import Milestone

pytestmark = pytest.mark.browser


def _summary(page, month: str) -> str:
    page.goto(
        reverse("reporting:report", args=["leeds-iwc", "summary"]) + f"?period={month}"
    )
    return page.locator("main").inner_html()


def _overdue_list(page) -> str:
    heading = page.get_by_role("heading", name="Overdue", exact=True)
    return heading.locator("xpath=following-sibling::*[2]").inner_text()


def test_a_lead_asks_for_a_new_date_and_the_board_approves_it(
    demo, sign_in, assert_accessible
):
    coordinator = sign_in("coordinator")
    august_before = _summary(coordinator, "2009-08")
    _summary(coordinator, "2009-09")
    assert "7.2 (a)" in _overdue_list(coordinator)

    # The lead of 7.2 asks for a new finish for 7.2 (a) from the action's page.
    lead = sign_in("lead")
    milestone = Milestone.objects.get(
        action__plan__slug="leeds-iwc", action__number="7.2", label="(a)"
    )
    lead.goto(milestone.action.get_absolute_url())
    lead.get_by_role(
        "link", name="Amendments: request a new date or another change"
    ).click()
    lead.get_by_role("link", name="Request a new date for 7.2 (a)").click()
    expect(
        lead.get_by_role("heading", name="Request a new date: 7.2 (a)")
    ).to_be_visible()
    assert_accessible(lead, "request form")
    lead.get_by_label("Plan finish").fill("31/12/2009")
    lead.get_by_role("button", name="Send the request").click()
    expect(lead.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(lead, "request form with an error")
    lead.get_by_label("Reason for the change").fill(
        "The second serious case review waits for information from NHS Leeds."
    )
    lead.get_by_role("button", name="Send the request").click()
    expect(
        lead.get_by_text("Your request for 7.2 (a) is recorded for September 2009")
    ).to_be_visible()
    assert_accessible(lead, "an action's amendments")

    # The coordinator records the DMT performance board's approval from the month's list.
    coordinator.goto(reverse("actionplans:plan_detail", args=["leeds-iwc"]))
    coordinator.get_by_role("link", name="Amendments register").click()
    expect(
        coordinator.get_by_role("heading", name="Amendments register: September 2009")
    ).to_be_visible()
    assert_accessible(coordinator, "the month's register")
    coordinator.get_by_label("Decide 7.2 (a): new plan start or finish").check()
    coordinator.get_by_label("Approved").check()
    coordinator.get_by_label("Decided by").fill("DMT performance board")
    coordinator.get_by_label("Date of the decision").fill("12/09/2009")
    coordinator.get_by_role("button", name="Record the decision").click()
    expect(coordinator.get_by_text("1 request approved.")).to_be_visible()
    expect(coordinator.get_by_text("DMT performance board, 12/09/2009")).to_be_visible()

    milestone.refresh_from_db()
    assert f"{milestone.plan_finish:%Y-%m-%d}" == "2009-12-31"

    # September's summary lists the amendment and no longer has 7.2 (a) overdue.
    september = _summary(coordinator, "2009-09")
    assert "7.2 (a)" not in _overdue_list(coordinator)
    section = coordinator.get_by_role("heading", name="Amendments to the action plan")
    expect(section).to_be_visible()
    assert "The second serious case review waits for information" in september
    # August's report, closed, is unchanged.
    assert _summary(coordinator, "2009-08") == august_before

    # The action page shows the baseline beside the agreed date.
    lead.goto(milestone.action.get_absolute_url())
    expect(lead.get_by_text("was May 2009; revised once")).to_be_visible()
    assert_accessible(lead, "action page with an amended date")
