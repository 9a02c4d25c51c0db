"""Every free-text field has a length limit that suits it, checked before anything is saved."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actionplans.models import Action, Milestone, ProgressUpdate, ReportingPeriod
from lib import limits
from recommendations.models import Recommendation
from reporting.models import CommitteeReport
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("model", "field", "limit"),
    [
        (Action, "text", limits.SHORT_TEXT),
        (Action, "aim", limits.SHORT_TEXT),
        (Action, "success_criteria", limits.SHORT_TEXT),
        (Milestone, "success_criteria", limits.SHORT_TEXT),
        (Recommendation, "text", limits.SHORT_TEXT),
        (ProgressUpdate, "progress", limits.NARRATIVE),
        (ProgressUpdate, "risk", limits.NARRATIVE),
        (ProgressUpdate, "review_comment", limits.COMMENT),
        (ReportingPeriod, "overview", limits.LONG_TEXT),
        (CommitteeReport, "summary", limits.LONG_TEXT),
    ],
)
def test_each_text_field_has_its_limit(model, field, limit):
    assert model._meta.get_field(field).max_length == limit


def test_an_action_text_over_its_limit_is_refused_by_validation():
    plan = factories.make_plan()
    action = Action(plan=plan, number="1.1", text="x" * (limits.SHORT_TEXT + 1))
    with pytest.raises(ValidationError, match="at most 5000 characters"):
        action.full_clean()


def test_a_month_overview_over_its_limit_is_refused_beside_the_field(client, cycle):
    url = reverse(
        "actionplans:period_narrative", args=[cycle.plan.slug, cycle.september.pk]
    )
    client.force_login(cycle.coordinator)
    long = "x" * (limits.LONG_TEXT + 1)
    page = client.post(url, {"overview": long, "risks": "", "amendments": ""})
    assert page.status_code == 400
    assert "at most 20000 characters (it has 20001)" in page.content.decode()
    cycle.september.refresh_from_db()
    assert cycle.september.overview == ""
