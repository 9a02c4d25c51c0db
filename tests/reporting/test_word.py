"""The committee pack as a Word document: the page's words in Word's structures."""

import datetime
import io
import os
import re
import shutil
import subprocess
import time

import lxml.html
import pytest
from django.core.management import call_command
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn

from actionplans.models import ActionPlan
from reporting import rendering, services
from reporting.models import CommitteeReport
from reporting.selectors import committee_report_pack_build
from reporting.word import committee_docx

pytestmark = pytest.mark.django_db


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture
def leeds_pack(settings):
    """The Leeds demo plan's committee report for July to September 2009, going to
    the scrutiny board and then the executive board."""
    settings.DEMO_MODE = True
    call_command("load_demo", verbosity=0)
    plan = ActionPlan.objects.get(slug="leeds-iwc")
    committee = CommitteeReport.objects.create(
        plan=plan,
        first_month=datetime.date(2009, 7, 1),
        last_month=datetime.date(2009, 9, 1),
    )
    services.committee_report_update(
        committee=committee,
        cover={
            "title": "Progress on the CSCI inspection action plan",
            "report_of": "Director of Adult Social Services",
            "wards_affected": "All",
            "purpose": "To update members on progress.",
            "summary": "Most actions are on track.\n\n- Two are overdue",
            "equality_implications": "None arising from this report.",
            "background_papers": "CSCI inspection report, 2008.",
        },
        meetings=[
            {
                "body": "Scrutiny Board (Adult Social Care)",
                "date": datetime.date(2009, 10, 14),
                "recommendations": "- Members note the report",
            },
            {
                "body": "Executive Board",
                "date": datetime.date(2009, 11, 4),
                "recommendations": "- Approve the amendments",
            },
        ],
        contacts=[
            {
                "name": "Stuart Cameron-Strickland",
                "role": "Performance Manager",
                "telephone": "0113 247 8000",
                "email": "stuart@leeds.example",
                "is_author": True,
            }
        ],
        user=None,
    )
    return committee_report_pack_build(committee=committee)


def _html(pack) -> lxml.html.HtmlElement:
    context = rendering.body_context(pack)
    from django.template.loader import render_to_string

    html = render_to_string(context["body_template"], context)
    return lxml.html.fromstring(f"<div>{html}</div>")


def _headings(doc) -> list[tuple[str, str]]:
    return [
        (p.style.name, _squash(p.text))
        for p in doc.paragraphs
        if p.style.name.startswith("Heading")
    ]


def test_the_document_says_what_the_page_says(leeds_pack):
    started = time.perf_counter()
    content = committee_docx(leeds_pack)
    elapsed = time.perf_counter() - started
    print(f"docx for the Leeds plan: {elapsed:.2f} s, {len(content)} bytes")
    doc = Document(io.BytesIO(content))
    page = _html(leeds_pack)
    # The cover's headings, in order, are the page's.
    cover = page.xpath("//section[@class='cover-report']")[0]
    page_cover = [_squash(h.text_content()) for h in cover.xpath(".//h2|.//h3")]
    headings = [text for _, text in _headings(doc)]
    start = headings.index(page_cover[0])
    assert headings[start : start + len(page_cover)] == page_cover
    assert "Legal implications" not in headings  # not written, so not printed
    # Every heading of the document is one of the page's (the pack's parts).
    page_headings = {_squash(h.text_content()) for h in page.xpath("//h2|//h3")}
    missing = [
        text
        for style, text in _headings(doc)
        if style != "Heading 1"
        and text not in page_headings
        and not text.startswith("Recommendation")
    ]
    assert missing == []
    # The cover's words.
    text = _squash(" ".join(p.text for p in doc.paragraphs))
    page_text = _squash(page.text_content())
    for words in [
        "Report of: Director of Adult Social Services",
        "Wards affected: All",
        "To update members on progress.",
        "Two are overdue",
        "Stuart Cameron-Strickland, Performance Manager. Telephone: 0113 247 8000. "
        "Email: stuart@leeds.example",
    ]:
        assert words in text, words
        assert words.split(": ")[-1] in page_text, words
    # The progress tables: every item of the report, in the page's order, with its
    # status as words.
    report = leeds_pack.report
    items = [
        item
        for group in report.groups
        for block in group.blocks
        for item in [block.action, *block.milestones]
    ]
    assert len(items) > 50
    rows = [
        [_squash(c.text) for c in row.cells]
        for table in doc.tables
        if _squash(table.rows[0].cells[0].text) == "No."
        and any(_squash(c.text) == "Action" for c in table.rows[0].cells)
        and len(table.columns) > 5
        for row in table.rows[1:]
    ]
    assert [row[0] for row in rows] == [item.number for item in items]
    status = [c.heading for c in report.columns].index("This month")
    for row, item in zip(rows, items, strict=True):
        assert item.status_label in row[status] or item.is_withdrawn, item.number
        assert item.number in page_text


def test_word_structures_headings_repeating_header_footer_page_and_properties(
    leeds_pack,
):
    doc = Document(io.BytesIO(committee_docx(leeds_pack)))
    styles = {style for style, _ in _headings(doc)}
    assert {"Heading 1", "Heading 2", "Heading 3"} <= styles
    for table in doc.tables:
        header = table.rows[0]._tr.trPr
        assert header is not None and header.find(qn("w:tblHeader")) is not None
    footer_xml = doc.sections[0].footer._element.xml
    assert "PAGE" in footer_xml and "fldChar" in footer_xml
    # The progress report sits in a landscape section of its own.
    assert any(s.page_width > s.page_height for s in doc.sections)
    assert doc.sections[0].page_width < doc.sections[0].page_height
    properties = doc.core_properties
    assert properties.title == (
        "Progress on the CSCI inspection action plan: "
        "July to September 2009 (Q2 2009/10)"
    )
    assert properties.author == "Stuart Cameron-Strickland"


def test_libreoffice_opens_and_converts_the_document(leeds_pack, tmp_path):
    libreoffice = shutil.which("libreoffice")
    if libreoffice is None:
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail("LibreOffice is required (REQUIRE_BROWSER is set).")
        pytest.skip("LibreOffice is not installed.")
    source = tmp_path / "pack.docx"
    source.write_bytes(committee_docx(leeds_pack))
    profile = tmp_path / "lo-profile"
    # The command is fixed, the only input a file this test wrote.
    result = subprocess.run(  # noqa: S603
        [
            libreoffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        timeout=180,
        env=os.environ | {"HOME": str(tmp_path)},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / "pack.pdf"
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")


def test_the_docx_view_answers_in_the_request(client, leeds_pack):
    """The download is made in the request: no job, no waiting page."""
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="coordinator"))
    url = reverse("reporting:committee_docx", args=["leeds-iwc", leeds_pack.cover.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")


def test_a_plan_grouped_by_section_keeps_its_sections_in_word(settings):
    """Dudley's progress tables sit under its sections in Word, as on the page."""
    settings.DEMO_MODE = True
    call_command("load_demo", verbosity=0)
    plan = ActionPlan.objects.get(slug="dudley-cqc")
    assert plan.report_by_section
    month = plan.periods.get().month
    committee = CommitteeReport.objects.create(
        plan=plan, first_month=month, last_month=month
    )
    pack = committee_report_pack_build(committee=committee)
    doc = Document(io.BytesIO(committee_docx(pack)))
    headings = _headings(doc)
    sections = [s.heading for s in pack.report.sections]
    assert len(sections) > 1
    assert [text for style, text in headings if text in sections] == sections
    assert {style for style, text in headings if text in sections} == {"Heading 3"}
    first = next(i for i, (_, text) in enumerate(headings) if text == sections[0])
    assert headings[first + 1][0] == "Heading 4"
    assert headings[first + 1][1].startswith("Recommendation")
