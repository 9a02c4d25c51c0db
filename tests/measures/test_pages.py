"""The measures pages, used as a coordinator would, and refused to everyone else."""

import datetime
import decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplans.models import Measure, MeasureTarget, PlanMembership
from tests import factories

from .conftest import make_measure, make_value

D = decimal.Decimal


def _list_url(cycle):
    return reverse("measures:plan_measures", args=[cycle.plan.slug])


def _add_url(cycle):
    return reverse("measures:measure_add", args=[cycle.plan.slug])


def _change_url(cycle, measure):
    return reverse("measures:measure_change", args=[cycle.plan.slug, measure.pk])


def _delete_url(cycle, measure):
    return reverse("measures:measure_delete", args=[cycle.plan.slug, measure.pk])


def _form(cycle, **changes) -> dict:
    """What a coordinator types for "Timely reviews", with two of the six target rows."""
    data = {
        "name": "Timely reviews",
        "unit": "percent",
        "direction": "higher",
        "baseline_value": "63",
        "baseline_date": "31/03/2008",
        "source": "From an 07/08 baseline of 63% In Year 1: 76%",
        "actions": [cycle.action.pk],
        "milestones": [cycle.milestone_b.pk],
        "target_1_label": "Year 1",
        "target_1_value": "76%",
        "target_1_due": "31/03/2010",
        "target_2_label": "Year 2",
        "target_2_value": "85",
        "target_2_due": "31/03/2011",
    }
    return {k: v for k, v in (data | changes).items() if v is not None}


def _another_councils_user():
    """A Dudley officer's user, even if mistakenly made a member of the Leeds plan."""
    dudley = factories.make_organisation("Dudley MBC")
    user = factories.make_user("dudley")
    factories.make_officer("Hilary Paxton", organisation=dudley, user=user)
    return user


@pytest.fixture
def measure(cycle):
    measure = make_measure(
        cycle.plan,
        targets=[
            ("Year 1", "76", datetime.date(2010, 3, 31)),
            ("Year 2", "85", datetime.date(2011, 3, 31)),
        ],
    )
    measure.actions.set([cycle.action])
    measure.milestones.set([cycle.milestone_b])
    return measure


# --- The list ---------------------------------------------------------------------------


def test_everyone_on_the_plan_reads_the_list(client, cycle, measure):
    make_value(measure, cycle.august, "70")
    for who in ["lead", "chief", "milestone_lead", "viewer"]:
        client.force_login(getattr(cycle, who))
        response = client.get(_list_url(cycle))
        assert response.status_code == 200, who
        page = response.content.decode()
        assert "Timely reviews" in page
        assert "better when higher" in page
        assert "63%" in page and "31/03/2008" in page
        assert "Year 1: 76% by March 2010" in page
        assert "Year 2: 85% by March 2011" in page
        assert "70%" in page and "August 2009" in page  # the latest actual and month
        assert "On track" in page
        assert (
            f'href="{reverse("actionplans:action_detail", args=["leeds", cycle.action.pk])}"'
            in page
        )
        assert "1.8 (b)" in page
        assert "Add a measure" not in page
        assert _change_url(cycle, measure) not in page


def test_coordinators_see_the_links_to_add_and_change(client, cycle, measure):
    for who in ["coordinator", "admin"]:
        client.force_login(getattr(cycle, who))
        page = client.get(_list_url(cycle)).content.decode()
        assert "Add a measure" in page
        assert _change_url(cycle, measure) in page


def test_the_standing_is_as_at_the_current_month(client, cycle, measure):
    """September is open: its actual, else August's, against the target in force."""
    make_value(measure, cycle.august, "70")
    make_value(measure, cycle.september, "77")
    behind = make_measure(
        cycle.plan,
        "Reviews of carers",
        targets=[("", "50", datetime.date(2009, 6, 30))],
    )
    make_value(behind, cycle.august, "40")
    make_measure(cycle.plan, "Waiting", unit=Measure.Unit.DAYS, targets=[])
    no_actual = make_measure(
        cycle.plan, "Complaints", targets=[("", "10", datetime.date(2010, 3, 31))]
    )
    client.force_login(cycle.viewer)
    response = client.get(_list_url(cycle))
    rows = {row.measure: row for row in response.context["rows"]}
    assert rows[measure].standing.state == "met"
    assert rows[measure].latest_month == datetime.date(2009, 9, 1)
    assert rows[behind].standing.state == "behind"
    assert rows[no_actual].standing.state == "no_actual"
    page = response.content.decode()
    assert "Target met" in page
    assert "Behind target" in page
    assert "Missed 50% by June 2009" in page
    assert "No actual yet" in page


def test_the_list_asks_a_fixed_number_of_queries(client, cycle):
    """One measure or five, each with targets, links and actuals: the same queries."""
    client.force_login(cycle.viewer)

    def add(n):
        for i in range(n):
            m = make_measure(
                cycle.plan,
                f"Measure {Measure.objects.count()}",
                targets=[(f"Year {i}", "76", datetime.date(2010, 3, 31))],
            )
            m.actions.set([cycle.action, cycle.other_action])
            m.milestones.set([cycle.milestone_a, cycle.milestone_b])
            make_value(m, cycle.august, "70")

    add(1)
    with CaptureQueriesContext(connection) as one:
        assert client.get(_list_url(cycle)).status_code == 200
    add(4)
    with CaptureQueriesContext(connection) as five:
        response = client.get(_list_url(cycle))
    assert len(response.context["rows"]) == 5
    assert len(five) == len(one)


def test_the_plan_page_links_to_the_measures(client, cycle):
    client.force_login(cycle.viewer)
    page = client.get(cycle.plan.get_absolute_url()).content.decode()
    assert f'href="{_list_url(cycle)}"' in page


# --- Who may do what --------------------------------------------------------------------


@pytest.mark.parametrize("who", ["lead", "chief", "viewer", "milestone_lead"])
def test_only_coordinators_add_change_and_delete(client, cycle, measure, who):
    client.force_login(getattr(cycle, who))
    for url in [
        _add_url(cycle),
        _change_url(cycle, measure),
        _delete_url(cycle, measure),
    ]:
        assert client.get(url).status_code == 403, url
        assert client.post(url, _form(cycle, name="Taken over")).status_code == 403
    assert list(Measure.objects.values_list("name", flat=True)) == ["Timely reviews"]


@pytest.mark.parametrize("who", ["another council", "no role", "outsider"])
def test_users_who_cannot_see_the_plan_get_404(client, cycle, measure, who):
    if who == "another council":
        user = _another_councils_user()
        factories.make_member(cycle.plan, user, PlanMembership.Role.COORDINATOR)
    elif who == "no role":
        user = factories.make_user("nobody")
    else:
        user = cycle.outsider  # coordinates another Leeds plan
    client.force_login(user)
    urls = [
        _list_url(cycle),
        _add_url(cycle),
        _change_url(cycle, measure),
        _delete_url(cycle, measure),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.post(_add_url(cycle), _form(cycle, name="New")).status_code == 404
    assert client.post(_delete_url(cycle, measure)).status_code == 404
    assert Measure.objects.count() == 1


def test_anonymous_users_are_sent_to_sign_in(client, cycle, measure):
    for url in [_list_url(cycle), _add_url(cycle), _change_url(cycle, measure)]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_wrong_methods_are_refused(client, cycle, measure):
    client.force_login(cycle.coordinator)
    assert client.post(_list_url(cycle)).status_code == 405
    assert client.put(_add_url(cycle)).status_code == 405
    assert client.delete(_change_url(cycle, measure)).status_code == 405
    assert client.delete(_delete_url(cycle, measure)).status_code == 405


def test_a_measure_of_another_plan_is_not_found(client, cycle):
    other = make_measure(factories.make_plan(), "Elsewhere")
    client.force_login(cycle.admin)
    assert client.get(_change_url(cycle, other)).status_code == 404
    assert client.post(_delete_url(cycle, other)).status_code == 404
    assert Measure.objects.filter(pk=other.pk).exists()


# --- Adding and changing ----------------------------------------------------------------


@pytest.mark.parametrize("who", ["coordinator", "admin"])
def test_a_coordinator_adds_a_measure(client, cycle, who):
    user = getattr(cycle, who)
    client.force_login(user)
    page = client.get(_add_url(cycle))
    assert page.status_code == 200
    text = page.content.decode()
    assert "1.8 Establish 10 senior practitioner posts." in text
    assert "1.8 (b) Monitoring shows improved outcomes." in text
    assert 'name="target_6_due"' in text
    response = client.post(_add_url(cycle), _form(cycle))
    measure = Measure.objects.get()
    assert response.status_code == 302
    assert response.url == f"{_list_url(cycle)}#measure-{measure.pk}"
    assert measure.baseline_value == D("63")
    assert measure.higher_is_better
    assert list(measure.actions.all()) == [cycle.action]
    assert list(measure.milestones.all()) == [cycle.milestone_b]
    assert [(t.label, t.value, t.due) for t in measure.targets.all()] == [
        ("Year 1", D("76"), datetime.date(2010, 3, 31)),
        ("Year 2", D("85"), datetime.date(2011, 3, 31)),
    ]
    assert measure.history.earliest().history_user == user
    listing = client.get(response.url).content.decode()
    assert "Measure “Timely reviews” added." in listing


def test_a_coordinator_changes_a_measure(client, cycle, measure):
    client.force_login(cycle.coordinator)
    page = client.get(_change_url(cycle, measure)).content.decode()
    assert 'value="Timely reviews"' in page
    assert 'value="31/03/2010"' in page and 'value="76"' in page
    assert f'value="{cycle.action.pk}" id="id_actions_0" checked' in page
    response = client.post(
        _change_url(cycle, measure),
        _form(
            cycle,
            direction="lower",
            unit="days",
            baseline_value="40",
            actions=[],
            milestones=[cycle.milestone_a.pk],
            target_1_label="",
            target_1_value="",
            target_1_due="",
            target_3_value="20",
            target_3_due="31/03/2012",
        ),
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert not measure.higher_is_better
    assert measure.unit == Measure.Unit.DAYS
    assert list(measure.actions.all()) == []
    assert list(measure.milestones.all()) == [cycle.milestone_a]
    assert [str(t) for t in measure.targets.all()] == [
        "Year 2: 85 days by March 2011",
        "20 days by March 2012",
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"baseline_value": "about 63"},
            "Enter the baseline as a number, like 63 or 63.5",
        ),
        (
            {"baseline_date": "March 2008"},
            "Enter the baseline date as a date, like 31/03/2008",
        ),
        (
            {"target_2_value": "eighty"},
            "Enter target 2&#x27;s value as a number, like 76 or 76.5",
        ),
        (
            {"baseline_value": "163"},
            "The baseline is a percentage: enter a number from 0 to 100",
        ),
        (
            {"target_1_value": "101"},
            "Target 1 is a percentage: enter a number from 0 to 100",
        ),
        (
            {"target_1_due": "31/03/2008"},
            "Target 1&#x27;s date (31/03/2008) is the same as the baseline date (31/03/2008)",
        ),
        (
            {"target_2_due": "01/01/2008"},
            "Target 2&#x27;s date (01/01/2008) is before the baseline date (31/03/2008)",
        ),
        (
            {"target_2_due": "31/03/2010"},
            "Targets 1 and 2 are both due on 31/03/2010: give each target its own date.",
        ),
        (
            {"target_4_label": "Year 4"},
            "Enter target 4&#x27;s value, like 76, or clear the row.",
        ),
        (
            {"target_4_value": "90"},
            "Enter target 4&#x27;s date, like 31/03/2010, or clear the row.",
        ),
        ({"baseline_date": ""}, "Enter the date of the baseline, like 31/03/2008."),
        ({"name": ""}, "Enter the measure&#x27;s name"),
        ({"unit": "furlongs"}, "Choose what the measure is counted in."),
        (
            {"actions": ["999999"]},
            "Choose this plan&#x27;s actions and milestones only.",
        ),
    ],
)
def test_bad_input_is_named_at_its_field_and_nothing_is_written(
    client, cycle, changes, message
):
    client.force_login(cycle.coordinator)
    response = client.post(_add_url(cycle), _form(cycle, **changes))
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert page.count(message) == 2  # in the summary and at the field
    assert not Measure.objects.exists()
    assert not MeasureTarget.objects.exists()


def test_every_problem_is_shown_at_once(client, cycle):
    make_measure(cycle.plan, "Timely reviews")
    client.force_login(cycle.coordinator)
    response = client.post(
        _add_url(cycle),
        _form(cycle, name="timely reviews", baseline_value="x", target_1_value="120"),
    )
    page = response.content.decode()
    assert "The plan already has a measure called “timely reviews”." in page
    assert "Enter the baseline as a number" in page
    assert "Target 1 is a percentage" in page
    assert Measure.objects.count() == 1


def test_another_plans_items_are_refused(client, cycle, measure):
    other_action = factories.make_action(factories.make_plan(), "9.9")
    other_milestone = factories.make_milestone(other_action, "(z)")
    client.force_login(cycle.coordinator)
    for field, pk in [("actions", other_action.pk), ("milestones", other_milestone.pk)]:
        response = client.post(
            _change_url(cycle, measure), _form(cycle, **{field: [pk]}, source="x")
        )
        assert response.status_code == 400
        assert "Choose this plan&#x27;s actions and milestones only." in (
            response.content.decode()
        )
    measure.refresh_from_db()
    assert measure.source == ""
    assert list(measure.actions.all()) == [cycle.action]


def test_a_duplicate_name_is_refused_on_change(client, cycle, measure):
    other = make_measure(cycle.plan, "Reviews of carers")
    client.force_login(cycle.coordinator)
    response = client.post(_change_url(cycle, other), _form(cycle))
    assert response.status_code == 400
    assert "The plan already has a measure called “Timely reviews”." in (
        response.content.decode()
    )
    other.refresh_from_db()
    assert other.name == "Reviews of carers"


# --- Deleting ---------------------------------------------------------------------------


def test_a_coordinator_deletes_a_measure_without_actuals(client, cycle, measure):
    client.force_login(cycle.coordinator)
    assert (
        _delete_url(cycle, measure)
        in client.get(_change_url(cycle, measure)).content.decode()
    )
    page = client.get(_delete_url(cycle, measure)).content.decode()
    assert "its 2 targets will be deleted" in page
    response = client.post(_delete_url(cycle, measure))
    assert response.status_code == 302
    assert response.url == _list_url(cycle)
    assert not Measure.objects.exists()
    assert not MeasureTarget.objects.exists()


def test_a_measure_with_actuals_is_not_deleted(client, cycle, measure):
    make_value(measure, cycle.august, "70")
    client.force_login(cycle.coordinator)
    reason = "“Timely reviews” has actuals for 1 month"
    change_page = client.get(_change_url(cycle, measure)).content.decode()
    assert reason in change_page
    assert _delete_url(cycle, measure) not in change_page
    page = client.get(_delete_url(cycle, measure))
    assert reason in page.content.decode()
    assert "Delete the measure</button>" not in page.content.decode()
    response = client.post(_delete_url(cycle, measure))
    assert response.status_code == 409
    assert reason in response.content.decode()
    assert Measure.objects.filter(pk=measure.pk).exists()


def test_stored_values_are_shown_as_typed(client, cycle):
    """63.50 shows as 63.5 and 100 as 100, not 1E+2."""
    measure = make_measure(
        cycle.plan,
        baseline_value=D("63.50"),
        targets=[("Year 1", "100", datetime.date(2010, 3, 31))],
    )
    client.force_login(cycle.coordinator)
    page = client.get(_change_url(cycle, measure)).content.decode()
    assert 'name="baseline_value" value="63.5"' in page
    assert 'name="target_1_value" value="100"' in page
