"""The action page's change history and "what changed since last month", in a browser."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from actionplans.models import Action
from actionplans.services import ItemValues, update_save

pytestmark = pytest.mark.browser

User = get_user_model()

AUGUST_PROGRESS = "Service User Reference Group, Carer Reference Group"
SEPTEMBER_PROGRESS = (
    "Service User Reference Group and Carer Reference Group have agreed draft Terms "
    "of Reference (TOR). Progress Report will be presented to Safeguarding Board in "
    "Oct' 09."
)


def test_the_lead_reads_what_changed_in_words_and_side_by_side(
    demo, sign_in, assert_accessible
):
    action = Action.objects.get(plan__slug="leeds-iwc", number="3.4")
    lead = sign_in("lead")

    # Before any September update, August is compared with July.
    lead.goto(action.get_absolute_url())
    since = lead.locator("#since-last-month")
    expect(since).to_contain_text("August 2009 compared with July 2009")
    expect(since).to_contain_text(AUGUST_PROGRESS)

    # A draft at Amber, then submitted at Red with a reworded narrative. Written through
    # the service the update form uses, so the test follows the history, not the form.
    september = action.plan.open_period()
    hilary = User.objects.get(username="lead")
    for version, (status, direction, submit) in enumerate(
        [("Amber", "improving", False), ("Red", "deteriorating", True)]
    ):
        update_save(
            action=action,
            period=september,
            user=hilary,
            action_values=ItemValues(
                status=action.plan.statuses.get(label=status),
                direction=direction,
                progress=SEPTEMBER_PROGRESS,
                risk="",
                actual_finish=None,
                version=version,
            ),
            milestone_values={},
            submit=submit,
        )

    lead.goto(action.get_absolute_url())
    history = lead.locator("#change-history")
    latest = history.get_by_role("row").nth(1)
    expect(latest).to_contain_text("Changed 3.4 – September 2009 update")
    expect(latest).to_contain_text("Hilary Paxton")
    expect(latest).to_contain_text("Status: Amber → Red")
    expect(latest).to_contain_text("Direction of travel: Improving → Deteriorating")
    expect(latest).to_contain_text("Sign-off state: Draft → Awaiting sign-off")
    expect(history).not_to_contain_text("workflow_state")

    since = lead.locator("#since-last-month")
    expect(since).to_contain_text(
        "September 2009 (open: the updates so far) compared with August 2009"
    )
    expect(since.locator(".tag")).to_have_text(["Amber", "Red"])
    expect(since).to_contain_text("Direction of travel: Improving → Deteriorating")
    # The narrative as a word diff: August's words struck through, September's added.
    expect(since.locator("del", has_text="and Third Sector")).to_have_count(1)
    expect(since.locator("ins", has_text="agreed")).to_have_count(1)
    expect(since).to_contain_text("draft Terms of Reference (TOR)")

    for width, height in [(1366, 900), (390, 844)]:
        lead.set_viewport_size({"width": width, "height": height})
        assert_accessible(lead, f"action page with history at {width} px")
        # Nothing of the page runs off the side of a phone's screen.
        assert lead.evaluate(
            "document.documentElement.scrollWidth <= window.innerWidth"
        ), f"the page scrolls sideways at {width} px"
