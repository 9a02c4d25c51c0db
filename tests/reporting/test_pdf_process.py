"""PDFs laid out in a separate process, as in production (PDF_RENDER_PROCESSES=1)."""

import io

import pytest
from pypdf import PdfReader

from reporting import rendering
from reporting.selectors import Kind, period_report_build
from tests.reporting.test_pdf import AUGUST

pytestmark = pytest.mark.django_db


def _text(pdf: PdfReader) -> list[str]:
    """Each page's text without the "Printed …" time, which may tick over between runs."""
    return [
        "\n".join(
            line for line in page.extract_text().splitlines() if "Printed" not in line
        )
        for page in pdf.pages
    ]


def test_the_pdf_process_lays_out_the_same_report(small_plan, settings):
    settings.PDF_RENDER_PROCESSES = 1
    report = period_report_build(plan=small_plan.plan, kind=Kind.SUMMARY, month=AUGUST)
    in_process = PdfReader(io.BytesIO(rendering.report_pdf(report)))
    settings.PDF_RENDER_PROCESSES = 0
    in_thread = PdfReader(io.BytesIO(rendering.report_pdf(report)))
    assert _text(in_process) == _text(in_thread)
    assert rendering._pdf_pool is not None  # the separate process really was used
