"""Two coordinators deciding the same request at the same moment, on PostgreSQL's locks."""

import datetime
import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from actionplans.models import Amendment
from amendments import services
from tests.actionplans.conftest import Cycle
from tests.factories import make_member, make_user

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent sessions"
)


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_deciding_at_once_the_second_is_refused():
    cycle = Cycle()
    second = make_user("coordinator2")
    make_member(cycle.plan, second, "coordinator")
    request = services.amendment_request(
        plan=cycle.plan,
        user=cycle.lead,
        kind=Amendment.Kind.DATES,
        item=cycle.milestone_a,
        proposed={"plan_finish": datetime.date(2009, 12, 31)},
        reason="Delayed by partners.",
    )
    url = reverse("amendments:amendment_detail", args=[cycle.plan.slug, request.pk])
    decisions = {
        "coordinator": ("approved", cycle.coordinator),
        "second": ("rejected", second),
    }
    start = threading.Barrier(len(decisions))
    results = {}

    def decide(name, decision, user):
        try:
            client = Client()
            client.force_login(user)
            data = {
                "version": request.version,
                "decision": decision,
                "board": "DMT performance board",
                "decided_on": "12/09/2009",
            }
            start.wait(timeout=10)
            results[name] = client.post(url, data).status_code
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=decide, args=(name, *values))
        for name, values in decisions.items()
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results.values()) == [302, 409]
    winner = next(name for name, code in results.items() if code == 302)
    request.refresh_from_db()
    assert request.decision == decisions[winner][0]
    assert request.version == 2
    milestone = cycle.milestone_a
    milestone.refresh_from_db()
    approved = request.decision == "approved"
    assert (milestone.plan_finish == datetime.date(2009, 12, 31)) == approved
