import datetime

import pytest
from django.db import IntegrityError, transaction

from actionplans.models import Action, Officer, ReportingPeriod
from tests import factories

pytestmark = pytest.mark.django_db


def _refused(make) -> bool:
    try:
        with transaction.atomic():
            make()
    except IntegrityError:
        return True
    return False


def test_actions_sort_as_people_read_their_numbers():
    plan = factories.make_plan()
    for number in ["11.1", "2.10 (a)", "2.10", "2.9", "1.1"]:
        factories.make_action(plan, number)
    numbers = list(Action.objects.filter(plan=plan).values_list("number", flat=True))
    assert numbers == ["1.1", "2.9", "2.10", "2.10 (a)", "11.1"]


def test_action_number_is_unique_within_a_plan_but_not_across_plans():
    plan, other = factories.make_plan(), factories.make_plan()
    factories.make_action(plan, "1.1")
    assert _refused(lambda: factories.make_action(plan, "1.1"))
    factories.make_action(other, "1.1")


@pytest.mark.parametrize("field", ["plan_finish", "actual_finish"])
def test_a_finish_before_the_start_is_never_stored(field):
    plan = factories.make_plan()
    start = datetime.date(2009, 1, 1)
    assert _refused(
        lambda: factories.make_action(
            plan, plan_start=start, **{field: datetime.date(2008, 12, 31)}
        )
    )
    action = factories.make_action(plan, "2.1", plan_start=start)
    assert _refused(
        lambda: factories.make_milestone(
            action, plan_start=start, **{field: datetime.date(2008, 12, 31)}
        )
    )


def test_an_item_has_one_update_per_period():
    plan = factories.make_plan()
    action = factories.make_action(plan)
    milestone = factories.make_milestone(action)
    period = factories.make_period(plan)
    factories.make_update(period, action=action)
    factories.make_update(period, milestone=milestone)
    assert _refused(lambda: factories.make_update(period, action=action))
    assert _refused(lambda: factories.make_update(period, milestone=milestone))
    factories.make_update(factories.make_period(plan, month=9), action=action)


def test_an_update_is_for_an_action_or_a_milestone_never_both_or_neither():
    plan = factories.make_plan()
    action = factories.make_action(plan)
    milestone = factories.make_milestone(action)
    period = factories.make_period(plan)
    assert _refused(lambda: factories.make_update(period))
    assert _refused(
        lambda: factories.make_update(period, action=action, milestone=milestone)
    )


def test_a_period_is_a_calendar_month_once_per_plan():
    plan = factories.make_plan()
    factories.make_period(plan, 2009, 8)
    assert _refused(lambda: factories.make_period(plan, 2009, 8))
    assert _refused(
        lambda: ReportingPeriod.objects.create(
            plan=plan, month=datetime.date(2009, 9, 2)
        )
    )
    assert factories.make_period(plan, 2009, 2).last_day == datetime.date(2009, 2, 28)


def test_status_labels_are_unique_per_plan_and_colours_come_from_the_palette():
    plan = factories.make_plan()
    assert [s.label for s in plan.statuses.all()] == [
        "Blue",
        "Green",
        "Amber",
        "Red",
        "Grey",
    ]
    assert _refused(
        lambda: plan.statuses.create(label="Blue", colour="black", meaning="again")
    )
    assert _refused(
        lambda: plan.statuses.create(label="Pink", colour="pink", meaning="x")
    )


def test_officer_needs_a_name_or_a_role():
    council = factories.make_organisation()
    assert _refused(
        lambda: Officer.objects.create(organisation=council, name="", role_title="")
    )
    assert str(Officer(name="", role_title="Head of Safeguarding", initials="AH")) == (
        "Head of Safeguarding - AH"
    )


def test_history_records_each_change_with_the_user_who_made_it():
    plan = factories.make_plan()
    user = factories.make_user()
    action = factories.make_action(plan)
    action.text = "Act sooner."
    action._history_user = user
    action.save()
    latest = action.history.first()
    assert latest.text == "Act sooner."
    assert latest.history_user == user
    assert action.history.count() >= 2


def test_overdue_means_plan_finish_reached_and_no_actual_finish():
    plan = factories.make_plan()
    day = datetime.date(2009, 8, 31)
    due = factories.make_action(plan, "1.1", plan_finish=day)
    factories.make_action(plan, "1.2", plan_finish=day, actual_finish=day)
    factories.make_action(plan, "1.3", plan_finish=datetime.date(2009, 9, 1))
    assert list(Action.objects.overdue(on=day)) == [due]
    assert due.is_overdue(on=day) and not due.is_overdue(on=datetime.date(2009, 8, 30))
