"""A month's cycle through the pages: update, submit, return, approve, close, amend."""

import datetime
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse

from actionplans import services
from actionplans.models import ProgressUpdate, ReportingPeriod

pytestmark = pytest.mark.django_db


def form_url(cycle):
    return reverse("actionplans:update_form", args=[cycle.plan.slug, cycle.action.pk])


def signoff_url(cycle):
    return reverse(
        "actionplans:signoff_decide", args=[cycle.plan.slug, cycle.action.pk]
    )


def _version(cycle, **item) -> int:
    update = ProgressUpdate.objects.filter(period=cycle.september, **item).first()
    return update.version if update else 0


# Why milestone (a) is reported Amber: its plan finish (31/01/2009) passed long before
# September, so the rules propose Red for it (rules.status_propose), and a lead who reports
# another status must say why.
MILESTONE_A_REASON = "Recruitment agreed to continue; the board knows."


def action_data(
    cycle, *, status="Amber", version=None, submit=False, stale=False, **fields
):
    """The POST of the update form as a browser sends it, for the action and milestones.

    Versions are those of a form opened just now, or of one opened before any update was
    saved (`stale`). The milestones are reported Amber; (a), overdue since January, with
    the reason the lead gives for not reporting it Red.
    """
    if version is None:
        version = 0 if stale else _version(cycle, action=cycle.action)
    data = {
        "action-status": cycle.status(status).pk if status else "",
        "action-direction": fields.pop("direction", "improving"),
        "action-progress": fields.pop("progress", "Eight of ten posts filled."),
        "action-risk": fields.pop("risk", ""),
        "action-actual_finish": fields.pop("actual_finish", ""),
        "action-status_reason": fields.pop("status_reason", ""),
        "action-version": version,
    }
    for milestone in (cycle.milestone_a, cycle.milestone_b):
        prefix = f"m{milestone.pk}"
        data |= {
            f"{prefix}-status": cycle.status("Amber").pk,
            f"{prefix}-direction": "",
            f"{prefix}-progress": "",
            f"{prefix}-risk": "",
            f"{prefix}-actual_finish": "",
            f"{prefix}-status_reason": MILESTONE_A_REASON
            if milestone == cycle.milestone_a
            else "",
            f"{prefix}-version": 0 if stale else _version(cycle, milestone=milestone),
        }
    data["submit" if submit else "save"] = "1"
    return data


def september_update(cycle):
    return ProgressUpdate.objects.get(period=cycle.september, action=cycle.action)


def test_my_actions_lists_what_the_lead_must_do_with_one_click_to_the_form(
    client, cycle
):
    client.force_login(cycle.lead)
    page = client.get(reverse("home")).content.decode()
    assert "1.8" in page and "Not started" in page
    assert form_url(cycle) in page
    assert "2.1" not in page  # not theirs


def test_the_form_shows_last_month_beside_the_inputs_and_proposes_its_status(
    client, cycle
):
    client.force_login(cycle.lead)
    response = client.get(form_url(cycle))
    page = response.content.decode()
    assert response.status_code == 200
    assert "August progress." in page and "August 2009" in page
    form = response.context["action_form"]
    assert form.initial["status"] == cycle.status("Amber").pk
    assert "Amber – Action on track but not completed" in page


def test_grey_is_proposed_for_an_item_not_due_to_start(client, cycle):
    cycle.milestone_b.plan_start = datetime.date(2009, 10, 1)
    cycle.milestone_b.plan_finish = datetime.date(2009, 12, 31)
    cycle.milestone_b.save()
    client.force_login(cycle.lead)
    response = client.get(form_url(cycle))
    milestone_forms = {
        m.pk: form for m, form, _, _ in response.context["milestone_forms"]
    }
    assert (
        milestone_forms[cycle.milestone_b.pk].initial["status"]
        == cycle.status("Grey").pk
    )


def test_draft_submit_return_resubmit_approve(client, cycle):
    client.force_login(cycle.lead)
    assert client.post(form_url(cycle), action_data(cycle)).status_code == 302
    update = september_update(cycle)
    assert update.workflow_state == "draft" and update.author == cycle.lead
    client.post(form_url(cycle), action_data(cycle, submit=True))
    assert september_update(cycle).workflow_state == "submitted"

    client.force_login(cycle.chief)
    queue = client.get(reverse("actionplans:signoff_list")).content.decode()
    assert "1.8" in queue
    refused = client.post(signoff_url(cycle), {"return": "1", "comment": ""})
    assert refused.status_code == 400
    assert "Say what the lead needs to change." in refused.content.decode()
    client.post(
        signoff_url(cycle), {"return": "1", "comment": "Say which posts are vacant."}
    )
    update = september_update(cycle)
    assert update.workflow_state == "returned"
    assert update.reviewed_by == cycle.chief

    client.force_login(cycle.lead)
    assert "Say which posts are vacant." in client.get(reverse("home")).content.decode()
    assert "Say which posts are vacant." in client.get(form_url(cycle)).content.decode()
    client.post(
        form_url(cycle),
        action_data(cycle, submit=True, progress="Posts 9 and 10 vacant."),
    )
    assert september_update(cycle).workflow_state == "submitted"

    client.force_login(cycle.chief)
    client.post(signoff_url(cycle), {"approve": "1"})
    update = september_update(cycle)
    assert update.workflow_state == "approved"
    assert update.progress == "Posts 9 and 10 vacant."
    milestone_states = set(
        ProgressUpdate.objects.filter(
            period=cycle.september, milestone__action=cycle.action
        ).values_list("workflow_state", flat=True)
    )
    assert milestone_states == {"approved"}


def test_approval_makes_the_reported_actual_finish_the_actions(client, cycle):
    client.force_login(cycle.lead)
    data = action_data(cycle, status="Green", submit=True, actual_finish="2009-09-10")
    assert client.post(form_url(cycle), data).status_code == 302
    client.force_login(cycle.chief)
    client.post(signoff_url(cycle), {"approve": "1"})
    cycle.action.refresh_from_db()
    assert cycle.action.actual_finish == datetime.date(2009, 9, 10)


@pytest.mark.parametrize(
    ("status", "finish", "field", "message"),
    [
        ("Green", "", "action-actual_finish", "Enter the actual finish"),
        (
            "Amber",
            "2009-09-01",
            "action-status",
            "An item with an actual finish is complete",
        ),
        ("Green", "2999-01-01", "action-actual_finish", "cannot be in the future"),
        (
            "Green",
            "2008-01-01",
            "action-actual_finish",
            "cannot be before the plan start",
        ),
        (None, "", "action-status", "Choose a status before submitting"),
    ],
)
def test_validation_errors_show_next_to_the_field_and_in_the_summary(
    client, cycle, status, finish, field, message
):
    client.force_login(cycle.lead)
    response = client.post(
        form_url(cycle),
        action_data(cycle, status=status, actual_finish=finish, submit=True),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count(message) == 2  # in the summary and beside the field
    assert f'href="#id_{field}' in page
    assert not ProgressUpdate.objects.filter(period=cycle.september).exists()


def test_a_second_stale_save_is_refused_with_what_the_other_person_changed(
    client, cycle
):
    client.force_login(cycle.lead)
    client.post(form_url(cycle), action_data(cycle, progress="Lead's words."))
    client.force_login(cycle.coordinator)
    # The coordinator opened the form before the lead saved: version 0.
    response = client.post(
        form_url(cycle), action_data(cycle, progress="Coordinator's words.", stale=True)
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else changed this update" in page
    assert "Lead&#x27;s words." in page and "Lead" in page
    assert september_update(cycle).progress == "Lead's words."
    # Having seen the change, saving again (now against the latest version) succeeds.
    retry = {
        key: response.context["action_form"].data[key]
        for key in response.context["action_form"].data
    }
    assert client.post(form_url(cycle), retry).status_code == 302
    assert september_update(cycle).progress == "Coordinator's words."


def test_closing_the_month_freezes_it_and_the_next_month_shows_it_as_last_month(
    client, cycle
):
    client.force_login(cycle.lead)
    client.post(
        form_url(cycle),
        action_data(cycle, status="Red", progress="Recruitment paused.", submit=True),
    )
    client.force_login(cycle.coordinator)
    periods = reverse("actionplans:period_list", args=[cycle.plan.slug])
    assert "No update" in client.get(periods).content.decode()  # 2.1 has no return
    close = reverse(
        "actionplans:period_close", args=[cycle.plan.slug, cycle.september.pk]
    )
    client.post(close)  # refused: returns missing and not confirmed
    assert not ReportingPeriod.objects.get(pk=cycle.september.pk).is_closed
    client.post(close, {"confirm_missing": "on"})
    september = ReportingPeriod.objects.get(pk=cycle.september.pk)
    assert september.is_closed and september.closed_by == cycle.coordinator
    no_return = ProgressUpdate.objects.get(period=september, action=cycle.other_action)
    assert no_return.workflow_state == "not_returned"

    # The closed month is read-only: the form has nothing to edit and the service refuses.
    client.force_login(cycle.lead)
    assert "No month is open" in client.get(form_url(cycle)).content.decode()
    with pytest.raises(services.WorkflowError):
        services.update_save(
            action=cycle.action,
            period=september,
            user=cycle.lead,
            action_values=None,
            milestone_values={},
            submit=False,
        )

    client.force_login(cycle.coordinator)
    client.post(reverse("actionplans:period_open", args=[cycle.plan.slug]))
    october = ReportingPeriod.objects.get(
        plan=cycle.plan, month=datetime.date(2009, 10, 1)
    )
    assert not october.is_closed
    client.force_login(cycle.lead)
    page = client.get(form_url(cycle)).content.decode()
    assert "September 2009" in page and "Recruitment paused." in page
    # Later edits never change the frozen month.
    client.post(
        form_url(cycle), action_data(cycle, status="Amber", progress="October.")
    )
    assert september_update(cycle).progress == "Recruitment paused."


def test_only_one_month_is_open_at_a_time(client, cycle):
    client.force_login(cycle.coordinator)
    client.post(reverse("actionplans:period_open", args=[cycle.plan.slug]))
    assert ReportingPeriod.objects.filter(plan=cycle.plan).count() == 2


def test_a_closed_month_is_corrected_only_by_a_recorded_amendment(client, cycle):
    update = ProgressUpdate.objects.get(period=cycle.august, action=cycle.action)
    url = reverse("actionplans:update_amend", args=[cycle.plan.slug, update.pk])
    client.force_login(cycle.coordinator)
    data = {
        "amend-status": cycle.status("Red").pk,
        "amend-direction": "deteriorating",
        "amend-progress": "August progress (corrected).",
        "amend-risk": "",
        "amend-actual_finish": "",
        "amend-version": update.version,
        "reason": "",
    }
    assert client.post(url, data).status_code == 400
    assert (
        client.post(
            url, data | {"reason": "Lead reported the wrong status."}
        ).status_code
        == 302
    )
    update.refresh_from_db()
    assert update.status.label == "Red"
    latest = update.history.first()
    assert latest.history_user == cycle.coordinator
    assert latest.history_change_reason == "Amendment: Lead reported the wrong status."
    page = client.get(cycle.action.get_absolute_url()).content.decode()
    assert "Amendment: Lead reported the wrong status." in page
    assert "Amber → Red" in page


def test_the_action_page_shows_the_timeline_and_who_changed_what(client, cycle):
    client.force_login(cycle.lead)
    client.post(form_url(cycle), action_data(cycle, progress="First."))
    client.post(form_url(cycle), action_data(cycle, progress="Second."))
    client.force_login(cycle.viewer)
    page = client.get(cycle.action.get_absolute_url()).content.decode()
    assert "<title>Action 1.8 – Leeds IWC – Actionplans</title>" in page
    assert page.count("<h2>Change history</h2>") == 1
    assert "Status by month" in page and "Aug 2009" in page
    assert "First. → Second." in page
    assert "Lead" in page  # the user's name in the history


def test_the_month_narrative_is_written_by_the_coordinator(client, cycle):
    url = reverse(
        "actionplans:period_narrative", args=[cycle.plan.slug, cycle.september.pk]
    )
    client.force_login(cycle.coordinator)
    data = {"overview": "All on track.", "risks": "Swine flu.", "amendments": "None."}
    assert client.post(url, data).status_code == 302
    cycle.september.refresh_from_db()
    assert cycle.september.overview == "All on track."
    closed = reverse(
        "actionplans:period_narrative", args=[cycle.plan.slug, cycle.august.pk]
    )
    assert client.post(closed, data).status_code == 400
    assert client.post(closed, data | {"reason": "Typo."}).status_code == 302


def test_password_reset_by_email_link_works_once(client, cycle):
    cycle.lead.email = "hilary@example.org"
    cycle.lead.save()
    client.post(reverse("password_reset"), {"email": "hilary@example.org"})
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/reset/" in line)
    path = urlsplit(link).path
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    new = {
        "new_password1": "a-much-better-passphrase",
        "new_password2": "a-much-better-passphrase",
    }
    assert client.post(set_url, new).status_code == 302
    again = client.get(path, follow=True).content.decode()
    assert "This link has expired or been used" in again
