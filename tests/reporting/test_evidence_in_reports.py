"""Evidence in the reports: the progress report's Evidence part (linked on screen, titles
in print and in the spreadsheet), and the scrutiny pack's appendix."""

import datetime
import io
import re
from types import SimpleNamespace

import pytest
from django.urls import NoReverseMatch, reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from actionplans.models import Evidence, ProgressUpdate
from reporting import rendering
from reporting.selectors import Kind, period_report_build, scrutiny_pack_build

pytestmark = pytest.mark.django_db

AUGUST = datetime.date(2009, 8, 1)


def _download_view_exists() -> bool:
    try:
        reverse("evidence:download", args=[1])
    except NoReverseMatch:
        return False
    return True


# The evidence app's download view is built alongside; until then documents show their
# titles unlinked.
needs_download_view = pytest.mark.skipif(
    not _download_view_exists(), reason="evidence:download is not built yet"
)


def _update(period, item) -> ProgressUpdate:
    field = "milestone" if hasattr(item, "label") else "action"
    return ProgressUpdate.objects.get(period=period, **{field: item})


@pytest.fixture
def evidenced(small_plan):
    """August: a document on 4.3's update and a link on 4.2 (b)'s; July: a link on 1.1's."""
    audit = Evidence.objects.create(
        update=_update(small_plan.august, small_plan.a43),
        title="Training audit",
        refers_to=datetime.date(2009, 8, 14),
        file_name="audit.pdf",
        sha256="ab" * 32,
        size=1024,
        content_type="application/pdf",
    )
    minutes = Evidence.objects.create(
        update=_update(small_plan.august, small_plan.m42b),
        title="Safeguarding Board minutes",
        refers_to=datetime.date(2009, 7, 30),
        url="https://www.leeds.gov.uk/board/minutes-july-2009",
    )
    mou = Evidence.objects.create(
        update=_update(small_plan.july, small_plan.a11),
        title="Signed partner MOU",
        refers_to=datetime.date(2008, 11, 28),
        url="https://www.leeds.gov.uk/mou",
    )
    return SimpleNamespace(**vars(small_plan), audit=audit, minutes=minutes, mou=mou)


def _page(client, plan, **params) -> str:
    url = reverse("reporting:report", args=[plan.slug, "progress"])
    response = client.get(url, {"period": "2009-08", **params})
    assert response.status_code == 200
    return response.content.decode()


def _items(report) -> dict:
    return {
        item.number: item
        for block in report.blocks
        for item in [block.action, *block.milestones]
    }


def test_each_item_carries_the_evidence_of_its_months_update(evidenced):
    report = period_report_build(plan=evidenced.plan, kind=Kind.PROGRESS, month=AUGUST)
    items = _items(report)
    assert [e.title for e in items["4.3"].evidence] == ["Training audit"]
    assert [e.title for e in items["4.2 (b)"].evidence] == [
        "Safeguarding Board minutes"
    ]
    # July's evidence belongs to July's report.
    assert items["1.1"].evidence == []
    july = period_report_build(
        plan=evidenced.plan, kind=Kind.PROGRESS, month=datetime.date(2009, 7, 1)
    )
    assert [e.title for e in _items(july)["1.1"].evidence] == ["Signed partner MOU"]


def test_block_view_lists_evidence_with_dates_and_links(client, evidenced, viewer):
    client.force_login(viewer)
    page = _page(client, evidenced.plan)
    assert "<dt>Evidence</dt>" in page
    assert (
        '<a href="https://www.leeds.gov.uk/board/minutes-july-2009" '
        'rel="noopener noreferrer">Safeguarding Board minutes'
    ) in page
    assert "(30 Jul 2009)" in page
    assert "Training audit" in page and "(14 Aug 2009)" in page
    assert "Signed partner MOU" not in page


def test_table_view_has_an_evidence_column(client, evidenced, viewer):
    client.force_login(viewer)
    page = _page(client, evidenced.plan, view="table")
    assert '<th scope="col">Evidence</th>' in page
    cells = re.findall(r'<td class="col-evidence">(.*?)</td>', page, re.S)
    # One cell a row (two actions with no milestones, one with two, and its own row).
    assert len(cells) == 5
    assert sum("Safeguarding Board minutes" in cell for cell in cells) == 1
    assert 'href="https://www.leeds.gov.uk/board/minutes-july-2009"' in page


@needs_download_view
def test_a_document_links_to_its_download(client, evidenced, viewer):
    client.force_login(viewer)
    download = reverse("evidence:download", args=[evidenced.audit.pk])
    for page in [
        _page(client, evidenced.plan),
        _page(client, evidenced.plan, view="table"),
    ]:
        assert f'<a href="{download}">Training audit</a>' in page


def test_the_pdf_prints_the_titles_without_links(evidenced):
    report = period_report_build(plan=evidenced.plan, kind=Kind.PROGRESS, month=AUGUST)
    pdf = rendering.report_pdf(report)
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Evidence" in text
    assert "Training audit" in text
    assert "Safeguarding Board minutes" in text
    links = [
        annotation.get_object().get("/A", {}).get("/URI")
        for page in reader.pages
        for annotation in page.get("/Annots") or []
    ]
    assert not any(link and "leeds.gov.uk" in link for link in links)


def test_the_spreadsheet_has_an_evidence_column(evidenced):
    report = period_report_build(plan=evidenced.plan, kind=Kind.PROGRESS, month=AUGUST)
    sheet = load_workbook(io.BytesIO(rendering.report_xlsx(report))).active
    header = [cell.value for cell in sheet[3]]
    assert header[-1] == "Evidence"
    rows = {row[1]: row for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert rows["4.2 (b)"][-1] == "Safeguarding Board minutes (30 Jul 2009)"
    assert rows["4.3"][-1] == "Training audit (14 Aug 2009)"
    assert rows["1.1"][-1] is None


def test_the_scrutiny_pack_has_an_appendix_of_the_quarters_evidence(evidenced):
    pack = scrutiny_pack_build(plan=evidenced.plan, quarter=AUGUST)
    assert [
        (group.number, [(e.title, e.month_label) for e in group.entries])
        for group in pack.evidence
    ] == [
        ("1.1", [("Signed partner MOU", "July 2009")]),
        ("4.2 (b)", [("Safeguarding Board minutes", "August 2009")]),
        ("4.3", [("Training audit", "August 2009")]),
    ]
    html = rendering.report_print_html(pack)
    appendix = html.split("Appendix: evidence, ")[1]
    assert "Signed partner MOU" in appendix and "28 Nov 2008" in appendix
    assert "<a " not in appendix  # print: titles only


def test_the_pack_appendix_links_on_screen(client, evidenced, viewer):
    client.force_login(viewer)
    url = reverse("reporting:scrutiny_pack", args=[evidenced.plan.slug, "2009-q3"])
    page = client.get(url).content.decode()
    appendix = page.split("Appendix: evidence, ")[1]
    assert '<a href="https://www.leeds.gov.uk/mou" rel="noopener noreferrer">' in (
        appendix
    )


def test_a_quarter_without_evidence_says_so(small_plan):
    pack = scrutiny_pack_build(plan=small_plan.plan, quarter=AUGUST)
    assert pack.evidence == []
    html = rendering.report_print_html(pack)
    assert "No evidence was attached in the quarter." in html


def test_the_stamp_changes_with_the_months_evidence(evidenced):
    from reporting.selectors import report_rows_stamp

    def stamp() -> str:
        return report_rows_stamp(plan=evidenced.plan, report_months=[AUGUST])

    before = stamp()
    evidenced.minutes.title = "Safeguarding Board minutes (approved)"
    evidenced.minutes.save()
    after_edit = stamp()
    assert after_edit != before
    evidenced.audit.delete()
    assert stamp() != after_edit
