"""The Leeds and Dudley spreadsheets import to the same plans as the demo fixtures, and again
to no change at all."""

import datetime

import pytest
from simple_history.utils import get_history_model_for_model

from actionplans.models import (
    Action,
    Milestone,
    Officer,
    ProgressUpdate,
    ReportingPeriod,
)
from imports.services import ImportOptions, plan_import_confirm, plan_import_preview
from recommendations.models import Recommendation, Theme
from tests import factories

from .helpers import fixture_snapshot, import_new, plan_snapshot, read, row_counts

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["leeds-iwc.xlsx", "leeds-iwc.csv"])
def test_the_leeds_spreadsheet_gives_the_leeds_fixture(name):
    """Same counts and values, except what the layout cannot carry: July's narratives
    (seed 001 has one progress column, August's) and the one date typo the fixture
    repaired (1.9 (a) "Feb-08", written as "Feb-09" in the test file)."""
    plan = import_new(name, close_this_month=True)
    assert Recommendation.objects.filter(inspection=plan.inspection).count() == 25
    assert plan.actions.count() == 66
    assert Milestone.objects.filter(action__plan=plan).count() == 60
    assert Officer.objects.count() == 35
    months = {p.month: p.is_closed for p in plan.periods.all()}
    assert months == {
        datetime.date(2009, 7, 1): True,
        datetime.date(2009, 8, 1): True,
        datetime.date(2009, 9, 1): False,
    }
    got = plan_snapshot(plan, narratives_before="2009-08")
    expected = fixture_snapshot("leeds-iwc", narratives_before="2009-08")
    expected["actions"]["1.9"]["milestones"][0]["actual_finish_text"] = "Feb-09"
    assert got["recommendations"] == expected["recommendations"]
    for number, action in expected["actions"].items():
        assert got["actions"][number] == action, number
    assert got == expected


@pytest.mark.parametrize("name", ["dudley-cqc.xlsx", "dudley-cqc.csv"])
def test_the_dudley_spreadsheet_gives_the_dudley_fixture(name):
    plan = import_new(name)
    assert Theme.objects.filter(inspection=plan.inspection).count() == 4
    assert Recommendation.objects.filter(inspection=plan.inspection).count() == 19
    assert plan.actions.count() == 80
    assert Officer.objects.count() == 26
    assert [p.month for p in plan.periods.all() if not p.is_closed] == [
        datetime.date(2009, 10, 1)
    ]
    got = plan_snapshot(plan)
    expected = fixture_snapshot("dudley-cqc")
    # The fixture's one judgement that no cell carries: 5.5's progress "Issued and in
    # use." read as complete (fixtures/dudley-cqc/README.md, status rule).
    expected["actions"]["5.5"]["actual_finish_text"] = ""
    expected["actions"]["5.5"]["updates"]["2009-10"]["status"] = None
    for number, action in expected["actions"].items():
        assert got["actions"][number] == action, number
    assert got == expected


def test_the_layout_is_detected_from_the_header_row():
    for name, layout in [("leeds-iwc.xlsx", "leeds"), ("dudley-cqc.csv", "dudley")]:
        plan = factories.make_plan()
        result = plan_import_preview(
            data=read(name), filename=name, options=ImportOptions(plan=plan)
        )
        assert result.layout == layout


def test_importing_the_same_file_again_changes_nothing_and_writes_no_history():
    user = factories.make_user()
    plan = import_new("leeds-iwc.xlsx", close_this_month=True, user=user)
    before = row_counts()
    result = plan_import_confirm(
        data=read("leeds-iwc.xlsx"),
        filename="leeds-iwc.xlsx",
        options=ImportOptions(plan=plan),
        user=user,
    )
    assert result.ok and result.saved
    assert result.report.changed.total() == 0
    assert result.report.created.total() == 0
    assert row_counts() == before


def test_the_import_records_the_importing_user_in_history():
    user = factories.make_user("importer")
    plan = import_new("dudley-cqc.xlsx", user=user)
    history = get_history_model_for_model(Action).objects.filter(plan_id=plan.pk)
    assert history.values("id").distinct().count() == 80
    assert set(history.values_list("history_user__username", flat=True)) == {"importer"}


def test_an_edited_file_changes_only_the_edited_cells():
    user = factories.make_user("editor")
    plan = import_new("dudley-cqc.csv")
    text = read("dudley-cqc.csv").decode()
    edited = text.replace(
        "Review to commence October 2009. PCT lead", "Review started. PCT lead"
    )
    edited = edited.replace("End October 2009", "End November 2009", 1)
    assert edited != text
    result = plan_import_confirm(
        data=edited.encode(),
        filename="dudley-cqc.csv",
        options=ImportOptions(plan=plan),
        user=user,
    )
    assert result.ok, [str(p) for p in result.errors]
    changes = {(kind, fields[0]) for kind, _, fields in result.report.changes}
    assert changes == {("progress update", "progress"), ("action", "plan_finish")}
    action = plan.actions.get(number="1.3")
    assert action.plan_finish == datetime.date(2009, 11, 30)
    assert action.history.latest().history_user == user


def test_a_change_to_a_closed_month_is_an_error_and_nothing_is_written():
    plan = import_new("leeds-iwc.csv", close_this_month=True)
    text = read("leeds-iwc.csv").decode()
    edited = text.replace(
        "Blue,Blue,Sep-08,Nov-08,Nov-08", "Blue,Red,Sep-08,Nov-08,Nov-08", 1
    )
    assert edited != text
    before = row_counts()
    result = plan_import_confirm(
        data=edited.encode(), filename="leeds.csv", options=ImportOptions(plan=plan)
    )
    assert not result.ok and not result.saved
    [error] = result.errors
    assert "August 2009 is closed" in error.message
    assert error.row == 7 and error.column == "This Month RAG"
    assert row_counts() == before


def test_an_import_into_an_open_month_keeps_the_updates_workflow_state():
    plan = import_new("dudley-cqc.xlsx")
    update = ProgressUpdate.objects.get(action__plan=plan, action__number="1.1")
    update.workflow_state = ProgressUpdate.Workflow.SUBMITTED
    update.save()
    result = plan_import_confirm(
        data=read("dudley-cqc.xlsx"),
        filename="dudley-cqc.xlsx",
        options=ImportOptions(plan=plan),
    )
    assert result.ok
    update.refresh_from_db()
    assert update.workflow_state == ProgressUpdate.Workflow.SUBMITTED
    assert ReportingPeriod.objects.get(plan=plan).state == "open"


def test_officers_are_matched_to_existing_ones_by_name():
    existing = factories.make_officer(
        "Hilary Paxton", "Head of Service Adult Safeguarding"
    )
    plan = factories.make_plan()
    result = plan_import_preview(
        data=read("leeds-iwc.xlsx"),
        filename="leeds-iwc.xlsx",
        options=ImportOptions(plan=plan, this_month=datetime.date(2009, 8, 1)),
    )
    assert result.ok
    [match] = [m for m in result.officers if m.written.startswith("Hilary Paxton")]
    assert match.how == "matched by name"
    assert match.officer == str(existing)
    assert result.report.created["officer"] == 34


def test_the_preview_writes_nothing():
    before = row_counts()
    plan = factories.make_plan()
    after_plan = row_counts()
    result = plan_import_preview(
        data=read("leeds-iwc.xlsx"),
        filename="leeds-iwc.xlsx",
        options=ImportOptions(plan=plan),
    )
    assert result.ok and not result.saved
    assert result.report.created["action"] == 66
    assert row_counts() == after_plan != before


def test_a_file_without_a_status_column_leaves_statuses_as_they_are():
    """Dudley has no RAG column: a status set in the app survives a re-import."""
    plan = import_new("dudley-cqc.xlsx")
    update = ProgressUpdate.objects.get(action__plan=plan, action__number="1.1")
    update.status = plan.statuses.get(label="Red")
    update.save()
    result = plan_import_confirm(
        data=read("dudley-cqc.xlsx"),
        filename="dudley-cqc.xlsx",
        options=ImportOptions(plan=plan),
    )
    assert result.ok and result.report.changed.total() == 0
    update.refresh_from_db()
    assert update.status.label == "Red"
