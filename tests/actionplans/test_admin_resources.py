"""The admin's per-model import and export (django-import-export)."""

import pytest
import tablib
from django.urls import reverse

from actionplans.models import Action, Milestone, Officer
from actionplans.resources import ActionResource, MilestoneResource, OfficerResource
from recommendations.resources import RecommendationResource
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    plan = factories.make_plan(slug="leeds")
    factories.make_recommendation(plan, "1", text="=cmd|' /C calc'!A0")
    lead = factories.make_officer("Hilary Paxton", "Head of Adult Safeguarding")
    action = factories.make_action(plan, "1.1", text="Meet partners.", leads=[lead])
    factories.make_milestone(action, "(a)", success_criteria="MOU signed")
    return plan


def test_exported_rows_import_back_unchanged(plan):
    for resource_class in (OfficerResource, ActionResource, MilestoneResource):
        dataset = resource_class().export()
        result = resource_class().import_data(dataset, dry_run=False)
        assert not result.has_errors()
        assert {row.import_type for row in result.rows} == {"skip"}


def test_an_edited_action_row_updates_the_action(plan):
    dataset = ActionResource().export()
    dataset.dict = [row | {"text": "Meet all partners."} for row in dataset.dict]
    result = ActionResource().import_data(dataset, dry_run=False)
    assert not result.has_errors()
    assert Action.objects.get().text == "Meet all partners."


def test_a_milestone_names_its_action_by_plan_and_number(plan):
    data = tablib.Dataset(headers=["action", "label", "order", "success_criteria"])
    data.append(["leeds 1.1", "(b)", 1, "Plan published"])
    result = MilestoneResource().import_data(data, dry_run=False)
    assert not result.has_errors()
    assert Milestone.objects.get(label="(b)").action.number == "1.1"


def test_formula_like_text_is_exported_as_text(plan):
    dataset = RecommendationResource().export()
    assert dataset.dict[0]["text"].startswith("'=cmd")


def test_admin_lists_offer_import_and_export(client, plan):
    client.force_login(factories.make_user(is_superuser=True, is_staff=True))
    for model in ("officer", "action", "milestone"):
        page = client.get(reverse(f"admin:actionplans_{model}_changelist"))
        assert page.status_code == 200
        assert reverse(f"admin:actionplans_{model}_import").encode() in page.content
    page = client.get(reverse("admin:recommendations_recommendation_import"))
    assert page.status_code == 200
    assert Officer.objects.count() == 1
