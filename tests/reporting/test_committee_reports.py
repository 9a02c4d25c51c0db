"""Committee reports: their range of months, the cover's rows, and the pack they make."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from lib import months
from recommendations.models import Judgment
from reporting import services
from reporting.forms import CommitteeContactForm, CommitteeRangeForm
from reporting.models import CommitteeReport, range_label
from reporting.selectors import committee_report_pack_build, scrutiny_pack_build

pytestmark = pytest.mark.django_db

JULY, AUGUST, SEPTEMBER = (datetime.date(2009, m, 1) for m in (7, 8, 9))


def _range(plan, first, last, **fields) -> CommitteeReport:
    return CommitteeReport.objects.create(
        plan=plan, first_month=first, last_month=last, **fields
    )


def test_range_labels_read_as_committees_write_them():
    assert range_label(AUGUST, AUGUST) == "August 2009"
    assert range_label(JULY, SEPTEMBER) == "July to September 2009 (Q2 2009/10)"
    assert range_label(AUGUST, SEPTEMBER) == "August to September 2009"
    assert (
        range_label(datetime.date(2009, 4, 1), datetime.date(2010, 3, 1))
        == "April 2009 to March 2010"
    )
    assert months.month_range(JULY, SEPTEMBER) == [JULY, AUGUST, SEPTEMBER]


def test_the_database_refuses_a_backwards_range_and_a_second_report_of_one(
    small_plan,
):
    plan = small_plan.plan
    _range(plan, JULY, SEPTEMBER)
    with pytest.raises(IntegrityError), transaction.atomic():
        _range(plan, JULY, SEPTEMBER)
    with pytest.raises(IntegrityError), transaction.atomic():
        _range(plan, SEPTEMBER, JULY)
    with pytest.raises(IntegrityError), transaction.atomic():
        _range(plan, datetime.date(2009, 7, 2), SEPTEMBER)


@pytest.mark.parametrize(
    ("length", "last"),
    [
        ("month", JULY),
        ("quarter", SEPTEMBER),
        ("half-year", datetime.date(2009, 12, 1)),
        ("year", datetime.date(2010, 6, 1)),
    ],
)
def test_a_preset_length_sets_the_last_month(small_plan, length, last):
    form = CommitteeRangeForm(
        {"length": length, "first_month": "2009-07"}, plan=small_plan.plan
    )
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["first_month"], form.cleaned_data["last_month"]) == (
        JULY,
        last,
    )


def test_the_range_form_names_what_is_wrong(small_plan):
    plan = small_plan.plan

    def codes(data):
        form = CommitteeRangeForm(data, plan=plan)
        assert not form.is_valid()
        return {e.code for errors in form.errors.as_data().values() for e in errors}

    assert codes({"length": "quarter", "first_month": "July"}) == {"invalid_month"}
    assert codes({"length": "from-to", "first_month": "2009-07"}) == {
        "last_month_missing"
    }
    assert codes(
        {"length": "from-to", "first_month": "2009-09", "last_month": "2009-07"}
    ) == {"range_backwards"}
    _range(plan, JULY, SEPTEMBER)
    assert codes({"length": "quarter", "first_month": "2009-07"}) == {"range_taken"}


def test_contacts_need_a_valid_telephone_or_email():
    def codes(data):
        form = CommitteeContactForm(data)
        assert not form.is_valid()
        return {e.code for errors in form.errors.as_data().values() for e in errors}

    assert codes({"name": "Stuart"}) == {"no_contact_details"}
    assert codes({"name": "Stuart", "telephone": "call me"}) == {"invalid_telephone"}
    assert codes({"name": "Stuart", "telephone": "0113 24"}) == {"invalid_telephone"}
    assert codes({"name": "Stuart", "email": "stuart@"}) == {"invalid"}
    good = CommitteeContactForm({"name": "Stuart", "telephone": "0113  247 8000"})
    assert good.is_valid() and good.cleaned_data["telephone"] == "0113 247 8000"


def test_an_update_replaces_the_rows_all_or_nothing(small_plan, coordinator):
    committee = _range(small_plan.plan, JULY, SEPTEMBER)
    services.committee_report_update(
        committee=committee,
        cover={"purpose": "To update members."},
        meetings=[{"body": "Scrutiny Board", "date": datetime.date(2009, 10, 14)}],
        contacts=[{"name": "Stuart", "telephone": "0113 247 8000", "is_author": True}],
        user=coordinator,
    )
    with pytest.raises(ValidationError):
        services.committee_report_update(
            committee=committee,
            cover={"purpose": "Changed"},
            meetings=[{"body": "Executive Board", "date": None}],
            contacts=[{"name": "x" * 300}],
            user=coordinator,
        )
    committee.refresh_from_db()
    assert committee.purpose == "To update members."
    assert [m.body for m in committee.meetings.all()] == ["Scrutiny Board"]
    assert [c.name for c in committee.contacts.all()] == ["Stuart"]


def test_the_pack_has_judgments_and_progress_since_the_month_before(small_plan):
    plan = small_plan.plan
    inspection = plan.inspection
    inspection.key_strengths = "- Strong leadership"
    inspection.save()
    judgment = Judgment.objects.create(
        inspection=inspection, area="Safeguarding adults", grade="Poor", order=1
    )
    small_plan.rec1.judgment = judgment
    small_plan.rec1.save()
    committee = _range(plan, AUGUST, SEPTEMBER, summary="All on track.")
    pack = committee_report_pack_build(committee=committee)
    assert pack.cover == committee and pack.title.startswith("Progress on the")
    assert [
        (j.area, j.grade, j.recommendations_label) for j in pack.inspection.judgments
    ] == [("Safeguarding adults", "Poor", "1")]
    assert pack.inspection.unlinked_label == "4"
    # The last closed month of the range, not the open September.
    assert pack.period.label == "August 2009"
    assert pack.progress.since.label == "July 2009"
    assert not pack.progress.since_previous_report
    # Made from the closed months: the open September is left out, and said so.
    assert [m.period.label for m in pack.months] == ["August 2009"]
    assert [p.label for p in pack.left_out] == ["September 2009"]
    assert not pack.is_draft


def test_progress_is_counted_from_the_previous_reports_last_month(small_plan):
    plan = small_plan.plan
    _range(plan, JULY, JULY)
    committee = _range(plan, SEPTEMBER, SEPTEMBER)
    pack = committee_report_pack_build(committee=committee)
    assert pack.progress.since.label == "July 2009"
    assert pack.progress.since_previous_report
    assert "previous report" in pack.progress.since_label


def test_the_quarters_scrutiny_pack_takes_the_quarters_committee_report(small_plan):
    plan = small_plan.plan
    assert scrutiny_pack_build(plan=plan, quarter=AUGUST).cover is None
    committee = _range(plan, JULY, SEPTEMBER, purpose="Quarterly update.")
    pack = scrutiny_pack_build(plan=plan, quarter=AUGUST)
    assert pack.cover == committee and pack.quarter_key == "2009-q3"
    assert committee_report_pack_build(committee=committee).quarter_key == "2009-q3"


def test_the_pack_page_and_document_take_as_many_queries_for_a_large_plan(client):
    """Ten actions or two hundred: the same number of queries for the page, the Word
    document and the pack (cover, meetings and contacts included)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from actionplans.models import PlanMembership, ReportingPeriod
    from tests import factories
    from tests.reporting.test_queries import _grow

    plan = factories.make_plan()
    closed = ReportingPeriod.State.CLOSED
    periods = [
        factories.make_period(plan, 2009, 6, state=closed),
        factories.make_period(plan, 2009, 7, state=closed),
        factories.make_period(plan, 2009, 8, state=closed),
        factories.make_period(plan, 2009, 9),
    ]
    _grow(plan, periods[1:], 1, 11)
    committee = _range(plan, JULY, SEPTEMBER, purpose="Update.")
    committee.meetings.create(body="Scrutiny Board", date=datetime.date(2009, 10, 14))
    committee.contacts.create(name="Stuart", telephone="0113 247 8000")
    user = factories.make_user()
    factories.make_member(plan, user, PlanMembership.Role.VIEWER)
    client.force_login(user)
    urls = [
        reverse(f"reporting:{name}", args=[plan.slug, committee.pk])
        for name in ["committee_pack", "committee_docx"]
    ]

    def counts() -> list[int]:
        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return result

    small = counts()
    _grow(plan, periods[1:], 11, 201)
    assert counts() == small
    print("committee pack page, docx queries:", small)
