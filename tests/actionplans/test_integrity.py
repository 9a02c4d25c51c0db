"""The update cycle under stale pages, shared actions and hostile input (issue 11).

Pages are read and posted the way a browser does (benchmarks.htmlforms), so the hidden
month and version fields the pages carry are exercised as users send them.
"""

import pytest
from django.urls import reverse

from actionplans import services
from actionplans.models import ProgressUpdate, ReportingPeriod
from benchmarks.htmlforms import form_with_button
from lib.text import is_blank
from tests.actionplans.test_update_cycle import (
    action_data,
    form_url,
    september_update,
    signoff_url,
)

pytestmark = pytest.mark.django_db

INVISIBLE = ["\u200b", " \u200b\u2060 ", "\ufeff", "\u200d\u00a0\u200e"]
# A lead's reason for reporting another status than the one the rules propose.
REASON = "Recruitment agreed to continue; the board knows."


def _page_form(client, url: str, button: str) -> dict[str, str]:
    """What the browser sends when the button is pressed on the page as shown now."""
    response = client.get(url)
    assert response.status_code == 200
    form = form_with_button(response.content.decode(), button)
    assert form is not None, f"the page has no {button} button"
    return form.data(button)


def _submit_through_pages(client, cycle, status=None) -> None:
    """Continue from the update form (choosing `status` for every item when given), then
    submit from the check-your-answers page, as the lead's browser does.

    Where the page asks why a status differs from the one the rules propose, the lead
    gives a reason (the field is there only for an item with a rule's proposal)."""
    data = _page_form(client, form_url(cycle), "review")
    if status is not None:
        data |= {name: str(status.pk) for name in data if name.endswith("-status")}
    data |= {
        name: REASON
        for name, value in data.items()
        if name.endswith("-status_reason") and not value
    }
    response = client.post(form_url(cycle), data)
    assert response.status_code == 302, response.content.decode()
    check_url = response.url
    assert (
        client.post(check_url, _page_form(client, check_url, "submit")).status_code
        == 302
    )


def _close_september_and_open_october(cycle) -> ReportingPeriod:
    services.period_close(period=cycle.september, user=cycle.coordinator)
    return services.period_open_next(plan=cycle.plan, user=cycle.coordinator)


def _milestone_lead_submits(client, cycle) -> None:
    """The lead of (b) only submits (b) as Amber from the update form."""
    client.force_login(cycle.milestone_lead)
    _submit_through_pages(client, cycle, status=cycle.status("Amber"))


def _states(cycle) -> dict[tuple, tuple]:
    """Each September update's (workflow state, author, version), keyed by its item."""
    return {
        (u.action_id, u.milestone_id): (u.workflow_state, u.author_id, u.version)
        for u in ProgressUpdate.objects.filter(period=cycle.september)
    }


# --- 4. Sign-off approves only what the approver saw -------------------------------------


@pytest.mark.parametrize("button", ["approve", "return"])
def test_a_decision_on_a_sign_off_page_that_has_since_changed_is_refused(
    client, cycle, button
):
    """Amber shown, Red resubmitted meanwhile: 409 with the change, nothing decided."""
    client.force_login(cycle.lead)
    client.post(form_url(cycle), action_data(cycle, submit=True))
    client.force_login(cycle.chief)
    shown = _page_form(client, signoff_url(cycle), button)
    shown["comment"] = "Say which posts are vacant."
    client.force_login(cycle.lead)
    resubmit = action_data(cycle, status="Red", submit=True)
    assert client.post(form_url(cycle), resubmit).status_code == 302
    before = _states(cycle)

    client.force_login(cycle.chief)
    response = client.post(signoff_url(cycle), shown)
    assert response.status_code == 409
    changes = {
        (c.item, c.field, c.old, c.new, c.by) for c in response.context["conflict"]
    }
    assert ("1.8", "status", "Amber", "Red", "lead") in changes
    assert "changed this update after you opened this page" in response.content.decode()
    assert _states(cycle) == before
    assert september_update(cycle).reviewed_by is None


def test_after_a_sign_off_conflict_the_page_shown_again_can_be_approved(client, cycle):
    client.force_login(cycle.lead)
    client.post(form_url(cycle), action_data(cycle, submit=True))
    client.force_login(cycle.chief)
    shown = _page_form(client, signoff_url(cycle), "approve")
    client.force_login(cycle.lead)
    client.post(form_url(cycle), action_data(cycle, status="Red", submit=True))
    client.force_login(cycle.chief)
    response = client.post(signoff_url(cycle), shown)
    again = form_with_button(response.content.decode(), "approve").data("approve")
    assert client.post(signoff_url(cycle), again).status_code == 302
    update = september_update(cycle)
    assert update.workflow_state == "approved" and update.status.label == "Red"


# --- 5. A milestone lead's save is theirs alone --------------------------------------------


def test_a_milestone_leads_submission_creates_no_update_of_the_action(client, cycle):
    _milestone_lead_submits(client, cycle)
    assert not ProgressUpdate.objects.filter(
        period=cycle.september, action=cycle.action
    ).exists()
    update = ProgressUpdate.objects.get(
        period=cycle.september, milestone=cycle.milestone_b
    )
    assert (
        update.workflow_state == "submitted" and update.author == cycle.milestone_lead
    )


def test_a_milestone_leads_draft_leaves_the_action_leads_submission_alone(
    client, cycle
):
    """Only (b) goes back to draft; the action and (a) stay submitted by the lead."""
    client.force_login(cycle.lead)
    client.post(form_url(cycle), action_data(cycle, submit=True))
    others = {
        key: value
        for key, value in _states(cycle).items()
        if key != (None, cycle.milestone_b.pk)
    }
    client.force_login(cycle.milestone_lead)
    data = _page_form(client, form_url(cycle), "save")
    data[f"m{cycle.milestone_b.pk}-progress"] = "Monitoring started."
    assert client.post(form_url(cycle), data).status_code == 302
    after = _states(cycle)
    assert after[(None, cycle.milestone_b.pk)][:2] == ("draft", cycle.milestone_lead.pk)
    assert {key: after[key] for key in others} == others


def test_an_action_leads_draft_leaves_a_milestone_leads_submission_alone(client, cycle):
    """The lead saves the page without touching (b): (b) stays submitted by its lead."""
    _milestone_lead_submits(client, cycle)
    client.force_login(cycle.lead)
    assert (
        client.post(
            form_url(cycle), _page_form(client, form_url(cycle), "save")
        ).status_code
        == 302
    )
    states = _states(cycle)
    assert states[(None, cycle.milestone_b.pk)][:2] == (
        "submitted",
        cycle.milestone_lead.pk,
    )
    assert states[(cycle.action.pk, None)][:2] == ("draft", cycle.lead.pk)


def test_an_action_lead_who_changes_a_submitted_milestone_makes_it_their_draft(
    client, cycle
):
    _milestone_lead_submits(client, cycle)
    client.force_login(cycle.lead)
    data = _page_form(client, form_url(cycle), "save")
    data[f"m{cycle.milestone_b.pk}-progress"] = "Corrected by the action lead."
    assert client.post(form_url(cycle), data).status_code == 302
    update = ProgressUpdate.objects.get(
        period=cycle.september, milestone=cycle.milestone_b
    )
    assert (update.workflow_state, update.author) == ("draft", cycle.lead)


def test_the_chief_signs_off_a_milestone_leads_submission_alone(client, cycle):
    """Approving approves the submitted milestone shown, and writes nothing else."""
    _milestone_lead_submits(client, cycle)
    client.force_login(cycle.chief)
    page = client.get(signoff_url(cycle)).content.decode()
    assert "1.8 (b)" in page
    approve = form_with_button(page, "approve").data("approve")
    assert client.post(signoff_url(cycle), approve).status_code == 302
    assert _states(cycle).keys() == {(None, cycle.milestone_b.pk)}
    update = ProgressUpdate.objects.get(
        period=cycle.september, milestone=cycle.milestone_b
    )
    assert update.workflow_state == "approved" and update.reviewed_by == cycle.chief


def test_a_milestone_leads_submission_reaches_the_chiefs_queue(client, cycle):
    """Listed for the chief, and shown to its lead as awaiting sign-off on My actions."""
    _milestone_lead_submits(client, cycle)
    client.force_login(cycle.chief)
    queue = client.get(reverse("actionplans:signoff_list")).content.decode()
    assert "Milestone (b)" in queue and signoff_url(cycle) in queue
    home = client.get(reverse("home")).content.decode()
    assert "1 update awaiting your sign-off" in home
    client.force_login(cycle.milestone_lead)
    (row,) = client.get(reverse("home")).context["rows"]
    assert row.state == "Awaiting sign-off"


def test_a_milestone_lead_reads_the_return_of_their_milestone(client, cycle):
    _milestone_lead_submits(client, cycle)
    client.force_login(cycle.chief)
    data = _page_form(client, signoff_url(cycle), "return")
    data["comment"] = "Say which teams are monitored."
    assert client.post(signoff_url(cycle), data).status_code == 302
    update = ProgressUpdate.objects.get(
        period=cycle.september, milestone=cycle.milestone_b
    )
    assert update.workflow_state == "returned"
    client.force_login(cycle.milestone_lead)
    page = client.get(form_url(cycle)).content.decode()
    assert page.count("Say which teams are monitored.") == 1


# --- 6. A form is saved into the month it was shown for, or not at all ----------------------


def test_an_update_form_from_a_closed_month_is_not_saved_into_the_next(client, cycle):
    client.force_login(cycle.lead)
    september_form = _page_form(client, form_url(cycle), "save")
    october = _close_september_and_open_october(cycle)
    response = client.post(form_url(cycle), september_form)
    assert response.status_code == 409
    assert (
        "This form is for September 2009, which is closed; October 2009 is now open: "
        "your changes were not saved." in response.content.decode()
    )
    assert not october.updates.exists()
    assert response.context["period"] == october  # a fresh form for October


def test_an_update_form_posted_when_no_month_is_open_says_so(client, cycle):
    client.force_login(cycle.lead)
    september_form = _page_form(client, form_url(cycle), "save")
    services.period_close(period=cycle.september, user=cycle.coordinator)
    response = client.post(form_url(cycle), september_form)
    assert response.status_code == 409
    assert (
        "This form is for September 2009, which is closed; no month is open for "
        "updates now: your changes were not saved." in response.content.decode()
    )


def test_a_sign_off_page_from_a_closed_month_does_not_approve_the_next(client, cycle):
    client.force_login(cycle.lead)
    client.post(form_url(cycle), action_data(cycle, submit=True))
    client.force_login(cycle.chief)
    september_page = _page_form(client, signoff_url(cycle), "approve")
    october = _close_september_and_open_october(cycle)
    client.force_login(cycle.lead)
    _submit_through_pages(client, cycle)
    assert october.updates.get(action=cycle.action).workflow_state == "submitted"

    client.force_login(cycle.chief)
    response = client.post(signoff_url(cycle), september_page)
    assert response.status_code == 409
    assert (
        "This form is for September 2009, which is closed; October 2009 is now open: "
        "nothing was signed off." in response.content.decode()
    )
    assert set(october.updates.values_list("workflow_state", flat=True)) == {
        "submitted"
    }


# --- Self-approval ------------------------------------------------------------------------


def test_a_chief_officer_who_leads_the_action_cannot_approve_it(client, cycle):
    cycle.action.chief_officers.add(cycle.lead_officer)
    client.force_login(cycle.lead)
    client.post(form_url(cycle), action_data(cycle, submit=True))
    response = client.get(signoff_url(cycle))
    page = response.content.decode()
    assert "You lead this action, so a plan coordinator signs it off." in page
    assert 'name="approve"' not in page
    client.post(signoff_url(cycle), {"approve": "1"})
    assert september_update(cycle).workflow_state == "submitted"
    with pytest.raises(services.WorkflowError, match="You lead this action"):
        services.update_approve(
            action=cycle.action, period=cycle.september, user=cycle.lead, seen=None
        )


def test_a_chief_officer_who_leads_a_submitted_milestone_cannot_approve_it(
    client, cycle
):
    cycle.action.chief_officers.add(cycle.milestone_officer)
    client.force_login(cycle.milestone_lead)
    _submit_through_pages(client, cycle, status=cycle.status("Amber"))
    page = client.get(signoff_url(cycle)).content.decode()
    assert "You lead 1.8 (b), so a plan coordinator signs it off." in page
    client.post(signoff_url(cycle), {"approve": "1"})
    update = ProgressUpdate.objects.get(
        period=cycle.september, milestone=cycle.milestone_b
    )
    assert update.workflow_state == "submitted"


def test_a_chief_officer_cannot_approve_an_update_they_saved_themselves(cycle):
    values = services.ItemValues(cycle.status("Amber"), "", "Text.", "", None, 0)
    services.update_save(
        action=cycle.action,
        period=cycle.september,
        user=cycle.chief,
        action_values=values,
        milestone_values={},
        submit=True,
    )
    with pytest.raises(services.WorkflowError, match="You submitted"):
        services.update_approve(
            action=cycle.action, period=cycle.september, user=cycle.chief, seen=None
        )


def test_a_coordinator_signs_off_what_its_lead_may_not(client, cycle):
    cycle.action.chief_officers.add(cycle.lead_officer)
    client.force_login(cycle.lead)
    client.post(form_url(cycle), action_data(cycle, submit=True))
    client.force_login(cycle.coordinator)
    approve = _page_form(client, signoff_url(cycle), "approve")
    assert client.post(signoff_url(cycle), approve).status_code == 302
    assert september_update(cycle).workflow_state == "approved"


def test_the_sign_off_queue_does_not_offer_a_lead_their_own_action(client, cycle):
    cycle.action.chief_officers.add(cycle.lead_officer)
    client.force_login(cycle.lead)
    client.post(form_url(cycle), action_data(cycle, submit=True))
    page = client.get(reverse("actionplans:signoff_list")).content.decode()
    assert signoff_url(cycle) not in page
    assert "a plan coordinator signs" in page
    client.force_login(cycle.chief)
    page = client.get(reverse("actionplans:signoff_list")).content.decode()
    assert signoff_url(cycle) in page


# --- Blank-looking reasons ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "blank"),
    [
        ("", True),
        (None, True),
        (" \t\n", True),
        ("\u00a0", True),
        ("\u200b", True),
        ("\ufeff\u200d\u2060\u200e", True),
        ("Typo.", False),
        ("\u200bTypo.", False),
    ],
)
def test_is_blank_counts_invisible_characters_as_nothing(text, blank):
    assert is_blank(text) is blank


@pytest.mark.parametrize("comment", INVISIBLE)
def test_a_return_comment_of_invisible_characters_is_refused(client, cycle, comment):
    client.force_login(cycle.lead)
    client.post(form_url(cycle), action_data(cycle, submit=True))
    client.force_login(cycle.chief)
    data = _page_form(client, signoff_url(cycle), "return") | {"comment": comment}
    response = client.post(signoff_url(cycle), data)
    assert response.status_code == 400
    assert "Say what the lead needs to change." in response.content.decode()
    assert september_update(cycle).workflow_state == "submitted"
    with pytest.raises(services.WorkflowError):
        services.update_return(
            action=cycle.action,
            period=cycle.september,
            user=cycle.chief,
            comment=comment,
            seen=None,
        )


@pytest.mark.parametrize("reason", INVISIBLE)
def test_an_amendment_reason_of_invisible_characters_is_refused(client, cycle, reason):
    update = ProgressUpdate.objects.get(period=cycle.august, action=cycle.action)
    url = reverse("actionplans:update_amend", args=[cycle.plan.slug, update.pk])
    client.force_login(cycle.coordinator)
    data = {
        "amend-status": update.status_id,
        "amend-direction": update.direction,
        "amend-progress": "Corrected.",
        "amend-risk": "",
        "amend-actual_finish": "",
        "amend-version": update.version,
        "reason": reason,
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Give the reason for the amendment." in response.content.decode()
    values = services.ItemValues(None, "", "Corrected.", "", None, update.version)
    with pytest.raises(services.WorkflowError):
        services.update_amend(
            update=update, user=cycle.coordinator, values=values, reason=reason
        )
    update.refresh_from_db()
    assert update.progress == "August progress."


@pytest.mark.parametrize("reason", INVISIBLE)
def test_a_closed_months_narrative_reason_of_invisible_characters_is_refused(
    client, cycle, reason
):
    url = reverse(
        "actionplans:period_narrative", args=[cycle.plan.slug, cycle.august.pk]
    )
    client.force_login(cycle.coordinator)
    data = {"overview": "Changed.", "risks": "", "amendments": "", "reason": reason}
    assert client.post(url, data).status_code == 400
    with pytest.raises(services.WorkflowError):
        services.period_narrative_save(
            period=cycle.august,
            user=cycle.coordinator,
            overview="Changed.",
            risks="",
            amendments="",
            reason=reason,
        )
    cycle.august.refresh_from_db()
    assert cycle.august.overview == ""


# --- Length limits from the model -----------------------------------------------------------


@pytest.fixture
def short_fields(monkeypatch):
    """The update's narrative fields limited to 20 characters, whatever the model says."""
    for name in ("progress", "risk", "review_comment"):
        field = ProgressUpdate._meta.get_field(name)
        monkeypatch.setattr(field, "max_length", 20)


def test_progress_longer_than_the_model_allows_is_refused_beside_the_field(
    client, cycle, short_fields
):
    client.force_login(cycle.lead)
    response = client.post(form_url(cycle), action_data(cycle, progress="x" * 21))
    assert response.status_code == 400
    message = "Ensure this value has at most 20 characters (it has 21)."
    assert response.content.decode().count(message) == 2  # summary and field
    assert not ProgressUpdate.objects.filter(period=cycle.september).exists()


def test_a_return_comment_longer_than_the_model_allows_is_refused(
    client, cycle, short_fields
):
    client.force_login(cycle.lead)
    client.post(form_url(cycle), action_data(cycle, progress="Short.", submit=True))
    client.force_login(cycle.chief)
    data = _page_form(client, signoff_url(cycle), "return") | {"comment": "x" * 21}
    response = client.post(signoff_url(cycle), data)
    assert response.status_code == 400
    assert "Ensure this value has at most 20 characters (it has 21)." in (
        response.content.decode()
    )
    assert september_update(cycle).workflow_state == "submitted"


def test_an_update_form_without_a_model_limit_takes_any_length(client, cycle):
    """Until a model field has a max_length, the form adds none of its own."""
    field = ProgressUpdate._meta.get_field("progress")
    client.force_login(cycle.lead)
    progress = "x" * ((field.max_length or 5000) - 1)
    response = client.post(form_url(cycle), action_data(cycle, progress=progress))
    assert response.status_code == 302
    assert september_update(cycle).progress == progress
