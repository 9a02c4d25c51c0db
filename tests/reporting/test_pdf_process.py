"""PDFs laid out in a child process under a time limit, as in production.

The tests elsewhere lay PDFs out in their own thread (PDF_RENDER_PROCESSES=0); these use
the real child process. The renderer killed mid-job is in tests/faults/test_pdf_faults.py.
"""

import io
import multiprocessing
import time

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from pypdf import PdfReader

from reporting import rendering
from reporting.selectors import Kind, period_report_build
from tests import factories
from tests.reporting.test_pdf import AUGUST

pytestmark = pytest.mark.django_db

# A narrative far too long to lay out in a second (a 1 MB paste).
HUGE_NARRATIVE = "Meeting held with partners to agree the strategy. " * 20_000


def _text(pdf: PdfReader) -> list[str]:
    """Each page's text without the "Printed …" time, which may tick over between runs."""
    return [
        "\n".join(
            line for line in page.extract_text().splitlines() if "Printed" not in line
        )
        for page in pdf.pages
    ]


@pytest.fixture
def in_child(settings):
    """PDFs in a child process; the first one, made here, starts the forkserver."""
    settings.PDF_RENDER_PROCESSES = 1
    settings.PDF_RENDER_TIMEOUT = 60
    rendering.html_to_pdf_in_child('<html lang="en"><p>Warm up</p></html>', timeout=60)
    return settings


@pytest.fixture
def huge_august(small_plan):
    factories.make_update(
        small_plan.august,
        action=factories.make_action(small_plan.plan, "4.4"),
        progress=HUGE_NARRATIVE,
    )
    return small_plan


def test_the_pdf_process_lays_out_the_same_report(small_plan, in_child):
    report = period_report_build(plan=small_plan.plan, kind=Kind.SUMMARY, month=AUGUST)
    html = rendering.report_print_html(report)
    in_process = rendering.html_to_pdf_in_child(html, timeout=60)
    in_thread = rendering.html_to_pdf(html)
    assert _text(PdfReader(io.BytesIO(in_process))) == _text(
        PdfReader(io.BytesIO(in_thread))
    )
    assert multiprocessing.active_children() == []


def test_a_pdf_over_the_time_limit_is_killed_and_leaves_no_process(
    huge_august, in_child, caplog
):
    in_child.PDF_RENDER_TIMEOUT = 1
    started = time.monotonic()
    with pytest.raises(rendering.PdfRenderError) as raised:
        rendering.report_pdf_file(
            plan=huge_august.plan, kind=Kind.PROGRESS, month=AUGUST
        )
    assert time.monotonic() - started < 5
    assert raised.value.timed_out
    assert str(raised.value) == rendering.PDF_TOO_LONG
    assert multiprocessing.active_children() == []
    assert "leeds-small progress (August 2009) not made: over 1 s" in caplog.text
    assert not default_storage.exists("reports")


def test_a_closed_months_pdf_that_ran_over_fails_at_once_next_time(
    huge_august, in_child
):
    in_child.PDF_RENDER_TIMEOUT = 1
    for _ in range(2):
        started = time.monotonic()
        with pytest.raises(rendering.PdfRenderError):
            rendering.report_pdf_file(
                plan=huge_august.plan, kind=Kind.PROGRESS, month=AUGUST
            )
    assert time.monotonic() - started < 0.5


def test_a_pdf_over_the_time_limit_is_a_clear_page_with_the_way_round_it(
    client, huge_august, viewer, in_child
):
    in_child.PDF_RENDER_TIMEOUT = 1
    client.force_login(viewer)
    slug = huge_august.plan.slug
    url = reverse("reporting:report_pdf", args=[slug, "progress"])
    response = client.get(url, {"period": "2009-08", "status": "none"})
    assert response.status_code == 503
    page = response.content.decode()
    assert "The PDF took too long to make." in page
    page_url = reverse("reporting:report", args=[slug, "progress"])
    assert f'href="{page_url}?period=2009-08&amp;status=none"' in page
    xlsx_url = reverse("reporting:report_xlsx", args=[slug, "progress"])
    assert f'href="{xlsx_url}?period=2009-08&amp;status=none"' in page
    assert multiprocessing.active_children() == []


def test_a_pdf_within_the_time_limit_is_made_in_the_child(
    client, small_plan, viewer, in_child
):
    client.force_login(viewer)
    url = reverse("reporting:report_pdf", args=[small_plan.plan.slug, "summary"])
    response = client.get(url, {"period": "2009-08"})
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert multiprocessing.active_children() == []


def test_render_report_stops_with_the_message_when_the_pdf_runs_over(
    huge_august, in_child, tmp_path
):
    in_child.PDF_RENDER_TIMEOUT = 1
    output = tmp_path / "august.pdf"
    with pytest.raises(CommandError, match="The PDF took too long to make."):
        call_command(
            "render_report",
            plan=huge_august.plan.slug,
            period="2009-08",
            report="progress",
            format="pdf",
            output=str(output),
        )
    assert not output.exists()
