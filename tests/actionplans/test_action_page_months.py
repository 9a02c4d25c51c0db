"""The action page shows the plan's latest twelve months unless asked for all."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplans.models import ReportingPeriod
from actionplans.selectors import month_window
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def long_action(client):
    """Fourteen closed months (Jan 2008 – Feb 2009) and March 2009 open."""
    plan = factories.make_plan()
    action = factories.make_action(plan, "1.1", text="Meet partners.")
    for index in range(15):
        year, month = 2008 + index // 12, index % 12 + 1
        state = (
            ReportingPeriod.State.CLOSED if index < 14 else ReportingPeriod.State.OPEN
        )
        period = factories.make_period(plan, year, month, state=state)
        factories.make_update(
            period,
            action=action,
            status_label="Amber",
            progress=f"Progress in {period.month:%B %Y}.",
        )
    viewer = factories.make_user()
    factories.make_member(plan, viewer)
    client.force_login(viewer)
    return reverse("actionplans:action_detail", args=[plan.slug, action.pk])


def test_the_latest_twelve_months_are_shown_with_a_link_to_all(client, long_action):
    with CaptureQueriesContext(connection) as latest:
        page = client.get(long_action).content.decode()
    for month in ["April 2008", "September 2008", "March 2009"]:
        assert f"Progress in {month}." in page, month
    for month in ["January 2008", "February 2008", "March 2008"]:
        assert f"Progress in {month}." not in page, month
        assert f'<th scope="col">{month[:3]} 2008</th>' not in page
    assert "The latest 12 of the plan's 15 months" in page
    assert '<a href="?months=all#timeline">Show all 15 months</a>' in page

    with CaptureQueriesContext(connection) as every:
        page = client.get(long_action, {"months": "all"}).content.decode()
    for month in ["January 2008", "March 2008", "March 2009"]:
        assert f"Progress in {month}." in page, month
    assert '<th scope="col">Jan 2008</th>' in page
    assert "All 15 months." in page
    assert len(every) == len(latest)  # the same queries, more rows


def test_a_plan_of_twelve_months_or_fewer_shows_them_all_and_says_nothing():
    plan = factories.make_plan()
    periods = [factories.make_period(plan, 2009, month) for month in range(1, 13)]
    window = month_window(periods=periods, show_all=False)
    assert (window.since, window.shown, window.is_partial) == (None, 12, False)
    periods.append(factories.make_period(plan, 2010, 1))
    window = month_window(periods=periods, show_all=False)
    assert (window.since.month, window.shown, window.total) == (2, 12, 13)
    assert window.is_partial
