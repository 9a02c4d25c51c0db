"""Settings come from the environment, and production values pass Django's deploy checks."""

import json
import os
import subprocess
import sys

from django.conf import settings

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "actionplans.example.gov.uk",
    "SITE_URL": "https://actionplans.example.gov.uk",
}


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # Only what a deployment would have: not the test run's own variables.
    test_only = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in test_only}
    clean["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return subprocess.run(  # noqa: S603 (fixed arguments, our own manage.py)
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=clean | env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_values_pass_the_deploy_checks():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_app_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = _manage("check", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_the_app_refuses_to_start_without_site_url_when_debug_is_off():
    """Email links would otherwise carry whatever Host and port the request had."""
    env = PRODUCTION_ENV | {"SITE_URL": ""}
    result = _manage("check", **env)
    assert result.returncode != 0
    assert "SITE_URL must be set when DEBUG is off" in result.stderr


def test_a_site_url_with_a_path_or_no_scheme_is_refused():
    for value in ["actionplans.example.gov.uk", "https://example.gov.uk/actionplans"]:
        result = _manage("check", **PRODUCTION_ENV | {"SITE_URL": value})
        assert result.returncode != 0
        assert "SITE_URL must be an address such as" in result.stderr, value


def _database_settings(url: str) -> dict:
    script = (
        "import json; from django.conf import settings as s;"
        "print(json.dumps(s.DATABASES['default'], default=str))"
    )
    result = _manage("shell", "--no-imports", "-c", script, DATABASE_URL=url, DEBUG="1")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_sqlite_waits_for_a_writer_and_writes_ahead_but_postgresql_is_left_alone():
    sqlite = _database_settings("sqlite:////tmp/actionplans.sqlite3")["OPTIONS"]
    assert sqlite["transaction_mode"] == "IMMEDIATE"
    assert sqlite["timeout"] >= 20
    assert "journal_mode=WAL" in sqlite["init_command"]
    postgres = _database_settings("postgres://u:p@db.example:5432/actionplans")
    assert postgres["OPTIONS"] == {}


def test_a_bad_boolean_is_reported_by_name():
    result = _manage("check", DEBUG="maybe")
    assert "DEBUG must be true or false" in result.stderr


def test_dates_and_times_are_british():
    assert settings.TIME_ZONE == "Europe/London"
    assert settings.LANGUAGE_CODE == "en-gb"
    assert settings.SHORT_DATE_FORMAT == "d/m/Y"


def test_zero_set_up_defaults_are_a_sqlite_file_and_console_email():
    script = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.EMAIL_BACKEND, s.DEBUG)"
    )
    clean = {"DEBUG": "1", "DATABASE_URL": "", "EMAIL_BACKEND": ""}
    result = _manage("shell", "--no-imports", "-c", script, **clean)
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "django.core.mail.backends.console.EmailBackend",
        "True",
    ], result.stderr
