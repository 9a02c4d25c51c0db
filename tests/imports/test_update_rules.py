"""An import writes only updates the update form would accept, and refuses the whole file,
naming the row and column, when one would not be."""

import csv
import datetime
import io

import pytest
from django.utils import timezone

from imports.services import ImportOptions, plan_import_confirm
from lib.months import month_add, month_first
from tests import factories
from tests.imports.helpers import row_counts

pytestmark = pytest.mark.django_db

AUGUST = datetime.date(2009, 8, 1)
HEADER = ["No.", "Action", "This Month RAG", "Plan Start", "Actual Finish", "Lead"]


def _csv(*rows: list[str]) -> bytes:
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(["Recommendation 1: Be better."])
    writer.writerow(HEADER)
    writer.writerows(rows)
    return output.getvalue().encode()


def _refused(data: bytes, *, this_month: datetime.date = AUGUST) -> list[str]:
    """The import's errors; it must have written nothing."""
    plan = factories.make_plan()
    before = row_counts()
    result = plan_import_confirm(
        data=data,
        filename="plan.csv",
        options=ImportOptions(plan=plan, this_month=this_month),
    )
    assert not result.ok and not result.saved
    assert row_counts() == before, "a refused import wrote rows"
    return [str(problem) for problem in result.errors]


def test_a_complete_status_without_an_actual_finish_is_refused():
    errors = _refused(
        _csv(
            ["1.1", "Meet partners", "Amber", "Apr-09", "", "Jane Smith (Head)"],
            ["1.2", "Agree terms", "Green", "Apr-09", "", "Jane Smith (Head)"],
        )
    )
    assert errors == [
        "ERROR: sheet CSV, row 4, column Actual Finish: 1.2, August 2009: Enter the "
        "actual finish: Green means the work is complete."
    ]


def test_an_actual_finish_under_a_status_that_is_not_complete_is_refused():
    errors = _refused(
        _csv(["1.1", "Meet partners", "Red", "Apr-09", "15/07/2009", "Jane Smith"])
    )
    assert errors == [
        "ERROR: sheet CSV, row 3, column This Month RAG: 1.1, August 2009: An item "
        "with an actual finish is complete: choose Blue or Green, or clear the actual "
        "finish."
    ]


def test_an_actual_finish_in_the_future_is_refused():
    month = month_first(month_add(timezone.localdate(), 2))
    finish = f"{month:%d/%m/%Y}"
    errors = _refused(
        _csv(["1.1", "Meet partners", "Green", "Apr-09", finish, "Jane Smith"]),
        this_month=month,
    )
    assert errors == [
        f"ERROR: sheet CSV, row 3, column Actual Finish: 1.1, {month:%B %Y}: The "
        "actual finish cannot be in the future."
    ]


def test_a_finished_item_with_a_complete_status_is_imported():
    plan = factories.make_plan()
    result = plan_import_confirm(
        data=_csv(["1.1", "Meet partners", "Green", "Apr-09", "15/07/2009", "Jane"]),
        filename="plan.csv",
        options=ImportOptions(plan=plan, this_month=AUGUST),
    )
    assert result.ok, [str(p) for p in result.errors]
    update = plan.actions.get().updates.get()
    assert (update.status.label, update.actual_finish) == (
        "Green",
        datetime.date(2009, 7, 15),
    )
