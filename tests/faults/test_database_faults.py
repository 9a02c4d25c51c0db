"""The database failing under a request: a clear 503 page, and nothing half-written.

Failures are injected with Django's own execute_wrapper, which raises for the chosen
statements before they reach the database, so the database itself stays real.
"""

import logging
import sqlite3
import threading
import time
from collections.abc import Callable

import pytest
from django.db import OperationalError, connection, connections, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper
from django.urls import reverse

from actionplans import services
from actionplans.models import ProgressUpdate
from tests import factories
from tests.actionplans.conftest import Cycle
from tests.actionplans.test_update_cycle import action_data

MESSAGE = (
    "Actionplans cannot reach its database just now. Nothing you sent was saved; "
    "try again in a minute."
)


class FailingStatements:
    """An execute wrapper that fails matching statements as an unreachable server would."""

    def __init__(self, matches: Callable[[str], bool], *, skip: int = 0):
        self.matches = matches
        self.skip = skip  # matching statements let through before the first failure

    def __call__(self, execute, sql, params, many, context):
        if self.matches(sql):
            if self.skip <= 0:
                raise OperationalError(
                    "could not connect to server: Connection refused"
                )
            self.skip -= 1
        return execute(sql, params, many, context)


@pytest.fixture
def cycle(db):
    return Cycle()


def _is_domain_query(sql: str) -> bool:
    # The session and the signed-in user load from django_session and auth_user first.
    return '"actionplans_' in sql or '"recommendations_' in sql


def test_a_page_whose_query_cannot_reach_the_database_gets_the_503_page(
    client, cycle, caplog
):
    client.force_login(cycle.lead)
    with (
        caplog.at_level(logging.ERROR, logger="actionplans.security"),
        connection.execute_wrapper(FailingStatements(_is_domain_query)),
    ):
        response = client.get(reverse("home"), REMOTE_ADDR="10.3.3.3")
    assert response.status_code == 503
    assert MESSAGE in response.content.decode()
    assert response["Retry-After"] == "60"
    assert "database unreachable: address=10.3.3.3 GET /" in caplog.text


def test_a_database_lost_before_the_view_runs_also_gets_the_503_page(client, cycle):
    """Loading the session fails in a middleware; the page itself asks nothing of it."""
    client.force_login(cycle.lead)
    client.raise_request_exception = False
    with connection.execute_wrapper(FailingStatements(lambda sql: True)):
        response = client.get(reverse("home"))
    assert response.status_code == 503
    page = response.content.decode()
    assert MESSAGE in page
    assert "Sign out" not in page  # no user menu: that would ask the database


def test_other_server_errors_still_get_the_500_page(client, cycle, monkeypatch):
    client.force_login(cycle.lead)
    client.raise_request_exception = False

    def broken(*args, **kwargs):
        raise RuntimeError("a bug, not the database")

    monkeypatch.setattr("actionplans.views.render", broken)
    response = client.get(reverse("home"))
    assert response.status_code == 500
    assert MESSAGE not in response.content.decode()


def test_a_save_cut_off_half_way_saves_nothing(client, cycle):
    """The action's update is written, then the first milestone's insert fails."""
    client.force_login(cycle.lead)
    url = reverse("actionplans:update_form", args=[cycle.plan.slug, cycle.action.pk])
    inserts = FailingStatements(
        lambda sql: sql.startswith('INSERT INTO "actionplans_progressupdate"'), skip=1
    )
    with connection.execute_wrapper(inserts):
        response = client.post(url, action_data(cycle, submit=True))
    assert inserts.skip == 0  # the action's own update did get written first
    assert response.status_code == 503
    assert MESSAGE in response.content.decode()
    assert not ProgressUpdate.objects.filter(period=cycle.september).exists()
    assert not ProgressUpdate.history.filter(period=cycle.september).exists()


# --- SQLite: saving while another request writes ------------------------------------


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="SQLite locks the whole file while writing; PostgreSQL locks rows "
    "(tests/actionplans/test_concurrency.py)",
)
@pytest.mark.django_db(transaction=True)
def test_a_save_during_a_long_month_close_waits_for_it_on_sqlite(tmp_path):
    """One thread closes a month and holds its write for a second; a lead saving at the
    same moment waits for it, rather than failing with "database is locked"."""
    cycle = Cycle()
    other_plan = factories.make_plan()
    factories.make_action(other_plan, "1.1")
    closing_period = factories.make_period(other_plan, 2009, 9)
    values = services.ItemValues(cycle.status("Amber"), "", "Saved.", "", None, 0)

    # The test database lives in memory; copy it to a file, as the demo's is.
    path = tmp_path / "db.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as copy:
        connection.connection.backup(copy)
    copy.close()
    # The settings' own OPTIONS, as any request of the app would open the file.
    file_settings = {**connection.settings_dict, "NAME": str(path)}

    closing, errors = threading.Event(), []

    def on_the_file(work: Callable[[], None]) -> threading.Thread:
        def run():
            # Connections are per thread: only this thread's "default" is the file.
            connections["default"] = DatabaseWrapper(file_settings, "default")
            try:
                work()
            except Exception as exc:  # reported by the assertion below
                errors.append(exc)
            finally:
                closing.set()
                connections["default"].close()

        thread = threading.Thread(target=run)
        thread.start()
        return thread

    def close_month():
        with transaction.atomic():
            services.period_close(period=closing_period, user=cycle.coordinator)
            closing.set()
            time.sleep(1)  # a large plan: the close takes a while

    def save():
        closing.wait(timeout=10)
        services.update_save(
            action=cycle.action,
            period=cycle.september,
            user=cycle.lead,
            action_values=values,
            milestone_values={},
            submit=False,
        )

    threads = [on_the_file(close_month), on_the_file(save)]
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    saved = []
    on_the_file(
        lambda: saved.append(
            ProgressUpdate.objects.get(period=cycle.september, action=cycle.action)
        )
    ).join(timeout=30)
    assert saved[0].progress == "Saved."
    with sqlite3.connect(path) as check:
        assert check.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    check.close()
