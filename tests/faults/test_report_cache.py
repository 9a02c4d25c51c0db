"""A closed month's report is never stale, and every web worker answers alike.

Its body HTML is cached and its PDF stored under a name that changes with anything the
report shows (`reporting.rendering.storage_name`), in one cache all processes share.
"""

import io
import os
import runpy
import subprocess  # nosec B404
import sys

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.urls import reverse
from pypdf import PdfReader

from actionplans.models import PlanMembership, ReportingPeriod
from reporting import rendering
from reporting.selectors import period_report_build
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored_files(settings, tmp_path):
    """Storage in a throw-away folder; tests/settings.py gives the production file cache."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def august(client, stored_files):
    """A plan whose August is closed, and a board viewer signed in."""
    plan = factories.make_plan(slug="leeds-cache")
    closed = ReportingPeriod.State.CLOSED
    factories.make_period(plan, 2009, 7, state=closed)
    period = factories.make_period(plan, 2009, 8, state=closed)
    action = factories.make_action(plan, "1.1", text="Meet partners.")
    factories.make_update(period, action=action, progress="Met in August.")
    user = factories.make_user()
    factories.make_member(plan, user, PlanMembership.Role.VIEWER)
    client.force_login(user)
    return plan, period, action


def _page(client, plan) -> str:
    """The report's body on its page (the filter form above it is never cached)."""
    url = reverse("reporting:report", args=[plan.slug, "progress"])
    page = client.get(url, {"period": "2009-08"}).content.decode()
    return page.split('<div class="report report--progress">')[1]


def _pdf_text(client, plan) -> str:
    url = reverse("reporting:report_pdf", args=[plan.slug, "progress"])
    pdf = b"".join(client.get(url, {"period": "2009-08"}).streaming_content)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.split())  # a narrow column wraps its words


def test_an_edited_action_shows_in_the_closed_months_page_and_pdf(client, august):
    plan, _, action = august
    assert "Meet partners." in _page(client, plan)
    assert "Meet partners." in _pdf_text(client, plan)  # now stored
    action.text = "Meet every partner agency."
    action.save()
    assert "Meet every partner agency." in _page(client, plan)
    assert "Meet every partner agency." in _pdf_text(client, plan)


def test_a_renamed_lead_shows_in_the_closed_months_page(client, august):
    plan, _, action = august
    lead = factories.make_officer("Hilary Paxton", "Head of Safeguarding")
    action.leads.add(lead)
    assert "Hilary Paxton" in _page(client, plan)
    lead.name = "Hilary Grant"
    lead.save()
    assert "Hilary Grant" in _page(client, plan)


def test_another_process_reads_the_same_cached_report_body(client, august):
    """A second web worker, built from config.settings alone, gets the body this one made."""
    plan, period, _ = august
    _page(client, plan)
    key = rendering.report_body_cache_key(
        period_report_build(plan=plan, month=period.month)
    )
    ours = cache.get(key)
    assert ours and "Met in August." in ours
    environment = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "another-worker",
        "CACHE_DIR": django_settings.CACHES["default"]["LOCATION"],
        "REDIS_URL": "",
    }
    script = (
        "import django, sys; django.setup(); "
        "from django.core.cache import cache; "
        "sys.stdout.write(cache.get(sys.argv[1]) or '')"
    )
    theirs = subprocess.run(  # noqa: S603  # nosec B603
        [sys.executable, "-c", script, key],
        env=environment,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    assert theirs == ours


def _settings(monkeypatch, **environment) -> dict:
    monkeypatch.setenv("SECRET_KEY", "settings-test")
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(django_settings.BASE_DIR / "config" / "settings.py"))


def test_the_cache_is_shared_files_unless_redis_is_given(monkeypatch, tmp_path):
    monkeypatch.delenv("REDIS_URL", raising=False)
    default = _settings(monkeypatch, CACHE_DIR=str(tmp_path))["CACHES"]["default"]
    assert default["BACKEND"].endswith("FileBasedCache")
    assert default["LOCATION"] == str(tmp_path)
    redis_url = "redis://127.0.0.1:6379/1"
    redis = _settings(monkeypatch, REDIS_URL=redis_url)["CACHES"]["default"]
    assert redis["BACKEND"].endswith("RedisCache")
    assert redis["LOCATION"] == redis_url
