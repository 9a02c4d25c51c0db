"""Settings come from the environment, and production values pass Django's deploy checks."""

import json

from django.conf import settings

from tests.config.environment import PRODUCTION_ENV
from tests.config.environment import manage as _manage


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


def test_management_commands_print_nothing_but_their_own_output():
    """django-axes announced its version on every command; it logs warnings only now."""
    for env in (PRODUCTION_ENV, {"DEBUG": "1"}):
        result = _manage("check", **env)
        assert result.returncode == 0, result.stderr
        assert result.stdout == "System check identified no issues (0 silenced).\n"
        assert result.stderr == ""
