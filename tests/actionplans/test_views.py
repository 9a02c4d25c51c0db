"""Home, plan and action pages: read-only, login required, other plans invisible."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplans.models import PlanMembership
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan_with_action():
    plan = factories.make_plan(title="Leeds IWC")
    rec = factories.make_recommendation(
        plan, "1", text="Investigate concerns urgently."
    )
    lead = factories.make_officer("Hilary Paxton", "Head of Adult Safeguarding")
    action = factories.make_action(plan, "1.1", text="Meet partners.", leads=[lead])
    action.recommendations.add(rec)
    factories.make_milestone(action, "(a)", success_criteria="MOU signed")
    period = factories.make_period(plan)
    factories.make_update(
        period, action=action, status_label="Amber", direction="improving"
    )
    return plan, action


@pytest.fixture
def viewer(plan_with_action):
    user = factories.make_user()
    factories.make_member(plan_with_action[0], user, PlanMembership.Role.VIEWER)
    return user


def _urls(plan, action):
    return [
        reverse("home"),
        reverse("actionplans:plan_detail", args=[plan.slug]),
        reverse("actionplans:action_detail", args=[plan.slug, action.pk]),
    ]


def test_anonymous_users_are_sent_to_sign_in(client, plan_with_action):
    for url in _urls(*plan_with_action):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_a_member_sees_the_plan_its_actions_and_statuses(
    client, plan_with_action, viewer
):
    plan, action = plan_with_action
    client.force_login(viewer)
    home = client.get(reverse("home"))
    assert b"Leeds IWC" in home.content
    page = client.get(plan.get_absolute_url())
    assert page.status_code == 200
    assert b"Meet partners." in page.content and b"Amber" in page.content
    detail = client.get(action.get_absolute_url())
    assert detail.status_code == 200
    for text in [
        b"Investigate concerns urgently.",
        b"MOU signed",
        b"Hilary Paxton",
        b"improving",
    ]:
        assert text in detail.content


def test_a_lead_sees_the_plans_they_work_on(client, plan_with_action):
    plan, action = plan_with_action
    user = factories.make_user()
    officer = action.leads.get()
    officer.user = user
    officer.save()
    client.force_login(user)
    assert client.get(plan.get_absolute_url()).status_code == 200


def test_a_user_of_another_plan_gets_not_found(client, plan_with_action):
    plan, action = plan_with_action
    other = factories.make_user()
    factories.make_member(factories.make_plan(), other)
    client.force_login(other)
    assert plan.title.encode() not in client.get(reverse("home")).content
    assert client.get(plan.get_absolute_url()).status_code == 404
    assert client.get(action.get_absolute_url()).status_code == 404


def test_an_action_of_another_plan_is_not_found_under_this_plan(
    client, plan_with_action, viewer
):
    plan, _ = plan_with_action
    foreign = factories.make_action(factories.make_plan(), "9.9")
    client.force_login(viewer)
    url = reverse("actionplans:action_detail", args=[plan.slug, foreign.pk])
    assert client.get(url).status_code == 404


def test_pages_are_read_only(client, plan_with_action, viewer):
    client.force_login(viewer)
    for url in _urls(*plan_with_action):
        assert client.post(url).status_code == 405


def test_login_page_is_open_and_signs_in(client, viewer):
    assert client.get(reverse("login")).status_code == 200
    response = client.post(
        reverse("login"), {"username": viewer.username, "password": "pw-for-tests-1"}
    )
    assert response.status_code == 302 and response.url == reverse("home")


def test_plan_page_query_count_does_not_grow_with_the_plan(
    client, plan_with_action, viewer
):
    plan, _ = plan_with_action
    client.force_login(viewer)
    with CaptureQueriesContext(connection) as small:
        client.get(plan.get_absolute_url())
    period = plan.periods.get()
    for n in range(2, 30):
        action = factories.make_action(plan, f"1.{n}", leads=[factories.make_officer()])
        factories.make_milestone(action)
        factories.make_update(period, action=action, status_label="Red")
    with CaptureQueriesContext(connection) as large:
        client.get(plan.get_absolute_url())
    assert len(large) == len(small)
