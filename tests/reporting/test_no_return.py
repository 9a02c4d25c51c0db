"""A month closed with no return for an item: every report says so beside the carried
status, and shows the narrative last written, with its month, instead of an empty one."""

import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from actionplans import services as workflow
from actionplans.models import ProgressUpdate
from reporting import rendering
from reporting.selectors import (
    Kind,
    period_report_build,
    report_rows_stamp,
)
from tests.actionplans.conftest import Cycle

OCTOBER = datetime.date(2009, 10, 1)
CARRIED = "No return – carried forward from August 2009"
NOTHING_TO_CARRY = "No return – no earlier update to carry forward"


@pytest.fixture
def two_no_returns(db):
    """Action 1.8 written in August only; September and October closed with nobody
    updating anything, November open."""
    cycle = Cycle()
    period = cycle.september
    for _ in range(2):
        workflow.period_close(period=period, user=cycle.coordinator)
        period = workflow.period_open_next(plan=cycle.plan, user=cycle.coordinator)
    return cycle


def _items(report) -> dict:
    return {
        item.number: item
        for block in report.blocks
        for item in [block.action, *block.milestones]
    }


def _october(cycle, kind=Kind.PROGRESS):
    return period_report_build(plan=cycle.plan, kind=kind, month=OCTOBER)


def test_a_second_no_return_carries_the_month_and_narrative_last_written(
    two_no_returns,
):
    action = _items(_october(two_no_returns))["1.8"]
    for update in [action.this_month, action.last_month]:  # October and September
        assert update.is_not_returned
        assert update.carried_month == datetime.date(2009, 8, 1)
        assert update.no_return_note == CARRIED
        assert update.status.label == "Amber"
        assert update.progress == ""  # nothing was written for the month itself
        assert update.progress_shown == "August progress."
        assert update.carried_label == "Last written in August 2009"


def test_a_no_return_with_nothing_before_it_has_no_narrative_to_show(two_no_returns):
    milestone = _items(_october(two_no_returns))["1.8 (a)"]
    update = milestone.this_month
    assert update.no_return_note == NOTHING_TO_CARRY
    assert update.carried_month is None
    assert not update.shows_carried_narrative
    assert update.carried_label == "" and update.progress_shown == ""


def test_a_correction_written_into_a_no_return_is_shown_instead(two_no_returns):
    """A coordinator's amendment of the closed month gives the row its own narrative."""
    ProgressUpdate.objects.filter(
        period__month=OCTOBER, action=two_no_returns.action
    ).update(progress="Chased: the lead was on leave.")
    update = _items(_october(two_no_returns))["1.8"].this_month
    assert update.is_not_returned and not update.shows_carried_narrative
    assert update.progress_shown == "Chased: the lead was on leave."


def test_a_written_update_shows_its_own_narrative(db):
    """Only a no return carries: the August update reads as written."""
    cycle = Cycle()
    update = _items(
        period_report_build(plan=cycle.plan, month=datetime.date(2009, 8, 1))
    )["1.8"].this_month
    assert not update.is_not_returned and update.no_return_note == ""
    assert update.progress_shown == "August progress." and update.carried_label == ""


def test_no_returns_add_no_query_to_the_period_report(two_no_returns):
    """The carried month and narrative come joined into the updates' query."""
    with CaptureQueriesContext(connection) as queries:
        _october(two_no_returns)
    assert len(queries) == 14  # as tests/reporting/test_queries.py


def test_correcting_the_update_carried_forward_changes_the_later_months_stamp(
    two_no_returns,
):
    """A stored October PDF or cached page must not keep August's old narrative."""
    plan = two_no_returns.plan
    before = report_rows_stamp(plan=plan, report_months=[OCTOBER])
    august = ProgressUpdate.objects.get(
        period__month=datetime.date(2009, 8, 1), action=two_no_returns.action
    )
    values = workflow.ItemValues(
        august.status, august.direction, "Corrected August.", "", None, august.version
    )
    workflow.update_amend(
        update=august,
        user=two_no_returns.coordinator,
        values=values,
        reason="Wrong text.",
    )
    assert report_rows_stamp(plan=plan, report_months=[OCTOBER]) != before
    assert _items(_october(two_no_returns))["1.8"].this_month.progress_shown == (
        "Corrected August."
    )


def test_the_progress_page_shows_the_note_and_the_last_narrative_in_both_layouts(
    client, two_no_returns
):
    client.force_login(two_no_returns.viewer)
    url = reverse("reporting:report", args=[two_no_returns.plan.slug, "progress"])
    for view in ["blocks", "table"]:
        page = client.get(url, {"period": "2009-10", "view": view}).content.decode()
        assert page.count(CARRIED) == 2, view  # this month and last month
        assert NOTHING_TO_CARRY in page, view
        assert "Last written in August 2009:</span> August progress." in page, view


def test_the_summary_lists_show_the_note_beside_the_status(client, two_no_returns):
    client.force_login(two_no_returns.viewer)
    url = reverse("reporting:report", args=[two_no_returns.plan.slug, "summary"])
    page = client.get(url, {"period": "2009-10"}).content.decode()
    overdue = page.split("<h3>Overdue</h3>")[1].split("<h2")[0]
    assert "1.8 (b)" in overdue and NOTHING_TO_CARRY in overdue


def test_the_spreadsheet_has_the_notes_and_the_last_narrative(two_no_returns):
    content = rendering.report_xlsx(_october(two_no_returns))
    sheet = load_workbook(io.BytesIO(content)).active
    header = [cell.value for cell in sheet[3]]
    rows = {row[1]: row for row in sheet.iter_rows(min_row=4, values_only=True)}
    action = dict(zip(header, rows["1.8"], strict=True))
    assert action["This month status"] == "Amber"
    assert action["This month no return"] == CARRIED
    assert action["Last month no return"] == CARRIED
    assert action["Progress"] == "Last written in August 2009: August progress."
    assert dict(zip(header, rows["2.1"], strict=True))["This month no return"] == (
        NOTHING_TO_CARRY
    )


def test_the_pdf_prints_the_note_and_the_last_narrative(two_no_returns):
    pdf = rendering.report_pdf(_october(two_no_returns))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    text = re.sub(r"\s+", " ", text)
    assert "No return" in text
    assert "August progress." in text
