"""The Leeds demo plan's measures: the numbers seed 001 states, loaded idempotently."""

import datetime
import decimal
import json
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError

from actionplans.loading import LoadReport, plan_load_document
from actionplans.models import ActionPlan, Measure, MeasureValue

pytestmark = pytest.mark.django_db

LEEDS = settings.BASE_DIR / "fixtures" / "leeds-iwc"
AUGUST = datetime.date(2009, 8, 1)


def _document(name: str) -> dict:
    return json.loads((LEEDS / name).read_text(encoding="utf-8"))


def _load(measures: dict | None = None, report: LoadReport | None = None):
    """Load the Leeds plan as load_demo does, with its measures."""
    return plan_load_document(
        plan_data=_document("plan.json"),
        actions_data=_document("actions.json"),
        measures_data=measures if measures is not None else _document("measures.json"),
        report=report,
    )


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def _words(text: str) -> str:
    return " ".join(text.split())


def test_the_measures_load_with_targets_links_and_actuals():
    plan = _load()
    assert plan.measures.count() == 13
    reviews = plan.measures.get(name="% of service users receiving a timely review")
    assert reviews.unit == Measure.Unit.PERCENT and reviews.higher_is_better
    assert (reviews.baseline_value, reviews.baseline_date) == (
        63,
        datetime.date(2008, 3, 31),
    )
    assert [(t.label, t.value, t.due) for t in reviews.targets.all()] == [
        ("Year 1", 76, datetime.date(2009, 3, 31)),
        ("Year 2", 80, datetime.date(2010, 3, 31)),
    ]
    assert sorted(str(m.number) for m in reviews.milestones.all()) == [
        "11.1 (a)",
        "11.1 (b)",
    ]
    assert not reviews.actions.exists()
    recipients = plan.measures.get(name__startswith="Recipients")
    assert recipients.unit == Measure.Unit.NUMBER
    assert sorted(recipients.actions.values_list("number", flat=True)) == [
        "9.2",
        "9.7",
        "9.8",
    ]
    discharges = plan.measures.get(name="Delayed discharges")
    assert not discharges.higher_is_better and discharges.baseline_value == 27


def test_the_actuals_are_the_august_2009_figures_the_seed_reports():
    plan = _load()
    actuals = {
        value.measure.name: value.value
        for value in MeasureValue.objects.filter(measure__plan=plan).select_related(
            "measure", "period"
        )
        if value.period.month == AUGUST
    }
    assert actuals == {
        "% of survey respondents who report being offered DP": 41,
        "% of older people assessed in 4 weeks": 96,
        "% of survey respondents happy with the assessment process": decimal.Decimal(
            "97.5"
        ),
        "% of survey respondents who report the assessing social worker is courteous "
        "and helpful": 90,
        "% of survey respondents who report that information is adequate": 78,
        "% of respondents who feel safe in their own homes during the day": 95,
        "% of respondents who feel safe in their own home at night": decimal.Decimal(
            "92.5"
        ),
    }
    assert MeasureValue.objects.filter(measure__plan=plan).count() == len(actuals)


def test_every_number_is_in_the_plans_own_words_quoted_as_its_source():
    """Each quoted sentence is in the text of an item the measure evidences (the seed's
    success criteria, action text or August narrative), and every baseline, target and
    actual is written in the quote: no value is made up."""
    actions = _document("actions.json")["actions"]
    texts: dict[str, str] = {}
    for action in actions:
        updates = [u.get("progress", "") for u in action["updates"].values()]
        texts[action["number"]] = _words(
            " ".join([action["text"], action["success_criteria"], *updates])
        )
        for milestone in action["milestones"]:
            updates = [u.get("progress", "") for u in milestone["updates"].values()]
            texts[f"{action['number']} {milestone['label']}"] = _words(
                " ".join([milestone["success_criteria"], *updates])
            )
    for measure in _document("measures.json")["measures"]:
        evidenced = " ".join(texts[number] for number in measure["evidences"])
        for quote in measure["source"].split(" / "):
            assert _words(quote) in evidenced, (measure["name"], quote)
        numbers = [
            measure["baseline_value"],
            *(target["value"] for target in measure["targets"]),
            *measure["values"].values(),
        ]
        written = set(re.findall(r"\d[\d,]*(?:\.\d+)?", measure["source"]))
        for number in numbers:
            if number is not None:
                assert f"{number:,}" in written, (measure["name"], number)


def test_loading_again_changes_nothing_and_writes_no_history():
    _load()
    before = _row_counts()
    report = LoadReport()
    _load(report=report)
    assert _row_counts() == before
    assert not report.created.total() and not report.changed.total()
    assert report.unchanged["measure"] == 13


def test_a_changed_document_changes_only_what_differs():
    plan = _load()
    measures = _document("measures.json")
    reviews = measures["measures"][0]
    reviews["targets"] = reviews["targets"][:1]  # Year 2 withdrawn
    reviews["values"] = {"2009-09": 70}
    report = LoadReport()
    _load(measures, report=report)
    measure = plan.measures.get(name=reviews["name"])
    assert [t.label for t in measure.targets.all()] == ["Year 1"]
    assert measure.values.get().period.month == datetime.date(2009, 9, 1)
    assert report.changes == [
        ("measure", reviews["name"], ["targets"]),
    ]
    assert report.created["measure value"] == 1


def test_a_fixture_naming_an_item_the_plan_lacks_is_refused():
    measures = _document("measures.json")
    measures["measures"][0]["evidences"] = ["99.9"]
    with pytest.raises(ValidationError, match="99.9: not an action or milestone"):
        _load(measures)
    assert not ActionPlan.objects.exists()
