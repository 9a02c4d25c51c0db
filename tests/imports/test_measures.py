"""The Measures sheet: exported with the plan, imported back in the same all-or-nothing
import as the actions, with each bad cell reported by sheet, row and column."""

import datetime
import decimal
import io
import json

import openpyxl
import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actionplans.loading import plan_load_document
from actionplans.models import Measure, MeasureTarget, MeasureValue
from imports.exporting import plan_export_xlsx
from imports.services import ImportOptions, plan_import_confirm, plan_import_preview

from .helpers import new_plan_options, plan_in_use, row_counts

pytestmark = pytest.mark.django_db

day = datetime.date
JULY, AUGUST = day(2009, 7, 1), day(2009, 8, 1)
HEADER = [
    "Measure",
    "Unit",
    "Better when",
    "Baseline",
    "Baseline date",
    "Targets",
    "Evidences",
    "Source",
]


def _plan_with_measures():
    """plan_in_use (July closed, August open) with two measures: one with a baseline,
    targets, links and actuals in both months, and a bare one."""
    plan = plan_in_use()
    reviews = Measure.objects.create(
        plan=plan,
        name="Timely reviews",
        baseline_value=63,
        baseline_date=day(2008, 3, 31),
        source="From an 07/08 baseline of 63% In Year 1: 76% …",
    )
    reviews.actions.set(plan.actions.filter(number="1.1"))
    reviews.milestones.set(
        plan.actions.get(number="1.2").milestones.filter(label="(a)")
    )
    for label, value, due in [
        ("Year 1", 76, day(2009, 3, 31)),
        ("Year 2", 80, day(2010, 3, 31)),
    ]:
        MeasureTarget.objects.create(measure=reviews, label=label, value=value, due=due)
    for period in plan.periods.all():
        value = 70 if period.month == JULY else 72
        MeasureValue.objects.create(measure=reviews, period=period, value=value)
    Measure.objects.create(
        plan=plan,
        name="Days waited",
        unit=Measure.Unit.DAYS,
        higher_is_better=False,
        order=1,
    )
    return plan


def _workbook(plan) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(plan_export_xlsx(plan=plan)))


def _content(workbook: openpyxl.Workbook) -> bytes:
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _plan_row(workbook: openpyxl.Workbook, number: str) -> int:
    """The Plan sheet's row of an action."""
    sheet = workbook["Plan"]
    return next(row[0].row for row in sheet.iter_rows() if row[0].value == number)


def _import(plan, workbook: openpyxl.Workbook, *, save: bool = True):
    run = plan_import_confirm if save else plan_import_preview
    return run(
        data=_content(workbook), filename="plan.xlsx", options=ImportOptions(plan=plan)
    )


def _history() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model.__name__.startswith("Historical")
    }


def _measures(plan) -> list[tuple]:
    """Everything the Measures sheet carries, as comparable data."""
    rows = []
    for m in plan.measures.all():
        rows.append(
            (
                m.name,
                m.unit,
                m.higher_is_better,
                m.baseline_value,
                m.baseline_date,
                m.source,
                sorted(a.number for a in m.actions.all()),
                sorted(x.number for x in m.milestones.all()),
                [(t.label, t.value, t.due) for t in m.targets.all()],
                sorted((v.period.month, v.value) for v in m.values.all()),
            )
        )
    return rows


# -- export --------------------------------------------------------------------------


def test_the_export_has_a_measures_sheet_a_row_per_measure_and_a_column_per_month():
    plan = _plan_with_measures()
    sheet = _workbook(plan)["Measures"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == [*HEADER, "Jul 2009", "Aug 2009"]
    assert rows[1] == [
        "Timely reviews",
        "%",
        "higher",
        63,
        datetime.datetime(2008, 3, 31),
        "Year 1: 76 by 31/03/2009; Year 2: 80 by 31/03/2010",
        "1.1; 1.2 (a)",
        "From an 07/08 baseline of 63% In Year 1: 76% …",
        70,
        72,
    ]
    assert rows[2][:3] == ["Days waited", "days", "lower"]
    assert rows[2][3:] == [None] * 7


def test_a_plan_without_measures_exports_the_header_only():
    plan = plan_in_use()
    rows = list(_workbook(plan)["Measures"].iter_rows(values_only=True))
    assert rows == [(*HEADER, "Aug 2009")]  # the open month, for the first actuals


# -- round trips ---------------------------------------------------------------------


def test_importing_the_export_back_changes_nothing_and_writes_no_history():
    plan = _plan_with_measures()
    before, history = _measures(plan), _history()
    result = _import(plan, _workbook(plan))
    assert result.ok, [str(p) for p in result.errors]
    assert result.changed_rows() == []
    assert not result.report.created.total(), result.report.created_rows
    assert result.report.unchanged["measure"] == 2
    assert result.report.unchanged["measure value"] == 2
    assert _measures(plan) == before
    assert _history() == history


def test_the_leeds_demo_plan_exported_and_imported_back_is_unchanged():
    """The demo Leeds plan, measures loaded as load_demo loads them."""
    folder = settings.BASE_DIR / "fixtures" / "leeds-iwc"
    documents = {
        name: json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
        for name in ("plan", "actions", "measures")
    }
    plan = plan_load_document(
        plan_data=documents["plan"],
        actions_data=documents["actions"],
        measures_data=documents["measures"],
    )
    before, history, counts = _measures(plan), _history(), row_counts()
    result = _import(plan, _workbook(plan))
    assert result.ok, [str(p) for p in result.errors]
    assert result.changed_rows() == []
    assert not result.report.created.total(), result.report.created_rows
    assert result.report.unchanged["measure"] == 13
    assert _measures(plan) == before
    assert (_history(), row_counts()) == (history, counts)


def test_edits_to_the_sheet_are_imported():
    plan = _plan_with_measures()
    workbook = _workbook(plan)
    sheet = workbook["Measures"]
    sheet["F2"] = "Year 1: 76 by 31/03/2009; Year 2: 85 by 31/03/2010"
    sheet["G2"] = "1.2 (a); 1.2 (b)"
    sheet["J2"] = 74  # August is open
    sheet["A3"] = "Days  waited"  # the same measure: spaces aside
    sheet["D3"], sheet["E3"] = 28, "31/03/2009"
    sheet.append(["Referrals", "number", "higher", None, None, "", "2.1", "", None, 12])
    result = _import(plan, workbook)
    assert result.ok, [str(p) for p in result.errors]
    reviews = plan.measures.get(name="Timely reviews")
    assert [t.value for t in reviews.targets.all()] == [76, 85]
    assert not reviews.actions.exists()
    assert sorted(m.label for m in reviews.milestones.all()) == ["(a)", "(b)"]
    assert reviews.values.get(period__month=AUGUST).value == 74
    waited = plan.measures.get(name="Days waited")
    assert (waited.baseline_value, waited.baseline_date) == (28, day(2009, 3, 31))
    referrals = plan.measures.get(name="Referrals")
    assert referrals.order == 2 and referrals.unit == Measure.Unit.NUMBER
    assert referrals.values.get().value == 12
    changes = {(kind, row): fields for kind, row, fields in result.changed_rows()}
    assert changes[("measure", "Timely reviews")] == ["actions", "milestones"]
    assert changes[("measure target", "Year 2: 85% by March 2010")] == ["value"]


def test_an_empty_actual_cell_leaves_the_months_actual_as_it_is():
    plan = _plan_with_measures()
    workbook = _workbook(plan)
    workbook["Measures"]["J2"] = None
    result = _import(plan, workbook)
    assert result.ok, [str(p) for p in result.errors]
    assert plan.measures.get(name="Timely reviews").values.count() == 2


def test_a_workbook_without_a_measures_sheet_leaves_the_measures_untouched():
    plan = _plan_with_measures()
    before = _measures(plan)
    workbook = _workbook(plan)
    del workbook["Measures"]
    result = _import(plan, workbook)
    assert result.ok, [str(p) for p in result.errors]
    assert not any(kind.startswith("measure") for kind, *_ in result.counts())
    assert _measures(plan) == before


def test_a_percentage_typed_with_a_percent_sign_is_read_as_shown():
    """Excel keeps "75%" as 0.75 in a percent format; the sheet reads 75."""
    plan = _plan_with_measures()
    workbook = _workbook(plan)
    cell = workbook["Measures"]["J2"]
    cell.value, cell.number_format = 0.75, "0%"
    result = _import(plan, workbook)
    assert result.ok, [str(p) for p in result.errors]
    reviews = plan.measures.get(name="Timely reviews")
    assert reviews.values.get(period__month=AUGUST).value == 75


# -- bad input -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "row", "column", "message"),
    [
        ({"D2": "sixty"}, 2, "Baseline", "“sixty” is not a number."),
        ({"B3": "kg"}, 3, "Unit", "“kg” is not a unit: write %, number or days."),
        ({"C2": "sideways"}, 2, "Better when", "“sideways” is neither higher nor"),
        ({"E2": "soon"}, 2, "Baseline date", "“soon” is not a date"),
        ({"F2": "76 in 2009"}, 2, "Targets", "“76 in 2009” is not a target"),
        ({"F2": "Year 0: 50 by 31/03/2007"}, 2, "Targets", "due after the baseline"),
        ({"F2": "76 by 31/03/2009; 80 by 31/03/2009"}, 2, "Targets", "two targets"),
        ({"F2": "Year 1: 76.123 by 31/03/2009"}, 2, "Targets", "2 decimal places"),
        ({"G2": "1.1; 9.9"}, 2, "Evidences", "9.9: not an action or milestone"),
        ({"D2": 150}, 2, "Baseline", "150 is not a percentage"),
        ({"J2": 120}, 2, "Aug 2009", "120 is not a percentage"),
        ({"D3": -3, "E3": "31/03/2009"}, 3, "Baseline", "cannot be below 0"),
        ({"D3": 5}, 3, "Baseline date", "A baseline needs its date"),
        ({"A3": "timely REVIEWS"}, 3, "Measure", "is named twice"),
        ({"A3": None}, 3, "Measure", "The measure has no name"),
        ({"I2": 71}, 2, "Jul 2009", "July 2009 is closed"),
        ({"B2": "number"}, 2, "Unit", "the unit cannot change"),
        ({"K1": "Oct 2009", "K2": 75}, 2, "Oct 2009", "The plan has no October 2009"),
    ],
)
def test_a_bad_measure_row_refuses_the_whole_import(cells, row, column, message):
    plan = _plan_with_measures()
    workbook = _workbook(plan)
    for address, value in cells.items():
        workbook["Measures"][address] = value
    # A good change beside the bad one: it must not be written either.
    workbook["Plan"][f"L{_plan_row(workbook, '2.1')}"] = "Changed by the file."
    before = row_counts()
    result = _import(plan, workbook)
    assert not result.ok and not result.saved
    assert row_counts() == before, "a refused import wrote rows"
    [error] = result.errors
    assert (error.sheet, error.row, error.column) == ("Measures", row, column)
    assert message in error.message
    assert f"sheet Measures, row {row}, column {column}: " in str(error)


def test_a_closed_months_actual_restated_as_it_is_is_accepted():
    plan = _plan_with_measures()
    workbook = _workbook(plan)
    workbook["Measures"]["I2"] = "70.00"
    assert _import(plan, workbook).ok


def test_a_measures_sheet_without_its_columns_is_refused():
    plan = _plan_with_measures()
    workbook = _workbook(plan)
    workbook["Measures"].delete_cols(6)  # Targets
    result = _import(plan, workbook, save=False)
    assert "has no Targets column" in result.errors[0].message


def test_a_new_plans_closed_month_takes_its_actuals():
    """A first import that closes its month writes that month's actuals: the month is
    new, so nothing in it is frozen yet."""
    plan = _plan_with_measures()
    workbook = _workbook(plan)
    workbook["Measures"]["I1"] = None  # July: not a month of the new plan
    # 2.2's Green, reported before its finish is signed off, needs a finish in a new plan.
    workbook["Plan"][f"E{_plan_row(workbook, '2.2')}"] = "Amber"
    result = plan_import_confirm(
        data=_content(workbook),
        filename="plan.xlsx",
        options=new_plan_options(this_month=AUGUST, close_this_month=True),
    )
    assert result.ok, [str(p) for p in result.errors]
    reviews = result.plan.measures.get(name="Timely reviews")
    assert [(v.period.month, v.value) for v in reviews.values.all()] == [(AUGUST, 72)]
    assert reviews.values.get().period.is_closed


# -- speed ---------------------------------------------------------------------------


def test_the_measures_take_the_same_queries_however_many_there_are():
    plan = _plan_with_measures()

    def queries() -> int:
        content = _content(_workbook(plan))
        with CaptureQueriesContext(connection) as captured:
            result = plan_import_preview(
                data=content, filename="plan.xlsx", options=ImportOptions(plan=plan)
            )
        assert result.ok, [str(p) for p in result.errors]
        return len(captured)

    few = queries()
    for n in range(10):
        measure = Measure.objects.create(plan=plan, name=f"Measure {n}", order=10 + n)
        measure.actions.set(plan.actions.all())
        MeasureTarget.objects.create(measure=measure, value=50, due=day(2010, 3, 31))
        MeasureValue.objects.create(
            measure=measure,
            period=plan.periods.get(month=AUGUST),
            value=decimal.Decimal("12.5"),
        )
    assert queries() == few
