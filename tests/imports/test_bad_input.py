"""Bad files: each gets a clear message, and nothing is written."""

import datetime
import io

import openpyxl
import pytest

from imports.reading import MAX_FILE_BYTES
from imports.services import ImportOptions, plan_import_confirm
from tests import factories

from .helpers import new_plan_options, read, row_counts

pytestmark = pytest.mark.django_db

AUGUST = datetime.date(2009, 8, 1)


def _import(data: bytes, filename: str, options: ImportOptions | None = None):
    before = row_counts()
    result = plan_import_confirm(
        data=data, filename=filename, options=options or new_plan_options()
    )
    assert not result.ok and not result.saved
    assert row_counts() == before, "a failed import wrote rows"
    return result


def _error_for(name: str) -> str:
    result = _import(read(f"broken/{name}"), name)
    return " | ".join(str(problem) for problem in result.errors)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("not-a-spreadsheet.pdf", "This is not a spreadsheet"),
        ("corrupt.xlsx", "damaged"),
        ("password-protected.xlsx", "password-protected"),
        ("entity-expansion.xlsx", "XML entity declarations"),
        ("huge-shared-strings.xlsx", "expands to far more data"),
        ("too-many-rows.csv", "more than 5,000 rows"),
        ("no-header.xlsx", "No header row was found"),
        ("missing-action-column.xlsx", "no Action (or KEY ACTIONS) column"),
        ("duplicate-numbers.xlsx", "Action 1.2 appears twice"),
        ("bad-cross-reference.xlsx", "refers to action 9.9, which is not in the file"),
        ("too-long.xlsx", "Too long for a date"),
        ("finish-before-start.xlsx", "Plan Finish is before the plan start"),
    ],
)
def test_a_bad_file_is_refused_with_a_clear_message(name, message):
    assert message in _error_for(name)


def test_row_errors_name_the_sheet_row_column_and_cell():
    result = _import(read("broken/duplicate-numbers.xlsx"), "dup.xlsx")
    [error] = result.errors
    assert (error.sheet, error.row, error.column, error.text) == (
        "Plan",
        6,
        "No.",
        "1.2",
    )
    result = _import(read("broken/too-long.xlsx"), "long.xlsx")
    messages = [str(p) for p in result.errors]
    assert any("row 4, column Plan Finish" in m and "xxxx" in m for m in messages)
    assert any("number is too long" in m for m in messages)


def test_a_file_over_the_size_limit_is_refused_before_reading():
    data = b"No.,Action,Lead\n" + b"1.1,x,y\n" * (MAX_FILE_BYTES // 8 + 1)
    assert "the limit is 10 MB" in str(_import(data, "big.csv").errors[0])


def test_an_old_xls_file_is_explained():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024
    assert "Excel 97" in str(_import(data, "plan.xls").errors[0])


def test_formulas_give_their_saved_values_and_are_never_run():
    plan = factories.make_plan()
    result = plan_import_confirm(
        data=read("broken/formulas.xlsx"),
        filename="formulas.xlsx",
        options=ImportOptions(plan=plan, this_month=AUGUST),
    )
    assert result.ok, [str(p) for p in result.errors]
    assert plan.actions.get(number="1.1").text == "Meet partners"
    progress = plan.actions.get(number="1.1").updates.get().progress
    assert progress == "2"
    [warning] = [w for w in result.warnings if "formula" in w.message]
    assert warning.row == 4 and warning.column == "Report of Progress"


def test_an_unreadable_date_is_a_warning_on_its_row_and_the_text_is_kept():
    plan = factories.make_plan()
    result = plan_import_confirm(
        data=read("broken/unreadable-date.xlsx"),
        filename="dates.xlsx",
        options=ImportOptions(plan=plan, this_month=AUGUST),
    )
    assert result.ok and result.saved
    [warning] = result.warnings
    assert (warning.row, warning.column, warning.text) == (
        4,
        "Plan Start",
        "Summer 2001",
    )
    action = plan.actions.get()
    assert action.plan_start is None and action.plan_start_text == "Summer 2001"


def test_updates_without_a_month_ask_for_the_month():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Recommendation 1: Be better."])
    sheet.append(["No.", "Action", "This Month RAG", "Plan Finish", "Lead"])
    sheet.append(["1.1", "Act", "Amber", "Sep-09", "Hilary Paxton (Head)"])
    output = io.BytesIO()
    workbook.save(output)
    result = _import(output.getvalue(), "x.xlsx")
    assert "Say which month the file reports on" in str(result.errors[0])


def test_an_existing_plan_name_is_not_taken_over():
    factories.make_plan(slug="imported-plan")
    result = _import(read("dudley-cqc.csv"), "dudley.csv")
    assert "already exists" in str(result.errors[0])
