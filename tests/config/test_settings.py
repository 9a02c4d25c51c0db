"""Settings come from the environment, and production values pass Django's deploy checks."""

import os
import subprocess
import sys

from django.conf import settings

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "actionplans.example.gov.uk",
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
