"""A closed month's report PDFs in object storage: laid out once, then read back."""

import datetime

import pytest
from django.core.files.storage import default_storage

from actionplans.models import ReportingPeriod
from reporting.pdfs import report_pdf_file
from reporting.selectors import Kind
from tests import factories

pytestmark = pytest.mark.django_db

AUGUST = datetime.date(2009, 8, 1)


@pytest.fixture
def plan():
    plan = factories.make_plan(slug="stored-pdfs")
    august = factories.make_period(plan, 2009, 8, state=ReportingPeriod.State.CLOSED)
    factories.make_period(plan, 2009, 9)
    action = factories.make_action(plan, "1.1", text="Meet partners.")
    factories.make_update(
        august, action=action, status_label="Amber", progress="Meeting booked."
    )
    return plan


def test_a_closed_months_pdf_is_stored_in_the_bucket_and_read_back(s3, plan):
    first = report_pdf_file(plan=plan, kind=Kind.SUMMARY, month=AUGUST)
    assert not first.was_stored
    assert first.content.startswith(b"%PDF")
    [key] = s3.keys()
    assert key.startswith("reports/stored-pdfs/2009-08/")
    assert s3.body(key) == first.content

    second = report_pdf_file(plan=plan, kind=Kind.SUMMARY, month=AUGUST)
    assert second.was_stored
    assert second.content == first.content
    assert s3.keys() == [key]


def test_stored_pdfs_are_private(s3, plan):
    """Downloads go through the app's permission-checked views, never the bucket."""
    report_pdf_file(plan=plan, kind=Kind.SUMMARY, month=AUGUST)
    [key] = s3.keys()
    assert s3.http_status(f"{s3.endpoint}/{s3.name}/{key}") == 403
    assert s3.http_status(default_storage.url(key)) == 200
