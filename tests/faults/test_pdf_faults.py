"""The process laying out a PDF dies mid-job: that request fails clearly, the next works.

The renderer is killed for real, with SIGKILL, as the kernel's out-of-memory killer or
an operator would; before, a dead pool process broke every later PDF of the web worker.
"""

import multiprocessing
import os
import signal
import threading
import time

import pytest
from django.urls import reverse

from actionplans.models import PlanMembership, ReportingPeriod
from reporting import rendering
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def pdfs_in_a_child(settings, tmp_path):
    """Production's PDF processes, with storage in a throw-away folder (tests/settings.py
    gives the production file cache)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PDF_RENDER_PROCESSES = 1
    settings.PDF_RENDER_TIMEOUT = 60
    # The first PDF starts the forkserver; later ones start in milliseconds.
    rendering.html_to_pdf_in_child('<html lang="en"><p>Warm up</p></html>', timeout=60)


def _kill_the_renderer_once_it_runs(killed: list[int]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        running = [
            p for p in multiprocessing.active_children() if p.name == "report-pdf"
        ]
        if running:
            time.sleep(0.2)  # well into the layout
            os.kill(running[0].pid, signal.SIGKILL)
            killed.append(running[0].pid)
            return
        time.sleep(0.01)


def test_a_renderer_killed_mid_job_fails_that_request_and_the_next_pdf_works(
    client, pdfs_in_a_child, caplog
):
    plan = factories.make_plan()
    closed = ReportingPeriod.State.CLOSED
    july = factories.make_period(plan, 2009, 7, state=closed)
    august = factories.make_period(plan, 2009, 8, state=closed)
    action = factories.make_action(plan, "1.1", text="Meet partners.")
    factories.make_update(july, action=action, progress="Met in July.")
    factories.make_update(august, action=action, progress="Met again. " * 50_000)
    user = factories.make_user()
    factories.make_member(plan, user, PlanMembership.Role.VIEWER)
    client.force_login(user)
    url = reverse("reporting:report_pdf", args=[plan.slug, "progress"])

    killed: list[int] = []
    killer = threading.Thread(target=_kill_the_renderer_once_it_runs, args=[killed])
    killer.start()
    response = client.get(url, {"period": "2009-08"})
    killer.join()

    assert killed, "the renderer never started"
    assert response.status_code == 503
    assert "The PDF could not be made this time." in response.content.decode()
    assert "the PDF process died (exit code -9)" in caplog.text
    assert multiprocessing.active_children() == []
    after = client.get(url, {"period": "2009-07"})
    assert after.status_code == 200
    assert after.content.startswith(b"%PDF")
