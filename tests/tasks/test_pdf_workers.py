"""Report PDFs laid out by real workers: once each, again after a worker is killed, and
stopped at the time limit. See conftest.py for how the workers are started."""

import io
import os
import re
import signal
import subprocess  # nosec B404
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from pypdf import PdfReader

from actionplans import services
from actionplans.models import PlanMembership, ReportingPeriod
from reporting import pdfs
from reporting.models import PdfRender
from reporting.tasks import render_pdf
from tests import factories

from .conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

CLOSED = ReportingPeriod.State.CLOSED


def _plan(narrative_repeats: int = 1):
    """July and August closed, September open; two chief officers; an August narrative
    as long as asked (a long one takes the layout seconds)."""
    plan = factories.make_plan(slug="workers")
    lead = factories.make_officer("Hilary Paxton", "Head of Adult Safeguarding")
    chiefs = [
        factories.make_officer("", "Director of Adult Social Services"),
        factories.make_officer("", "Chief Officer (Resources)"),
    ]
    july = factories.make_period(plan, 2009, 7, state=CLOSED)
    august = factories.make_period(plan, 2009, 8, state=CLOSED)
    september = factories.make_period(plan, 2009, 9)
    for n, chief in enumerate(chiefs, start=1):
        action = factories.make_action(
            plan, f"1.{n}", text="Meet partners.", leads=[lead], chief_officers=[chief]
        )
        factories.make_update(july, action=action, progress="Met in July.")
        factories.make_update(
            august, action=action, progress="Met again. " * narrative_repeats
        )
        factories.make_update(september, action=action, progress="Meeting soon.")
    return plan, september


def _rendered(workers, *names: str) -> list[str]:
    """Every "PDF rendered: <storage name>" line the named workers logged."""
    text = "".join(workers.log(name) for name in names)
    return re.findall(r"PDF rendered: (\S+)", text)


def test_two_workers_and_a_beat_lay_out_a_closed_months_pdfs_once_each(
    workers, settings
):
    settings.PDF_PRERENDER = True
    plan, september = _plan()
    coordinator = factories.make_user()
    factories.make_member(plan, coordinator, PlanMembership.Role.COORDINATOR)
    workers.worker("w1")
    workers.worker("w2")
    workers.beat()

    services.period_close(period=september, user=coordinator)

    targets = pdfs.period_pdf_targets(september)
    names = sorted(t.storage_name for t in targets)
    assert len(names) == 6  # summary, progress, exceptions, 2 chief officers, quarter
    wait_for(
        lambda: PdfRender.objects.filter(state="ready").count() == len(names),
        seconds=90,
        what=f"{len(names)} PDFs",
    )
    assert sorted(_rendered(workers, "w1", "w2")) == names  # each exactly once
    assert set(PdfRender.objects.values_list("attempts", flat=True)) == {1}
    for name in names:
        with default_storage.open(name, "rb") as stored:
            assert PdfReader(io.BytesIO(stored.read())).pages
    # Both workers took part (each takes one task at a time).
    assert _rendered(workers, "w1") and _rendered(workers, "w2")


def _pool_child(worker: subprocess.Popen) -> int:
    """The pid of the worker's one pool process, which runs the tasks."""
    children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text()
    children = children.split()
    assert len(children) == 1, children
    return int(children[0])


def test_a_worker_killed_mid_layout_is_retried_and_no_partial_file_is_served(
    workers, client
):
    plan, _ = _plan(narrative_repeats=6_000)
    viewer = factories.make_user()
    factories.make_member(plan, viewer, PlanMembership.Role.VIEWER)
    client.force_login(viewer)
    worker = workers.worker("w1")

    asked = client.get(
        reverse("reporting:report_pdf", args=[plan.slug, "progress"]),
        {"period": "2009-08"},
    )
    assert asked.status_code == 302
    job = PdfRender.objects.get()
    wait_for(
        lambda: PdfRender.objects.filter(pk=job.pk, state="rendering").exists(),
        seconds=30,
        what="the layout to start",
    )
    os.kill(_pool_child(worker), signal.SIGKILL)  # as the out-of-memory killer would
    download = reverse("reporting:pdf_download", args=[plan.slug, job.pk])
    assert client.get(download).status_code == 302  # not ready: nothing served

    wait_for(
        lambda: PdfRender.objects.filter(pk=job.pk, state="ready").exists(),
        seconds=120,
        what="the second attempt",
    )
    job.refresh_from_db()
    assert job.attempts == 2
    pdf = b"".join(client.get(download).streaming_content)
    assert len(PdfReader(io.BytesIO(pdf)).pages) > 1
    assert "WorkerLostError" in workers.log("w1") or "exited" in workers.log("w1")


def test_a_layout_over_the_time_limit_is_stopped_and_the_user_told(
    workers, client, monkeypatch
):
    plan, _ = _plan(narrative_repeats=30_000)
    viewer = factories.make_user()
    factories.make_member(plan, viewer, PlanMembership.Role.VIEWER)
    client.force_login(viewer)
    # The limits travel with the task's message, from the process that queues it: this
    # one, whose settings were read at start (PDF_RENDER_TIMEOUT), so set them here.
    # The stylesheets are parsed before the layout (rendering.print_stylesheets), so the
    # limit can only land in the layout itself, which takes far longer than 3 s.
    monkeypatch.setattr(render_pdf, "soft_time_limit", 3)
    monkeypatch.setattr(render_pdf, "time_limit", 16)
    monkeypatch.setattr(render_pdf, "_exec_options", None)  # Celery's copy of them
    workers.worker("w1")

    asked = client.get(
        reverse("reporting:report_pdf", args=[plan.slug, "progress"]),
        {"period": "2009-08"},
    )
    job = PdfRender.objects.get()
    wait_for(
        lambda: PdfRender.objects.filter(pk=job.pk, state="failed").exists(),
        seconds=60,
        what="the time limit",
    )
    page = client.get(asked["Location"])
    assert page.status_code == 503
    assert "The PDF took too long to make." in page.content.decode()
    job.refresh_from_db()
    assert job.timed_out and job.attempts == 1
