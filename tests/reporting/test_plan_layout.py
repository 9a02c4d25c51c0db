"""The plan's report layout page: a coordinator picks the Leeds or Dudley layout, or
ticks and numbers columns of their own, and whether to group under sections."""

import re

import pytest
from django.urls import reverse

from actionplans.models import PlanMembership
from reporting.columns import preset_keys
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    return factories.make_plan(slug="leeds", title="Leeds IWC")


def _user(plan, role):
    user = factories.make_user()
    factories.make_member(plan, user, role)
    return user


@pytest.fixture
def coordinator(plan):
    return _user(plan, PlanMembership.Role.COORDINATOR)


def _url(plan) -> str:
    return reverse("reporting:plan_layout", args=[plan.slug])


def _custom(**ticked) -> dict:
    """A custom layout: {key: position} ticked."""
    data = {"layout": "custom"}
    for key, position in ticked.items():
        data[f"show_{key}"] = "on"
        data[f"position_{key}"] = str(position)
    return data


def test_the_page_shows_the_current_layout(client, plan, coordinator):
    client.force_login(coordinator)
    page = client.get(_url(plan)).content.decode()
    assert "Report layout" in page
    assert re.search(r'<input[^>]*value="leeds"[^>]*checked', page)
    assert not re.search(r'<input[^>]*value="dudley"[^>]*checked', page)
    assert 'name="show_chief_officer"' in page and 'name="position_outcomes"' in page


def test_a_coordinator_chooses_the_dudley_layout(client, plan, coordinator):
    client.force_login(coordinator)
    response = client.post(_url(plan), {"layout": "dudley", "by_section": "on"})
    assert response.status_code == 302
    assert response.url == plan.get_absolute_url()
    plan.refresh_from_db()
    assert plan.report_columns == preset_keys("dudley")
    assert plan.report_by_section is True
    assert plan.history.first().history_user == coordinator


def test_choosing_leeds_stores_no_columns(client, plan, coordinator):
    plan.report_columns = preset_keys("dudley")
    plan.save()
    client.force_login(coordinator)
    client.post(_url(plan), {"layout": "leeds"})
    plan.refresh_from_db()
    assert plan.report_columns == [] and plan.report_by_section is False


def test_a_custom_layout_is_stored_in_the_order_numbered(client, plan, coordinator):
    client.force_login(coordinator)
    data = _custom(number=1, progress=3, action=2, timescale=4, outcomes=4)
    response = client.post(_url(plan), data)
    assert response.status_code == 302
    plan.refresh_from_db()
    # Equal positions keep the catalogue's order (timescale before outcomes).
    assert plan.report_columns == [
        "number",
        "action",
        "progress",
        "timescale",
        "outcomes",
    ]


def test_a_custom_layout_needs_the_number_and_the_action(client, plan, coordinator):
    client.force_login(coordinator)
    response = client.post(_url(plan), _custom(number=1, progress=2))
    assert response.status_code == 400
    assert "Tick Action: every layout shows it." in response.content.decode()
    plan.refresh_from_db()
    assert plan.report_columns == []


@pytest.mark.parametrize(
    ("position", "message"),
    [
        ("", "Give Progress a position: a whole number from 1 to 16."),
        ("0", "Give Progress a position: a whole number from 1 to 16."),
        ("17", "Give Progress a position: a whole number from 1 to 16."),
        ("x", "Give Progress a position: a whole number from 1 to 16."),
    ],
)
def test_a_ticked_column_needs_a_position(client, plan, coordinator, position, message):
    client.force_login(coordinator)
    data = _custom(number=1, action=2) | {
        "show_progress": "on",
        "position_progress": position,
    }
    response = client.post(_url(plan), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    plan.refresh_from_db()
    assert plan.report_columns == []


def test_a_ready_made_layout_ignores_the_custom_columns(client, plan, coordinator):
    client.force_login(coordinator)
    data = {"layout": "dudley", "show_progress": "on", "position_progress": "x"}
    assert client.post(_url(plan), data).status_code == 302
    plan.refresh_from_db()
    assert plan.report_columns == preset_keys("dudley")


def test_an_unknown_layout_is_refused(client, plan, coordinator):
    client.force_login(coordinator)
    response = client.post(_url(plan), {"layout": "york"})
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()


def test_wrong_method_is_refused(client, plan, coordinator):
    client.force_login(coordinator)
    assert client.put(_url(plan)).status_code == 405
    assert client.delete(_url(plan)).status_code == 405


def test_anonymous_users_are_sent_to_sign_in(client, plan):
    response = client.post(_url(plan), {"layout": "dudley"})
    assert response.status_code == 302
    assert "login" in response.url
    plan.refresh_from_db()
    assert plan.report_columns == []


def test_a_member_who_is_not_a_coordinator_may_not_change_it(client, plan):
    client.force_login(_user(plan, PlanMembership.Role.VIEWER))
    assert client.get(_url(plan)).status_code == 403
    assert client.post(_url(plan), {"layout": "dudley"}).status_code == 403
    plan.refresh_from_db()
    assert plan.report_columns == []


def test_a_coordinator_of_another_council_gets_not_found(client, plan):
    other = factories.make_plan(
        inspection=factories.make_inspection(
            organisation=factories.make_organisation("Dudley MBC")
        )
    )
    client.force_login(_user(other, PlanMembership.Role.COORDINATOR))
    assert client.get(_url(plan)).status_code == 404
    assert client.post(_url(plan), {"layout": "dudley"}).status_code == 404
    plan.refresh_from_db()
    assert plan.report_columns == []


def test_the_plan_page_links_coordinators_to_it(client, plan, coordinator):
    client.force_login(coordinator)
    assert _url(plan) in client.get(plan.get_absolute_url()).content.decode()
    client.force_login(_user(plan, PlanMembership.Role.VIEWER))
    assert _url(plan) not in client.get(plan.get_absolute_url()).content.decode()
