"""A plan's own columns in its progress report and exports (reporting.columns): the Leeds
and Dudley layouts, columns no item fills left out, timescales as written, sections and
cross-references."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from actionplans.demo import demo_plans_load
from actionplans.models import ActionPlan, PlanMembership
from imports.exporting import plan_export_xlsx
from imports.services import ImportOptions, plan_import_confirm
from recommendations.models import Theme
from reporting import rendering
from reporting.columns import (
    COLUMNS,
    DUDLEY,
    LEEDS,
    cell_text,
    layout_name,
    plan_columns,
    preset_keys,
)
from reporting.selectors import Kind, period_report_build
from tests import factories
from tests.imports.helpers import import_new, new_plan_options, read

pytestmark = pytest.mark.django_db

OCTOBER = datetime.date(2009, 10, 1)
DUDLEY_HEADINGS = [
    "No.",
    "Key actions",
    "Responsible manager",
    "Timescale",
    "Progress report",
    "Outcomes for users and carers",
]


@pytest.fixture
def dudley():
    """Seed 002 in small: a section, two recommendations, three actions, no chief
    officers, timescales as written."""
    plan = factories.make_plan(
        title="Dudley CQC",
        slug="dudley-small",
        report_columns=preset_keys("dudley"),
        report_by_section=True,
    )
    older = Theme.objects.create(
        inspection=plan.inspection,
        number="II",
        title="IMPROVED QUALITY OF LIFE FOR OLDER PEOPLE",
        order=1,
    )
    leadership = Theme.objects.create(
        inspection=plan.inspection, number="III", title="LEADERSHIP", order=2
    )
    rec6 = factories.make_recommendation(
        plan, "6", text="Assure itself that older people are safe.", theme=older
    )
    rec12 = factories.make_recommendation(
        plan, "12", text="Strengthen leadership.", theme=leadership
    )
    manager = factories.make_officer("", "Head of Safeguarding - AH")
    a61 = factories.make_action(
        plan,
        "6.1",
        text="Review the intermediate care pathway.",
        leads=[manager],
        plan_finish=datetime.date(2010, 6, 30),
        plan_finish_text="December 2009 and June 2010",
        outcomes="Older people stay independent for longer.",
    )
    a62 = factories.make_action(
        plan,
        "6.2",
        text="Train care home staff.",
        leads=[manager],
        plan_finish_text="Commenced and ongoing",
    )
    a121 = factories.make_action(
        plan,
        "12.1",
        text="Agree the leadership programme.",
        leads=[manager],
        plan_finish=datetime.date(2010, 3, 31),
    )
    a61.recommendations.add(rec6)
    a62.recommendations.add(rec6)
    a121.recommendations.add(rec12)
    a62.cross_references.add(a121)
    october = factories.make_period(plan, 2009, 10)
    factories.make_update(october, action=a61, progress="Review commenced.")
    return plan


def _report(plan, kind=Kind.PROGRESS):
    return period_report_build(plan=plan, kind=kind, month=OCTOBER)


def _items(report):
    return {item.number: item for block in report.blocks for item in [block.action]}


def _cells(report, number):
    item = _items(report)[number]
    return {c.key: cell_text(item, c, report) for c in report.columns}


def test_a_plan_without_a_choice_has_the_leeds_columns():
    plan = factories.make_plan()
    assert plan_columns(plan) == LEEDS
    assert layout_name([]) == "leeds"
    assert [c.heading for c in LEEDS[:3]] == ["No.", "Aim / outcome", "Action"]


def test_the_dudley_preset_reads_with_dudleys_headings(dudley):
    assert [c.heading for c in plan_columns(dudley)] == DUDLEY_HEADINGS
    assert layout_name(dudley.report_columns) == "dudley"
    assert [c.heading for c in _report(dudley).columns] == DUDLEY_HEADINGS


def test_a_custom_layout_keeps_its_order_and_may_name_a_heading():
    plan = factories.make_plan(
        report_columns=["action", {"key": "progress", "heading": "Update"}, "nope"]
    )
    columns = plan_columns(plan)
    # The number is put first where it was left out; an unknown key is dropped.
    assert [c.key for c in columns] == ["number", "action", "progress"]
    assert columns[2].heading == "Update"
    assert layout_name(plan.report_columns) == "custom"


def test_a_column_no_item_fills_is_left_out(dudley):
    """Dudley names no chief officers and no aims: chosen, they still print nothing."""
    dudley.report_columns = ["number", "action", "aim", "chief_officer", "outcomes"]
    dudley.save()
    keys = [c.key for c in _report(dudley).columns]
    assert keys == ["number", "action", "outcomes"]


def test_the_monthly_return_columns_stay_even_when_empty():
    plan = factories.make_plan()
    factories.make_recommendation(plan, "1")
    factories.make_action(plan, "1.1").recommendations.add(
        plan.inspection.recommendations.get()
    )
    factories.make_period(plan, 2009, 10)
    keys = [c.key for c in _report(plan).columns]
    assert keys == [
        "number",
        "action",
        "last_status",
        "this_status",
        "progress",
        "risk",
        "evidence",
    ]


def test_the_timescale_keeps_the_text_as_written(dudley):
    report = _report(dudley)
    assert _cells(report, "6.1")["timescale"] == "December 2009 and June 2010"
    assert _cells(report, "6.2")["timescale"] == "Commenced and ongoing"
    # With no text, the date.
    assert _cells(report, "12.1")["timescale"] == "Mar 2010"


def test_cells_as_plain_text(dudley):
    cells = _cells(_report(dudley), "6.1")
    assert cells == {
        "number": "6.1",
        "action": "Review the intermediate care pathway.",
        "lead": "Head of Safeguarding - AH",
        "timescale": "December 2009 and June 2010",
        "progress": "Review commenced.",
        "outcomes": "Older people stay independent for longer.",
    }


def test_a_cross_reference_reads_see_in_plain_text(dudley):
    assert _cells(_report(dudley), "6.2")["action"] == (
        "Train care home staff.\nSee 12.1"
    )


def test_cross_references_are_links_on_screen_and_plain_in_print(client, dudley):
    user = factories.make_user()
    factories.make_member(dudley, user, PlanMembership.Role.VIEWER)
    client.force_login(user)
    target = reverse(
        "actionplans:action_detail",
        args=[dudley.slug, dudley.actions.get(number="12.1").pk],
    )
    url = reverse("reporting:report", args=[dudley.slug, "progress"])
    for view in ["", "table"]:
        page = client.get(url, {"period": "2009-10", "view": view}).content.decode()
        assert (
            f'<a href="{target}"><span class="visually-hidden">action </span>12.1</a>'
            in page
        )
    printed = rendering.report_print_html(_report(dudley))
    assert '<span class="cross-refs">See 12.1</span>' in printed
    assert target not in printed


def test_the_report_groups_recommendations_under_their_sections(dudley):
    report = _report(dudley)
    assert [s.heading for s in report.sections] == [
        "II IMPROVED QUALITY OF LIFE FOR OLDER PEOPLE",
        "III LEADERSHIP",
    ]
    html = rendering.report_print_html(report)
    assert (
        '<h2 class="report-section__heading">II IMPROVED QUALITY OF LIFE FOR OLDER PEOPLE</h2>'
        in html
    )
    assert '<h3 class="rec-group__heading">' in html
    for heading in DUDLEY_HEADINGS:
        assert f'<th scope="col">{heading}' in html
    assert "Chief officer" not in html and "Aim / outcome" not in html


def test_without_sections_one_untitled_section_holds_the_groups(dudley):
    dudley.report_by_section = False
    dudley.save()
    report = _report(dudley)
    assert [s.theme for s in report.sections] == [None]
    assert '<h2 class="rec-group__heading">' in rendering.report_print_html(report)


def test_the_spreadsheet_follows_the_columns(dudley):
    sheet = load_workbook(io.BytesIO(rendering.report_xlsx(_report(dudley)))).active
    header = [cell.value for cell in sheet[3]]
    assert header == [
        "Recommendations",
        "Section",
        *DUDLEY_HEADINGS,
        "Exceptions",
        "Baseline finish",
        "Finish revisions",
    ]
    rows = {row[2]: row for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert rows["6.1"][:7] == (
        "6",
        "II IMPROVED QUALITY OF LIFE FOR OLDER PEOPLE",
        "6.1",
        "Review the intermediate care pathway.",
        "Head of Safeguarding - AH",
        "December 2009 and June 2010",
        "Review commenced.",
    )


def test_the_leeds_spreadsheet_keeps_its_columns():
    assert [name for name, _ in rendering.XLSX_COLUMNS][:4] == [
        "Recommendations",
        "No.",
        "Aim / outcome",
        "Action",
    ]
    assert rendering.XLSX_COLUMNS[-1][0] == "Evidence"


def test_every_preset_column_is_in_the_catalogue():
    assert {c.key for c in LEEDS + DUDLEY} <= COLUMNS.keys()


# --- import and export ---------------------------------------------------------------


def test_a_dudley_file_gives_a_plan_the_dudley_layout():
    plan = import_new("dudley-cqc.csv")
    assert layout_name(plan.report_columns) == "dudley"
    assert plan.report_by_section


def test_a_dudley_file_keeps_a_layout_already_chosen():
    plan = factories.make_plan(report_columns=["number", "action", "progress"])
    result = plan_import_confirm(
        data=read("dudley-cqc.csv"),
        filename="dudley-cqc.csv",
        options=ImportOptions(plan=plan),
    )
    assert result.ok, [str(p) for p in result.errors]
    plan.refresh_from_db()
    assert plan.report_columns == ["number", "action", "progress"]


def test_a_dudley_plan_exports_in_dudleys_layout_and_imports_as_dudley():
    plan = import_new("dudley-cqc.xlsx")
    content = plan_export_xlsx(plan=plan)
    sheet = load_workbook(io.BytesIO(content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = next(row for row in rows if row[0] == "No.")
    assert header[:4] == ["No.", "KEY ACTIONS", "RESPONSIBLE MANAGER", "TIMESCALE"]
    firsts = [str(row[0]) for row in rows]
    assert any(first.startswith("Section") for first in firsts)
    # Dudley's recommendation rows: "1. Assurance that …".
    assert any(first.startswith("1. Assurance") for first in firsts)
    result = plan_import_confirm(
        data=content, filename="again.xlsx", options=new_plan_options(title="Again")
    )
    assert result.ok, [str(p) for p in result.errors]
    assert result.layout == "dudley"
    assert layout_name(ActionPlan.objects.get(pk=result.plan.pk).report_columns) == (
        "dudley"
    )


def test_a_dudley_plan_with_milestones_exports_in_the_leeds_layout(dudley):
    factories.make_milestone(dudley.actions.get(number="6.1"), "(a)")
    sheet = load_workbook(io.BytesIO(plan_export_xlsx(plan=dudley))).active
    header = next(
        [cell.value for cell in row]
        for row in sheet.iter_rows()
        if row[0].value == "No."
    )
    assert header[1] == "Aim/Outcome"


def test_the_dudley_demo_plan_comes_in_dudleys_layout_grouped_by_section():
    leeds, dudley = demo_plans_load()
    assert layout_name(dudley.report_columns) == "dudley"
    assert dudley.report_by_section
    assert leeds.report_columns == [] and not leeds.report_by_section
    report = period_report_build(plan=dudley, kind=Kind.PROGRESS)
    assert [c.heading for c in report.columns] == DUDLEY_HEADINGS
    assert [s.heading for s in report.sections][:2] == [
        "SAFEGUARDING VULNERABLE ADULTS",
        "II IMPROVED QUALITY OF LIFE FOR OLDER PEOPLE",
    ]
