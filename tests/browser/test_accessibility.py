"""WCAG 2.2 A and AA checks (axe-core) on every page a user reaches, and a keyboard-only run.

The admin is excluded: it is Django's, used by system administrators only.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from actionplans.models import Action, ProgressUpdate
from tests.browser.conftest import watch

pytestmark = pytest.mark.browser


def _leeds_action(number: str) -> Action:
    return Action.objects.get(plan__slug="leeds-iwc", number=number)


def test_pages_of_the_monthly_cycle_have_no_wcag_violations(
    demo, browser, sign_in, live_server, assert_accessible
):
    anonymous = watch(browser.new_context(base_url=live_server.url).new_page())
    anonymous.goto(reverse("login"))
    assert_accessible(anonymous, "login")
    anonymous.get_by_label("Username").fill("lead")
    anonymous.get_by_label("Password").fill("wrong")
    anonymous.get_by_role("button", name="Sign in").click()
    expect(anonymous.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(anonymous, "login with an error")
    anonymous.goto(reverse("accessibility"))
    assert_accessible(anonymous, "accessibility statement")
    anonymous.goto(reverse("password_reset"))
    assert_accessible(anonymous, "password reset")

    action = _leeds_action("2.7")
    milestoned = _leeds_action("1.8")
    lead = sign_in("lead")
    assert_accessible(lead, "my actions")
    for path, what in [
        (
            reverse("actionplans:update_form", args=["leeds-iwc", action.pk]),
            "update form",
        ),
        (
            reverse("actionplans:update_form", args=["leeds-iwc", milestoned.pk]),
            "update form with milestones",
        ),
        (action.get_absolute_url(), "action page"),
        (milestoned.get_absolute_url(), "action page with milestones and history"),
        (reverse("actionplans:plan_detail", args=["leeds-iwc"]), "plan page"),
        (reverse("password_change"), "password change"),
        ("/plans/no-such-plan/", "not found page"),
        (reverse("actionplans:period_list", args=["leeds-iwc"]), "forbidden page"),
    ]:
        lead.goto(path)
        assert_accessible(lead, what)

    lead.goto(reverse("actionplans:update_form", args=["leeds-iwc", action.pk]))
    lead.get_by_label("Green – Action completed").check()
    lead.get_by_label("Actual finish").fill("")
    lead.get_by_role("button", name="Continue to check and submit").click()
    expect(lead.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(lead, "update form with errors")
    lead.get_by_label("Actual finish").fill("30/06/2009")
    lead.get_by_role("button", name="Continue to check and submit").click()
    assert_accessible(lead, "check your answers")
    lead.get_by_role("button", name="Submit for sign-off").click()

    chief = sign_in("chief")
    chief.goto(reverse("actionplans:signoff_list"))
    assert_accessible(chief, "sign-off queue")
    chief.goto(reverse("actionplans:signoff_decide", args=["leeds-iwc", action.pk]))
    assert_accessible(chief, "sign-off decision")
    chief.get_by_role("button", name="Return to the lead").click()
    assert_accessible(chief, "sign-off decision with an error")

    coordinator = sign_in("coordinator")
    september = action.plan.periods.get(month__month=9)
    august_update = ProgressUpdate.objects.get(period__month__month=8, action=action)
    for path, what in [
        (reverse("actionplans:period_list", args=["leeds-iwc"]), "months and returns"),
        (
            reverse("actionplans:period_narrative", args=["leeds-iwc", september.pk]),
            "month narrative",
        ),
        (
            reverse("actionplans:update_amend", args=["leeds-iwc", august_update.pk]),
            "amendment",
        ),
    ]:
        coordinator.goto(path)
        assert_accessible(coordinator, what)


def test_report_pages_have_no_wcag_violations(demo, sign_in, assert_accessible):
    viewer = sign_in("viewer")
    base = "/plans/leeds-iwc/reports/"
    for path, what in [
        (base, "reports index"),
        (f"{base}summary/?period=2009-08", "summary report"),
        (f"{base}progress/?period=2009-08", "progress report"),
        (f"{base}progress/?period=2009-09", "draft progress report"),
        (f"{base}chief-officer/?period=2009-08", "chief officer report chooser"),
        (f"{base}exceptions/?period=2009-08", "exceptions report"),
        (f"{base}scrutiny/2009-q3/", "scrutiny pack"),
        (f"{base}dashboard/", "dashboard"),
    ]:
        viewer.goto(path)
        assert_accessible(viewer, what)
    viewer.goto(f"{base}chief-officer/?period=2009-08")
    chief_select = viewer.get_by_label("Chief officer")
    chief_select.select_option(index=1)
    viewer.get_by_role("button", name="Show report").click()
    assert_accessible(viewer, "chief officer report")

    coordinator = sign_in("coordinator")
    coordinator.goto(f"{base}scrutiny/2009-q3/edit/")
    assert_accessible(coordinator, "scrutiny cover report form")


def test_a_lead_completes_an_update_with_the_keyboard_alone(demo, sign_in):
    action = _leeds_action("2.7")
    page = sign_in("lead")

    # Tab from the top of My actions to the finished actions (collapsed), open them with
    # Enter, then Tab on to the action's Update link, and follow it.
    finished = page.locator("details.task-group > summary")
    for _ in range(60):
        page.keyboard.press("Tab")
        if finished.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the finished actions")
    page.keyboard.press("Enter")
    link = page.get_by_role("link", name="Update action 2.7")
    for _ in range(60):
        page.keyboard.press("Tab")
        if link.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the Update link")
    page.keyboard.press("Enter")
    expect(
        page.get_by_role("heading", name="Update action 2.7 for September 2009")
    ).to_be_visible()

    # Choose a status with the arrow keys and submit with an error on purpose.
    green = page.get_by_label("Green – Action completed")
    green.focus()
    expect(green).to_be_focused()
    page.keyboard.press("ArrowUp")  # Blue
    page.keyboard.press("ArrowDown")  # back to Green
    expect(green).to_be_checked()
    page.get_by_label("Actual finish").focus()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.get_by_role("button", name="Continue to check and submit").focus()
    page.keyboard.press("Enter")

    # The error summary takes focus; its link moves focus to the field in error.
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Enter the actual finish")).to_be_focused()
    page.keyboard.press("Enter")
    finish = page.get_by_label("Actual finish")
    expect(finish).to_be_focused()
    page.keyboard.type("30/06/2009")
    page.get_by_label("Progress this month").focus()
    page.keyboard.type("Done, with the keyboard alone.")
    page.get_by_role("button", name="Continue to check and submit").focus()
    page.keyboard.press("Enter")

    # Check your answers: Tab from the top of the page to the submit button.
    submit = page.get_by_role("button", name="Submit for sign-off")
    for _ in range(80):
        page.keyboard.press("Tab")
        if submit.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached Submit for sign-off")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Action 2.7 sent for sign-off.")).to_be_visible()
    update = ProgressUpdate.objects.get(period__month__month=9, action=action)
    assert update.workflow_state == "submitted"
    assert update.progress == "Done, with the keyboard alone."
