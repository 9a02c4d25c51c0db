"""Settings for Actionplans, read from environment variables.

Every variable's default is the safe, zero-set-up choice: a SQLite file in the project
folder, DEBUG off, console email. Production differs only by environment (see README).
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    """The variable's value; an empty value counts as unset."""
    return os.environ.get(name) or default


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"{name} must be a whole number, not {value!r}"
        ) from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_site(name: str, default: str = "") -> str:
    """A site's address, scheme and host (and port) with no path; "" when unset."""
    value = env_str(name, default).rstrip("/")
    if not value:
        return ""
    parts = urlsplit(value)
    if (
        parts.scheme not in {"http", "https"}
        or not parts.netloc
        or parts.path
        or parts.query
        or parts.fragment
    ):
        raise ImproperlyConfigured(
            f"{name} must be an address such as https://actionplans.example.gov.uk, "
            f"with no path, not {value!r}"
        )
    return value


DEBUG = env_bool("DEBUG", False)
# Demo mode loads the demo users and prints their passwords; never set it in production.
DEMO_MODE = env_bool("DEMO_MODE", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-key-only-used-with-debug-on"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The address people use. Links in emails are built from it, never from the request's
# Host header or the port the app listens on behind its proxy.
SITE_URL = env_site("SITE_URL")
if not SITE_URL:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SITE_URL must be set when DEBUG is off: the address people use, "
            "e.g. https://actionplans.example.gov.uk"
        )
    SITE_URL = "http://127.0.0.1:8000"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles: runserver (the demo) then serves static files through WhiteNoise
    # too, with the same headers a deployment gives.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "simple_history",
    "import_export",
    "axes",
    "csp",
    "organisations",
    "recommendations",
    "actionplans",
    "amendments",
    "evidence",
    "measures",
    "reporting",
    "publishing",
    "feeds",
    "imports",
    "reminders",
    "search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files from the app itself, after the HTTPS redirect and before everything
    # that needs a session or the database: compressed, with far-future caching.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages, CSV and JSON compressed (not files that are compressed already); see README
    # for why this is safe from BREACH here.
    "lib.compression.TextGZipMiddleware",
    "csp.middleware.CSPMiddleware",
    # A view whose database cannot be reached gets the 503 page, not a 500.
    "actionplans.security.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records the logged-in user on every history row a request writes.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Counts failed logins and refuses them during a cool-off (django-axes).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Login throttling keyed on the username *and* the address together: a council office
# shares one address, so one person's typos must not lock out their colleagues, and a
# lockout ends by itself after the cool-off rather than needing an administrator.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 0) or None

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite lets one writer at a time into the whole file. Starting every transaction
    # as a writer (IMMEDIATE) makes a save wait for a month close to finish instead of
    # failing with "database is locked" half-way; WAL lets pages read meanwhile.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("SQLITE_TIMEOUT", 20),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        **DATABASES["default"].get("OPTIONS", {}),
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2id first, as Django recommends: a sign-in costs about 0.26 s of one core here
# against PBKDF2's 0.65 s (README, "Benchmarks"), and it is memory-hard. A password
# stored with an older hasher still signs in, and is re-hashed with Argon2 when it does.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Password reset links: at most this many per email address and per account in the
# window, counted in the cache, so a form posted in a loop cannot flood an inbox.
PASSWORD_RESET_LIMIT = env_int("PASSWORD_RESET_LIMIT", 3)
PASSWORD_RESET_WINDOW_MINUTES = env_int("PASSWORD_RESET_WINDOW_MINUTES", 60)

# Sessions end after inactivity: the expiry is renewed on every request.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# Files browsers ask for at the site's root (/favicon.ico), served there by WhiteNoise.
WHITENOISE_ROOT = BASE_DIR / "webroot"
# With DEBUG, files are found in static/ as they change, with no collectstatic (WhiteNoise
# reads DEBUG itself, but the test runner turns that off; this is the environment's).
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "media/"

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
# With the file backend (django.core.mail.backends.filebased.EmailBackend), the folder.
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / "sent-mail"))
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "actionplans@localhost")

# Security: strict unless DEBUG is on (local development over plain HTTP).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content Security Policy: nothing inline without a nonce, nothing from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# A PDF still being laid out after this many seconds is stopped (the worker's soft time
# limit) and its requester told the report is too long to print in one go.
PDF_RENDER_TIMEOUT = env_int("PDF_RENDER_TIMEOUT", 60)
if PDF_RENDER_TIMEOUT <= 0:
    raise ImproperlyConfigured("PDF_RENDER_TIMEOUT must be a number of seconds above 0")

# One cache every web worker and server shares (closed months' report bodies, counters):
# Redis when REDIS_URL is set, else files in CACHE_DIR, which every process on the one
# machine shares. Never per-process memory, where each worker would answer differently.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "lib.cache.ForgivingRedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that is down costs a page two seconds at most, not a hang.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env_str("CACHE_DIR", str(BASE_DIR / "cache")),
            # Django's default, 300 files, is a third culled on every write past it:
            # a few plans' closed months (a file per month's figures, per report body)
            # would push each other out and be counted again on every read.
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }

# Background and scheduled work (config/celery.py): Celery with Redis as its broker. With
# no REDIS_URL every task runs at once in the process that asks for it, so the demo needs
# nothing but SQLite. Tasks are acknowledged only once done and requeued if their worker
# dies, so a PDF or an email interrupted half-way is done again, never lost.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task a worker took but never acknowledged (the worker was killed) goes back to the
# queue after this long. Longer than any task runs or waits for a retry.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 15 * 60),
    # Without a broker, asking for a task fails in seconds rather than hanging a page.
    "socket_connect_timeout": 3,
    "socket_timeout": 10,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0.2}
CELERY_TIMEZONE = TIME_ZONE
# When beat runs the day's reminders and escalation, Europe/London time (HH:MM).
REMINDERS_AT = env_str("REMINDERS_AT", "07:00")
try:
    _reminders_hour, _reminders_minute = (int(p) for p in REMINDERS_AT.split(":"))
    assert 0 <= _reminders_hour < 24 and 0 <= _reminders_minute < 60  # noqa: S101  # nosec B101
except (ValueError, AssertionError) as exc:
    raise ImproperlyConfigured(
        f"REMINDERS_AT must be a time such as 07:00, not {REMINDERS_AT!r}"
    ) from exc
CELERY_BEAT_SCHEDULE = {
    # Reminders and escalation, once a day. Exactly one beat must run.
    "send-reminders": {
        "task": "reminders.tasks.send_reminders",
        "schedule": crontab(hour=_reminders_hour, minute=_reminders_minute),
    },
    # Open months' PDFs are kept a day for the user who asked; then deleted.
    "prune-pdfs": {
        "task": "reporting.tasks.prune_pdfs",
        "schedule": crontab(hour=3, minute=30),
    },
}
# Closing or amending a month queues the PDFs of all its reports, so boards download
# stored files. On by default only with a worker to do it: the demo's close would
# otherwise wait while a dozen PDFs are laid out; its PDFs are made on first download.
PDF_PRERENDER = env_bool("PDF_PRERENDER", bool(REDIS_URL))

# Uploads and generated PDFs: files under MEDIA_ROOT, or S3-compatible object storage
# (django-storages) when STORAGE_BUCKET is set, which every app server shares. Files are
# private: every download goes through a view that checks the user may see it.
STORAGE_BUCKET = env_str("STORAGE_BUCKET")
if STORAGE_BUCKET:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": STORAGE_BUCKET,
            "endpoint_url": env_str("STORAGE_ENDPOINT_URL") or None,
            "region_name": env_str("STORAGE_REGION") or None,
            "access_key": env_str("STORAGE_ACCESS_KEY") or None,
            "secret_key": env_str("STORAGE_SECRET_KEY") or None,
            "location": env_str("STORAGE_PREFIX"),
            "default_acl": "private",
            "querystring_auth": True,
            # Two servers saving the same name keep both; the code keeps one copy.
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    # Deployed, `collectstatic` writes each file under a name holding its hash, with
    # gzip and Brotli copies, so WhiteNoise can let browsers keep it for a year. With
    # DEBUG (the demo, the tests) files are served as they are from static/, no collectstatic.
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Evidence files: the largest accepted (bytes; 20 MB by default).
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)

# A spreadsheet import reads at most this many rows (blank ones included) and gives up
# after this many seconds of reading, well inside gunicorn's 120-second worker timeout.
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 5000)
IMPORT_PARSE_TIMEOUT = env_int("IMPORT_PARSE_TIMEOUT", 30)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # WeasyPrint logs every layout step, and a warning for every screen-only CSS rule
        # of app.css; only its errors are worth a line.
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
        # django-axes logs its version at every start and each sign-in at INFO. Failed
        # sign-ins are on the actionplans.security log already; its lockouts are warnings.
        "axes": {"level": "WARNING"},
    },
}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
