"""The demo data is the real seed plans, complete, and loading it twice changes nothing."""

import datetime

import pytest
from django.apps import apps
from django.core.management import call_command

from actionplans.models import Action, ActionPlan, Milestone, Officer, ReportingPeriod
from recommendations.models import Recommendation, Theme

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEMO_MODE = True
    call_command("load_demo", verbosity=0)


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_leeds_plan_has_every_recommendation_and_action_of_the_seed(demo):
    plan = ActionPlan.objects.get(slug="leeds-iwc")
    assert Recommendation.objects.filter(inspection=plan.inspection).count() == 25
    assert plan.actions.count() == 66
    assert Milestone.objects.filter(action__plan=plan).count() == 60
    action = plan.actions.get(number="1.8")
    assert [m.label for m in action.milestones.all()] == ["(a)", "(b)"]
    assert action.chief_officers.count() == 2
    assert (
        plan.inspection.judgments.get(
            area="Maintaining personal dignity and respect"
        ).grade
        == "Poor"
    )
    assert "Sandie Keene" in plan.introduction or "Action Plan" in plan.introduction


def test_leeds_statuses_for_july_and_august_are_closed_periods_and_september_is_open(
    demo,
):
    plan = ActionPlan.objects.get(slug="leeds-iwc")
    periods = {p.month: p for p in plan.periods.all()}
    assert periods[datetime.date(2009, 7, 1)].is_closed
    assert periods[datetime.date(2009, 8, 1)].is_closed
    assert not periods[datetime.date(2009, 9, 1)].is_closed
    assert "progressing well" in periods[datetime.date(2009, 8, 1)].overview
    august = periods[datetime.date(2009, 8, 1)]
    completed = plan.actions.get(number="1.1").updates.get(period=august)
    assert completed.status.counts_as_complete
    assert august.updates.filter(status__isnull=False).count() > 100


def test_dudley_plan_has_its_sections_recommendations_and_cross_references(demo):
    plan = ActionPlan.objects.get(slug="dudley-cqc")
    assert Theme.objects.filter(inspection=plan.inspection).count() == 4
    assert Recommendation.objects.filter(inspection=plan.inspection).count() == 19
    assert plan.actions.count() == 80
    see = plan.actions.get(number="15.1")
    assert list(see.cross_references.values_list("number", flat=True)) == ["12.1"]
    timed = plan.actions.get(number="1.1")
    assert timed.plan_finish_text == "End March 2010"
    assert timed.plan_finish == datetime.date(2010, 3, 31)
    done = plan.actions.get(number="2.2")
    assert done.plan_finish is None and done.plan_finish_text == "Completed"


def test_dudley_responsible_managers_keep_role_and_initials(demo):
    officer = Officer.objects.get(role_title="Head of Safeguarding", initials="AH")
    assert officer.led_actions.filter(plan__slug="dudley-cqc").count() > 5


def test_loading_the_demo_twice_leaves_the_same_data_and_history(demo):
    before = _row_counts()
    call_command("load_demo", verbosity=0)
    assert _row_counts() == before


def test_demo_users_exist_one_per_role_linked_to_leeds_officers(demo):
    from django.contrib.auth import get_user_model

    users = {u.username: u for u in get_user_model().objects.all()}
    assert set(users) == {"admin", "coordinator", "chief", "lead", "viewer"}
    assert users["admin"].is_superuser
    assert users["lead"].officer.name == "Hilary Paxton"
    assert users["lead"].officer.led_actions.filter(plan__slug="leeds-iwc").exists()
    assert (
        users["chief"]
        .officer.accountable_actions.filter(plan__slug="leeds-iwc")
        .exists()
    )
    assert users["coordinator"].plan_memberships.get().role == "coordinator"
    assert users["viewer"].plan_memberships.get().role == "viewer"


def test_demo_users_are_not_created_outside_demo_mode(settings):
    from django.contrib.auth import get_user_model

    settings.DEMO_MODE = False
    call_command("load_demo", verbosity=0)
    assert ActionPlan.objects.count() == 2
    assert not get_user_model().objects.exists()


def test_every_action_with_dates_respects_start_before_finish(demo):
    for action in Action.objects.exclude(plan_start=None).exclude(plan_finish=None):
        assert action.plan_start <= action.plan_finish
    assert ReportingPeriod.objects.count() == 4
