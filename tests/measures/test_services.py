"""Defining measures: all or nothing, with history, and only what makes sense."""

import datetime
import decimal

import pytest

from actionplans.models import Measure, MeasureTarget
from measures import services
from measures.services import MeasureDefinition, MeasureInvalid, TargetRow
from tests import factories

from .conftest import make_measure, make_value

D = decimal.Decimal


def _definition(cycle, **changes) -> MeasureDefinition:
    values = {
        "name": "Timely reviews",
        "unit": Measure.Unit.PERCENT,
        "higher_is_better": True,
        "baseline_value": D("63"),
        "baseline_date": datetime.date(2008, 3, 31),
        "source": "From an 07/08 baseline of 63% In Year 1: 76%",
        "actions": [cycle.action],
        "milestones": [cycle.milestone_b],
        "targets": [
            TargetRow(1, D("76"), datetime.date(2010, 3, 31), "Year 1"),
            TargetRow(2, D("85"), datetime.date(2011, 3, 31), "Year 2"),
        ],
    }
    return MeasureDefinition(**(values | changes))


def test_a_measure_is_created_with_its_links_and_targets(cycle):
    measure = services.measure_create(
        plan=cycle.plan, definition=_definition(cycle), user=cycle.coordinator
    )
    assert measure.plan == cycle.plan
    assert list(measure.actions.all()) == [cycle.action]
    assert list(measure.milestones.all()) == [cycle.milestone_b]
    assert [str(t) for t in measure.targets.all()] == [
        "Year 1: 76% by March 2010",
        "Year 2: 85% by March 2011",
    ]
    assert measure.history.earliest().history_user == cycle.coordinator
    assert {t.history.get().history_user for t in measure.targets.all()} == {
        cycle.coordinator
    }


def test_measures_are_added_last_in_the_plans_order(cycle):
    make_measure(cycle.plan, "Existing", order=4)
    measure = services.measure_create(
        plan=cycle.plan, definition=_definition(cycle), user=cycle.coordinator
    )
    assert measure.order == 5


def test_a_change_keeps_targets_matched_by_date(cycle):
    """An unchanged target gets no new history; a changed one is updated in place."""
    measure = make_measure(
        cycle.plan,
        targets=[
            ("Year 1", "76", datetime.date(2010, 3, 31)),
            ("Year 2", "80", datetime.date(2011, 3, 31)),
            ("Year 3", "90", datetime.date(2012, 3, 31)),
        ],
    )
    year_1, year_2, _ = measure.targets.all()
    definition = _definition(
        cycle,
        name="Timely reviews of users",
        targets=[
            TargetRow(1, D("76"), datetime.date(2010, 3, 31), "Year 1"),
            TargetRow(2, D("85"), datetime.date(2011, 3, 31), "Year 2"),
            TargetRow(3, D("95"), datetime.date(2013, 3, 31), "Year 4"),
        ],
    )
    services.measure_change(
        measure=measure, definition=definition, user=cycle.coordinator
    )
    measure.refresh_from_db()
    assert measure.name == "Timely reviews of users"
    assert [(t.pk, t.value) for t in measure.targets.all()][:2] == [
        (year_1.pk, D("76")),
        (year_2.pk, D("85")),
    ]
    assert [t.label for t in measure.targets.all()] == ["Year 1", "Year 2", "Year 4"]
    assert year_1.history.count() == 1
    assert year_2.history.latest().history_user == cycle.coordinator
    assert measure.history.latest().history_user == cycle.coordinator


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"baseline_value": D("163")},
            "baseline_value",
            "The baseline is a percentage: enter a number from 0 to 100",
        ),
        (
            {"targets": [TargetRow(1, D("-1"), datetime.date(2010, 3, 31))]},
            "target_1_value",
            "Target 1 is a percentage",
        ),
        (
            {"targets": [TargetRow(1, D("76"), datetime.date(2008, 1, 31))]},
            "target_1_due",
            "Target 1's date (31/01/2008) is before the baseline date (31/03/2008)",
        ),
        (
            {"targets": [TargetRow(1, D("76"), datetime.date(2008, 3, 31))]},
            "target_1_due",
            "Target 1's date (31/03/2008) is the same as the baseline date",
        ),
        (
            {
                "targets": [
                    TargetRow(1, D("76"), datetime.date(2010, 3, 31)),
                    TargetRow(3, D("80"), datetime.date(2010, 3, 31)),
                ]
            },
            "target_3_due",
            "Targets 1 and 3 are both due on 31/03/2010",
        ),
        (
            {"baseline_date": None},
            "baseline_date",
            "Enter the date of the baseline",
        ),
        ({"name": " \u200b "}, "name", "Enter the measure's name"),
    ],
)
def test_what_makes_no_sense_is_refused_and_nothing_written(
    cycle, changes, field, message
):
    with pytest.raises(MeasureInvalid) as refused:
        services.measure_create(
            plan=cycle.plan,
            definition=_definition(cycle, **changes),
            user=cycle.coordinator,
        )
    assert message in refused.value.errors[field]
    assert not Measure.objects.exists()
    assert not MeasureTarget.objects.exists()


def test_days_cannot_be_negative_but_a_number_can(cycle):
    days = _definition(cycle, unit=Measure.Unit.DAYS, baseline_value=D("-2"))
    with pytest.raises(MeasureInvalid, match="cannot be below 0"):
        services.measure_create(
            plan=cycle.plan, definition=days, user=cycle.coordinator
        )
    number = _definition(cycle, unit=Measure.Unit.NUMBER, baseline_value=D("-2"))
    services.measure_create(plan=cycle.plan, definition=number, user=cycle.coordinator)


def test_a_name_already_in_the_plan_is_refused_whatever_its_case(cycle):
    make_measure(cycle.plan, "Timely reviews")
    make_measure(factories.make_plan(), "Timely Reviews of users")  # another plan's
    with pytest.raises(MeasureInvalid) as refused:
        services.measure_create(
            plan=cycle.plan,
            definition=_definition(cycle, name="timely reviews"),
            user=cycle.coordinator,
        )
    assert refused.value.errors["name"] == (
        "The plan already has a measure called “timely reviews”."
    )
    services.measure_create(
        plan=cycle.plan,
        definition=_definition(cycle, name="Timely reviews of users"),
        user=cycle.coordinator,
    )


def test_a_measure_keeps_its_own_name_when_changed(cycle):
    measure = make_measure(cycle.plan, "Timely reviews")
    services.measure_change(
        measure=measure, definition=_definition(cycle), user=cycle.coordinator
    )


def test_another_plans_items_are_refused(cycle):
    other_action = factories.make_action(factories.make_plan(), "9.9")
    other_milestone = factories.make_milestone(other_action, "(z)")
    with pytest.raises(MeasureInvalid) as refused:
        services.measure_create(
            plan=cycle.plan,
            definition=_definition(
                cycle,
                actions=[cycle.action, other_action],
                milestones=[other_milestone],
            ),
            user=cycle.coordinator,
        )
    assert refused.value.errors["actions"].startswith("9.9 is not in this plan")
    assert refused.value.errors["milestones"].startswith("9.9 (z) is not in this plan")
    assert not Measure.objects.exists()


def test_the_unit_cannot_change_once_actuals_are_entered(cycle):
    measure = make_measure(cycle.plan)
    make_value(measure, cycle.august, "70")
    with pytest.raises(MeasureInvalid, match="the unit cannot change"):
        services.measure_change(
            measure=measure,
            definition=_definition(cycle, unit=Measure.Unit.NUMBER),
            user=cycle.coordinator,
        )
    services.measure_change(
        measure=measure, definition=_definition(cycle), user=cycle.coordinator
    )


def test_a_failed_save_writes_nothing(cycle, monkeypatch):
    """The measure, its links and its targets are saved together or not at all."""
    measure = make_measure(
        cycle.plan, targets=[("Year 1", "70", datetime.date(2010, 3, 31))]
    )
    measure.actions.set([cycle.other_action])
    saved = MeasureTarget.save

    def fail_on_the_second(target, *args, **kwargs):
        if target.due.year == 2011:
            raise RuntimeError("the database went away")
        return saved(target, *args, **kwargs)

    monkeypatch.setattr(MeasureTarget, "save", fail_on_the_second)
    with pytest.raises(RuntimeError):
        services.measure_change(
            measure=measure, definition=_definition(cycle), user=cycle.coordinator
        )
    with pytest.raises(RuntimeError):
        services.measure_create(
            plan=cycle.plan,
            definition=_definition(cycle, name="Another"),
            user=cycle.coordinator,
        )
    measure.refresh_from_db()
    assert measure.source == ""
    assert list(measure.actions.all()) == [cycle.other_action]
    assert list(measure.milestones.all()) == []
    assert [(t.label, t.value) for t in measure.targets.all()] == [("Year 1", D("70"))]
    assert list(Measure.objects.all()) == [measure]


def test_a_measure_without_actuals_is_deleted_with_its_targets(cycle):
    measure = make_measure(
        cycle.plan, targets=[("Year 1", "76", datetime.date(2010, 3, 31))]
    )
    measure.actions.set([cycle.action])
    services.measure_delete(measure=measure, user=cycle.coordinator)
    assert not Measure.objects.exists()
    assert not MeasureTarget.objects.exists()
    assert cycle.action.measures.count() == 0
    assert Measure.history.latest().history_type == "-"
    assert Measure.history.latest().history_user == cycle.coordinator
    assert MeasureTarget.history.latest().history_user == cycle.coordinator


def test_a_measure_with_actuals_is_not_deleted(cycle):
    measure = make_measure(cycle.plan)
    make_value(measure, cycle.august, "70")
    make_value(measure, cycle.september, "72")
    with pytest.raises(MeasureInvalid) as refused:
        services.measure_delete(measure=measure, user=cycle.coordinator)
    assert refused.value.errors["__all__"].startswith(
        "“Timely reviews” has actuals for 2 months"
    )
    assert Measure.objects.filter(pk=measure.pk).exists()
