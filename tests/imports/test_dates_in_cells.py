"""Dates in real date cells and in text cells, read from a whole sheet, and kept through an
export and import again."""

import datetime
import io

import openpyxl
import pytest
from django.db import transaction

from actionplans.models import ActionPlan, Officer, ProgressUpdate
from imports.exporting import plan_export_csv, plan_export_xlsx
from imports.layouts import plan_parse
from imports.reading import spreadsheet_read
from imports.services import plan_import_confirm
from recommendations.models import Inspection

from .helpers import new_plan_options, plan_snapshot

D = datetime.date
HEADER = ["No.", "Action", "Plan Start", "Plan Finish", "Actual Finish", "Lead"]


def _xlsx(*rows: list, number_format: str = "mmm-yy") -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Plan"
    sheet.append(["Recommendation 1: Be better."])
    sheet.append(HEADER)
    for values in rows:
        sheet.append(values)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, datetime.date):
                cell.number_format = number_format
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _dates(data: bytes, filename: str = "plan.xlsx") -> dict:
    parsed = plan_parse(spreadsheet_read(data=data, filename=filename))
    assert not [p for p in parsed.problems if p.is_error]
    [action] = parsed.actions
    return {
        name: action[name]
        for name in (
            "plan_start",
            "plan_start_text",
            "plan_finish",
            "actual_finish",
            "actual_finish_text",
        )
    }


def test_real_date_cells_shown_as_months_keep_their_day():
    """5 January and 20 March 2026 in "mmm-yy" cells are 5 January and 20 March."""
    data = _xlsx(
        [
            "1.1",
            "Act",
            D(2026, 1, 5),
            D(2026, 3, 31),
            D(2026, 3, 20),
            "Jo Bloggs (Head)",
        ]
    )
    assert _dates(data) == {
        "plan_start": "2026-01-05",
        "plan_start_text": "05/01/2026",
        "plan_finish": "2026-03-31",
        "actual_finish": "2026-03-20",
        "actual_finish_text": "20/03/2026",
    }


def test_month_text_is_the_months_first_day_to_start_and_last_day_to_finish():
    data = _xlsx(["1.1", "Act", "Jan-26", "Mar-26", "Mar-26", "Jo Bloggs (Head)"])
    assert _dates(data) == {
        "plan_start": "2026-01-01",
        "plan_start_text": "Jan-26",
        "plan_finish": "2026-03-31",
        "actual_finish": "2026-03-31",
        "actual_finish_text": "Mar-26",
    }


def test_a_month_typed_into_excel_is_read_as_the_month():
    """Excel keeps a typed "Mar-26" as 1 March shown as a month."""
    data = _xlsx(
        ["1.1", "Act", D(2026, 1, 1), D(2026, 3, 1), D(2026, 3, 1), "Jo Bloggs (Head)"]
    )
    assert _dates(data) == {
        "plan_start": "2026-01-01",
        "plan_start_text": "Jan-26",
        "plan_finish": "2026-03-31",
        "actual_finish": "2026-03-31",
        "actual_finish_text": "Mar-26",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("export", [plan_export_xlsx, plan_export_csv])
def test_exact_days_in_month_formatted_cells_survive_export_and_import(export):
    data = _xlsx(
        [
            "1.1",
            "Act",
            D(2026, 1, 5),
            D(2026, 3, 31),
            D(2026, 3, 20),
            "Jo Bloggs (Head)",
        ]
    )
    result = plan_import_confirm(
        data=data, filename="plan.xlsx", options=new_plan_options()
    )
    assert result.ok, [str(p) for p in result.errors]
    before = plan_snapshot(result.plan)
    action = before["actions"]["1.1"]
    assert (action["plan_start"], action["actual_finish"]) == (
        "2026-01-05",
        "2026-03-20",
    )
    content = export(plan=result.plan)
    with transaction.atomic():
        ProgressUpdate.objects.all().delete()
        ActionPlan.objects.all().delete()
        Inspection.objects.all().delete()
        Officer.objects.all().delete()
    name = "export.xlsx" if export is plan_export_xlsx else "export.csv"
    again = plan_import_confirm(data=content, filename=name, options=new_plan_options())
    assert again.ok, [str(p) for p in again.errors]
    assert plan_snapshot(again.plan) == before
