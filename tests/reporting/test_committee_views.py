"""The committee report pages: create, edit the cover with its rows, read, download."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from actionplans.models import PlanMembership
from reporting.models import CommitteeReport

pytestmark = pytest.mark.django_db

JULY, SEPTEMBER = datetime.date(2009, 7, 1), datetime.date(2009, 9, 1)


@pytest.fixture
def committee(small_plan):
    return CommitteeReport.objects.create(
        plan=small_plan.plan, first_month=JULY, last_month=SEPTEMBER
    )


def _rows(prefix: str, rows: list[dict], total: int = 2) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "10",
    }
    for n, row in enumerate(rows):
        data |= {f"{prefix}-{n}-{k}": v for k, v in row.items()}
    return data


def _cover_post(**changes) -> dict:
    data = {
        "title": "Progress on the CSCI inspection action plan",
        "report_of": "Director of Adult Social Services",
        "wards_affected": "All",
        "purpose": "To update the Scrutiny Board on progress.",
        "summary": "All actions progressing.",
        "legal_implications": "",
        **_rows(
            "meetings",
            [
                {
                    "body": "Scrutiny Board (Adult Social Care)",
                    "date": "2009-10-14",
                    "recommendations": "- Members note the report",
                },
                {
                    "body": "Executive Board",
                    "date": "2009-11-04",
                    "recommendations": "- Approve the amendments",
                },
            ],
        ),
        **_rows(
            "contacts",
            [
                {
                    "name": "Stuart Cameron-Strickland",
                    "role": "Performance Manager",
                    "telephone": "0113 247 8000",
                    "email": "stuart@leeds.example",
                    "is_author": "on",
                }
            ],
        ),
    }
    return data | changes


def test_a_coordinator_creates_a_report_for_a_quarter(client, small_plan, coordinator):
    client.force_login(coordinator)
    url = reverse("reporting:committee_create", args=[small_plan.plan.slug])
    assert client.get(url).status_code == 200
    response = client.post(url, {"length": "quarter", "first_month": "2009-07"})
    committee = CommitteeReport.objects.get()
    assert (committee.first_month, committee.last_month) == (JULY, SEPTEMBER)
    assert response.url == reverse(
        "reporting:committee_edit", args=[small_plan.plan.slug, committee.pk]
    )


def test_a_bad_range_is_refused_with_the_field_named(client, small_plan, coordinator):
    client.force_login(coordinator)
    url = reverse("reporting:committee_create", args=[small_plan.plan.slug])
    response = client.post(
        url, {"length": "from-to", "first_month": "2009-09", "last_month": "2009-07"}
    )
    assert response.status_code == 200
    assert "Last month: The last month must not be before" in response.content.decode()
    assert not CommitteeReport.objects.exists()


def test_the_cover_with_its_meetings_and_contacts_is_saved_and_shown(
    client, small_plan, coordinator, committee
):
    client.force_login(coordinator)
    slug = small_plan.plan.slug
    url = reverse("reporting:committee_edit", args=[slug, committee.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _cover_post())
    assert response.status_code == 302, response.content.decode()[:3000]
    committee.refresh_from_db()
    assert committee.updated_by == coordinator
    assert [(m.body, m.date) for m in committee.meetings.all()] == [
        ("Scrutiny Board (Adult Social Care)", datetime.date(2009, 10, 14)),
        ("Executive Board", datetime.date(2009, 11, 4)),
    ]
    page = client.get(response.url).content.decode()
    for text in [
        "Report to Scrutiny Board (Adult Social Care)",
        "Director of Adult Social Services",
        "14 October 2009",
        "Recommendations to Executive Board",
        "<li>Approve the amendments</li>",
        "Telephone: 0113 247 8000",
        "The inspection's judgments",
        "Download Word document (docx)",
        "Edit the cover report",
    ]:
        assert text in page, text
    # Optional sections left empty are left out.
    assert "Legal implications" not in page
    # The edit page shows the saved rows again; saving it unchanged keeps them.
    again = client.get(url).content.decode()
    assert 'value="Executive Board"' in again
    data = _cover_post() | {
        "meetings-INITIAL_FORMS": "2",
        "contacts-INITIAL_FORMS": "1",
    }
    client.post(url, data)
    assert committee.meetings.count() == 2 and committee.contacts.count() == 1


def test_bad_rows_save_nothing_and_are_named_by_row(
    client, small_plan, coordinator, committee
):
    client.force_login(coordinator)
    url = reverse("reporting:committee_edit", args=[small_plan.plan.slug, committee.pk])
    data = _cover_post(
        **{
            "meetings-1-date": "14/13/2009",
            "contacts-0-telephone": "ring me",
            "purpose": "Changed",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Meeting 2, date: Enter a valid date." in page
    assert "Contact 1, telephone: Enter a telephone number" in page
    committee.refresh_from_db()
    assert committee.purpose == "" and not committee.meetings.exists()


def test_committee_pages_refuse_other_methods(
    client, small_plan, coordinator, committee
):
    client.force_login(coordinator)
    slug = small_plan.plan.slug
    for name in ["committee_pack", "committee_pdf", "committee_docx"]:
        url = reverse(f"reporting:{name}", args=[slug, committee.pk])
        assert client.post(url).status_code == 405, name
    edit = reverse("reporting:committee_edit", args=[slug, committee.pk])
    assert client.put(edit).status_code == 405
    create = reverse("reporting:committee_create", args=[slug])
    assert client.delete(create).status_code == 405


def _all_urls(slug: str, pk: int) -> list[str]:
    return [
        reverse("reporting:committee_create", args=[slug]),
        *(
            reverse(f"reporting:{name}", args=[slug, pk])
            for name in [
                "committee_pack",
                "committee_edit",
                "committee_pdf",
                "committee_docx",
            ]
        ),
    ]


def test_anonymous_users_are_sent_to_sign_in(client, small_plan, committee):
    for url in _all_urls(small_plan.plan.slug, committee.pk):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login"))


def test_another_councils_user_sees_nothing(client, small_plan, outsider, committee):
    client.force_login(outsider)
    for url in _all_urls(small_plan.plan.slug, committee.pk):
        assert client.get(url).status_code == 404, url


def test_a_report_of_another_plan_is_not_found(client, small_plan, outsider, committee):
    """A report's number under another plan's address does not open it."""
    client.force_login(outsider)
    other = PlanMembership.objects.get(user=outsider).plan
    url = reverse("reporting:committee_pack", args=[other.slug, committee.pk])
    assert client.get(url).status_code == 404


def test_a_viewer_reads_and_downloads_but_may_not_edit_or_create(
    client, small_plan, viewer, committee
):
    client.force_login(viewer)
    slug = small_plan.plan.slug
    pack = client.get(reverse("reporting:committee_pack", args=[slug, committee.pk]))
    assert pack.status_code == 200
    assert "Edit the cover report" not in pack.content.decode()
    docx = client.get(reverse("reporting:committee_docx", args=[slug, committee.pk]))
    assert docx.status_code == 200
    assert docx["Content-Disposition"] == (
        'attachment; filename="leeds-small-committee-2009-07-to-2009-09.docx"'
    )
    Document(io.BytesIO(docx.content))  # a document Word can open
    edit = reverse("reporting:committee_edit", args=[slug, committee.pk])
    assert client.get(edit).status_code == 403
    assert client.post(edit, _cover_post()).status_code == 403
    create = reverse("reporting:committee_create", args=[slug])
    assert (
        client.post(create, {"length": "month", "first_month": "2009-08"}).status_code
        == 403
    )
    assert CommitteeReport.objects.count() == 1 and not committee.meetings.exists()


def test_the_pdf_is_made_and_the_index_lists_the_reports(
    client, small_plan, coordinator, committee, settings
):
    # Closed months carry when they were closed, which names the stored PDF.
    small_plan.plan.periods.filter(state="closed").update(closed_at=timezone.now())
    client.force_login(coordinator)
    slug = small_plan.plan.slug
    response = client.get(reverse("reporting:committee_pdf", args=[slug, committee.pk]))
    if response.status_code == 302:
        response = client.get(response.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    index = client.get(reverse("reporting:index", args=[slug])).content.decode()
    assert "July to September 2009 (Q2 2009/10)" in index
    assert reverse("reporting:committee_create", args=[slug]) in index
