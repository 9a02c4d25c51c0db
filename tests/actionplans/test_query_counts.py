"""Page query counts do not grow with the size of the plan (no N+1 queries)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplans.models import ReportingPeriod
from tests import factories

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _grow(cycle, n: int) -> None:
    """Add n actions led by the lead, each with two milestones and updates."""
    for i in range(n):
        action = factories.make_action(
            cycle.plan,
            f"9.{i + 1}",
            leads=[cycle.lead_officer, factories.make_officer()],
            chief_officers=[cycle.chief_officer],
            plan_finish=datetime.date(2009, 9, 30),
        )
        for label in ("(a)", "(b)"):
            milestone = factories.make_milestone(action, label)
            milestone.leads.add(factories.make_officer())
            factories.make_update(
                cycle.september, milestone=milestone, status_label="Amber"
            )
        factories.make_update(cycle.september, action=action, status_label="Amber")


def test_my_actions(client, cycle):
    client.force_login(cycle.lead)
    small = _queries(client, reverse("home"))
    _grow(cycle, 15)
    assert _queries(client, reverse("home")) == small


def test_sign_off_queue_and_months(client, cycle):
    client.force_login(cycle.admin)
    urls = [
        reverse("actionplans:signoff_list"),
        reverse("actionplans:period_list", args=[cycle.plan.slug]),
    ]
    small = [_queries(client, url) for url in urls]
    _grow(cycle, 15)
    for update in cycle.september.updates.filter(action__isnull=False):
        update.workflow_state = "submitted"
        update.save()
    assert [_queries(client, url) for url in urls] == small


def test_action_page_and_update_form_with_many_months_and_milestones(client, cycle):
    client.force_login(cycle.coordinator)
    urls = [
        cycle.action.get_absolute_url(),
        reverse("actionplans:update_form", args=[cycle.plan.slug, cycle.action.pk]),
    ]
    small = [_queries(client, url) for url in urls]
    # Twelve more closed months of updates (and history), and five more milestones.
    month = datetime.date(2008, 7, 1)
    for _ in range(12):
        period = ReportingPeriod.objects.create(
            plan=cycle.plan, month=month, state=ReportingPeriod.State.CLOSED
        )
        factories.make_update(period, action=cycle.action, status_label="Amber")
        factories.make_update(period, milestone=cycle.milestone_a, status_label="Red")
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    for label in ("(c)", "(d)", "(e)", "(f)", "(g)"):
        factories.make_milestone(cycle.action, label).leads.add(
            factories.make_officer()
        )
    assert [_queries(client, url) for url in urls] == small
