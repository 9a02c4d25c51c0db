"""Security gates: headers, login throttling, audit logging, escaping, IDOR."""

import json
import logging
import re

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from actionplans.models import ProgressUpdate
from tests.actionplans.conftest import Cycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(db):
    return Cycle()


def test_pages_send_a_strict_content_security_policy_and_the_other_headers(
    client, cycle
):
    client.force_login(cycle.lead)
    response = client.get(reverse("home"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    # A nonce appears only on pages that need one; nothing inline is allowed otherwise.
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_no_page_carries_inline_styles_or_scripts(client, cycle):
    client.force_login(cycle.coordinator)
    urls = [
        reverse("home"),
        cycle.plan.get_absolute_url(),
        cycle.action.get_absolute_url(),
        reverse("actionplans:update_form", args=[cycle.plan.slug, cycle.action.pk]),
        reverse("actionplans:period_list", args=[cycle.plan.slug]),
    ]
    for url in urls:
        page = client.get(url).content.decode()
        assert " style=" not in page, url
        assert "<script>" not in page and "<style>" not in page, url


@override_settings(
    DEBUG=False,
    SECURE_HSTS_SECONDS=31536000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
    SECURE_SSL_REDIRECT=True,
)
def test_production_settings_send_hsts_and_secure_cookies(client, cycle):
    assert client.get(reverse("login")).status_code == 301  # to HTTPS
    response = client.get(reverse("login"), secure=True)
    assert (
        response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    )
    assert response.cookies["csrftoken"]["secure"]
    response = client.post(
        reverse("login"),
        {"username": "lead", "password": "pw-for-tests-1"},
        secure=True,
    )
    assert (
        response.cookies["sessionid"]["secure"]
        and response.cookies["sessionid"]["httponly"]
    )


def _login(client, username, password, address):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def test_login_throttling_is_per_username_and_address_with_a_cool_off(
    client, cycle, caplog
):
    office = "10.1.1.1"
    with caplog.at_level(logging.WARNING, logger="actionplans.security"):
        for _ in range(5):
            _login(client, "lead", "wrong", office)
    assert "login failed: username='lead' address=10.1.1.1" in caplog.text
    locked = _login(client, "lead", "pw-for-tests-1", office)
    assert locked.status_code == 429
    assert "Too many sign-in attempts" in locked.content.decode()
    # A colleague in the same office is not locked out, nor the same user elsewhere.
    assert _login(client, "chief", "pw-for-tests-1", office).status_code == 302
    client.logout()
    assert _login(client, "lead", "pw-for-tests-1", "10.9.9.9").status_code == 302
    client.logout()
    # After the cool-off the user can sign in again: it is not a permanent lock.
    from axes.models import AccessAttempt

    AccessAttempt.objects.update(attempt_time="2000-01-01T00:00:00Z")
    assert _login(client, "lead", "pw-for-tests-1", office).status_code == 302


def test_permission_refusals_are_logged_with_user_address_and_path(
    client, cycle, caplog
):
    client.force_login(cycle.viewer)
    url = reverse("actionplans:period_list", args=[cycle.plan.slug])
    with caplog.at_level(logging.WARNING, logger="actionplans.security"):
        response = client.get(url, REMOTE_ADDR="10.2.2.2")
    assert response.status_code == 403
    assert (
        f"permission refused: user='viewer' address=10.2.2.2 GET {url}" in caplog.text
    )


HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_stored_html_is_shown_escaped(client, cycle):
    cycle.lead_officer.name = HOSTILE
    cycle.lead_officer.save()
    ProgressUpdate.objects.filter(period=cycle.august, action=cycle.action).update(
        progress=HOSTILE, risk=HOSTILE
    )
    cycle.action.text = HOSTILE
    cycle.action.save()
    client.force_login(cycle.coordinator)
    urls = [
        reverse("home"),
        cycle.plan.get_absolute_url(),
        cycle.action.get_absolute_url(),
        reverse("actionplans:update_form", args=[cycle.plan.slug, cycle.action.pk]),
        reverse("actionplans:period_list", args=[cycle.plan.slug]),
    ]
    client.force_login(cycle.lead)
    urls.append(reverse("home"))
    for url in urls:
        page = client.get(url).content.decode()
        assert "<script>alert" not in page and "<img src=x" not in page, url


def test_sessions_expire_after_inactivity(settings):
    assert settings.SESSION_SAVE_EVERY_REQUEST and settings.SESSION_COOKIE_AGE <= 3600


def _dump(path) -> None:
    """The backup command of README."""
    call_command(
        "dumpdata",
        "auth.user",
        "auth.group",
        "organisations",
        "recommendations",
        "actionplans",
        "reporting",
        "axes",
        natural_foreign=True,
        output=str(path),
        verbosity=0,
    )


def _rows(dump: str) -> list:
    # dumpdata writes times to the millisecond and leaves out a zero fraction, so a
    # time taken at 12:00:00.000400 is written "12:00:00.000Z", restored as 12:00:00
    # and written again as "12:00:00Z": the same instant, spelt two ways.
    dump = re.sub(r'(T\d\d:\d\d:\d\d)\.000(Z|[+-]\d\d:\d\d)"', r'\1\2"', dump)
    return sorted(json.loads(dump), key=lambda row: (row["model"], str(row["pk"])))


@pytest.mark.django_db(transaction=True)
def test_a_backup_of_a_plan_with_its_history_restores_identically(tmp_path, client):
    """dumpdata / restore_backup, the documented portable backup path."""
    cycle = Cycle()
    client.force_login(cycle.lead)
    url = reverse("actionplans:update_form", args=[cycle.plan.slug, cycle.action.pk])
    client.get(url)
    backup = tmp_path / "backup.json"
    _dump(backup)
    before = backup.read_text()
    call_command("flush", interactive=False, verbosity=0)
    assert not ProgressUpdate.history.exists()
    call_command("restore_backup", str(backup), verbosity=0)
    again = tmp_path / "again.json"
    _dump(again)
    assert _rows(again.read_text()) == _rows(before)
    assert ProgressUpdate.history.count() > 0
