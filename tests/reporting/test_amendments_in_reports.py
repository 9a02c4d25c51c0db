"""Reports honour the amendments register: closed months stay as they closed, the open
month shows the agreed values, and slips, withdrawals and the register are reported."""

import datetime
import io

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from pypdf import PdfReader

from actionplans import services as workflow
from actionplans.models import Amendment
from amendments import services
from reporting import pdfs, rendering
from reporting.selectors import (
    Kind,
    ReportFilters,
    dashboard_build,
    period_report_build,
    report_rows_stamp,
    scrutiny_pack_build,
)
from tests import factories
from tests.actionplans.conftest import Cycle

AmendmentKind, Decision = Amendment.Kind, Amendment.Decision
AUGUST = datetime.date(2009, 8, 1)
SEPTEMBER = datetime.date(2009, 9, 1)
OCTOBER = datetime.date(2009, 10, 1)
DMT = {"board": "DMT performance board", "decided_on": datetime.date(2009, 9, 12)}


@pytest.fixture
def cycle(db):
    """August closed, September open; action 1.8 with milestones (a), (b); 2.1."""
    return Cycle()


def _request(cycle, item, kind, reason="Agreed by the partnership.", **proposed):
    return services.amendment_request(
        plan=cycle.plan,
        user=cycle.coordinator,
        kind=kind,
        item=item,
        proposed=proposed,
        reason=reason,
    )


def _decide(cycle, amendment, decision=Decision.APPROVED):
    return services.amendment_decide(
        amendment=amendment,
        user=cycle.coordinator,
        decision=decision,
        note="",
        version=amendment.version,
        **DMT,
    )


def _approve(cycle, item, kind, reason="Agreed by the partnership.", **proposed):
    return _decide(cycle, _request(cycle, item, kind, reason, **proposed))


def _report(cycle, kind=Kind.PROGRESS, month=SEPTEMBER, **filters):
    return period_report_build(
        plan=cycle.plan, kind=kind, month=month, filters=ReportFilters(**filters)
    )


def _body(report) -> str:
    context = rendering.body_context(report)
    return render_to_string(context["body_template"], context)


def _pdf_text(cycle, kind) -> str:
    """The stored PDF's text, less the running "Printed …" time."""
    content = pdfs.report_pdf_file(plan=cycle.plan, kind=kind, month=SEPTEMBER).content
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]
    return "\n".join(
        line
        for page in pages
        for line in page.splitlines()
        if not line.startswith("Printed")
    )


def _items(report) -> dict:
    return {
        item.number: item
        for block in report.blocks
        for item in [block.action, *block.milestones]
    }


def _numbers(units) -> list[str]:
    return [unit.number for unit in units]


def _close_september_and_open_october(cycle) -> None:
    workflow.period_close(period=cycle.september, user=cycle.coordinator)
    workflow.period_open_next(plan=cycle.plan, user=cycle.coordinator)


def test_an_october_amendment_leaves_septembers_reports_and_pdfs_unchanged(cycle):
    """The issue's test: a closed month's summary, progress report and stored PDF read
    the same after a later approval, while the next month shows the new values."""
    asked_in_september = _request(
        cycle,
        cycle.milestone_b,
        AmendmentKind.DATES,
        reason="NHS Leeds governance delayed the protocol.",
        plan_finish=datetime.date(2009, 12, 31),
    )
    _close_september_and_open_october(cycle)
    before = {
        kind: _body(_report(cycle, kind)) for kind in [Kind.SUMMARY, Kind.PROGRESS]
    }
    pdf_before = {
        kind: _pdf_text(cycle, kind) for kind in [Kind.SUMMARY, Kind.PROGRESS]
    }
    deputy = cycle.chief_officer
    director = factories.make_officer("", "Director of Adult Social Services")

    _decide(cycle, asked_in_september)
    _approve(
        cycle,
        cycle.action,
        AmendmentKind.WORDING,
        text="Establish 12 senior practitioner posts.",
    )
    _approve(cycle, cycle.action, AmendmentKind.OFFICERS, chief_officers=[director])
    _approve(cycle, cycle.other_action, AmendmentKind.MERGE, superseded_by=cycle.action)
    _approve(
        cycle,
        cycle.action,
        AmendmentKind.NEW_MILESTONE,
        label="(c)",
        success_criteria="Audit shows the posts are filled.",
        plan_finish=datetime.date(2010, 3, 31),
    )

    september = _report(cycle, Kind.SUMMARY)
    assert {kind: _body(_report(cycle, kind)) for kind in before} == before
    assert {kind: _pdf_text(cycle, kind) for kind in pdf_before} == pdf_before
    assert "Awaiting decision" in pdf_before[Kind.SUMMARY]
    # As it closed: the request still awaiting its decision, 2.1 still in the plan.
    [entry] = september.register
    assert entry.decision == "Awaiting decision"
    assert entry.changes == ["Plan finish: Sep 2009 → Dec 2009"]
    items = _items(_report(cycle))
    assert items["1.8"].text == "Establish 10 senior practitioner posts."
    assert [p.pk for p in items["1.8"].chief_officers] == [deputy.pk]
    assert items["1.8 (b)"].plan_finish_label == "Sep 2009"
    assert not items["2.1"].is_withdrawn
    assert "1.8 (c)" not in items

    october = _items(_report(cycle, month=OCTOBER))
    assert october["1.8"].text == "Establish 12 senior practitioner posts."
    assert october["1.8"].chief_officers_label == str(director)
    assert october["1.8 (b)"].plan_finish_label == "Dec 2009"
    assert october["1.8 (b)"].plan_finish_revised.note == "was Sep 2009; revised once"
    assert october["2.1"].withdrawn_label == "Withdrawn: merged into 1.8"
    assert october["1.8 (c)"].plan_finish_label == "Mar 2010"
    october_body = _body(_report(cycle, month=OCTOBER))
    assert 'Dec 2009, <span class="hint">was Sep 2009; revised once</span>' in (
        october_body
    )
    assert "Withdrawn: merged into 1.8" in october_body


def test_the_open_month_uses_the_agreed_finish_and_lists_the_request(cycle):
    summary = _report(cycle, Kind.SUMMARY)
    assert _numbers(summary.lists.overdue) == ["1.8 (a)", "1.8 (b)"]
    assert "No amendments are requested." in _body(summary)

    _approve(
        cycle,
        cycle.milestone_a,
        AmendmentKind.DATES,
        reason="NHS Leeds governance delayed the protocol.",
        plan_finish=datetime.date(2009, 12, 31),
    )

    summary = _report(cycle, Kind.SUMMARY)
    assert _numbers(summary.lists.overdue) == ["1.8 (b)"]
    [entry] = summary.register
    assert entry.number == "1.8 (a)"
    assert entry.changes == ["Plan finish: Jan 2009 → Dec 2009"]
    assert entry.reason == "NHS Leeds governance delayed the protocol."
    assert entry.decision == "Approved by DMT performance board on 12/09/2009"
    body = _body(summary)
    assert "Plan finish: Jan 2009 → Dec 2009" in body
    assert "No amendments are requested." not in body
    # August closed with the finish then agreed.
    assert _numbers(_report(cycle, Kind.SUMMARY, AUGUST).lists.overdue) == ["1.8 (a)"]


def test_the_register_describes_each_kind_of_request_and_its_decision(cycle):
    cycle.september.amendments = "Further changes will follow the audit."
    cycle.september.save()
    _request(
        cycle,
        cycle.action,
        AmendmentKind.OFFICERS,
        leads=[cycle.milestone_officer],
    )
    rejected = _request(
        cycle, cycle.action, AmendmentKind.WORDING, text="Establish posts."
    )
    _decide(cycle, rejected, Decision.REJECTED)
    _request(cycle, cycle.other_action, AmendmentKind.WITHDRAW)

    register = _report(cycle, Kind.SUMMARY).register
    assert [(e.number, e.changes, e.decision) for e in register] == [
        (
            "1.8",
            [
                "Leads: Hilary Paxton (Head of Safeguarding) → "
                "Richard Graham (QA Manager)"
            ],
            "Awaiting decision",
        ),
        (
            "1.8",
            ["Wording: “Establish 10 senior practitioner posts.” → “Establish posts.”"],
            "Rejected by DMT performance board on 12/09/2009",
        ),
        ("2.1", ["Withdraw from the plan"], "Awaiting decision"),
    ]
    # The coordinator's own words stay beside the list.
    assert "Further changes will follow the audit." in _body(
        _report(cycle, Kind.SUMMARY)
    )


def test_a_closed_months_register_shows_only_decisions_taken_by_its_close(cycle):
    asked = _request(
        cycle, cycle.action, AmendmentKind.WORDING, text="Establish posts."
    )
    _close_september_and_open_october(cycle)
    _decide(cycle, asked, Decision.REJECTED)
    [entry] = _report(cycle, Kind.SUMMARY).register
    assert entry.decision == "Awaiting decision"


def test_a_deferral_before_the_close_stays_in_the_closed_months_register(cycle):
    asked = _request(
        cycle, cycle.action, AmendmentKind.WORDING, text="Establish posts."
    )
    asked = _decide(cycle, asked, Decision.DEFERRED)
    _close_september_and_open_october(cycle)
    before = _body(_report(cycle, Kind.SUMMARY))
    [entry] = _report(cycle, Kind.SUMMARY).register
    assert entry.decision.startswith("Deferred by DMT performance board")

    _decide(cycle, asked, Decision.APPROVED)  # at October's board

    assert _body(_report(cycle, Kind.SUMMARY)) == before
    [entry] = _report(cycle, Kind.SUMMARY, OCTOBER).register
    assert entry.decision.startswith("Approved by DMT performance board")


def test_withdrawn_items_leave_the_counts_lists_and_exceptions(cycle):
    _approve(cycle, cycle.milestone_a, AmendmentKind.WITHDRAW)
    _approve(cycle, cycle.other_action, AmendmentKind.MERGE, superseded_by=cycle.action)

    progress = _report(cycle)
    items = _items(progress)
    assert items["1.8 (a)"].withdrawn_label == "Withdrawn"
    assert items["2.1"].withdrawn_label == "Withdrawn: merged into 1.8"
    assert progress.unit_total == 1  # 1.8 (b) alone
    assert _numbers(progress.units) == ["1.8 (b)"]
    body = _body(progress)
    assert "Withdrawn: merged into 1.8" in body and ">Withdrawn<" in body
    summary = _report(cycle, Kind.SUMMARY)
    assert _numbers(summary.lists.overdue) == ["1.8 (b)"]
    exceptions = _report(cycle, Kind.EXCEPTIONS)
    assert _numbers(exceptions.units) == ["1.8 (b)"]
    assert dashboard_build(plan=cycle.plan, month=SEPTEMBER).current.total == 1
    # August closed with them in the plan.
    assert _numbers(_report(cycle, Kind.SUMMARY, AUGUST).lists.overdue) == ["1.8 (a)"]
    assert _report(cycle, month=AUGUST).unit_total == 3


def test_an_item_added_in_october_is_not_in_september(cycle):
    _close_september_and_open_october(cycle)
    request = services.amendment_request(
        plan=cycle.plan,
        user=cycle.coordinator,
        kind=AmendmentKind.NEW_ACTION,
        item=None,
        proposed={"number": "3.1", "text": "Audit the new posts."},
        reason="The inspectors asked for an audit.",
        recommendation=factories.make_recommendation(cycle.plan, "3"),
    )
    _decide(cycle, request)
    assert "3.1" not in _items(_report(cycle))
    assert "3.1" in _items(_report(cycle, month=OCTOBER))


@pytest.fixture
def slipped(cycle):
    """1.8 (b)'s finish moved twice in September: Sep 2009, then Nov, then Dec."""
    _approve(
        cycle,
        cycle.milestone_b,
        AmendmentKind.DATES,
        reason="Recruitment paused.",
        plan_finish=datetime.date(2009, 11, 30),
    )
    _approve(
        cycle,
        cycle.milestone_b,
        AmendmentKind.DATES,
        reason="Monitoring starts after the audit.",
        plan_finish=datetime.date(2009, 12, 31),
    )
    return cycle


def test_a_finish_moved_later_this_month_is_an_exception(slipped):
    exceptions = _report(slipped, Kind.EXCEPTIONS)
    items = _items(exceptions)
    assert items["1.8 (b)"].reasons == ["Finish moved from Sep 2009 to Dec 2009"]
    assert "Finish moved from Sep 2009 to Dec 2009" in _body(exceptions)
    assert "1.8 (b)" not in _items(_report(slipped, Kind.EXCEPTIONS, AUGUST))


def test_the_scrutiny_pack_has_a_slippage_table(slipped):
    pack = scrutiny_pack_build(plan=slipped.plan, quarter=SEPTEMBER)
    [row] = pack.slippage
    assert (
        row.number,
        row.baseline_label,
        row.current_label,
        row.months_slipped,
        row.revisions,
        row.latest_reason,
    ) == ("1.8 (b)", "Sep 2009", "Dec 2009", 3, 2, "Monitoring starts after the audit.")
    body = _body(pack)
    assert "Slippage against the agreed plan" in body
    assert "Monitoring starts after the audit." in body


def test_the_dashboard_counts_slipped_items_by_month(slipped):
    dashboard = dashboard_build(plan=slipped.plan, month=SEPTEMBER)
    assert [(m.period.month, m.slipped) for m in dashboard.months] == [
        (AUGUST, 0),
        (SEPTEMBER, 1),
    ]
    assert "slipped this month" in _body(dashboard)


def test_the_spreadsheet_shows_the_baseline_finish_beside_the_current_one(slipped):
    content = rendering.report_xlsx(_report(slipped))
    sheet = load_workbook(io.BytesIO(content)).active
    header = [cell.value for cell in sheet[3]]
    rows = {row[1]: row for row in sheet.iter_rows(min_row=4, values_only=True)}
    baseline, revisions = (
        header.index("Baseline finish"),
        header.index("Finish revisions"),
    )
    finish = header.index("Plan finish")
    b = rows["1.8 (b)"]
    assert b[finish] == datetime.datetime(2009, 12, 31)
    assert (b[baseline], b[revisions]) == (datetime.datetime(2009, 9, 30), 2)
    assert (rows["1.8 (a)"][baseline], rows["1.8 (a)"][revisions]) == (None, None)


def test_amended_reports_take_a_fixed_number_of_queries(cycle):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            rendering.report_print_html(_report(cycle, Kind.SUMMARY))
        return len(queries)

    director = factories.make_officer("", "Director of Adult Social Services")
    _approve(cycle, cycle.action, AmendmentKind.OFFICERS, chief_officers=[director])
    _approve(
        cycle,
        cycle.milestone_b,
        AmendmentKind.DATES,
        plan_finish=datetime.date(2009, 12, 31),
    )
    # The record names the former chief officer, linked to nothing now: one query;
    # and one finds that the plan has no measures for the summary's table.
    few = count()
    for n in range(1, 6):
        action = factories.make_action(
            cycle.plan, f"5.{n}", plan_finish=datetime.date(2009, 9, 30)
        )
        _approve(
            cycle, action, AmendmentKind.DATES, plan_finish=datetime.date(2010, 1, 31)
        )
    assert count() == few == 14


def test_a_decision_makes_new_stored_reports(cycle):
    """Closed months' PDFs and cached bodies are keyed by the stamp of their rows."""
    asked = _request(cycle, cycle.action, AmendmentKind.WORDING, text="New words.")
    _close_september_and_open_october(cycle)
    before = report_rows_stamp(plan=cycle.plan, report_months=[SEPTEMBER])
    _decide(cycle, asked)
    assert report_rows_stamp(plan=cycle.plan, report_months=[SEPTEMBER]) != before


def test_a_closed_months_chief_officer_pdfs_are_for_its_own_chief_officers(cycle):
    _close_september_and_open_october(cycle)
    director = factories.make_officer("", "Director of Adult Social Services")
    _approve(cycle, cycle.action, AmendmentKind.OFFICERS, chief_officers=[director])
    targets = pdfs.period_pdf_targets(cycle.september)
    chiefs = [t.filters.chief_officer for t in targets if t.kind == Kind.CHIEF_OFFICER]
    assert chiefs == [cycle.chief_officer.pk]


def test_the_progress_report_shows_the_wording_and_leads_first_agreed(cycle):
    _approve(cycle, cycle.action, AmendmentKind.WORDING, text="Establish posts.")
    _approve(
        cycle, cycle.action, AmendmentKind.OFFICERS, leads=[cycle.milestone_officer]
    )
    item = _items(_report(cycle))["1.8"]
    assert item.changed["text"] == (
        "was “Establish 10 senior practitioner posts.”; revised once"
    )
    assert item.changed["leads"] == (
        "was Hilary Paxton (Head of Safeguarding); revised once"
    )
    body = _body(_report(cycle))
    assert "was “Establish 10 senior practitioner posts.”; revised once" in body
    # August, closed before the change, shows the wording it had, with no note.
    assert _items(_report(cycle, month=AUGUST))["1.8"].changed == {}
