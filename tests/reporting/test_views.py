"""Report pages and downloads: login required, other plans invisible, coordinators edit."""

import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from actionplans.models import ReportingPeriod
from reporting.models import CommitteeReport

pytestmark = pytest.mark.django_db

# The one script every signed-in page loads (static/js/sign_out.js): reports need none.
SIGN_OUT_SCRIPT = '<script src="/static/js/sign_out.js" defer>'


def _urls(plan, chief_pk):
    slug = plan.slug
    august = "?period=2009-08"
    return [
        reverse("reporting:index", args=[slug]),
        reverse("reporting:report", args=[slug, "summary"]) + august,
        reverse("reporting:report", args=[slug, "progress"]) + august,
        reverse("reporting:report", args=[slug, "exceptions"]) + august,
        reverse("reporting:report", args=[slug, "chief-officer"])
        + f"{august}&chief_officer={chief_pk}",
        reverse("reporting:report", args=[slug, "chief-officer"]),
        reverse("reporting:report_pdf", args=[slug, "summary"]) + august,
        reverse("reporting:report_xlsx", args=[slug, "progress"]) + august,
        reverse("reporting:scrutiny_pack", args=[slug, "2009-q3"]),
        reverse("reporting:scrutiny_pdf", args=[slug, "2009-q3"]),
        reverse("reporting:dashboard", args=[slug]),
        reverse("reporting:dashboard_pdf", args=[slug]),
        reverse("reporting:measures", args=[slug]) + august,
        reverse("reporting:measures_pdf", args=[slug]) + august,
    ]


def test_anonymous_users_are_sent_to_sign_in(client, small_plan):
    urls = _urls(small_plan.plan, small_plan.chief2.pk)
    urls.append(
        reverse("reporting:scrutiny_edit", args=[small_plan.plan.slug, "2009-q3"])
    )
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login"))


def test_a_user_of_another_plan_gets_not_found(client, small_plan, outsider):
    client.force_login(outsider)
    urls = _urls(small_plan.plan, small_plan.chief2.pk)
    urls.append(
        reverse("reporting:scrutiny_edit", args=[small_plan.plan.slug, "2009-q3"])
    )
    for url in urls:
        assert client.get(url).status_code == 404, url


def test_report_pages_and_downloads_are_read_only(client, small_plan, viewer):
    client.force_login(viewer)
    for url in _urls(small_plan.plan, small_plan.chief2.pk):
        assert client.post(url).status_code == 405, url


def test_every_report_opens_for_a_board_viewer(client, small_plan, viewer):
    client.force_login(viewer)
    for url in _urls(small_plan.plan, small_plan.chief2.pk):
        response = client.get(url)
        assert response.status_code == 200, url


def test_summary_page_shows_the_lists_narratives_and_counts(client, small_plan, viewer):
    small_plan.august.overview = "All actions progressing.\n\n- Partners approve"
    small_plan.august.save()
    client.force_login(viewer)
    url = reverse("reporting:report", args=[small_plan.plan.slug, "summary"])
    page = client.get(url, {"period": "2009-08"}).content.decode()
    for text in [
        "Summary report",
        "Completed this period",
        "4.2 (a)",
        "Agree mandatory training programme.",
        "Due for completion by the next period",
        "4.2 (b)",
        "Overdue",
        "<li>Partners approve</li>",
        "Items by status",
        "Download PDF",
    ]:
        assert text in page, text
    assert "DRAFT" not in page


def test_progress_page_has_the_seed_columns_and_status_text(client, small_plan, viewer):
    client.force_login(viewer)
    url = reverse("reporting:report", args=[small_plan.plan.slug, "progress"])
    page = client.get(url, {"period": "2009-08"}).content.decode()
    for text in [
        "Recommendation 4: Progress the training strategy.",
        "Aim / outcome",
        "Last month",
        "This month",
        "Plan start",
        "Actual finish",
        "Success criteria",
        "Chief officer",
        "Risk",
        "MOU signed by all partners",
        "Staff seconded to Swine Flu duties.",
        'tag tag--red">Red</span>',
        "deteriorating",
        "Sep 2008",
    ]:
        assert text in page, text
    assert 'style="' not in page
    # No script of the report's own: only the site-wide sign-out enhancement.
    assert re.findall(r"<script[^>]*>", page) == [SIGN_OUT_SCRIPT]


def test_an_open_period_is_marked_draft(client, small_plan, viewer):
    client.force_login(viewer)
    url = reverse("reporting:report", args=[small_plan.plan.slug, "progress"])
    page = client.get(url, {"period": "2009-09"}).content.decode()
    assert "DRAFT" in page and "Draft progress." in page


def test_filters_narrow_the_progress_report(client, small_plan, viewer):
    client.force_login(viewer)
    url = reverse("reporting:report", args=[small_plan.plan.slug, "progress"])
    page = client.get(url, {"period": "2009-08", "recommendation": "1"}).content
    assert b"Meet partners" in page and b"Monitor training" not in page
    page = client.get(url, {"period": "2009-08", "status": "Red"}).content
    assert b"Monitor training" in page and b"Meet partners" not in page


def test_bad_filter_values_are_a_bad_request(client, small_plan, viewer):
    client.force_login(viewer)
    url = reverse("reporting:report", args=[small_plan.plan.slug, "progress"])
    for params in [
        {"period": "2009-13"},
        {"period": "2010-01"},
        {"lead": "abc"},
        {"status": "Purple"},
    ]:
        assert client.get(url, params).status_code == 400, params
    unknown = reverse("reporting:report", args=[small_plan.plan.slug, "nonsense"])
    assert client.get(unknown).status_code == 404


def test_chief_officer_report_asks_for_an_officer_then_counts_their_items(
    client, small_plan, viewer
):
    client.force_login(viewer)
    url = reverse("reporting:report", args=[small_plan.plan.slug, "chief-officer"])
    chooser = client.get(url).content.decode()
    assert "Chief Officer (Resources)" in chooser
    params = {"period": "2009-08", "chief_officer": small_plan.chief2.pk}
    page = client.get(url, params).content.decode()
    assert "Chief Officer (Resources): 3 items: 1 Green, 1 Amber, 1 Red" in page
    assert "Meet partners" not in page


def test_pdf_and_xlsx_downloads(client, small_plan, viewer):
    client.force_login(viewer)
    slug = small_plan.plan.slug
    pdf = client.get(
        reverse("reporting:report_pdf", args=[slug, "progress"]), {"period": "2009-08"}
    )
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert "leeds-small-progress-2009-08.pdf" in pdf["Content-Disposition"]
    xlsx = client.get(
        reverse("reporting:report_xlsx", args=[slug, "progress"]), {"period": "2009-08"}
    )
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["B4"].value == "1.1"
    summary_xlsx = reverse("reporting:report_xlsx", args=[slug, "summary"])
    assert client.get(summary_xlsx).status_code == 404


def test_a_viewer_may_not_edit_the_cover_report(client, small_plan, viewer):
    client.force_login(viewer)
    url = reverse("reporting:scrutiny_edit", args=[small_plan.plan.slug, "2009-q3"])
    assert client.get(url).status_code == 403
    assert not CommitteeReport.objects.exists()


def test_the_quarters_cover_report_is_its_committee_report(
    client, small_plan, coordinator
):
    """The quarterly links lead to the quarter's committee report: to create it,
    then to edit and read it (tests/reporting/test_committee_views.py writes one)."""
    client.force_login(coordinator)
    slug = small_plan.plan.slug
    url = reverse("reporting:scrutiny_edit", args=[slug, "2009-q3"])
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == (
        reverse("reporting:committee_create", args=[slug])
        + "?length=quarter&first_month=2009-07"
    )
    committee = CommitteeReport.objects.create(
        plan=small_plan.plan,
        first_month=datetime.date(2009, 7, 1),
        last_month=datetime.date(2009, 9, 1),
        purpose="To update the Scrutiny Board on progress.",
    )
    assert client.get(url).url == reverse(
        "reporting:committee_edit", args=[slug, committee.pk]
    )
    pack = client.get(
        reverse("reporting:scrutiny_pack", args=[slug, "2009-q3"]), follow=True
    )
    page = pack.content.decode()
    for text in [
        "To update the Scrutiny Board on progress.",
        "July to September 2009 (Q2 2009/10)",
        "Status by month",
        "Summary report",
        "Progress report",
        "Edit the cover report",
    ]:
        assert text in page, text


def test_scrutiny_edit_refuses_other_methods_and_bad_quarters(
    client, small_plan, coordinator
):
    client.force_login(coordinator)
    slug = small_plan.plan.slug
    url = reverse("reporting:scrutiny_edit", args=[slug, "2009-q3"])
    assert client.put(url).status_code == 405
    assert client.post(url).status_code == 405
    bad = reverse("reporting:scrutiny_edit", args=[slug, "2009-q5"])
    assert client.get(bad).status_code == 404


def test_dashboard_has_charts_with_text_alternatives_and_data(
    client, small_plan, viewer
):
    client.force_login(viewer)
    page = client.get(
        reverse("reporting:dashboard", args=[small_plan.plan.slug]),
        {"period": "2009-09"},
    ).content.decode()
    assert page.count("<svg") == 2
    assert 'role="img"' in page and "<desc" in page
    assert "August 2009: 1 Blue, 1 Green, 1 Amber, 1 Red" in page
    assert "Chief Officer (Resources)" in page
    assert "Items by status at the end of each month" in page


def test_plan_page_links_to_the_reports(client, small_plan, viewer):
    client.force_login(viewer)
    page = client.get(small_plan.plan.get_absolute_url()).content.decode()
    assert reverse("reporting:index", args=[small_plan.plan.slug]) in page


def test_a_closed_months_pdf_is_served_again_from_storage_without_building_it(
    client, small_plan, viewer
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(viewer)
    url = reverse("reporting:report_pdf", args=[small_plan.plan.slug, "progress"])
    url += "?period=2009-08"
    with CaptureQueriesContext(connection) as building:
        first = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)
    assert b"".join(again.streaming_content) == b"".join(first.streaming_content)
    assert again["Content-Disposition"] == first["Content-Disposition"]
    # Only the session, the user, the plan and its periods: none of the report's queries.
    assert len(queries) <= len(building) - 8


def test_an_amendment_to_a_closed_month_makes_its_stored_pdf_again(
    client, small_plan, viewer
):
    import io

    from pypdf import PdfReader

    from actionplans import services
    from actionplans.models import ProgressUpdate

    client.force_login(viewer)
    url = reverse("reporting:report_pdf", args=[small_plan.plan.slug, "progress"])
    url += "?period=2009-08"
    before = b"".join(client.get(url).streaming_content)
    update = ProgressUpdate.objects.filter(
        period__plan=small_plan.plan, period__month__month=8, action__isnull=False
    ).first()
    values = services.ItemValues(
        update.status,
        update.direction,
        "Corrected narrative.",
        update.risk,
        update.actual_finish,
        update.version,
    )
    services.update_amend(
        update=update, user=viewer, values=values, reason="Wrong month reported."
    )
    after = b"".join(client.get(url).streaming_content)
    assert after != before
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(after)).pages)
    assert "Corrected narrative." in text


def test_a_closed_months_report_body_is_made_once_and_an_open_months_every_time(
    client, small_plan, viewer
):
    from django.core.cache import cache

    from reporting import rendering
    from reporting.selectors import period_report_build

    client.force_login(viewer)
    url = reverse("reporting:report", args=[small_plan.plan.slug, "progress"])
    first = client.get(url + "?period=2009-08").content.decode()
    again = client.get(url + "?period=2009-08").content.decode()
    assert first.split('<div class="report')[1] == again.split('<div class="report')[1]
    plan = small_plan.plan
    august = period_report_build(plan=plan, month=small_plan.august.month)
    assert cache.get(rendering.report_body_cache_key(august)) is not None
    september = period_report_build(plan=plan, month=small_plan.september.month)
    assert rendering.report_body_cache_key(september) is None  # open: never cached


def test_a_closed_months_page_read_again_reads_no_rows(
    client, small_plan, viewer, monkeypatch
):
    """Read again, a closed month's page comes whole from the shared cache: the report
    is not built, yet its filters, title and links to other months are as before."""
    from reporting import rendering

    client.force_login(viewer)
    url = reverse("reporting:report", args=[small_plan.plan.slug, "chief-officer"])
    query = {"period": "2009-08", "chief_officer": small_plan.chief2.pk}
    with CaptureQueriesContext(connection) as built:
        first = client.get(url, query).content.decode()

    def not_again(**kwargs):
        raise AssertionError("the report was built again")

    monkeypatch.setattr(rendering, "period_report_build", not_again)
    with CaptureQueriesContext(connection) as read:
        again = client.get(url, query).content.decode()
    token = re.compile(r'(value|nonce)="[^"]+"')  # CSRF tokens and nonces differ
    assert token.sub("", again) == token.sub("", first)
    assert "Chief Officer (Resources)" in again
    assert "See the draft for September 2009" in again
    assert len(read) < len(built) - 8
    # Closing September changes the link to the latest closed month, not the body.
    small_plan.september.state = ReportingPeriod.State.CLOSED
    small_plan.september.save()
    later = client.get(url, query).content.decode()
    assert "See September 2009, the latest closed month" in later
    assert "See September 2009, the latest closed month" not in first


def test_pages_are_gzipped_but_downloads_are_sent_as_they_are(
    client, small_plan, viewer
):
    """PDFs and workbooks are compressed formats: gzipping them again only costs CPU and
    the Content-Length a browser shows download progress against."""
    client.force_login(viewer)
    slug = small_plan.plan.slug
    month = {"period": "2009-08"}
    page = client.get(
        reverse("reporting:report", args=[slug, "progress"]),
        month,
        HTTP_ACCEPT_ENCODING="gzip, br",
    )
    assert page["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in page["Vary"]
    for name in ["reporting:report_pdf", "reporting:report_xlsx"]:
        download = client.get(
            reverse(name, args=[slug, "progress"]), month, HTTP_ACCEPT_ENCODING="gzip"
        )
        assert download.status_code == 200, name
        assert not download.has_header("Content-Encoding"), name
