"""Test settings: the real settings, with the environment a developer's machine would give.

Only defaults are set, so CI's DATABASE_URL (PostgreSQL) and a test's own values still apply.
"""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key")

from config.settings import *  # noqa: E402,F403

# The benchmark is a development tool, not installed in production; its tests need it.
INSTALLED_APPS = [*INSTALLED_APPS, "benchmarks"]  # noqa: F405

# Hashing passwords slowly only slows the tests down.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The production file cache, in a folder of this run's own: parallel runs never share keys,
# and the tests never clear a developer's cache.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": tempfile.mkdtemp(prefix="actionplans-test-cache-"),
    }
}

# Uploads and stored PDFs in a folder of this run's own, never the project's media/ (the
# worker tests give their workers the test's folder through MEDIA_ROOT).
MEDIA_ROOT = Path(
    os.environ.get("MEDIA_ROOT") or tempfile.mkdtemp(prefix="actionplans-test-media-")
)
