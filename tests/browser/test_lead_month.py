"""A lead's month in minutes, in Chromium with the Leeds demo (issue 14): the task list,
"no change since last month" by keyboard alone, Enter saving a draft, and check your
answers on a phone."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from actionplans.models import Action, ProgressUpdate
from actionplans.selectors import lead_tasks, my_actions

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def _september(number: str) -> ProgressUpdate | None:
    return ProgressUpdate.objects.filter(
        period__plan__slug="leeds-iwc", period__month__month=9, action__number=number
    ).first()


def _tab_to(page, locator, limit: int = 120) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("el => el === document.activeElement"):
            return
    pytest.fail(f"Tab never reached {locator}")


def test_the_task_list_and_no_change_since_last_month_by_keyboard(
    demo, sign_in, assert_accessible
):
    lead_user = get_user_model().objects.get(username="lead")
    tasks = lead_tasks(my_actions(user=lead_user))
    unchanged = [row.action.number for row in tasks.unchanged_candidates]
    assert len(tasks.rows) == 15 and len(unchanged) >= 2
    first, second = unchanged[:2]

    page = sign_in("lead")
    expect(page.get_by_text(f"{tasks.done} of 15 done")).to_be_visible()
    # Actions finished before the month are collapsed: nothing to do there.
    finished = page.locator("details.task-group")
    expect(finished.locator("summary")).to_contain_text("Finished: no update due")
    expect(finished.locator(".task-list")).to_be_hidden()
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        assert_accessible(page, f"My actions at {size['width']} px")
    page.set_viewport_size(DESKTOP)

    loads = []
    page.on("load", lambda p: loads.append(p.url))
    link = page.get_by_role(
        "link", name="Confirm actions with no change since last month"
    )
    _tab_to(page, link)
    page.keyboard.press("Enter")
    expect(
        page.get_by_role("heading", name="No change since last month")
    ).to_be_visible()
    assert_accessible(page, "no change since last month")
    for number in (first, second):
        _tab_to(page, page.get_by_role("checkbox", name=f"Action {number} "))
        page.keyboard.press("Space")
    _tab_to(page, page.get_by_role("button", name="Send ticked actions for sign-off"))
    page.keyboard.press("Enter")
    expect(
        page.get_by_text(
            f"2 actions sent for sign-off as unchanged since last month: {first}, {second}."
        )
    ).to_be_visible()
    expect(page.get_by_text(f"{tasks.done + 2} of 15 done")).to_be_visible()
    # Home, the confirmation page, home again: three page loads for both actions.
    assert len(loads) == 2

    for number in (first, second):
        action = Action.objects.get(plan__slug="leeds-iwc", number=number)
        now = _september(number)
        last = ProgressUpdate.objects.get(period__month__month=8, action=action)
        assert now.workflow_state == "submitted"
        assert (now.status_id, now.progress) == (last.status_id, last.written.progress)


def test_enter_in_a_text_box_saves_a_draft_and_never_submits(demo, sign_in):
    page = sign_in("lead")
    page.get_by_role("link", name="Update action 2.4").click()
    page.get_by_label("Progress this month").fill("Half written; more to come.")
    page.locator("#id_action-actual_finish").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Action 2.4 saved as a draft.")).to_be_visible()
    update = _september("2.4")
    assert update.workflow_state == "draft"
    assert update.progress == "Half written; more to come."


def test_check_your_answers_on_a_phone(demo, sign_in, assert_accessible):
    page = sign_in("lead")
    page.set_viewport_size(PHONE)
    page.get_by_role("link", name="Update action 2.4").click()
    # Last month in one line above the inputs, where the panel beside them cannot fit.
    line = page.locator(".last-month-line").first
    expect(line).to_be_visible()
    assert (
        line.bounding_box()["y"]
        < page.get_by_label("Progress this month").bounding_box()["y"]
    )
    assert_accessible(page, "update form at 390 px")
    page.get_by_label("Progress this month").fill("Steady progress.")
    page.get_by_role("button", name="Continue to check and submit").click()
    expect(
        page.get_by_role("heading", name="Check your update of action 2.4")
    ).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page, "check your answers at 390 px")
    assert _september("2.4").workflow_state == "draft"
    page.get_by_role("button", name="Submit for sign-off").click()
    expect(page.get_by_text("Action 2.4 sent for sign-off.")).to_be_visible()
    assert _september("2.4").workflow_state == "submitted"


def test_signing_out_forgets_the_drafts_this_browser_kept(demo, sign_in):
    page = sign_in("lead")
    page.get_by_role("link", name="Update action 2.4").click()
    page.get_by_label("Progress this month").fill("Sensitive, unsaved text.")
    drafts = "Object.keys(localStorage).filter(k => k.startsWith('update:')).length"
    assert page.evaluate(drafts) == 1
    page.on("dialog", lambda dialog: dialog.accept())  # "leave this page?"
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert page.evaluate(drafts) == 0
