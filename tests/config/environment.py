"""A deployment's environment, and manage.py run in it as a separate process."""

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


def deployment_env(**env: str) -> dict[str, str]:
    """Only what a deployment would have: not the test run's own variables."""
    test_only = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in test_only}
    clean["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return clean | env


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (fixed arguments, our own manage.py)
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=deployment_env(**env),
        capture_output=True,
        text=True,
        check=False,
    )
