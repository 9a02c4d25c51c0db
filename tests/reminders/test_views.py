"""The returns page's leads, and a coordinator's "remind these leads now"."""

import pytest
from django.urls import reverse

from actionplans.models import PlanMembership
from reminders.models import SentReminder
from tests import factories

pytestmark = pytest.mark.django_db


def _remind_url(returns):
    return reverse("reminders:remind_leads", args=[returns.plan.slug])


def test_the_returns_page_groups_missing_returns_by_lead(returns, client):
    factories.make_update(
        returns.september, action=returns.action, workflow_state="submitted"
    )
    client.force_login(returns.coordinator)
    response = client.get(reverse("actionplans:period_list", args=["leeds"]))

    groups = [
        (str(g.lead), len(g.missing), len(g.awaiting))
        for g in response.context["by_lead"]
    ]
    assert groups == [
        ("Tim O'Shea (Head of Commissioning)", 1, 0),
        ("Hilary Paxton (Head of Safeguarding)", 0, 1),
    ]
    assert _remind_url(returns) in response.content.decode()


def test_the_preview_shows_each_leads_email_and_sends_nothing(
    returns, client, mailoutbox
):
    returns.tim.email = ""
    returns.tim.save()
    client.force_login(returns.coordinator)
    response = client.get(_remind_url(returns))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Send 1 reminder" in page
    assert "Leeds IWC action plan: your September 2009 updates were due by" in page
    assert "1.8 Establish 10 senior practitioner posts." in page
    assert "Tim O&#x27;Shea (Head of Commissioning): No email address" in page
    assert "at most once a day" in page
    assert mailoutbox == []
    assert not SentReminder.objects.exists()


def test_confirming_sends_and_logs_once_a_day(
    returns, client, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(returns.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_remind_url(returns))

    assert response.status_code == 302
    assert response.url == reverse("actionplans:period_list", args=["leeds"])
    assert sorted(m.to[0] for m in mailoutbox) == [
        "hilary@leeds.example",
        "tim@leeds.example",
    ]
    assert "coordinator asked for this reminder" in mailoutbox[0].body
    logged = SentReminder.objects.get(recipient="hilary@leeds.example")
    assert logged.kind == "manual" and logged.requested_by == returns.coordinator
    assert logged.sent_at is not None

    with django_capture_on_commit_callbacks(execute=True):
        client.post(_remind_url(returns))
    assert len(mailoutbox) == 2
    page = client.get(_remind_url(returns)).content.decode()
    assert "Already reminded today" in page and "Hilary Paxton" in page


def test_a_plan_with_no_open_month_has_nothing_to_remind(returns, client, mailoutbox):
    returns.september.state = "closed"
    returns.september.save()
    client.force_login(returns.coordinator)
    assert "No month is open" in client.get(_remind_url(returns)).content.decode()
    client.post(_remind_url(returns))
    assert mailoutbox == []


def test_anonymous_users_are_sent_to_sign_in(returns, client):
    response = client.get(_remind_url(returns))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_wrong_method_is_refused(returns, client):
    client.force_login(returns.coordinator)
    assert client.put(_remind_url(returns)).status_code == 405


def test_a_user_who_cannot_see_the_plan_gets_404(returns, client, mailoutbox):
    outsider = factories.make_user("outsider")
    factories.make_member(
        factories.make_plan(), outsider, PlanMembership.Role.COORDINATOR
    )
    client.force_login(outsider)
    assert client.get(_remind_url(returns)).status_code == 404
    assert client.post(_remind_url(returns)).status_code == 404
    assert mailoutbox == []


def test_a_lead_or_viewer_of_the_plan_is_refused(returns, client, mailoutbox):
    """They can see the plan, so 403 as on the returns page, not 404."""
    viewer = factories.make_user("viewer")
    factories.make_member(returns.plan, viewer, PlanMembership.Role.VIEWER)
    for user in (viewer, returns.lead):
        client.force_login(user)
        assert client.get(_remind_url(returns)).status_code == 403
        assert client.post(_remind_url(returns)).status_code == 403
    assert mailoutbox == []
