"""Export in the Leeds layout, and export then import elsewhere gives the same plan."""

import csv
import io

import openpyxl
import pytest
from django.db import transaction
from django.urls import reverse

from actionplans.models import ActionPlan, Officer, ProgressUpdate
from imports.exporting import plan_export_csv, plan_export_xlsx
from imports.services import plan_import_confirm
from recommendations.models import Inspection
from tests import factories

from .helpers import import_new, new_plan_options, plan_snapshot

pytestmark = pytest.mark.django_db


def _wipe() -> None:
    """An empty database, as another installation would have it."""
    ProgressUpdate.objects.all().delete()
    ActionPlan.objects.all().delete()
    Inspection.objects.all().delete()
    Officer.objects.all().delete()


@pytest.mark.parametrize(
    ("source", "export", "close"),
    [
        ("leeds-iwc.xlsx", plan_export_xlsx, True),
        ("leeds-iwc.csv", plan_export_csv, True),
        ("dudley-cqc.xlsx", plan_export_xlsx, False),
    ],
)
def test_export_then_import_into_an_empty_database_gives_the_same_plan(
    source, export, close
):
    plan = import_new(source, close_this_month=close)
    before = plan_snapshot(plan)
    periods = [(p.month, p.state) for p in plan.periods.all()]
    content = export(plan=plan)
    with transaction.atomic():
        _wipe()
    name = "export.xlsx" if export is plan_export_xlsx else "export.csv"
    result = plan_import_confirm(
        data=content, filename=name, options=new_plan_options(close_this_month=close)
    )
    assert result.ok, [str(p) for p in result.errors + result.warnings]
    again = result.plan
    assert plan_snapshot(again) == before
    assert [(p.month, p.state) for p in again.periods.all()] == periods


def test_the_xlsx_export_has_the_leeds_columns_and_milestone_rows():
    plan = import_new("leeds-iwc.xlsx", close_this_month=True)
    sheet = openpyxl.load_workbook(io.BytesIO(plan_export_xlsx(plan=plan))).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[1][0] == "August 2009 progress report"
    assert rows[3][:5] == [
        "No.",
        "Aim/Outcome",
        "Action",
        "Last Month RAG",
        "This Month RAG",
    ]
    numbers = [row[0] for row in rows[4:]]
    start = numbers.index("1.3")
    assert numbers[start + 1] is None  # 1.3 (b) continues 1.3
    assert rows[4 + start + 1][8].startswith("All key stages")


def test_cells_that_look_like_formulas_are_exported_as_text():
    plan = factories.make_plan()
    factories.make_recommendation(plan, "1")
    dangerous = ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd"]
    for n, text in enumerate(dangerous, start=1):
        action = factories.make_action(plan, f"1.{n}", text=text)
        action.recommendations.set(plan.inspection.recommendations.all())
    workbook = openpyxl.load_workbook(io.BytesIO(plan_export_xlsx(plan=plan)))
    cells = [row[2] for row in workbook.active.iter_rows() if row[2].value in dangerous]
    assert len(cells) == len(dangerous)
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in cells)
    text = plan_export_csv(plan=plan).decode("utf-8-sig")
    values = [row[2] for row in csv.reader(io.StringIO(text)) if len(row) > 2]
    for value in dangerous:
        assert "'" + value in values
    # ...and the import reads them back as they were.
    with transaction.atomic():
        _wipe()
    result = plan_import_confirm(
        data=text.encode(), filename="plan.csv", options=new_plan_options()
    )
    assert result.ok
    # (Leading and trailing spaces and tabs are tidied away by the import.)
    expected = sorted(text.strip() for text in dangerous)
    assert sorted(result.plan.actions.values_list("text", flat=True)) == expected


def test_export_views_need_a_plan_the_user_can_see(client):
    plan = factories.make_plan()
    url = reverse("imports:plan_export", args=[plan.slug, "xlsx"])
    assert client.get(url).status_code == 302
    client.force_login(factories.make_user())
    assert client.get(url).status_code == 404
    viewer = factories.make_user()
    factories.make_member(plan, viewer)
    client.force_login(viewer)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{plan.slug}.xlsx"'
    response = client.get(reverse("imports:plan_export", args=[plan.slug, "csv"]))
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "text/csv"
    )
    assert (
        client.get(reverse("imports:plan_export", args=[plan.slug, "pdf"])).status_code
        == 404
    )
    assert client.post(url).status_code == 405
