"""PDFs read back: headings, numbers, running header, page numbers, metadata, storage."""

import datetime
import io

import pytest
from django.core.files.storage import default_storage
from pypdf import PdfReader

from reporting import rendering
from reporting.selectors import (
    Kind,
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
    # The table header is repeated on later pages.
    assert all("Plan start" in page and "Success criteria" in page for page in pages)
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


def test_user_text_cannot_make_the_pdf_load_anything(small_plan, caplog):
    """Narratives are escaped: an <img> in them is printed as text, never fetched."""
    small_plan.august.overview = '<img src="file:///etc/passwd"> <link href="http://x">'
    small_plan.august.save()
    report = period_report_build(plan=small_plan.plan, kind=Kind.SUMMARY, month=AUGUST)
    html = rendering.report_print_html(report)
    assert "&lt;img" in html and '<img src="file' not in html


def test_closed_period_pdf_is_rendered_once_then_served_from_storage(small_plan):
    report = period_report_build(plan=small_plan.plan, kind=Kind.SUMMARY, month=AUGUST)
    first = rendering.report_pdf_stored(report)
    assert first.name and not first.was_stored
    assert default_storage.exists(first.name)
    second = rendering.report_pdf_stored(report)
    assert second.was_stored and second.content == first.content
    assert "leeds-small/2009-08/summary-" in first.name


def test_filters_and_reports_are_stored_apart(small_plan):
    plain = period_report_build(plan=small_plan.plan, kind=Kind.PROGRESS, month=AUGUST)
    from reporting.selectors import ReportFilters

    red = period_report_build(
        plan=small_plan.plan,
        kind=Kind.PROGRESS,
        month=AUGUST,
        filters=ReportFilters(status="Red"),
    )
    summary = period_report_build(plan=small_plan.plan, kind=Kind.SUMMARY, month=AUGUST)
    names = {rendering.report_storage_name(r) for r in (plain, red, summary)}
    assert len(names) == 3


def test_open_period_pdfs_are_never_stored(small_plan):
    report = period_report_build(
        plan=small_plan.plan, kind=Kind.SUMMARY, month=datetime.date(2009, 9, 1)
    )
    assert rendering.report_storage_name(report) is None
    assert rendering.report_pdf_stored(report).name is None
    assert not default_storage.exists("reports")


def test_dashboard_and_scrutiny_pdfs_carry_charts_and_cover(small_plan):
    dashboard = dashboard_build(plan=small_plan.plan, month=datetime.date(2009, 9, 1))
    text = "\n".join(_pages(rendering.report_pdf(dashboard)))
    assert "Items by status, month by month" in text and "Jul 2009" in text
    pack = scrutiny_pack_build(plan=small_plan.plan, quarter=AUGUST)
    pages = _pages(rendering.report_pdf(pack))
    assert "Report to the scrutiny board" in pages[0]
    assert "Status by month" in "\n".join(pages)
    assert all("DRAFT" in page for page in pages)  # September is still open
