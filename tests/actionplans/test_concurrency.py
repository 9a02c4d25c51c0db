"""Two people saving the same update at the same moment, on PostgreSQL's row locks."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from actionplans.models import ProgressUpdate
from tests.actionplans.conftest import Cycle
from tests.actionplans.test_update_cycle import action_data

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent sessions"
)


@pytest.mark.django_db(transaction=True)
def test_two_sessions_saving_at_once_one_wins_and_the_other_is_told():
    cycle = Cycle()
    url = reverse("actionplans:update_form", args=[cycle.plan.slug, cycle.action.pk])
    users = {"lead": cycle.lead, "coordinator": cycle.coordinator}
    start = threading.Barrier(len(users))
    results = {}

    def save(name, user):
        try:
            client = Client()
            client.force_login(user)
            data = action_data(cycle, progress=f"{name} wrote this.", stale=True)
            start.wait(timeout=10)
            results[name] = client.post(url, data).status_code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=item) for item in users.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results.values()) == [302, 409]
    winner = next(name for name, code in results.items() if code == 302)
    update = ProgressUpdate.objects.get(period=cycle.september, action=cycle.action)
    assert update.progress == f"{winner} wrote this."
    assert update.version == 1
