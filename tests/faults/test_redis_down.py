"""Redis configured but down: pages are served without the shared cache, and say nothing.

(A month closing with the broker down is in tests/reporting/test_pdf_jobs.py.)
"""

import pytest
from django.urls import reverse

from actionplans.models import PlanMembership, ReportingPeriod
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_closed_months_report_is_served_without_the_cache_and_the_outage_logged(
    client, settings, caplog
):
    settings.CACHES = {
        "default": {
            "BACKEND": "lib.cache.ForgivingRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    plan = factories.make_plan(slug="leeds-no-redis")
    closed = ReportingPeriod.State.CLOSED
    factories.make_period(plan, 2009, 7, state=closed)
    august = factories.make_period(plan, 2009, 8, state=closed)
    action = factories.make_action(plan, "1.1", text="Meet partners.")
    factories.make_update(august, action=action, progress="Met in August.")
    user = factories.make_user()
    factories.make_member(plan, user, PlanMembership.Role.VIEWER)
    client.force_login(user)

    url = reverse("reporting:report", args=[plan.slug, "progress"])
    for _ in range(2):
        response = client.get(url, {"period": "2009-08"})
        assert response.status_code == 200
        assert "Met in August." in response.content.decode()
    assert "Cache unavailable (get" in caplog.text
    assert "Cache unavailable (set" in caplog.text
    # The dashboard reads and keeps its months' figures many at a time.
    dashboard = client.get(reverse("reporting:dashboard", args=[plan.slug]))
    assert dashboard.status_code == 200
    assert "Cache unavailable (get_many" in caplog.text
    assert "Cache unavailable (set_many" in caplog.text
