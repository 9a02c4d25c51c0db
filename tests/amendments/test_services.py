"""Requests, decisions and the record they leave (amendments.services)."""

import datetime

import pytest

from actionplans.models import Amendment, ItemRecord
from amendments import services
from amendments.services import AmendmentInvalid

Kind, Decision = Amendment.Kind, Amendment.Decision
DMT = {"board": "DMT performance board", "decided_on": datetime.date(2009, 9, 12)}


def _approve(amendment, user):
    return services.amendment_decide(
        amendment=amendment,
        user=user,
        decision=Decision.APPROVED,
        note="",
        version=amendment.version,
        **DMT,
    )


def test_an_approved_new_finish_moves_the_current_date_and_keeps_the_baseline(cycle):
    milestone = cycle.milestone_a
    request = services.amendment_request(
        plan=cycle.plan,
        user=cycle.lead,
        kind=Kind.DATES,
        item=milestone,
        proposed={"plan_finish": datetime.date(2009, 12, 31)},
        reason="NHS Leeds governance delayed the protocol.",
    )
    assert request.period == cycle.september
    milestone.refresh_from_db()
    assert milestone.plan_finish == datetime.date(2009, 1, 31)  # not until approved

    decided = _approve(request, cycle.coordinator)

    milestone.refresh_from_db()
    assert milestone.plan_finish == datetime.date(2009, 12, 31)
    assert decided.in_force_from == cycle.september.month
    record = ItemRecord(Amendment.objects.approved().for_item(milestone))
    assert record.baseline("plan_finish", milestone.plan_finish) == datetime.date(
        2009, 1, 31
    )
    assert record.revisions("plan_finish") == 1
    assert record.at("plan_finish", milestone.plan_finish, cycle.august.month) == (
        datetime.date(2009, 1, 31)
    )
    assert record.at("plan_finish", milestone.plan_finish, cycle.september.month) == (
        datetime.date(2009, 12, 31)
    )
    last = milestone.history.first()
    assert last.history_change_reason.startswith(
        "Amendment approved (DMT performance board, 12/09/2009)"
    )


@pytest.mark.parametrize(
    ("proposed", "reason", "field", "message"),
    [
        ({"plan_finish": datetime.date(2008, 9, 1)}, "Late.", "plan_finish", "before"),
        ({"plan_finish": datetime.date(2009, 8, 15)}, "Late.", "plan_finish", "closed"),
        ({"plan_finish": datetime.date(2009, 12, 31)}, " \u200b", "reason", "reason"),
        ({"plan_finish": datetime.date(2009, 1, 31)}, "Same.", "__all__", "Change"),
    ],
)
def test_bad_requests_say_what_is_wrong_and_record_nothing(
    cycle, proposed, reason, field, message
):
    with pytest.raises(AmendmentInvalid) as raised:
        services.amendment_request(
            plan=cycle.plan,
            user=cycle.lead,
            kind=Kind.DATES,
            item=cycle.milestone_a,
            proposed=proposed,
            reason=reason,
        )
    assert message in raised.value.errors[field]
    assert not Amendment.objects.exists()


def test_a_request_is_decided_once(cycle):
    request = services.amendment_request(
        plan=cycle.plan,
        user=cycle.coordinator,
        kind=Kind.WORDING,
        item=cycle.action,
        proposed={"text": "Establish 12 senior practitioner posts."},
        reason="Budget agreed for two more.",
    )
    seen = request.version
    _approve(request, cycle.coordinator)
    with pytest.raises(AmendmentInvalid, match="since you opened the page"):
        services.amendment_decide(
            amendment=request,
            user=cycle.admin,
            decision=Decision.REJECTED,
            note="",
            version=seen,
            **DMT,
        )
    request.refresh_from_db()
    assert request.decision == Decision.APPROVED


def test_withdrawn_items_leave_the_plan_from_the_month_of_the_decision(cycle):
    request = services.amendment_request(
        plan=cycle.plan,
        user=cycle.coordinator,
        kind=Kind.MERGE,
        item=cycle.other_action,
        proposed={"superseded_by": cycle.action},
        reason="Covered by 1.8.",
    )
    _approve(request, cycle.coordinator)
    other = cycle.other_action
    other.refresh_from_db()
    assert other.withdrawn_in == cycle.september.month
    assert other.superseded_by == cycle.action
    assert other.is_in_plan(cycle.august.month)
    assert not other.is_in_plan(cycle.september.month)
    with pytest.raises(AmendmentInvalid, match="withdrawn"):
        services.amendment_request(
            plan=cycle.plan,
            user=cycle.coordinator,
            kind=Kind.WITHDRAW,
            item=other,
            proposed={},
            reason="Again.",
        )


def test_a_new_milestone_is_added_from_the_month_it_is_approved(cycle):
    request = services.amendment_request(
        plan=cycle.plan,
        user=cycle.lead,
        kind=Kind.NEW_MILESTONE,
        item=cycle.action,
        proposed={
            "label": "(c)",
            "success_criteria": "Audit shows the posts are filled.",
            "plan_start": datetime.date(2009, 10, 1),
            "plan_finish": datetime.date(2010, 3, 31),
            "leads": [cycle.lead_officer],
        },
        reason="The board asked for an audit.",
    )
    _approve(request, cycle.coordinator)
    request.refresh_from_db()
    milestone = request.milestone
    assert milestone.number == "1.8 (c)"
    assert milestone.added_in == cycle.september.month
    assert list(milestone.leads.all()) == [cycle.lead_officer]
    assert not milestone.is_in_plan(cycle.august.month)
