"""PDFs read back: headings, numbers, running header, page numbers, metadata, storage."""

import datetime
import io

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader

from actionplans.models import ReportingPeriod
from reporting import pdfs, rendering
from reporting.selectors import (
    Kind,
    ReportError,
    ReportFilters,
    dashboard_build,
    period_report_build,
    scrutiny_pack_build,
)
from tests import factories

pytestmark = pytest.mark.django_db

AUGUST = datetime.date(2009, 8, 1)


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture
def long_plan(small_plan):
    """Enough actions with long narratives to run over several pages."""
    plan = small_plan.plan
    rec = factories.make_recommendation(plan, "9", text="Improve commissioning.")
    for n in range(1, 25):
        action = factories.make_action(
            plan,
            f"9.{n}",
            text=f"Long action {n}. " + "Work with partners on the strategy. " * 8,
        )
        action.recommendations.add(rec)
        factories.make_update(
            small_plan.august,
            action=action,
            status_label="Amber",
            progress="Progress narrative. " * 25,
        )
    return small_plan


def test_progress_pdf_has_headings_numbers_and_a_header_on_every_page(long_plan):
    report = period_report_build(plan=long_plan.plan, kind=Kind.PROGRESS, month=AUGUST)
    pages = _pages(rendering.report_pdf(report))
    assert len(pages) >= 3
    assert "Status key" in pages[0]
    assert "Recommendation 1: Investigate concerns urgently." in pages[0]
    text = "\n".join(pages)
    for number in ["1.1", "4.2 (a)", "4.2 (b)", "4.3", "9.1", "9.24"]:
        assert number in text, number
    for index, page in enumerate(pages, start=1):
        assert "Leeds IWC – Progress report" in page, index
        assert "August 2009" in page
        assert f"Page {index} of {len(pages)}" in page
    # The table header is repeated on later pages (however a column's width wraps it).
    flat = [" ".join(page.split()) for page in pages]
    assert all("Plan start" in page and "Success criteria" in page for page in flat)
    assert all("DRAFT" not in page for page in pages)


def test_an_open_periods_pdf_says_draft_on_every_page(long_plan):
    report = period_report_build(
        plan=long_plan.plan, kind=Kind.PROGRESS, month=datetime.date(2009, 9, 1)
    )
    pages = _pages(rendering.report_pdf(report))
    assert all("DRAFT" in page for page in pages)


def test_summary_pdf_has_the_four_lists_and_narratives(small_plan):
    small_plan.august.risks = "Staff seconded to Swine Flu duties."
    small_plan.august.save()
    report = period_report_build(plan=small_plan.plan, kind=Kind.SUMMARY, month=AUGUST)
    text = "\n".join(_pages(rendering.report_pdf(report)))
    for heading in [
        "Completed this period",
        "Overdue",
        "Due for completion by the next period",
        "Commencing in the next period",
        "Overview",
        "Risks",
        "Amendments to the action plan",
        "Items by status",
        "Staff seconded to Swine Flu duties.",
        "4.2 (a)",
    ]:
        assert heading in text, heading


def test_pdf_has_a_title_language_and_tags_for_screen_readers(small_plan):
    report = period_report_build(plan=small_plan.plan, kind=Kind.SUMMARY, month=AUGUST)
    reader = PdfReader(io.BytesIO(rendering.report_pdf(report)))
    assert reader.metadata.title == "Leeds IWC: Summary report – August 2009"
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "en-GB"
    assert "/StructTreeRoot" in catalog
    assert catalog["/MarkInfo"]["/Marked"]


def test_statuses_print_as_words_and_arrows(small_plan):
    report = period_report_build(plan=small_plan.plan, kind=Kind.PROGRESS, month=AUGUST)
    text = "\n".join(_pages(rendering.report_pdf(report)))
    assert "Red" in text and "↓" in text and "↑" in text


def test_the_pdf_fetches_only_our_static_files(small_plan):
    fetcher = rendering.static_only_fetcher()
    assert fetcher.fetch("https://report.invalid/static/css/print.css").read()
    for url in [
        "file:///etc/passwd",
        "https://example.com/x.css",
        "https://report.invalid/static/../../config/settings.py",
        "https://report.invalid/static/css/../../manage.py",
        "data:text/css,body{}",
    ]:
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_the_layout_is_styled_without_fetching_a_stylesheet(small_plan, monkeypatch):
    """The print stylesheets are given to WeasyPrint parsed, not fetched during the
    layout, where WeasyPrint would swallow a worker's time limit raised in the fetch."""
    rendering.print_stylesheets()  # parsed once per process, before any layout
    fetched = []
    real = rendering.static_only_fetcher

    def counting_fetcher():
        fetcher = real()
        fetch = fetcher.fetch
        fetcher.fetch = lambda url, headers=None: fetched.append(url) or fetch(url)
        return fetcher

    monkeypatch.setattr(rendering, "static_only_fetcher", counting_fetcher)
    report = period_report_build(plan=small_plan.plan, kind=Kind.SUMMARY, month=AUGUST)
    pdf = PdfReader(io.BytesIO(rendering.report_pdf(report)))
    assert not [url for url in fetched if url.endswith(".css")]
    # A4 landscape comes from print.css's @page: the stylesheet was applied.
    box = pdf.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)


def test_user_text_cannot_make_the_pdf_load_anything(small_plan, caplog):
    """Narratives are escaped: an <img> in them is printed as text, never fetched."""
    small_plan.august.overview = '<img src="file:///etc/passwd"> <link href="http://x">'
    small_plan.august.save()
    report = period_report_build(plan=small_plan.plan, kind=Kind.SUMMARY, month=AUGUST)
    html = rendering.report_print_html(report)
    assert "&lt;img" in html and '<img src="file' not in html


@pytest.fixture
def quick_pdf(monkeypatch):
    """Stands in for the layout, which the storage tests do not need."""
    monkeypatch.setattr(
        rendering, "report_pdf", lambda report: f"%PDF {report.subtitle}".encode()
    )


def _stored(prefix: str) -> list[str]:
    _, names = default_storage.listdir(prefix)
    return sorted(names)


def _files_under(prefix: str) -> list[str]:
    if not default_storage.exists(prefix):
        return []
    folders, names = default_storage.listdir(prefix)
    return names + [n for f in folders for n in _files_under(f"{prefix}/{f}")]


def test_closed_period_pdf_is_rendered_once_then_served_from_storage(
    small_plan, quick_pdf
):
    plan = small_plan.plan
    first = pdfs.report_pdf_file(plan=plan, kind=Kind.SUMMARY, month=AUGUST)
    assert not first.was_stored
    assert first.filename == "leeds-small-summary-2009-08.pdf"
    [name] = _stored("reports/leeds-small/2009-08")
    assert name.startswith("summary-") and name.endswith(".pdf")
    with CaptureQueriesContext(connection) as queries:
        second = pdfs.report_pdf_file(plan=plan, kind=Kind.SUMMARY, month=AUGUST)
    assert second == pdfs.PdfFile(first.content, first.filename, was_stored=True)
    # The plan's periods, the stamp of its rows and the stored PDF's row: the report is
    # not built.
    assert len(queries) == 3


def test_filters_and_reports_are_stored_apart(small_plan, quick_pdf):
    for kind, filters in [
        (Kind.PROGRESS, ReportFilters()),
        (Kind.PROGRESS, ReportFilters(status="Red")),
        (Kind.SUMMARY, ReportFilters()),
        (Kind.CHIEF_OFFICER, ReportFilters(chief_officer=small_plan.chief2.pk)),
    ]:
        pdf = pdfs.report_pdf_file(
            plan=small_plan.plan, kind=kind, month=AUGUST, filters=filters
        )
        assert not pdf.was_stored, (kind, filters)
    assert len(_stored("reports/leeds-small/2009-08")) == 4
    assert pdf.filename == (
        f"leeds-small-chief-officer-2009-08-officer-{small_plan.chief2.pk}.pdf"
    )


def test_open_period_and_dashboard_pdfs_are_never_stored(small_plan, quick_pdf):
    september = datetime.date(2009, 9, 1)
    for kind in [Kind.SUMMARY, Kind.SUMMARY, Kind.DASHBOARD]:
        pdf = pdfs.report_pdf_file(plan=small_plan.plan, kind=kind, month=september)
        assert not pdf.was_stored
    assert pdf.filename == "leeds-small-dashboard-2009-09.pdf"
    assert _files_under("reports") == []


def test_scrutiny_pack_pdf_is_stored_once_every_month_is_closed(small_plan, quick_pdf):
    plan = small_plan.plan
    draft = pdfs.report_pdf_file(plan=plan, kind=Kind.SCRUTINY, quarter=AUGUST)
    assert draft.filename == "leeds-small-scrutiny-2009-q3.pdf"
    assert _files_under("reports") == []  # September is still open
    small_plan.september.state = ReportingPeriod.State.CLOSED
    small_plan.september.closed_at = timezone.now()
    small_plan.september.save()
    first = pdfs.report_pdf_file(plan=plan, kind=Kind.SCRUTINY, quarter=AUGUST)
    again = pdfs.report_pdf_file(plan=plan, kind=Kind.SCRUTINY, quarter=AUGUST)
    assert (first.was_stored, again.was_stored) == (False, True)
    assert _stored("reports/leeds-small/2009-q3")[0].startswith("scrutiny-")


def test_an_unknown_report_has_no_pdf(small_plan):
    with pytest.raises(ReportError):
        pdfs.report_pdf_file(plan=small_plan.plan, kind="weekly")


def test_dashboard_and_scrutiny_pdfs_carry_charts_and_cover(small_plan):
    dashboard = dashboard_build(plan=small_plan.plan, month=datetime.date(2009, 9, 1))
    text = "\n".join(_pages(rendering.report_pdf(dashboard)))
    assert "Items by status, month by month" in text and "Jul 2009" in text
    pack = scrutiny_pack_build(plan=small_plan.plan, quarter=AUGUST)
    pages = _pages(rendering.report_pdf(pack))
    assert "Report to the scrutiny board" in pages[0]
    assert "Status by month" in "\n".join(pages)
    assert all("DRAFT" in page for page in pages)  # September is still open
