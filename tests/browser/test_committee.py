"""A committee report as a coordinator of the Leeds plan writes one in Chromium: July to
September 2009, going to the scrutiny board and then the executive board. The edit page
and the pack have no WCAG violations; the PDF and the Word document download."""

import os
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from reporting.models import CommitteeReport

pytestmark = pytest.mark.browser

# Set to a folder to keep screenshots of the pages for a look by eye.
SCREENSHOTS = os.environ.get("SCREENSHOTS", "")


def _screenshot(page, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


def test_a_coordinator_writes_a_committee_report_and_downloads_it(
    demo, sign_in, tmp_path, settings, assert_accessible
):
    settings.MEDIA_ROOT = tmp_path / "media"
    page = sign_in("coordinator")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(reverse("reporting:index", args=["leeds-iwc"]))
    page.get_by_role("link", name="New committee report").click()
    assert_accessible(page, "the new committee report form")
    page.get_by_label("From one month to another").check()
    page.get_by_label("First month").fill("2009-07")
    page.get_by_label("Last month").fill("2009-09")
    page.get_by_role("button", name="Create the committee report").click()

    expect(page.get_by_role("heading", name="Cover report", exact=True)).to_be_visible()
    committee = CommitteeReport.objects.get(plan__slug="leeds-iwc")
    assert (committee.first_month.month, committee.last_month.month) == (7, 9)

    page.get_by_label("Report title").fill(
        "Progress on the CSCI inspection action plan"
    )
    page.get_by_label("Report of").fill("Director of Adult Social Services")
    page.get_by_label("Wards affected").fill("All")
    meeting1 = page.get_by_role("group", name="Meeting 1")
    meeting1.get_by_label("Meeting", exact=True).fill(
        "Scrutiny Board (Adult Social Care)"
    )
    meeting1.get_by_label("Date").fill("2009-10-14")
    meeting1.get_by_label("Recommendations to this meeting").fill(
        "- Members note the progress made"
    )
    meeting2 = page.get_by_role("group", name="Meeting 2")
    meeting2.get_by_label("Meeting", exact=True).fill("Executive Board")
    meeting2.get_by_label("Date").fill("2009-11-04")
    meeting2.get_by_label("Recommendations to this meeting").fill(
        "- Approve the amendments to the plan"
    )
    page.get_by_label("Purpose of this report").fill(
        "To update members on the action plan."
    )
    page.get_by_label("Summary of main issues").fill("Most actions are on track.")
    contact = page.get_by_role("group", name="Contact 1")
    contact.get_by_label("Name").fill("Stuart Cameron-Strickland")
    contact.get_by_label("Job title").fill("Performance Manager")
    contact.get_by_label("Telephone").fill("0113 247")  # too short
    contact.get_by_label("Email").fill("stuart@leeds.example")
    contact.get_by_label("Report author").check()
    page.get_by_role("button", name="Save the cover report").click()

    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Contact 1, telephone: Enter a telephone number")
    assert not committee.meetings.exists()
    _screenshot(page, "committee_edit_error_1280")
    assert_accessible(page, "the cover report refusing a short telephone number")

    page.get_by_role("group", name="Contact 1").get_by_label("Telephone").fill(
        "0113 247 8000"
    )
    page.get_by_role("button", name="Save the cover report").click()
    expect(
        page.get_by_role("heading", name="Report to Scrutiny Board (Adult Social Care)")
    ).to_be_visible()
    expect(page.locator(".meetings-table")).to_contain_text("4 November 2009")
    expect(
        page.get_by_role("heading", name="Recommendations to Executive Board")
    ).to_be_visible()
    _screenshot(page, "committee_pack_1280")
    assert_accessible(page, "the committee pack")

    with page.expect_download() as word:
        page.get_by_role("link", name="Download Word document (docx)").click()
    word_file = tmp_path / "pack.docx"
    word.value.save_as(word_file)
    assert word_file.read_bytes().startswith(b"PK")
    assert word.value.suggested_filename.endswith(".docx")

    with page.expect_download(timeout=120_000) as pdf:
        page.get_by_role("link", name="Download PDF").click()
    pdf_file = tmp_path / "pack.pdf"
    pdf.value.save_as(pdf_file)
    assert pdf_file.read_bytes().startswith(b"%PDF")

    page.set_viewport_size({"width": 390, "height": 844})
    _screenshot(page, "committee_pack_390")
    page.get_by_role("link", name="Edit the cover report").click()
    _screenshot(page, "committee_edit_390")
    assert_accessible(page, "the cover report at phone width")
