"""Writing on the update form is never lost: the draft kept in the browser, the session
kept alive while the lead types, the warning on leaving, and last month's text."""

import datetime
import json

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from actionplans.models import Action, ProgressUpdate

pytestmark = pytest.mark.browser

NARRATIVE = (
    "The audit of safeguarding referrals was completed on 14 September. "
    "Of the 112 referrals sampled, 104 were screened within 24 hours; the eight that "
    "were not had all been received on a Friday afternoon, and the out-of-hours team "
    "now screens referrals arriving after 3pm on a Friday. The report goes to the "
    "Safeguarding Adults Board in October, with an action plan for the recording "
    "issues it found in the case files of two teams.\n\n"
    "Training on the new recording standard has been booked for both teams."
)
KEEPALIVE = "/accounts/keepalive/"
WHEN_SAVED = "You have unsaved changes from"


def _action(number: str = "2.7") -> Action:
    return Action.objects.get(plan__slug="leeds-iwc", number=number)


def _form_path(action: Action) -> str:
    return reverse("actionplans:update_form", args=["leeds-iwc", action.pk])


def _draft_key(page) -> str:
    return page.locator("form[data-draft-key]").get_attribute("data-draft-key")


def _draft(page) -> dict | None:
    stored = page.evaluate("key => localStorage.getItem(key)", _draft_key(page))
    return json.loads(stored) if stored else None


def _this_month(action: Action) -> ProgressUpdate:
    return ProgressUpdate.objects.get(action=action, period=action.plan.open_period())


def _type_into(page, label: str, text: str) -> None:
    """Click and type, as a person does: the browser then counts the page as used, which
    Chromium requires before it shows a page's warning on leaving."""
    field = page.get_by_label(label)
    field.click()
    field.press_sequentially(text)


def test_text_typed_as_the_session_ended_is_offered_back_after_signing_in(
    demo, sign_in
):
    action = _action()
    lead = sign_in("lead")
    lead.goto(_form_path(action))
    progress = lead.get_by_label("Progress this month")
    progress.fill(NARRATIVE)

    # The session ends while the lead writes; their save lands on the sign-in page.
    Session.objects.all().delete()
    lead.get_by_role("button", name="Save as draft").click()
    expect(lead.get_by_label("Username")).to_be_visible()
    assert not ProgressUpdate.objects.filter(
        action=action, period=action.plan.open_period(), progress=NARRATIVE
    ).exists()

    lead.get_by_label("Username").fill("lead")
    lead.get_by_label("Password").fill("actionplans-demo")
    lead.get_by_role("button", name="Sign in").click()

    # Back at the form, which shows what the server has; the text is offered back.
    expect(
        lead.get_by_role("heading", name="Update action 2.7 for September 2009")
    ).to_be_visible()
    notice = lead.get_by_role("status").filter(has_text=WHEN_SAVED)
    expect(notice).to_contain_text("on this device")
    expect(progress).to_have_value("")
    notice.get_by_role("button", name="Restore them").click()
    expect(progress).to_have_value(NARRATIVE)
    expect(
        lead.get_by_role("status").filter(has_text="are back in the form")
    ).to_be_visible()

    lead.get_by_role("button", name="Save as draft").click()
    lead.wait_for_url(lambda url: not url.endswith(_form_path(action)))
    assert _this_month(action).progress.replace("\r\n", "\n") == NARRATIVE

    # Next time the form shows the saved text, and the draft goes without a word.
    lead.goto(_form_path(action))
    expect(progress).to_have_value(NARRATIVE)
    expect(lead.get_by_text(WHEN_SAVED)).to_have_count(0)
    assert _draft(lead) is None


def test_a_draft_can_be_discarded(demo, sign_in):
    action = _action()
    lead = sign_in("lead")
    lead.goto(_form_path(action))
    lead.get_by_label("Progress this month").fill("Not wanted after all.")
    lead.goto(_form_path(action))  # fill() is not a user gesture: no warning to answer

    lead.get_by_role("button", name="Discard them").click()

    expect(lead.get_by_role("status").filter(has_text="discarded")).to_be_visible()
    expect(lead.get_by_label("Progress this month")).to_have_value("")
    assert _draft(lead) is None
    lead.reload()
    expect(lead.get_by_text(WHEN_SAVED)).to_have_count(0)


def test_typing_keeps_the_session_alive(demo, sign_in):
    action = _action()
    lead = sign_in("lead")
    lead.clock.install()
    lead.goto(_form_path(action))
    session = Session.objects.get()
    # As if the lead had been writing without a request for 50 minutes.
    Session.objects.filter(pk=session.pk).update(
        expire_date=timezone.now() + datetime.timedelta(minutes=10)
    )
    lead.clock.fast_forward("05:01")

    with lead.expect_request(
        lambda request: request.url.endswith(KEEPALIVE) and request.method == "POST"
    ) as ping:
        _type_into(lead, "Progress this month", "Referrals audited.")

    assert ping.value.response().status == 204
    renewed = Session.objects.get(pk=session.pk).expire_date
    assert renewed > timezone.now() + datetime.timedelta(minutes=55)


def test_typing_does_not_ping_more_than_once_every_few_minutes(demo, sign_in):
    action = _action()
    lead = sign_in("lead")
    lead.clock.install()
    pings = []
    lead.on(
        "request",
        lambda request: pings.append(request) if request.url.endswith(KEEPALIVE) else 0,
    )
    lead.goto(_form_path(action))

    _type_into(lead, "Progress this month", "Referrals ")
    lead.clock.fast_forward("02:00")
    _type_into(lead, "Progress this month", "audited.")
    assert pings == []

    lead.clock.fast_forward("03:01")
    with lead.expect_request(lambda request: request.url.endswith(KEEPALIVE)):
        _type_into(lead, "Risks to completion", "None.")
    _type_into(lead, "Risks to completion", " Really.")
    assert len(pings) == 1


def test_a_session_that_ended_is_announced_and_signing_in_elsewhere_saves_the_form(
    demo, sign_in
):
    action = _action()
    lead = sign_in("lead")
    lead.clock.install()
    lead.goto(_form_path(action))
    _type_into(lead, "Progress this month", "Referrals audited.")

    Session.objects.all().delete()
    lead.clock.fast_forward("05:01")
    _type_into(lead, "Progress this month", " All of them.")
    alert = lead.get_by_role("alert")
    expect(alert).to_have_text(
        "Your session has ended: sign in again in another tab; "
        "your text is kept in this browser."
    )
    expect(
        alert.get_by_role("link", name="sign in again in another tab")
    ).to_have_attribute("href", reverse("login"))

    # Signing in again in another tab changes the CSRF token; the form still saves.
    other_tab = lead.context.new_page()
    other_tab.goto(reverse("login"))
    other_tab.get_by_label("Username").fill("lead")
    other_tab.get_by_label("Password").fill("actionplans-demo")
    other_tab.get_by_role("button", name="Sign in").click()
    expect(other_tab.get_by_role("heading", name="My actions")).to_be_visible()
    other_tab.close()

    lead.clock.fast_forward("00:31")
    _type_into(lead, "Progress this month", " Report in October.")
    expect(alert).to_have_text(
        "You are signed in again. Save the form to keep your text."
    )
    lead.get_by_role("button", name="Save as draft").click()
    lead.wait_for_url(lambda url: not url.endswith(_form_path(action)))
    assert (
        _this_month(action).progress
        == "Referrals audited. All of them. Report in October."
    )


def test_leaving_a_changed_form_asks_first_but_saving_it_does_not(demo, sign_in):
    action = _action()
    lead = sign_in("lead")
    lead.goto(_form_path(action))
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    lead.on("dialog", answer)

    # Unchanged: the lead leaves without a question.
    lead.get_by_role("link", name="My actions").first.click()
    expect(lead.get_by_role("heading", name="My actions")).to_be_visible()
    assert dialogs == []

    lead.goto(_form_path(action))
    _type_into(lead, "Progress this month", "Referrals audited.")
    lead.get_by_role("link", name="My actions").first.click()
    expect(lead.get_by_label("Progress this month")).to_be_visible()
    lead.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    # Dismissed: the lead is still on the form, text and all.
    expect(lead.get_by_label("Progress this month")).to_have_value("Referrals audited.")

    lead.get_by_role("button", name="Save as draft").click()
    lead.wait_for_url(lambda url: not url.endswith(_form_path(action)))
    assert dialogs == ["beforeunload"]
    assert _this_month(action).progress == "Referrals audited."


def test_copy_last_months_text_fills_the_narrative(demo, sign_in):
    action = _action()
    august = ProgressUpdate.objects.get(
        action=action, period__month=datetime.date(2009, 8, 1)
    )
    assert august.progress
    lead = sign_in("lead")
    lead.goto(_form_path(action))
    progress = lead.get_by_label("Progress this month")
    copy = lead.get_by_role(
        "button", name="Copy last month's text into Progress this month, Action 2.7"
    )
    # Last month had no risk narrative: nothing to copy there.
    expect(lead.get_by_role("button", name="Copy last month's text")).to_have_count(1)

    copy.click()

    expect(progress).to_have_value(august.progress.replace("\r\n", "\n"))
    expect(progress).to_be_focused()
    assert lead.url.endswith(_form_path(action))  # type="button": nothing submitted
    assert _draft(lead)["values"]["action-progress"] == progress.input_value()

    # Text already there is replaced only if the lead agrees.
    progress.fill("My own words.")
    lead.once("dialog", lambda dialog: dialog.dismiss())
    copy.click()
    expect(progress).to_have_value("My own words.")
    questions = []

    def agree(dialog):
        questions.append(dialog.message)
        dialog.accept()

    lead.once("dialog", agree)
    copy.click()
    expect(progress).to_have_value(august.progress.replace("\r\n", "\n"))
    assert questions == [
        "Replace the text in Progress this month (Action 2.7) with last month's text?"
    ]


@pytest.mark.parametrize("width,height", [(1366, 900), (390, 844)])
def test_the_form_with_its_notices_has_no_wcag_violations(
    demo, sign_in, width, height, assert_accessible
):
    action = _action("1.8")  # with milestones, so with several copy buttons
    lead = sign_in("lead")
    lead.set_viewport_size({"width": width, "height": height})
    lead.clock.install()
    lead.goto(_form_path(action))
    first = lead.locator("form[data-draft-key] textarea").first
    draft = {
        "savedAt": lead.evaluate("Date.now()"),
        "values": {first.get_attribute("name"): NARRATIVE},
        "versions": {},
    }
    lead.evaluate(
        "([key, draft]) => localStorage.setItem(key, draft)",
        [_draft_key(lead), json.dumps(draft)],
    )
    lead.reload()
    expect(lead.get_by_text(WHEN_SAVED)).to_be_visible()
    assert_accessible(lead, f"update form with the restore notice at {width}px")

    Session.objects.all().delete()
    lead.clock.fast_forward("05:01")
    first.click()
    first.press_sequentially(" More.")
    expect(lead.get_by_role("alert")).to_contain_text("Your session has ended")
    assert_accessible(lead, f"update form with the session alert at {width}px")
