"""The limits on what an import reads and writes: rows (blank ones too), reading time, and
the length of every text the models limit."""

import csv
import datetime
import io

import openpyxl
import pytest

from actionplans.models import Action, ProgressUpdate
from imports import reading
from imports.reading import SpreadsheetError, spreadsheet_read
from imports.services import ImportOptions, plan_import_confirm
from recommendations.models import Recommendation
from tests import factories
from tests.imports.helpers import SlowClock, row_counts

pytestmark = pytest.mark.django_db

AUGUST = datetime.date(2009, 8, 1)


def blank_rows_xlsx(count: int) -> bytes:
    """A workbook of `count` rows, each one empty-string cell: small on disk, and slow
    to read row by row."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Plan")
    for _ in range(count):
        sheet.append([""])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def test_blank_rows_count_towards_the_row_limit(settings):
    """...and are counted before openpyxl opens the file, which, for a sheet that does
    not state its size, reads the whole sheet before giving its first row."""
    settings.IMPORT_MAX_ROWS = 100
    with pytest.raises(SpreadsheetError) as refused:
        spreadsheet_read(data=blank_rows_xlsx(101), filename="blank.xlsx")
    assert str(refused.value) == (
        "The file has more than 100 rows; the limit is 100. Empty rows count too: "
        "delete the empty rows below the plan, or split the plan."
    )
    assert len(spreadsheet_read(data=blank_rows_xlsx(100), filename="ok.xlsx")) == 1


def test_rows_the_sheet_skips_count_towards_the_row_limit(settings):
    """A sheet can jump from row 1 to row 500 000; every row in between is read."""
    settings.IMPORT_MAX_ROWS = 100
    workbook = openpyxl.Workbook()
    workbook.active.title = "Plan"
    workbook.active["A1"] = "No."
    workbook.active["A500"] = "1.1"
    output = io.BytesIO()
    workbook.save(output)
    with pytest.raises(SpreadsheetError) as refused:
        spreadsheet_read(data=output.getvalue(), filename="gap.xlsx")
    assert str(refused.value).startswith(
        "The file has more than 100 rows; the limit is 100, reached on sheet 'Plan'."
    )


def test_a_workbook_with_too_many_cells_is_refused(settings):
    settings.IMPORT_MAX_ROWS = 10
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Plan")
    for _ in range(10):
        sheet.append([""] * 41)
    output = io.BytesIO()
    workbook.save(output)
    with pytest.raises(SpreadsheetError, match="more than 400 cells or texts"):
        spreadsheet_read(data=output.getvalue(), filename="wide.xlsx")


def test_blank_csv_rows_count_towards_the_row_limit(settings):
    settings.IMPORT_MAX_ROWS = 100
    data = b"No.,Action,Lead\n1.1,Act,Jane Smith\n" + b",,\n" * 99
    with pytest.raises(SpreadsheetError, match="The file has more than 100 rows"):
        spreadsheet_read(data=data, filename="blank.csv")


def test_reading_stops_at_the_time_limit(settings, monkeypatch):
    settings.IMPORT_PARSE_TIMEOUT = 30
    clock = SlowClock()
    monkeypatch.setattr(reading, "time", clock)
    with pytest.raises(SpreadsheetError) as refused:
        spreadsheet_read(data=blank_rows_xlsx(1000), filename="slow.xlsx")
    assert str(refused.value).startswith(
        "Reading the file took more than 30 seconds, so it was stopped."
    )
    assert clock.now == 32  # the start, then 31 rows: it stopped part-way


def test_a_refused_sheet_is_reported_and_nothing_is_written(settings):
    settings.IMPORT_MAX_ROWS = 100
    plan = factories.make_plan()
    before = row_counts()
    result = plan_import_confirm(
        data=blank_rows_xlsx(1000),
        filename="blank.xlsx",
        options=ImportOptions(plan=plan, this_month=AUGUST),
    )
    assert [p.message for p in result.errors][0].startswith(
        "The file has more than 100 rows"
    )
    after = row_counts()
    assert after == before


def _csv(progress: str = "On track.", aim: str = "Safer") -> bytes:
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(["Recommendation 1: " + "Be better. " * 3])
    writer.writerow(["No.", "Aim", "Action", "This Month RAG", "Report of Progress"])
    writer.writerow(["1.1", aim, "Meet partners", "Amber", progress])
    return output.getvalue().encode()


@pytest.mark.parametrize(
    ("model", "name", "expected"),
    [
        (
            ProgressUpdate,
            "progress",
            "ERROR: sheet CSV, row 3, column Report of Progress: Progress narrative: "
            "25 characters; at most 20. Shorten the text.",
        ),
        (
            Action,
            "aim",
            "ERROR: sheet CSV, row 3, column Aim/Outcome: Aim / outcome: "
            "25 characters; at most 20. Shorten the text.",
        ),
        (
            Recommendation,
            "text",
            "ERROR: sheet CSV, row 1: Recommendation text: 32 characters; at most 20. "
            "Shorten the text.",
        ),
    ],
)
def test_text_longer_than_its_field_allows_is_refused(
    monkeypatch, model, name, expected
):
    """The limit is read from the model field, so a new max_length needs no change."""
    monkeypatch.setattr(model._meta.get_field(name), "max_length", 20)
    plan = factories.make_plan()
    result = plan_import_confirm(
        data=_csv(progress="p" * 25, aim="a" * 25),
        filename="plan.csv",
        options=ImportOptions(plan=plan, this_month=AUGUST),
    )
    assert [str(p) for p in result.errors] == [expected]
    assert not result.saved
    assert not plan.actions.exists()
    assert not Recommendation.objects.filter(inspection=plan.inspection).exists()
