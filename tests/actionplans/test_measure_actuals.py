"""A measure's actual for the month, entered by the lead on the update form beside the
narrative: saved with the update, checked as a number, removed when cleared, never in a
closed month, and the proof that lets Blue through when it reaches its target."""

import datetime
import decimal

import pytest
from django.urls import reverse

from actionplans import services
from actionplans.models import Measure, MeasureTarget, MeasureValue, ProgressUpdate

pytestmark = pytest.mark.django_db


@pytest.fixture
def measure(cycle):
    """Timely reviews, evidenced by milestone (b): 63% in 2008, 76% due by March 2010."""
    measure = Measure.objects.create(
        plan=cycle.plan,
        name="Timely reviews",
        unit=Measure.Unit.PERCENT,
        baseline_value=63,
        baseline_date=datetime.date(2008, 3, 31),
    )
    MeasureTarget.objects.create(
        measure=measure, label="Year 1", value=76, due=datetime.date(2010, 3, 31)
    )
    measure.milestones.add(cycle.milestone_b)
    return measure


def _url(cycle):
    return reverse("actionplans:update_form", args=[cycle.plan.slug, cycle.action.pk])


def _page_data(client, cycle) -> dict:
    """The form as the page shows it, ready to post as a draft."""
    response = client.get(_url(cycle))
    assert response.status_code == 200
    form = response.context["forms"]
    data = {"month": "2009-09", "save": "1"}
    for item_form in form.forms:
        for name, field in item_form.fields.items():
            value = item_form.initial.get(name, field.initial)
            data[item_form.add_prefix(name)] = "" if value is None else str(value)
    for name in form.measure_form.fields:
        value = form.measure_form[name].initial
        data[form.measure_form.add_prefix(name)] = "" if value is None else str(value)
    return data


def test_the_form_asks_for_the_actual_under_the_item_with_baseline_and_target(
    client, cycle, measure
):
    client.force_login(cycle.lead)
    page = client.get(_url(cycle)).content.decode()
    assert "Timely reviews (%) this month" in page
    assert "Baseline 63% (March 2008). Target 76% by March 2010." in page


def test_an_actual_is_saved_with_the_draft_and_removed_when_cleared(
    client, cycle, measure
):
    client.force_login(cycle.lead)
    data = _page_data(client, cycle) | {f"measure-{measure.pk}": "70.5"}
    assert client.post(_url(cycle), data).status_code == 302
    value = MeasureValue.objects.get(measure=measure, period=cycle.september)
    assert value.value == decimal.Decimal("70.5")
    assert value.entered_by == cycle.lead

    data = _page_data(client, cycle) | {f"measure-{measure.pk}": ""}
    assert client.post(_url(cycle), data).status_code == 302
    assert not MeasureValue.objects.filter(measure=measure).exists()
    assert [h.history_type for h in MeasureValue.history.order_by("history_id")] == [
        "+",
        "-",
    ]


@pytest.mark.parametrize(
    "typed, message",
    [
        (
            "seventy",
            "Enter the actual for Timely reviews as a number, like 76 or 76.5.",
        ),
        ("120", "Enter a percentage from 0 to 100."),
        ("-1", "Enter a percentage from 0 to 100."),
    ],
)
def test_an_actual_that_is_not_a_number_is_refused_at_the_field_and_nothing_saved(
    client, cycle, measure, typed, message
):
    client.force_login(cycle.lead)
    data = _page_data(client, cycle) | {f"measure-{measure.pk}": typed}
    response = client.post(_url(cycle), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert f'href="#id_measure-{measure.pk}"' in page and message in page
    assert not MeasureValue.objects.exists()
    assert not ProgressUpdate.objects.filter(period=cycle.september).exists()


def test_a_closed_month_takes_no_actuals(cycle, measure):
    services.period_close(period=cycle.september, user=cycle.coordinator)
    with pytest.raises(services.PeriodClosed):
        services.update_save(
            action=cycle.action,
            period=cycle.september,
            user=cycle.lead,
            action_values=None,
            milestone_values={},
            submit=False,
            measure_values={measure.pk: decimal.Decimal(80)},
        )
    assert not MeasureValue.objects.exists()


def test_blue_goes_through_when_every_linked_measure_is_at_its_target(
    client, cycle, measure
):
    blue = cycle.status("Blue")
    b = f"m{cycle.milestone_b.pk}"
    client.force_login(cycle.milestone_lead)
    data = _page_data(client, cycle) | {
        f"{b}-status": blue.pk,
        f"{b}-actual_finish": "15/09/2009",
        f"{b}-progress": "Reviews on time.",
        "review": "1",
    }
    data.pop("save")
    below = data | {f"measure-{measure.pk}": "70"}
    response = client.post(_url(cycle), below)
    assert response.status_code == 400
    assert "Blue means the success criteria are met" in response.content.decode()

    response = client.post(_url(cycle), data | {f"measure-{measure.pk}": "77"})
    assert response.status_code == 302, response.content.decode()
    assert ProgressUpdate.objects.get(milestone=cycle.milestone_b).status == blue
