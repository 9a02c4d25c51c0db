"""The stamp of a report's rows: it changes with every write a closed month's report shows.

A closed month's stored PDF and cached body are keyed by it (see test_report_cache.py in
tests/faults for the pages and PDFs themselves).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actionplans.models import ProgressUpdate, StatusOption
from reporting.selectors import report_rows_stamp
from tests import factories
from tests.reporting.test_pdf import AUGUST

pytestmark = pytest.mark.django_db


def _stamp(small_plan) -> str:
    return report_rows_stamp(plan=small_plan.plan, report_months=[AUGUST])


def _save(row, **values) -> None:
    for name, value in values.items():
        setattr(row, name, value)
    row.save()


def _august_update(small_plan, month=8) -> ProgressUpdate:
    return ProgressUpdate.objects.get(period__month__month=month, action=small_plan.a43)


CHANGES = {
    "action text": lambda p: _save(p.a11, text="Meet every partner."),
    "milestone text": lambda p: _save(p.m42b, text="Identify all staff."),
    "recommendation text": lambda p: _save(p.rec2, text="Deliver the training."),
    "status label": lambda p: _save(
        StatusOption.objects.get(plan=p.plan, label="Red"), label="Red (late)"
    ),
    "officer name": lambda p: _save(p.lead, name="Hilary Paxton-Smith"),
    "officer deleted": lambda p: p.chief.delete(),
    "lead taken off an action": lambda p: p.a43.leads.clear(),
    "plan title": lambda p: _save(p.plan, title="Leeds IWC (revised)"),
    "month's narrative": lambda p: _save(p.august, overview="Good progress."),
    "month's update": lambda p: _save(_august_update(p), progress="Corrected."),
    "last month's update": lambda p: _save(_august_update(p, 7), progress="Fixed."),
    "update deleted": lambda p: _august_update(p).delete(),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_the_stamp_changes_with_every_row_the_report_shows(small_plan, change):
    before = _stamp(small_plan)
    change(small_plan)
    assert _stamp(small_plan) != before


def test_work_on_the_open_month_or_another_plan_leaves_the_stamp_alone(small_plan):
    """Stored PDFs of closed months are not made again for every draft saved."""
    before = _stamp(small_plan)
    draft = ProgressUpdate.objects.get(period=small_plan.september)
    _save(draft, progress="Draft progress, edited.")
    factories.make_update(small_plan.september, action=small_plan.a11)
    other = factories.make_plan()
    _save(factories.make_action(other, "1.1"), text="Another plan's action.")
    assert _stamp(small_plan) == before


def test_the_stamp_is_one_query(small_plan):
    with CaptureQueriesContext(connection) as queries:
        _stamp(small_plan)
    assert len(queries) == 1
