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


@pytest.mark.parametrize("user", ["admin", "chief"])
def test_sign_off_queue_and_months(client, cycle, user):
    """The queue's rows cost no query each: last month beside them (no returns too),
    their milestones awaiting, and their returns earlier in the month."""
    factories.make_update(
        cycle.september,
        action=cycle.action,
        status_label="Amber",
        workflow_state="submitted",
    )
    client.force_login(getattr(cycle, user))
    urls = [reverse("actionplans:signoff_list")]
    if user == "admin":
        urls.append(reverse("actionplans:period_list", args=[cycle.plan.slug]))
    small = [_queries(client, url) for url in urls]
    assert len(client.get(urls[0]).context["form"].rows) == 1
    _grow(cycle, 15)
    for i, update in enumerate(cycle.september.updates.exclude(action=cycle.action)):
        if i % 2:
            update.workflow_state = "returned"  # and then resubmitted
            update.save()
        update.workflow_state = "submitted"
        update.save()
        item = {"action": update.action, "milestone": update.milestone}
        if i % 3:
            factories.make_update(cycle.august, status_label="Amber", **item)
        else:
            factories.make_update(
                cycle.august,
                workflow_state="not_returned",
                carried_from=update,  # any update will do: its month is read
                **item,
            )
    assert [_queries(client, url) for url in urls] == small
    assert len(client.get(urls[0]).context["form"].rows) == 16


def test_action_page_and_update_form_with_many_months_and_milestones(client, cycle):
    client.force_login(cycle.coordinator)
    urls = [
        cycle.action.get_absolute_url(),
        reverse("actionplans:update_form", args=[cycle.plan.slug, cycle.action.pk]),
    ]
    # A month before August, so that "what changed since last month" reads two months
    # in both counts (with no earlier month it has one query less to make).
    july = ReportingPeriod.objects.create(
        plan=cycle.plan,
        month=datetime.date(2009, 7, 1),
        state=ReportingPeriod.State.CLOSED,
    )
    factories.make_update(july, action=cycle.action, status_label="Green")
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
