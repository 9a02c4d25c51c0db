"""Sign-off in one page, on the Leeds plan in a real browser: the chief officer approves
several actions at once from the queue, reads a resubmission's earlier return and what
changed, by mouse and by keyboard alone; the pages have no WCAG violations."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

from actionplans import services
from actionplans.models import Action, ProgressUpdate

pytestmark = pytest.mark.browser

WIDTHS = [1366, 390]


def _leeds_action(number: str) -> Action:
    return Action.objects.get(plan__slug="leeds-iwc", number=number)


def _submit_as_lead(number: str, progress: str, status: str = "Amber") -> None:
    """The lead submits the action's September update, as the update form does."""
    action = _leeds_action(number)
    period = action.plan.open_period()
    current = ProgressUpdate.objects.filter(period=period, action=action).first()
    services.update_save(
        action=action,
        period=period,
        user=get_user_model().objects.get(username="lead"),
        action_values=services.ItemValues(
            status=action.plan.statuses.get(label=status),
            direction="improving",
            progress=progress,
            risk="",
            actual_finish=None,
            # 7.2's finish passed in May, so Red is proposed: the lead says why not.
            status_reason="The second serious case review reports in October.",
            version=current.version if current else 0,
        ),
        milestone_values={},
        submit=True,
    )


def _states(numbers: list[str]) -> list[str]:
    return [
        ProgressUpdate.objects.get(
            period__month__month=9, action=_leeds_action(number)
        ).workflow_state
        for number in numbers
    ]


def test_the_chief_approves_several_actions_at_once_from_the_queue(demo, sign_in):
    numbers = ["3.4", "4.2", "4.3", "7.2"]
    for number in numbers:
        _submit_as_lead(number, f"September progress on {number}.")

    chief = sign_in("chief")
    chief.get_by_role("link", name="Sign-off", exact=True).click()
    queue = chief.locator("#queue")
    for number in numbers:
        expect(queue.get_by_label(f"Approve action {number}")).not_to_be_checked()
    # Last month beside this month, and who leads it.
    row = queue.locator("tr", has=chief.get_by_label("Approve action 3.4"))
    expect(row).to_contain_text("Last month")
    expect(row).to_contain_text("Hilary Paxton")

    queue.get_by_label("Approve action 3.4").check()
    queue.get_by_label("Approve action 4.3").check()
    chief.get_by_role("button", name="Approve selected").click()
    expect(chief.get_by_text("Approved 2 actions: 3.4, 4.3.")).to_be_visible()
    assert _states(numbers) == ["approved", "submitted", "approved", "submitted"]

    # The select-all that needs no script: every action the queue shows.
    chief.get_by_role("button", name="Approve all 2 shown").click()
    expect(chief.get_by_text("Approved 2 actions: 4.2, 7.2.")).to_be_visible()
    assert _states(numbers) == ["approved"] * 4
    expect(chief.get_by_text("Nothing is waiting for you.")).to_be_visible()


def test_a_resubmission_shows_the_earlier_return_and_what_changed(
    demo, sign_in, assert_accessible
):
    _submit_as_lead(
        "2.7", "Audit report to be presented to the Safeguarding Board in October."
    )
    _submit_as_lead("3.4", "Reference groups have met.")

    # The chief returns 2.7 from its page.
    chief = sign_in("chief")
    chief.goto(
        reverse(
            "actionplans:signoff_decide", args=["leeds-iwc", _leeds_action("2.7").pk]
        )
    )
    chief.get_by_label("What does the lead need to change?").fill(
        "Say on which day in October."
    )
    chief.get_by_role("button", name="Return to the lead").click()
    expect(chief.get_by_text("returned to the lead")).to_be_visible()

    _submit_as_lead(
        "2.7", "Audit report to be presented to the Safeguarding Board on 14 October."
    )

    chief.goto(reverse("actionplans:signoff_list"))
    row = chief.locator("#queue tr", has=chief.get_by_label("Approve action 2.7"))
    expect(row.get_by_text("Resubmitted after return")).to_be_visible()
    other = chief.locator("#queue tr", has=chief.get_by_label("Approve action 3.4"))
    expect(other.get_by_text("Resubmitted after return")).to_have_count(0)
    for width in WIDTHS:
        chief.set_viewport_size({"width": width, "height": 900})
        assert_accessible(chief, f"sign-off queue at {width} px")

    chief.get_by_role("link", name="Review action 2.7").click()
    earlier = chief.locator(".notice", has_text="Returned by")
    expect(earlier).to_contain_text(
        "Returned by Deputy Director (Strategic Commissioning)"
    )
    expect(earlier).to_contain_text("Say on which day in October.")
    diff = chief.locator(".signoff-diff").first
    expect(diff).to_contain_text("What changed since the version returned on")
    expect(diff.locator("del")).to_have_text(["[removed: in ]"])
    expect(diff.locator("ins")).to_have_text(["[added: on 14 ]"])
    for width in WIDTHS:
        chief.set_viewport_size({"width": width, "height": 900})
        assert_accessible(chief, f"sign-off decision at {width} px")

    # A post with nothing ticked: the queue with its error summary.
    chief.goto(reverse("actionplans:signoff_list"))
    chief.get_by_role("button", name="Approve selected").click()
    expect(chief.get_by_text("Tick the actions to approve.")).to_be_visible()
    for width in WIDTHS:
        chief.set_viewport_size({"width": width, "height": 900})
        assert_accessible(chief, f"sign-off queue with an error at {width} px")


def _tab_to(page, target, *, limit: int = 80) -> None:
    """Press Tab until the target has focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    pytest.fail(f"Tab never reached {target}")


def test_the_chief_approves_several_actions_with_the_keyboard_alone(demo, sign_in):
    numbers = ["3.4", "4.2", "7.2"]
    for number in numbers:
        _submit_as_lead(number, f"September progress on {number}.")
    page = sign_in("chief")

    _tab_to(page, page.get_by_role("link", name="Sign-off", exact=True))
    page.keyboard.press("Enter")
    expect(
        page.get_by_role("heading", name="Updates awaiting your sign-off")
    ).to_be_visible()
    for number in ("3.4", "7.2"):
        box = page.get_by_label(f"Approve action {number}")
        _tab_to(page, box)
        page.keyboard.press("Space")
        expect(box).to_be_checked()
    _tab_to(page, page.get_by_role("button", name="Approve selected"))
    page.keyboard.press("Enter")

    expect(page.get_by_text("Approved 2 actions: 3.4, 7.2.")).to_be_visible()
    assert _states(numbers) == ["approved", "submitted", "approved"]
