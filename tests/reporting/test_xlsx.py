"""The progress spreadsheet: the report's columns, and text that stays text."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from reporting import rendering
from reporting.selectors import Kind, period_report_build

pytestmark = pytest.mark.django_db

AUGUST = datetime.date(2009, 8, 1)


def _sheet(report):
    return load_workbook(io.BytesIO(rendering.report_xlsx(report))).active


def test_xlsx_has_the_progress_columns_and_milestone_rows(small_plan):
    report = period_report_build(plan=small_plan.plan, kind=Kind.PROGRESS, month=AUGUST)
    sheet = _sheet(report)
    header = [cell.value for cell in sheet[3]]
    assert header == [name for name, _ in rendering.XLSX_COLUMNS]
    rows = {row[1]: row for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert list(rows) == ["1.1", "4.2", "4.2 (a)", "4.2 (b)", "4.3"]
    a43 = rows["4.3"]
    assert a43[4:8] == ("Amber", "↔ no change", "Red", "↓ deteriorating")
    assert a43[9] == datetime.datetime(2009, 7, 31)
    assert a43[15] == "Staff seconded to Swine Flu duties."
    assert (
        rows["1.1"][0] == "1" and rows["1.1"][13] == "Director of Adult Social Services"
    )


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://evil","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1"]
)
def test_text_that_looks_like_a_formula_stays_text(small_plan, text):
    update = small_plan.august.updates.get(action=small_plan.a43)
    update.progress = text
    update.save()
    report = period_report_build(plan=small_plan.plan, kind=Kind.PROGRESS, month=AUGUST)
    sheet = _sheet(report)
    cell = next(row[14] for row in sheet.iter_rows(min_row=4) if row[1].value == "4.3")
    assert cell.value == text
    assert cell.data_type == "s" and cell.quotePrefix


def test_open_period_spreadsheet_is_titled_draft(small_plan):
    report = period_report_build(
        plan=small_plan.plan, kind=Kind.PROGRESS, month=datetime.date(2009, 9, 1)
    )
    assert "DRAFT" in _sheet(report)["A1"].value


def test_the_sheet_is_named_after_the_report(small_plan):
    report = period_report_build(
        plan=small_plan.plan, kind=Kind.EXCEPTIONS, month=AUGUST
    )
    assert _sheet(report).title == "Exceptions report"
