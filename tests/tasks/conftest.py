"""Real Celery workers and beat against a real Redis, on the tests' PostgreSQL database.

These tests run only when TASK_WORKER_TESTS=1 (`.ci/run` sets it, with REDIS_URL and a
PostgreSQL DATABASE_URL): the workers are separate processes, so they need a database
server they can share with the test (rows are committed: `transaction=True`) and a
broker. Each worker is started as README says, `celery -A config worker`, and its log
is read back to see what it did.
"""

import os
import signal
import subprocess  # nosec B404: our own celery command, no shell
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

REQUIRED = os.environ.get("TASK_WORKER_TESTS") == "1"


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    mine = [i for i in items if Path(str(i.fspath)).is_relative_to(here)]
    if REQUIRED:
        return
    skip = pytest.mark.skip(reason="real workers: run with TASK_WORKER_TESTS=1")
    for item in mine:
        item.add_marker(skip)


class Workers:
    """Celery processes started for one test; stopped (and reaped) at its end."""

    def __init__(self, folder: Path, env: dict[str, str]):
        self.folder = folder
        self.env = env
        self.processes: dict[str, subprocess.Popen] = {}

    def log(self, name: str) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text() if path.exists() else ""

    def start(self, name: str, *args: str, ready: str, **env: str) -> subprocess.Popen:
        log = self.folder / f"{name}.log"
        process = subprocess.Popen(  # noqa: S603  # nosec B603
            [sys.executable, "-m", "celery", "-A", "config", *args, f"--logfile={log}"],
            env=self.env | env,
            cwd=settings.BASE_DIR,
            stdout=subprocess.DEVNULL,
            stderr=(self.folder / f"{name}.err").open("w"),
        )
        self.processes[name] = process
        deadline = time.monotonic() + 60
        while ready not in self.log(name):
            if process.poll() is not None or time.monotonic() > deadline:
                err = (self.folder / f"{name}.err").read_text()
                raise RuntimeError(f"{name} did not start:\n{self.log(name)}\n{err}")
            time.sleep(0.2)
        return process

    def worker(self, name: str, **env: str) -> subprocess.Popen:
        return self.start(
            name,
            "worker",
            "--concurrency=1",
            "--pool=prefork",
            f"--hostname={name}@%h",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            ready=" ready.",
            **env,
        )

    def beat(self, name: str = "beat", **env: str) -> subprocess.Popen:
        schedule = self.folder / "beat-schedule"
        return self.start(
            name,
            "beat",
            f"--schedule={schedule}",
            "--loglevel=INFO",
            ready="beat: Starting",
            **env,
        )

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def workers(tmp_path, settings):
    """Start workers with `workers.worker(name)`; they share this test's database, Redis
    (emptied first), storage folder and email folder."""
    if connection.vendor != "postgresql":
        pytest.fail("The worker tests need PostgreSQL (DATABASE_URL).")
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url or settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.fail("The worker tests need REDIS_URL, and tasks not run eagerly.")
    redis.Redis.from_url(redis_url).flushdb()
    media, mail = tmp_path / "media", tmp_path / "mail"
    media.mkdir()
    mail.mkdir()
    settings.MEDIA_ROOT = media
    db = connection.settings_dict
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
            f"/{db['NAME']}"
        ),
        "REDIS_URL": redis_url,
        "MEDIA_ROOT": str(media),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail),
    }
    started = Workers(tmp_path, env)
    started.mail = mail
    yield started
    started.stop()


def wait_for(condition, *, seconds: float, what: str):
    """Poll until `condition()` is truthy; its value, or a failure saying what was awaited."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.25)
    pytest.fail(f"Waited {seconds} s for {what}")
