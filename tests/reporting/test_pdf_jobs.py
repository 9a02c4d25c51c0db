"""PDFs made by workers: the page that waits, a closed month's PDFs made once, faults.

These run without Redis. `queued_only` switches Celery from running tasks at once to its
in-process memory broker with no worker, so a PDF stays queued until the test runs the
task as a worker would (`render_pdf.apply`). tests/tasks/ does the same against a real
Redis and real worker processes.
"""

import datetime
import json

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.storage import default_storage
from django.urls import reverse

from actionplans import services
from actionplans.models import PlanMembership
from config.celery import app as celery_app
from reporting import pdfs, rendering
from reporting.models import CommitteeReport, PdfRender
from reporting.tasks import render_pdf
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued_only():
    """Tasks go to the memory broker and wait there: no worker takes them."""
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = True


def _forget_broker_connections() -> None:
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    """Redis configured but not answering (nothing listens on port 1)."""
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
    _forget_broker_connections()
    yield
    celery_app.conf.task_always_eager = True
    celery_app.conf.broker_url = "memory://"
    _forget_broker_connections()


def _pdf_url(plan, kind="summary", period="2009-09"):
    return reverse("reporting:report_pdf", args=[plan.slug, kind]) + f"?period={period}"


def _bytes(response) -> bytes:
    return b"".join(response.streaming_content)


def test_an_open_months_pdf_waits_on_a_page_that_refreshes_then_downloads(
    client, small_plan, viewer, queued_only
):
    plan = small_plan.plan
    client.force_login(viewer)
    asked = client.get(_pdf_url(plan))
    job = PdfRender.objects.get()
    status_url = reverse("reporting:pdf_status", args=[plan.slug, job.pk])
    download_url = reverse("reporting:pdf_download", args=[plan.slug, job.pk])
    assert asked.status_code == 302 and asked["Location"] == status_url

    waiting = client.get(status_url).content.decode()
    assert "Your PDF is being prepared" in waiting
    # Refreshes itself without script; with it, pdf_status.js polls the JSON instead.
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in waiting
    assert "js/pdf_status.js" in waiting
    assert json.loads(client.get(status_url, {"format": "json"}).content) == {
        "state": "queued",
        "ready": False,
        "failed": False,
        "download_url": "",
        "error": "",
    }
    assert client.get(download_url)["Location"] == status_url  # nothing half-made

    render_pdf.apply(args=[str(job.pk)])  # what a worker does

    ready = client.get(status_url).content.decode()
    assert "Your PDF is ready" in ready
    assert f'<meta http-equiv="refresh" content="0;url={download_url}">' in ready
    assert json.loads(client.get(status_url, {"format": "json"}).content)["ready"]
    pdf = client.get(download_url)
    assert _bytes(pdf).startswith(b"%PDF")
    assert "leeds-small-summary-2009-09.pdf" in pdf["Content-Disposition"]


def test_an_open_months_pdf_is_only_for_the_user_who_asked(
    client, small_plan, viewer, outsider, queued_only
):
    plan = small_plan.plan
    client.force_login(viewer)
    client.get(_pdf_url(plan))
    job = PdfRender.objects.get()
    render_pdf.apply(args=[str(job.pk)])
    colleague = factories.make_user()
    factories.make_member(plan, colleague, PlanMembership.Role.VIEWER)
    for other in [colleague, outsider]:
        client.force_login(other)
        for name in ["pdf_status", "pdf_download"]:
            url = reverse(f"reporting:{name}", args=[plan.slug, job.pk])
            assert client.get(url).status_code == 404, (other, name)


def test_a_closed_months_pdf_is_one_job_for_everyone_and_made_once(
    client, small_plan, viewer, coordinator, queued_only
):
    plan = small_plan.plan
    url = _pdf_url(plan, "progress", "2009-08")
    client.force_login(viewer)
    first = client.get(url)
    client.force_login(coordinator)
    second = client.get(url)
    job = PdfRender.objects.get()
    assert first["Location"] == second["Location"]
    assert not job.is_draft and job.requested_by is None

    # Two workers handed the same job: one lays it out, the other finds nothing to do.
    assert render_pdf.apply(args=[str(job.pk)]).result is True
    assert render_pdf.apply(args=[str(job.pk)]).result is False
    job.refresh_from_db()
    assert (job.state, job.attempts) == (PdfRender.State.READY, 1)
    served = client.get(url)
    assert served.status_code == 200 and _bytes(served).startswith(b"%PDF")


def test_closing_a_month_makes_all_its_pdfs_and_downloads_are_the_stored_files(
    client,
    small_plan,
    viewer,
    coordinator,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.PDF_PRERENDER = True
    september = small_plan.september
    factories.make_update(september, action=small_plan.a42, progress="On track.")
    with django_capture_on_commit_callbacks(execute=True):
        services.period_close(period=september, user=coordinator)

    targets = pdfs.period_pdf_targets(september)
    kinds = sorted(t.kind for t in targets)
    # Summary, progress, exceptions, one per chief officer, and the now complete quarter.
    assert kinds == [
        "chief-officer",
        "chief-officer",
        "exceptions",
        "progress",
        "scrutiny",
        "summary",
    ]
    jobs = PdfRender.objects.all()
    assert sorted(j.storage_name for j in jobs) == sorted(
        t.storage_name for t in targets
    )
    assert {j.state for j in jobs} == {PdfRender.State.READY}
    assert all(default_storage.exists(j.storage_name) for j in jobs)

    client.force_login(viewer)
    for target in targets:
        if target.kind == "scrutiny":
            url = reverse("reporting:scrutiny_pdf", args=[target.plan.slug, "2009-q3"])
        else:
            url = _pdf_url(target.plan, target.kind, "2009-09")
            if target.filters.chief_officer:
                url += f"&chief_officer={target.filters.chief_officer}"
        response = client.get(url)
        assert response.status_code == 200, url
        assert target.filename in response["Content-Disposition"]
    assert PdfRender.objects.count() == len(targets)  # nothing made again


def test_a_quarter_with_its_own_committee_report_queues_that_not_a_scrutiny_pack(
    small_plan, coordinator, settings, django_capture_on_commit_callbacks
):
    """The quarter's scrutiny links open its committee report, so only that is made;
    a half-year report covering the month is made too."""
    settings.PDF_PRERENDER = True
    plan, september = small_plan.plan, small_plan.september
    quarter = CommitteeReport.objects.create(
        plan=plan, first_month=datetime.date(2009, 7, 1), last_month=september.month
    )
    half_year = CommitteeReport.objects.create(
        plan=plan,
        first_month=datetime.date(2009, 4, 1),
        last_month=datetime.date(2009, 9, 1),
    )
    factories.make_update(september, action=small_plan.a42, progress="On track.")
    with django_capture_on_commit_callbacks(execute=True):
        services.period_close(period=september, user=coordinator)

    targets = pdfs.period_pdf_targets(september)
    assert "scrutiny" not in {t.kind for t in targets}
    committees = {t.committee.pk for t in targets if t.kind == "committee"}
    assert committees == {quarter.pk, half_year.pk}


def test_a_pdf_over_the_time_limit_says_so_and_is_not_tried_again_for_an_hour(
    client, small_plan, viewer, monkeypatch, caplog
):
    def stopped_by_the_soft_time_limit(report):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(rendering, "report_pdf", stopped_by_the_soft_time_limit)
    client.force_login(viewer)
    url = _pdf_url(small_plan.plan, "progress", "2009-08")
    response = client.get(url)
    assert response.status_code == 503
    page = response.content.decode()
    assert "The PDF took too long to make." in page
    assert "/reports/progress/?period=2009-08" in page  # the page to use instead
    assert "over the time limit" in caplog.text
    again = client.get(url)
    assert again.status_code == 503
    assert PdfRender.objects.get().attempts == 1  # refused at once, not laid out again


def test_a_job_whose_worker_keeps_dying_is_given_up(small_plan, viewer, queued_only):
    target = pdfs.pdf_target(plan=small_plan.plan, kind="summary")
    job = pdfs.pdf_request(target=target, user=viewer)
    # Each delivery of the same task after its worker died takes the job over again.
    PdfRender.objects.filter(pk=job.pk).update(
        state=PdfRender.State.RENDERING, runner="task-1", attempts=pdfs.MAX_ATTEMPTS
    )
    assert pdfs.pdf_render(str(job.pk), runner="another-task") is False
    assert pdfs.pdf_render(str(job.pk), runner="task-1") is True
    job.refresh_from_db()
    assert job.is_failed and job.error == rendering.PDF_FAILED


def test_with_redis_down_a_month_still_closes_and_its_pdfs_are_made_on_download(
    client,
    small_plan,
    viewer,
    coordinator,
    settings,
    broker_down,
    caplog,
    django_capture_on_commit_callbacks,
):
    settings.PDF_PRERENDER = True
    september = small_plan.september
    with django_capture_on_commit_callbacks(execute=True):
        services.period_close(period=september, user=coordinator)
    september.refresh_from_db()
    assert september.is_closed
    assert "Could not queue reporting.tasks.render_pdf" in caplog.text
    # The first failure stops the rest: each try takes seconds.
    assert list(PdfRender.objects.values_list("state", "runner")) == [("queued", "")]

    client.force_login(viewer)
    response = client.get(_pdf_url(small_plan.plan, "summary", "2009-09"))
    assert response.status_code == 200
    assert _bytes(response).startswith(b"%PDF")
    assert "doing it in this process" in caplog.text
