"""A large import: a fixed number of queries however many rows the file has, one history
row for each row it writes, and a preview that says exactly what the import does."""

import dataclasses
import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actionplans.loading import PlanLoader
from actionplans.models import Action, ActionPlan, Milestone, ProgressUpdate
from imports.services import (
    ImportOptions,
    plan_import_confirm,
    plan_import_preview,
)
from tests import factories
from tests.imports.helpers import new_plan_options, row_counts

pytestmark = pytest.mark.django_db

AUGUST = datetime.date(2009, 8, 1)
HEADER = [
    "",
    "Aim/Outcome",
    "Action",
    "Last Month RAG",
    "This Month RAG",
    "Plan Start",
    "Plan Finish",
    "Actual Finish",
    "Success Criteria",
    "Lead",
    "Chief Officer",
    "Report of Progress",
    "Risk Report",
]


def _row(number: str, text: str, **cells: str) -> list[str]:
    values = {
        "last": "Amber",
        "this": "Amber",
        "start": "Sep-08",
        "finish": "Mar-10",
        "lead": "Ann Lead (Head of Safeguarding)",
        "chief": "Carl Chief (Director of Adult Social Services)",
        "progress": f"Progress on {number or text}.",
    } | cells
    return [
        number,
        "Safer services" if number else "",
        text,
        values["last"],
        values["this"],
        values["start"],
        values["finish"],
        "",
        "Criteria met.",
        values["lead"],
        values["chief"] if number else "",
        values["progress"],
        "",
    ]


def leeds_xlsx(actions: int, *, changed: dict[str, dict[str, str]] | None = None):
    """A Leeds-layout file of one recommendation and `actions` actions, each on three
    rows that the layout reads as its milestones (a) (the action's own row), (b) and
    (c); `changed` gives some rows other cells, by number ("1.2", "1.2 (b)")."""
    changed = changed or {}
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Action plan")
    for row in [
        ["Benchmark Borough Inspection Action Plan"],
        [],
        ["AUGUST 2009 PROGRESS REPORT"],
        [],
        HEADER,
        ["Recommendation 1: Keep people safe."],
    ]:
        sheet.append(row)
    for index in range(1, actions + 1):
        number = f"1.{index}"
        sheet.append(_row(number, f"Action {number}.", **changed.get(number, {})))
        for label in ("b", "c"):
            sheet.append(
                _row(
                    "",
                    f"Step {label} of {number}.",
                    **changed.get(f"{number} ({label})", {}),
                )
            )
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _queries(service, data: bytes, options: ImportOptions, user) -> int:
    with CaptureQueriesContext(connection) as queries:
        result = service(data=data, filename="plan.xlsx", options=options, user=user)
    assert result.ok, [str(p) for p in result.errors]
    return len(queries)


def _outcome(result) -> tuple:
    """What a preview shows and an import did, to compare the two."""
    report = result.report
    return (
        dict(report.created),
        dict(report.changed),
        dict(report.unchanged),
        report.changes,
        report.created_rows,
        [str(problem) for problem in result.problems],
        [dataclasses.astuple(amendment) for amendment in result.amendments],
        result.not_in_file,
    )


@pytest.fixture
def _one_batch(monkeypatch):
    """Bulk inserts in one statement: SQLite's backend splits them into batches of 999
    parameters (an update has 20 fields), which PostgreSQL's does not."""
    monkeypatch.setattr(
        connection.ops, "bulk_batch_size", lambda fields, objs: max(len(objs), 1)
    )


@pytest.mark.usefixtures("_one_batch")
def test_a_new_plans_import_makes_as_many_queries_for_40_actions_as_for_10():
    """The preview and the import of a new plan: a few queries per model, none per row."""
    user = factories.make_user()
    # The council and its officers, as the first import of its plans creates them.
    _queries(plan_import_confirm, leeds_xlsx(1), new_plan_options("First"), user)
    counts = {}
    for actions in (10, 40):
        data = leeds_xlsx(actions)
        options = new_plan_options(f"Plan of {actions}", this_month=AUGUST)
        counts[actions] = (
            _queries(plan_import_preview, data, options, user),
            _queries(plan_import_confirm, data, options, user),
        )
    assert counts[10] == counts[40]
    assert counts[40][1] < 100


def test_reimporting_a_plan_makes_as_many_queries_for_40_actions_as_for_10():
    """Stored rows and their links are read once per model, not looked up row by row."""
    user = factories.make_user()
    counts = {}
    for actions in (10, 40):
        data = leeds_xlsx(actions)
        plan = plan_import_confirm(
            data=data,
            filename="plan.xlsx",
            options=new_plan_options(f"Plan of {actions}", this_month=AUGUST),
            user=user,
        ).plan
        options = ImportOptions(plan=plan, this_month=AUGUST)
        counts[actions] = (
            _queries(plan_import_preview, data, options, user),
            _queries(plan_import_confirm, data, options, user),
        )
    assert counts[10] == counts[40]
    assert counts[40][1] < 50


def test_a_new_plans_preview_says_exactly_what_its_import_does():
    user = factories.make_user()
    data = leeds_xlsx(12)
    options = new_plan_options("Agreeing plan", this_month=AUGUST)
    before = row_counts()
    preview = plan_import_preview(
        data=data, filename="plan.xlsx", options=options, user=user
    )
    assert row_counts() == before  # the preview writes nothing
    done = plan_import_confirm(
        data=data, filename="plan.xlsx", options=options, user=user
    )
    assert done.saved
    assert _outcome(preview) == _outcome(done)
    # Three milestones an action, and two months of updates for each item.
    assert done.report.created["action"] == 12
    assert done.report.created["milestone"] == 36
    assert done.report.created["progress update"] == 96


@pytest.mark.parametrize("conflict", [False, True])
def test_a_reimports_preview_says_exactly_what_its_import_does(conflict):
    """Amendments, changed and new rows, and (with a closed month's status changed)
    the problems that refuse the import."""
    user = factories.make_user()
    plan = plan_import_confirm(
        data=leeds_xlsx(6),
        filename="plan.xlsx",
        options=new_plan_options("Reimported plan", this_month=AUGUST),
        user=user,
    ).plan
    changed = {
        "1.1": {"finish": "Jun-10"},  # an agreed date: an amendment
        "1.2 (b)": {"progress": "Moved on."},
        "1.3": {"lead": "Dee Deputy (Head of Quality)"},  # an agreed officer
        "1.4 (c)": {"this": "Red"},
    }
    if conflict:
        changed["1.5"] = {"last": "Red"}  # July is closed
    data = leeds_xlsx(8, changed=changed)  # and two new actions
    options = ImportOptions(plan=plan, this_month=AUGUST)
    before = row_counts()
    preview = plan_import_preview(
        data=data, filename="plan.xlsx", options=options, user=user
    )
    assert row_counts() == before
    done = plan_import_confirm(
        data=data, filename="plan.xlsx", options=options, user=user
    )
    assert _outcome(preview) == _outcome(done)
    assert done.saved is not conflict
    assert done.report.created["action"] == 2
    assert done.report.created["milestone"] == 6
    assert done.report.changed["progress update"] == 2
    # 1.1's finish is its first milestone's (its own row) too.
    assert [a.number for a in done.amendments] == ["1.1", "1.1 (a)", "1.3"]
    if conflict:
        assert row_counts() == before
        assert any("is closed" in str(p) for p in done.errors)


def test_each_row_a_new_plans_import_writes_has_one_history_row_with_its_links():
    user = factories.make_user()
    plan = plan_import_confirm(
        data=leeds_xlsx(3),
        filename="plan.xlsx",
        options=new_plan_options("History plan", this_month=AUGUST),
        user=user,
    ).plan
    actions = list(plan.actions.all())
    milestones = list(Milestone.objects.filter(action__plan=plan))
    updates = list(ProgressUpdate.objects.filter(period__plan=plan))
    assert (len(actions), len(milestones), len(updates)) == (3, 9, 24)
    for row in [*actions, *milestones, *updates]:
        [entry] = row.history.all()
        assert (entry.history_type, entry.history_user) == ("+", user)
    for action in actions:
        entry = action.history.get()
        assert [r.recommendation for r in entry.recommendations.all()] == list(
            action.recommendations.all()
        )
        assert [r.officer for r in entry.leads.all()] == list(action.leads.all())
        assert [r.officer for r in entry.chief_officers.all()] == list(
            action.chief_officers.all()
        )
        assert entry.leads.count() == 1
    assert Action.history.filter(plan_id=plan.pk).count() == 3


def test_a_held_item_refuses_another_councils_officer():
    """Links written in bulk send no m2m_changed signal, so the loader itself keeps
    each council's officers on its own items, as the signal does."""
    plan = factories.make_plan()
    stranger = factories.make_officer(
        "Sam Stranger", organisation=factories.make_organisation("Dudley MBC")
    )
    loader = PlanLoader()
    loader._created.add((ActionPlan, plan.pk))  # as though this load made the plan
    action = loader.upsert(
        Action, lookup={"plan": plan, "number": "1.1"}, values={"text": "Act."}
    )
    assert action.pk is None  # held, to be written in bulk
    loader.set_if_changed(action, "leads", [stranger])
    with pytest.raises(ValidationError) as refused:
        loader.flush()
    assert refused.value.messages == [
        "Sam Stranger (Service Delivery Manager) is not an officer of this plan's "
        "council: choose one of the council's own officers."
    ]
