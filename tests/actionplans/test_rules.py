"""One rule for each domain concept: every page, report, export and filter agrees."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from actionplans.models import (
    Action,
    Direction,
    Milestone,
    ReportingPeriod,
    StatusColour,
)
from actionplans.rules import status_has_slipped, status_worst
from lib import months
from tests import factories

pytestmark = pytest.mark.django_db

CLOSED = ReportingPeriod.State.CLOSED


def d(year: int, month: int, day: int) -> datetime.date:
    return datetime.date(year, month, day)


@pytest.fixture
def month_plan():
    """August 2009 closed, September open; items on each side of every rule's edge."""
    plan = factories.make_plan(slug="rules")
    user = factories.make_user("lead-user")
    lead = factories.make_officer("Hilary Paxton", user=user)
    august = factories.make_period(plan, 2009, 8, state=CLOSED)
    september = factories.make_period(plan, 2009, 9)

    def action(number, **fields):
        return factories.make_action(
            plan, number, leads=[lead], plan_start=d(2009, 1, 1), **fields
        )

    # Finish passed before the month began, not finished.
    action("1.1", plan_finish=d(2009, 8, 31))
    # Finish within the month, not finished: overdue as at the month's end.
    action("1.2", plan_finish=d(2009, 9, 15))
    # Finished in time.
    action("1.3", plan_finish=d(2009, 8, 31), actual_finish=d(2009, 8, 20))
    # Reported complete (an imported "Completed" with no date): not overdue.
    complete = action("1.4", plan_finish=d(2009, 7, 31))
    factories.make_update(september, action=complete, status_label="Blue")
    # Finished, but only after the month's end: overdue as at the month's end.
    action("1.5", plan_finish=d(2009, 9, 30), actual_finish=d(2009, 10, 5))
    # Not due yet.
    action("1.6", plan_finish=d(2009, 10, 31))
    # Milestones are the dated units of an action that has them.
    with_milestones = action("2.1", plan_finish=d(2010, 3, 31))
    factories.make_milestone(with_milestones, "(a)", plan_finish=d(2009, 8, 31))
    factories.make_milestone(with_milestones, "(b)", plan_finish=d(2009, 12, 31))
    # Its own finish has passed, but its milestones (the dated units) are not overdue.
    spanning = action("3.1", plan_finish=d(2009, 6, 30))
    factories.make_milestone(
        spanning, "(a)", plan_finish=d(2009, 5, 31), actual_finish=d(2009, 5, 20)
    )
    factories.make_milestone(spanning, "(b)")
    return plan, user, august, september


EXPECTED_OVERDUE = {"1.1", "1.2", "1.5", "2.1 (a)"}


def _admin_client(client):
    admin = factories.make_user("admin-user", is_superuser=True, is_staff=True)
    client.force_login(admin)
    return client


def test_overdue_items_are_the_same_everywhere_for_one_month(client, month_plan):
    """My actions, the summary, the exceptions report, its xlsx and the admin agree."""
    plan, user, _, september = month_plan

    client.force_login(user)
    rows = client.get(reverse("home")).context["rows"]
    my_actions = {flag.number for row in rows for flag in row.flags}

    query = {"period": months.month_key(september.month)}
    url = reverse("reporting:report", args=[plan.slug, "summary"])
    summary = {u.number for u in client.get(url, query).context["report"].lists.overdue}

    url = reverse("reporting:report", args=[plan.slug, "exceptions"])
    report = client.get(url, query).context["report"]
    exceptions = {u.number for u in report.units if "Overdue" in u.reasons}

    url = reverse("reporting:report_xlsx", args=[plan.slug, "exceptions"])
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(url, query).content)).active
    header = [cell.value for cell in sheet[3]]
    number, flags = header.index("No."), header.index("Exceptions")
    xlsx = {
        row[number]
        for row in sheet.iter_rows(min_row=4, values_only=True)
        if "Overdue" in (row[flags] or "")
    }

    client.logout()
    admin = _admin_client(client)
    actions = admin.get(
        reverse("admin:actionplans_action_changelist"), {"overdue": "month"}
    ).context["cl"]
    milestones = admin.get(
        reverse("admin:actionplans_milestone_changelist"), {"overdue": "month"}
    ).context["cl"]
    # The admin lists actions and milestones apart; the dated units are the milestones of
    # an action that has them, else the action.
    in_admin = {a.number for a in actions.queryset if not a.milestones.exists()} | {
        m.number for m in milestones.queryset
    }

    assert my_actions == EXPECTED_OVERDUE
    assert summary == EXPECTED_OVERDUE
    assert exceptions == EXPECTED_OVERDUE
    assert xlsx == EXPECTED_OVERDUE
    assert in_admin == EXPECTED_OVERDUE


def test_my_actions_says_what_a_flag_means_to_the_lead(client, month_plan):
    _, user, _, _ = month_plan
    client.force_login(user)
    page = client.get(reverse("home")).content.decode()
    assert "Overdue since 31 Aug 2009" in page
    assert "(a) overdue since 31 Aug 2009" in page
    # 1.2's finish falls in the month: reported overdue at its end unless finished.
    assert "Due this month (15 Sep 2009)" in page
    assert "Overdue since 31 Jul 2009" not in page  # 1.4 is reported complete


def test_my_actions_asks_for_no_return_on_an_action_finished_before_the_month(
    client, month_plan
):
    _, user, _, _ = month_plan
    client.force_login(user)
    rows = {
        row.action.number: row for row in client.get(reverse("home")).context["rows"]
    }
    assert rows["1.3"].state == "Finished: no update due"
    assert not rows["1.3"].needs_attention
    assert rows["1.1"].state == "Not started" and rows["1.1"].needs_attention


def test_overdue_row_and_queryset_agree_as_of_a_date_and_as_at_a_period(month_plan):
    plan, _, august, september = month_plan
    for on in [d(2009, 8, 30), d(2009, 8, 31), d(2009, 9, 30), d(2009, 10, 31)]:
        rows = {
            a.number
            for a in plan.actions.all()
            if a.is_overdue(on=on, status=_latest_status(a, on))
        }
        assert {a.number for a in plan.actions.overdue(on=on)} == rows, on
    for period in (august, september):
        updates = {u.action_id: u for u in period.updates.all()}
        rows = {
            a.number
            for a in plan.actions.all()
            if a.is_overdue_at(period, updates.get(a.pk))
        }
        assert {a.number for a in plan.actions.overdue_at(period)} == rows


def _latest_status(action: Action, on: datetime.date):
    update = (
        action.updates.filter(period__month__lte=on).order_by("-period__month").first()
    )
    return update.status if update else None


def test_a_closed_month_uses_the_actual_finish_frozen_in_its_update(month_plan):
    """A finish recorded later does not rewrite the month it was missing from."""
    plan, _, august, _ = month_plan
    late = plan.actions.get(number="1.1")
    frozen = factories.make_update(august, action=late, status_label="Red")
    late.actual_finish = d(2009, 8, 30)  # reported in September, for August
    late.save()
    assert late.is_overdue_at(august, frozen)
    assert late in plan.actions.overdue_at(august)
    assert not late.is_overdue(on=august.last_day)
    assert late not in plan.actions.overdue(on=august.last_day)


def test_due_and_commencing_in_a_month(month_plan):
    plan, _, _, september = month_plan
    october = months.month_next(september.month)
    due = plan.actions.due_in(october, period=september)
    assert {a.number for a in due} == {"1.6"}
    assert all(a.is_due_in(october, on=september.last_day) for a in due)
    milestone = Milestone.objects.get(action__number="2.1", label="(b)")
    milestone.plan_start = d(2009, 10, 1)
    milestone.save()
    commencing = Milestone.objects.filter(action__plan=plan).commencing_in(october)
    assert list(commencing) == [milestone]
    assert milestone.is_commencing_in(october)


def test_the_current_period_is_the_open_month_else_the_latest_closed(month_plan):
    plan, _, august, september = month_plan
    assert plan.current_period() == september
    assert plan.reported_period() == august
    september.state = CLOSED
    september.save()
    assert plan.current_period() == september
    assert plan.reported_period() == september
    empty = factories.make_plan()
    assert empty.current_period() is None and empty.reported_period() is None


def test_status_precedence_reads_the_scheme_flags_not_the_labels():
    plan = factories.make_plan()
    statuses = {s.label: s for s in plan.statuses.all()}
    assert status_worst(statuses.values()) == statuses["Red"]
    assert status_worst([statuses["Blue"], statuses["Green"]]) == statuses["Green"]
    assert status_worst([statuses["Grey"], statuses["Amber"]]) == statuses["Amber"]
    assert status_worst([None]) is None
    # Renaming a status changes nothing: the rule reads counts_as_complete, is_exception
    # and is_not_started.
    statuses["Red"].label = "Off track"
    statuses["Red"].save()
    assert status_worst(statuses.values()) == statuses["Red"]


def test_a_slip_is_a_worse_status_but_starting_work_is_not():
    plan = factories.make_plan()
    s = {status.label: status for status in plan.statuses.all()}
    assert status_has_slipped(last=s["Green"], now=s["Amber"])
    assert status_has_slipped(last=s["Amber"], now=s["Red"])
    assert status_has_slipped(last=s["Grey"], now=s["Red"])
    assert not status_has_slipped(last=s["Grey"], now=s["Amber"])
    assert not status_has_slipped(last=s["Blue"], now=s["Green"])
    assert not status_has_slipped(last=None, now=s["Red"])


def test_directions_and_colours_are_held_by_their_enums():
    assert Direction.IMPROVING.arrow == "↑"
    assert Direction.NO_CHANGE.words == "no change"
    assert Direction.arrow_for("deteriorating") == "↓"
    # An unknown or empty value is shown as nothing, never as a guess.
    assert Direction.arrow_for("sideways") == "" and Direction.arrow_for("") == ""
    assert StatusColour.RED.fill == "#d4351c" and StatusColour.RED.pale_fill
    assert all(colour.fill and colour.text for colour in StatusColour)


def test_the_returns_list_leaves_out_actions_finished_before_the_month(client):
    """Coordinators chase only actions that still report: not those finished long ago."""
    plan = factories.make_plan()
    coordinator = factories.make_user()
    factories.make_member(plan, coordinator, role="coordinator")
    factories.make_period(plan, 2009, 9)
    factories.make_action(plan, "1.1", actual_finish=d(2008, 11, 30))
    factories.make_action(plan, "1.2")
    factories.make_action(plan, "1.3", actual_finish=d(2009, 9, 5))
    client.force_login(coordinator)
    response = client.get(reverse("actionplans:period_list", args=[plan.slug]))
    assert [row.action.number for row in response.context["returns"]] == ["1.2", "1.3"]
    assert len(response.context["missing"]) == 2
