"""Settings for the benchmark's load test: production settings served over plain HTTP.

gunicorn listens on 127.0.0.1 only, without TLS, so the secure-cookie and HTTPS-redirect
settings that production needs would stop the simulated users from logging in. Everything
else (DEBUG off, the database from DATABASE_URL, the middleware) is the production setup.
"""

import os

os.environ.setdefault("SECRET_KEY", "benchmark-load-test-only-not-a-secret")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("SITE_URL", "http://127.0.0.1")
os.environ["DEBUG"] = "0"
os.environ["SECURE_SSL_REDIRECT"] = "0"

from config.settings import *  # noqa: E402,F403

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
