"""Judgments on show: the graded areas, the recommendations answering each, on the plan page."""

import json

import pytest
from django.core.exceptions import ValidationError

from actionplans.loading import plan_load_document
from actionplans.models import PlanMembership
from recommendations.models import Judgment
from recommendations.selectors import inspection_summary
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def graded_plan():
    plan = factories.make_plan(title="Leeds IWC")
    inspection = plan.inspection
    inspection.rating = "Performance Rating: 1 Star"
    inspection.key_strengths = "Community engagement is a particular strength."
    inspection.areas_for_development = "Strengthen hospital discharge procedures."
    inspection.save()
    dignity = Judgment.objects.create(
        inspection=inspection,
        area="Maintaining personal dignity and respect",
        grade="Poor",
        order=1,
    )
    Judgment.objects.create(
        inspection=inspection, area="Leadership", grade="Uncertain", order=2
    )
    for number in ("2", "1", "10"):
        factories.make_recommendation(plan, number, judgment=dignity)
    factories.make_recommendation(plan, "25")
    return plan


def test_each_judgment_lists_the_recommendations_answering_it_in_number_order(
    graded_plan, django_assert_num_queries
):
    with django_assert_num_queries(3):
        summary = inspection_summary(inspection_id=graded_plan.inspection_id)
    dignity, leadership = summary.judgments
    assert (dignity.area, dignity.grade) == (
        "Maintaining personal dignity and respect",
        "Poor",
    )
    assert [rec.number for rec in dignity.recommendations] == ["1", "2", "10"]
    assert leadership.recommendations == []
    assert [rec.number for rec in summary.unlinked] == ["25"]


def test_a_recommendation_cannot_answer_another_inspections_judgment(graded_plan):
    other = factories.make_plan()
    stranger = Judgment.objects.create(
        inspection=other.inspection, area="Leadership", grade="Good"
    )
    rec = graded_plan.inspection.recommendations.get(number="25")
    rec.judgment = stranger
    with pytest.raises(ValidationError) as error:
        rec.full_clean()
    assert "judgment" in error.value.message_dict


def test_the_plan_page_shows_judgments_grades_strengths_and_areas(client, graded_plan):
    user = factories.make_user()
    factories.make_member(graded_plan, user, PlanMembership.Role.VIEWER)
    client.force_login(user)
    page = client.get(graded_plan.get_absolute_url()).content.decode()
    for text in [
        "Judgments and grades",
        "Maintaining personal dignity and respect",
        "Poor",
        "1, 2, 10",
        "Uncertain",
        "Performance Rating: 1 Star",
        "Community engagement is a particular strength.",
        "Strengthen hospital discharge procedures.",
        "Not linked to a judgment area: recommendation 25.",
    ]:
        assert text in page


def test_a_plan_whose_inspection_has_no_judgments_shows_no_empty_section(client):
    plan = factories.make_plan()
    user = factories.make_user()
    factories.make_member(plan, user, PlanMembership.Role.VIEWER)
    client.force_login(user)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Judgments and grades" not in page and "The inspection" not in page


def _leeds_documents() -> tuple[dict, dict]:
    with open("fixtures/leeds-iwc/plan.json", encoding="utf-8") as source:
        plan_data = json.load(source)
    with open("fixtures/leeds-iwc/actions.json", encoding="utf-8") as source:
        actions_data = json.load(source)
    return plan_data, actions_data


def test_the_leeds_demo_links_every_recommendation_to_a_judgment_area():
    plan_data, actions_data = _leeds_documents()
    plan = plan_load_document(plan_data=plan_data, actions_data=actions_data)
    summary = inspection_summary(inspection_id=plan.inspection_id)
    assert summary.unlinked == []
    by_area = {j.area: [r.number for r in j.recommendations] for j in summary.judgments}
    assert by_area["Maintaining personal dignity and respect"][:3] == ["1", "2", "3"]
    assert by_area["Leadership"] == ["22", "23", "24"]


def test_loading_a_judgment_area_the_inspection_lacks_is_refused():
    plan_data, actions_data = _leeds_documents()
    actions_data["recommendations"][0]["judgment"] = "Safeguarding outcomes"
    with pytest.raises(ValidationError, match="Safeguarding outcomes"):
        plan_load_document(plan_data=plan_data, actions_data=actions_data)
