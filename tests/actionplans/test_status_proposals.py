"""The status the rules propose for an item (rules.status_propose) and what overruling it
takes: a reason from the lead, checked on the update form and again where the submission
is written (services._refuse_unproven); and proof (evidence, or every linked measure at
its target) before a status flagged `needs_proof` (Blue) is submitted.

In the cycle fixture September is open: milestone (a) was due 31/01/2009, so it was
overdue before September began and Red is proposed for it; 1.8 and (b) are due within
September, so nothing but last month's status proposes theirs.
"""

import datetime
import decimal
import re

import pytest

from actionplans import rules, services
from actionplans.models import (
    Evidence,
    Measure,
    MeasureTarget,
    MeasureValue,
    Milestone,
    ProgressUpdate,
    StatusOption,
)
from tests.actionplans.test_lead_month import check_url
from tests.actionplans.test_update_cycle import action_data, form_url

pytestmark = pytest.mark.django_db

REASON = "Recruitment agreed to continue; the board knows."
OVERDUE = "Red proposed: the plan finish (31/01/2009) passed before this month."
PROOF = "Blue means the success criteria are met"


def _milestone_form(response, milestone):
    forms = {m.pk: form for m, form, _, _ in response.context["milestone_forms"]}
    return forms[milestone.pk]


def _why(page: str, prefix: str) -> str:
    """The "why this status" line shown beside an item's status."""
    match = re.search(rf'id="{prefix}-why">(.*?)</p>', page, re.S)
    assert match, f"no proposal shown for {prefix}"
    return match.group(1)


def _post(cycle, button: str, **milestone_a) -> dict:
    """The update form as posted with `button` ("save", "review" or "submit"): 1.8 and
    (b) Amber, (a) Amber with the reason unless `milestone_a` says otherwise."""
    data = action_data(cycle, submit=button == "submit")
    data.pop("save", None)
    data.pop("submit", None)
    a = f"m{cycle.milestone_a.pk}"
    return (
        data
        | {f"{a}-{name}": value for name, value in milestone_a.items()}
        | {button: "1"}
    )


def _update(cycle, **item) -> ProgressUpdate:
    return ProgressUpdate.objects.get(period=cycle.september, **item)


def _states(cycle) -> set[str]:
    return set(
        ProgressUpdate.objects.filter(period=cycle.september).values_list(
            "workflow_state", flat=True
        )
    )


def _seen(cycle) -> dict:
    """What the check page shows: each September update's version, by item."""
    return {
        (u.action_id, u.milestone_id): u.version
        for u in ProgressUpdate.objects.filter(period=cycle.september)
    }


def _measure(cycle, item, *, target="10", actual=None, higher_is_better=True):
    """A measure linked to the item, its target due after September, and September's
    actual when given."""
    measure = Measure.objects.create(
        plan=cycle.plan,
        name="Senior practitioners in post",
        unit=Measure.Unit.NUMBER,
        higher_is_better=higher_is_better,
    )
    MeasureTarget.objects.create(
        measure=measure, value=decimal.Decimal(target), due=datetime.date(2010, 3, 31)
    )
    (measure.milestones if isinstance(item, Milestone) else measure.actions).add(item)
    if actual is not None:
        MeasureValue.objects.create(
            measure=measure, period=cycle.september, value=decimal.Decimal(actual)
        )
    return measure


def _evidence(update: ProgressUpdate) -> Evidence:
    return Evidence.objects.create(
        update=update,
        title="Board minutes: posts filled",
        refers_to=datetime.date(2009, 9, 8),
        url="https://example.org/minutes",
    )


# --- 1. The form shows the proposal and why --------------------------------------------


def test_the_form_proposes_red_for_an_item_overdue_before_the_month_and_says_why(
    client, cycle
):
    client.force_login(cycle.lead)
    response = client.get(form_url(cycle))
    assert response.status_code == 200
    page = response.content.decode()
    a, b = f"m{cycle.milestone_a.pk}", f"m{cycle.milestone_b.pk}"

    form = _milestone_form(response, cycle.milestone_a)
    assert form.initial["status"] == cycle.status("Red").pk  # no update yet
    assert form.proposal.status == cycle.status("Red") and form.proposal.by_rule
    why = _why(page, a)
    assert "Proposed: Red." in why and OVERDUE in why
    # The lead is asked why only where a rule proposed the status.
    assert f'name="{a}-status_reason"' in page
    assert f'name="{b}-status_reason"' not in page
    assert f'id="{b}-why"' not in page


def test_a_saved_update_keeps_its_status_and_its_reason_beside_the_proposal(
    client, cycle
):
    client.force_login(cycle.lead)
    assert client.post(form_url(cycle), _post(cycle, "save")).status_code == 302
    response = client.get(form_url(cycle))
    form = _milestone_form(response, cycle.milestone_a)
    assert form.initial["status"] == cycle.status("Amber").pk
    assert form.initial["status_reason"] == REASON
    page = response.content.decode()
    assert "Proposed: Red." in _why(page, f"m{cycle.milestone_a.pk}")
    field = re.search(
        rf'<textarea name="m{cycle.milestone_a.pk}-status_reason"[^>]*>(.*?)</textarea>',
        page,
        re.S,
    )
    assert field and field.group(1).strip() == REASON


# --- 2. Overruling a proposal needs a reason --------------------------------------------


@pytest.mark.parametrize("button", ["review", "submit"])
def test_overruling_the_proposal_without_a_reason_is_refused_at_the_reason(
    client, cycle, button
):
    client.force_login(cycle.lead)
    response = client.post(form_url(cycle), _post(cycle, button, status_reason=""))
    assert response.status_code == 400
    message = f"Say why 1.8 (a) is Amber rather than Red: {OVERDUE}"
    form = _milestone_form(response, cycle.milestone_a)
    assert form.errors["status_reason"] == [message]
    page = response.content.decode()
    field = f"id_m{cycle.milestone_a.pk}-status_reason"
    assert f'href="#{field}"' in page  # in the error summary
    assert f'id="{field}-error"' in page  # and beside the field
    assert page.count(message) == 2
    assert not ProgressUpdate.objects.filter(period=cycle.september).exists()


@pytest.mark.parametrize("reason", ["   ", "\u200b\u00a0"])
def test_a_reason_of_blanks_is_no_reason(client, cycle, reason):
    client.force_login(cycle.lead)
    response = client.post(
        form_url(cycle), _post(cycle, "submit", status_reason=reason)
    )
    assert response.status_code == 400
    assert "status_reason" in _milestone_form(response, cycle.milestone_a).errors
    assert not ProgressUpdate.objects.filter(period=cycle.september).exists()


def test_with_a_reason_continue_and_submit_go_through_and_the_reason_is_kept(
    client, cycle
):
    client.force_login(cycle.lead)
    response = client.post(form_url(cycle), _post(cycle, "review"))
    assert response.status_code == 302 and response.url == check_url(cycle)
    update = _update(cycle, milestone=cycle.milestone_a)
    assert update.status == cycle.status("Amber")
    assert update.status_reason == REASON
    assert _states(cycle) == {"draft"}

    page = client.get(check_url(cycle)).content.decode()
    versions = dict(
        (f"v-{a}", v) for a, v in re.findall(r'name="v-([\w-]+)" value="(\d+)"', page)
    )
    response = client.post(
        check_url(cycle), {"month": "2009-09", "submit": "1", **versions}
    )
    assert response.status_code == 302
    assert _states(cycle) == {"submitted"}
    assert _update(cycle, milestone=cycle.milestone_a).status_reason == REASON


def test_choosing_the_proposed_status_needs_no_reason(client, cycle):
    client.force_login(cycle.lead)
    red = cycle.status("Red").pk
    data = _post(cycle, "submit", status=red, status_reason="")
    assert client.post(form_url(cycle), data).status_code == 302
    update = _update(cycle, milestone=cycle.milestone_a)
    assert update.workflow_state == "submitted" and update.status_reason == ""


def test_a_draft_needs_no_reason(client, cycle):
    """Only submitting (or continuing to submit) asks why: a draft is work in progress."""
    client.force_login(cycle.lead)
    response = client.post(form_url(cycle), _post(cycle, "save", status_reason=""))
    assert response.status_code == 302
    assert _states(cycle) == {"draft"}


# --- 3. Grey for an item not due to start ----------------------------------------------


def test_grey_is_proposed_when_the_plan_start_is_after_the_month(client, cycle):
    cycle.milestone_b.plan_start = datetime.date(2009, 10, 1)
    cycle.milestone_b.plan_finish = datetime.date(2009, 12, 31)
    cycle.milestone_b.save()
    client.force_login(cycle.lead)
    response = client.get(form_url(cycle))
    form = _milestone_form(response, cycle.milestone_b)
    grey = cycle.status("Grey")
    assert form.proposal.status == grey and form.proposal.by_rule
    assert form.initial["status"] == grey.pk
    why = _why(response.content.decode(), f"m{cycle.milestone_b.pk}")
    assert "Proposed: Grey." in why
    assert "Not due to start: the plan start (October 2009) is after this month." in why

    # Reporting it Amber is overruling Grey: refused without a reason.
    response = client.post(form_url(cycle), _post(cycle, "submit"))
    assert response.status_code == 400
    errors = _milestone_form(response, cycle.milestone_b).errors
    assert errors["status_reason"][0].startswith(
        "Say why 1.8 (b) is Amber rather than Grey: Not due to start"
    )


# --- 4. An actual finish proposes complete: Green, or Blue once there is proof --------


def test_an_actual_finish_proposes_green_and_with_evidence_blue(client, cycle):
    client.force_login(cycle.lead)
    green = cycle.status("Green").pk
    data = _post(cycle, "save", status=green, actual_finish="10/09/2009")
    assert client.post(form_url(cycle), data).status_code == 302

    response = client.get(form_url(cycle))
    proposal = _milestone_form(response, cycle.milestone_a).proposal
    assert (proposal.status, proposal.by_rule) == (cycle.status("Green"), True)
    why = _why(response.content.decode(), f"m{cycle.milestone_a.pk}")
    assert "Proposed: Green." in why
    assert "Complete: an actual finish is entered." in why

    _evidence(_update(cycle, milestone=cycle.milestone_a))
    response = client.get(form_url(cycle))
    proposal = _milestone_form(response, cycle.milestone_a).proposal
    assert proposal.status == cycle.status("Blue")
    assert "Proposed: Blue." in _why(
        response.content.decode(), f"m{cycle.milestone_a.pk}"
    )


def test_evidence_given_in_an_earlier_month_is_proof_too(client, cycle):
    august = ProgressUpdate.objects.get(period=cycle.august, action=cycle.action)
    _evidence(august)
    client.force_login(cycle.lead)
    data = _post(cycle, "save") | {
        "action-status": cycle.status("Blue").pk,
        "action-actual_finish": "10/09/2009",
    }
    assert client.post(form_url(cycle), data).status_code == 302
    response = client.get(form_url(cycle))
    assert response.context["action_form"].proposal.status == cycle.status("Blue")


# --- 5. Blue needs proof ----------------------------------------------------------------


def _blue_for_a(cycle, button: str, **fields) -> dict:
    """(a) reported Blue, finished on 10/09/2009."""
    return _post(
        cycle,
        button,
        status=cycle.status("Blue").pk,
        actual_finish="10/09/2009",
        **fields,
    )


def test_blue_without_evidence_or_measures_is_refused_at_the_status(client, cycle):
    client.force_login(cycle.lead)
    response = client.post(form_url(cycle), _blue_for_a(cycle, "submit"))
    assert response.status_code == 400
    errors = _milestone_form(response, cycle.milestone_a).errors
    assert errors["status"][0].startswith(PROOF)
    page = response.content.decode()
    assert f'href="#id_m{cycle.milestone_a.pk}-status"' in page
    assert not ProgressUpdate.objects.filter(period=cycle.september).exists()


def test_blue_with_a_link_as_evidence_is_submitted(client, cycle):
    client.force_login(cycle.lead)
    # Saved as a draft first (a draft needs no proof), so the link has an update.
    assert client.post(form_url(cycle), _blue_for_a(cycle, "save")).status_code == 302
    _evidence(_update(cycle, milestone=cycle.milestone_a))
    response = client.post(form_url(cycle), _blue_for_a(cycle, "submit"))
    assert response.status_code == 302, response.content.decode()
    update = _update(cycle, milestone=cycle.milestone_a)
    assert update.status == cycle.status("Blue")
    assert update.workflow_state == "submitted"


@pytest.mark.parametrize(
    ("higher_is_better", "actual", "accepted"),
    [
        (True, "10", True),  # at the target
        (True, "12", True),
        (True, "8", False),  # on track, but not there yet
        (False, "10", True),  # lower is better: at or below the target
        (False, "12", False),
    ],
)
def test_blue_with_a_linked_measure_goes_through_only_at_its_target(
    client, cycle, higher_is_better, actual, accepted
):
    measure = _measure(
        cycle, cycle.milestone_a, actual=actual, higher_is_better=higher_is_better
    )
    client.force_login(cycle.lead)
    # The page carries the month's actual as it was entered.
    data = _blue_for_a(cycle, "submit") | {f"measure-{measure.pk}": actual}
    response = client.post(form_url(cycle), data)
    if accepted:
        assert response.status_code == 302, response.content.decode()
        update = _update(cycle, milestone=cycle.milestone_a)
        assert (update.status.label, update.workflow_state) == ("Blue", "submitted")
    else:
        assert response.status_code == 400
        errors = _milestone_form(response, cycle.milestone_a).errors
        assert errors["status"][0].startswith(PROOF)
        assert not ProgressUpdate.objects.filter(period=cycle.september).exists()


def test_a_measure_behind_a_target_already_due_proposes_red_on_the_form(client, cycle):
    measure = _measure(cycle, cycle.milestone_b, actual="6")
    MeasureTarget.objects.create(
        measure=measure, value=decimal.Decimal(8), due=datetime.date(2009, 6, 30)
    )
    client.force_login(cycle.lead)
    response = client.get(form_url(cycle))
    form = _milestone_form(response, cycle.milestone_b)
    assert form.proposal.status == cycle.status("Red") and form.proposal.by_rule
    assert "Red proposed: Senior practitioners in post is behind target." in _why(
        response.content.decode(), f"m{cycle.milestone_b.pk}"
    )


# --- 6. The submit service checks the same ---------------------------------------------


def _save_draft(cycle, *, a_status="Amber", a_finish=None, a_reason=""):
    amber = cycle.status("Amber")

    def values(status=amber, **fields):
        return services.ItemValues(
            status, "same", "", "", fields.pop("finish", None), version=0, **fields
        )

    services.update_save(
        action=cycle.action,
        period=cycle.september,
        user=cycle.lead,
        action_values=values(),
        milestone_values={
            cycle.milestone_a.pk: values(
                cycle.status(a_status), finish=a_finish, status_reason=a_reason
            ),
            cycle.milestone_b.pk: values(),
        },
        submit=False,
    )


def test_a_draft_saved_without_the_reason_cannot_be_submitted(client, cycle):
    _save_draft(cycle)
    with pytest.raises(
        services.WorkflowError,
        match=re.escape(
            f"1.8 (a): Say why 1.8 (a) is Amber rather than Red: {OVERDUE}"
        ),
    ):
        services.update_submit(
            action=cycle.action,
            period=cycle.september,
            user=cycle.lead,
            seen=_seen(cycle),
        )
    assert _states(cycle) == {"draft"}

    # From the check page: back to the form with the reason, nothing submitted.
    client.force_login(cycle.lead)
    page = client.get(check_url(cycle)).content.decode()
    versions = dict(
        (f"v-{a}", v) for a, v in re.findall(r'name="v-([\w-]+)" value="(\d+)"', page)
    )
    response = client.post(
        check_url(cycle), {"month": "2009-09", "submit": "1", **versions}, follow=True
    )
    assert response.redirect_chain[-1][0] == form_url(cycle)
    assert "Say why 1.8 (a) is Amber rather than Red" in response.content.decode()
    assert _states(cycle) == {"draft"}


def test_the_service_refuses_a_submission_that_overrules_without_a_reason(cycle):
    amber = cycle.status("Amber")
    values = services.ItemValues(amber, "same", "", "", None, version=0)
    with pytest.raises(services.WorkflowError, match=r"Say why 1.8 \(a\) is Amber"):
        services.update_save(
            action=cycle.action,
            period=cycle.september,
            user=cycle.lead,
            action_values=None,
            milestone_values={cycle.milestone_a.pk: values},
            submit=True,
        )
    assert not ProgressUpdate.objects.filter(period=cycle.september).exists()

    with_reason = services.ItemValues(
        amber, "same", "", "", None, status_reason=REASON, version=0
    )
    (update,) = services.update_save(
        action=cycle.action,
        period=cycle.september,
        user=cycle.lead,
        action_values=None,
        milestone_values={cycle.milestone_a.pk: with_reason},
        submit=True,
    )
    assert (update.workflow_state, update.status_reason) == ("submitted", REASON)


def test_a_blue_draft_without_proof_cannot_be_submitted_until_evidence_is_added(cycle):
    _save_draft(cycle, a_status="Blue", a_finish=datetime.date(2009, 9, 10))
    with pytest.raises(services.WorkflowError, match=f"1.8 \\(a\\): {PROOF}"):
        services.update_submit(
            action=cycle.action,
            period=cycle.september,
            user=cycle.lead,
            seen=_seen(cycle),
        )
    assert _states(cycle) == {"draft"}

    _evidence(_update(cycle, milestone=cycle.milestone_a))
    sent = services.update_submit(
        action=cycle.action, period=cycle.september, user=cycle.lead, seen=_seen(cycle)
    )
    assert len(sent) == 3 and _states(cycle) == {"submitted"}


# --- 7. The rules, with no database ------------------------------------------------------

SEPTEMBER_END = datetime.date(2009, 9, 30)


@pytest.fixture
def scheme() -> dict[str, StatusOption]:
    """The default five statuses, unsaved, by label."""
    return {
        status["label"]: StatusOption(order=order, **status)
        for order, status in enumerate(services.DEFAULT_STATUS_SCHEME)
    }


def _unit(start=(2008, 10, 1), finish=(2009, 9, 30), actual=None) -> rules.UnitDates:
    return rules.UnitDates(
        plan_start=datetime.date(*start) if start else None,
        plan_finish=datetime.date(*finish) if finish else None,
        actual_finish=datetime.date(*actual) if actual else None,
    )


def _propose(scheme, unit, *, last="Amber", **values) -> rules.StatusProposal:
    return rules.status_propose(
        unit=unit,
        statuses=list(scheme.values()),
        last=scheme[last] if last else None,
        actual_finish=values.pop("actual_finish", None),
        month_end=values.pop("month_end", SEPTEMBER_END),
        has_proof=values.pop("has_proof", False),
        **values,
    )


@pytest.mark.parametrize(
    ("unit", "values", "label", "by_rule", "reason"),
    [
        # An actual finish: complete, Blue only with proof.
        (
            _unit(),
            {"actual_finish": datetime.date(2009, 9, 10)},
            "Green",
            True,
            "Complete: an actual finish is entered.",
        ),
        (
            _unit(),
            {"actual_finish": datetime.date(2009, 9, 10), "has_proof": True},
            "Blue",
            True,
            "Complete: an actual finish is entered.",
        ),
        # Not due to start.
        (
            _unit(start=(2009, 10, 1), finish=(2009, 12, 31)),
            {},
            "Grey",
            True,
            "Not due to start: the plan start (October 2009) is after this month.",
        ),
        # Overdue before the month began.
        (_unit(finish=(2009, 1, 31)), {}, "Red", True, OVERDUE),
        (
            _unit(finish=(2009, 8, 31)),
            {},
            "Red",
            True,
            "Red proposed: the plan finish (31/08/2009) passed before this month.",
        ),
        # A measure behind its target.
        (
            _unit(),
            {"measures_behind": ["Timely reviews"]},
            "Red",
            True,
            "Red proposed: Timely reviews is behind target.",
        ),
        (
            _unit(),
            {"measures_behind": ["Timely reviews", "Days waited"]},
            "Red",
            True,
            "Red proposed: Timely reviews and Days waited are behind target.",
        ),
        # Due within the month: its lead may yet finish it; last month's status.
        (_unit(), {}, "Amber", False, "As last month."),
        # Finished (the item's own actual finish) before it fell due: not overdue.
        (
            _unit(finish=(2009, 1, 31), actual=(2009, 1, 20)),
            {},
            "Amber",
            False,
            "As last month.",
        ),
        # No dates at all: last month's.
        (_unit(start=None, finish=None), {}, "Amber", False, "As last month."),
    ],
)
def test_status_propose(scheme, unit, values, label, by_rule, reason):
    proposal = _propose(scheme, unit, **values)
    assert proposal == rules.StatusProposal(scheme[label], reason, by_rule)


def test_an_actual_finish_comes_before_every_other_rule(scheme):
    overdue_and_behind = _unit(finish=(2009, 1, 31))
    proposal = _propose(
        scheme,
        overdue_and_behind,
        actual_finish=datetime.date(2009, 9, 1),
        measures_behind=["Timely reviews"],
    )
    assert proposal.status == scheme["Green"] and proposal.by_rule


def test_with_no_rule_and_no_status_last_month_nothing_is_proposed(scheme):
    assert _propose(scheme, _unit(), last=None) == rules.StatusProposal(None, "", False)


def test_a_scheme_without_an_exception_status_proposes_last_months_for_overdue(scheme):
    del scheme["Red"]
    proposal = _propose(scheme, _unit(finish=(2009, 1, 31)))
    assert (proposal.status, proposal.by_rule) == (scheme["Amber"], False)


def test_a_complete_status_in_another_scheme_is_proposed_by_its_flags(scheme):
    """Labels are an admin's to rename: the rules read the flags."""
    scheme["Blue"].label, scheme["Green"].label = "Done and proven", "Done"
    proposal = _propose(scheme, _unit(), actual_finish=datetime.date(2009, 9, 10))
    assert proposal.status.label == "Done"


@pytest.mark.parametrize(
    ("higher_is_better", "targets", "actual", "state", "due", "value"),
    [
        # Higher is better; 70 was due in March 2009, 76 is due in March 2010.
        (
            True,
            [((2009, 3, 31), 70), ((2010, 3, 31), 76)],
            77,
            "met",
            (2010, 3, 31),
            76,
        ),
        (
            True,
            [((2009, 3, 31), 70), ((2010, 3, 31), 76)],
            76,
            "met",
            (2010, 3, 31),
            76,
        ),
        (
            True,
            [((2009, 3, 31), 70), ((2010, 3, 31), 76)],
            72,
            "on_track",
            (2010, 3, 31),
            76,
        ),
        (
            True,
            [((2009, 3, 31), 70), ((2010, 3, 31), 76)],
            65,
            "behind",
            (2009, 3, 31),
            70,
        ),
        (
            True,
            [((2009, 3, 31), 70), ((2010, 3, 31), 76)],
            None,
            "no_actual",
            (2010, 3, 31),
            76,
        ),
        (True, [], 70, "no_target", None, None),
        # After the last target: that one is in force; missed, it is behind.
        (True, [((2009, 3, 31), 70)], 71, "met", (2009, 3, 31), 70),
        (True, [((2009, 3, 31), 70)], 69, "behind", (2009, 3, 31), 70),
        # Lower is better (days waited): 35 was due in June 2009, 28 by March 2010.
        (
            False,
            [((2009, 6, 30), 35), ((2010, 3, 31), 28)],
            25,
            "met",
            (2010, 3, 31),
            28,
        ),
        (
            False,
            [((2009, 6, 30), 35), ((2010, 3, 31), 28)],
            28,
            "met",
            (2010, 3, 31),
            28,
        ),
        (
            False,
            [((2009, 6, 30), 35), ((2010, 3, 31), 28)],
            30,
            "on_track",
            (2010, 3, 31),
            28,
        ),
        (
            False,
            [((2009, 6, 30), 35), ((2010, 3, 31), 28)],
            40,
            "behind",
            (2009, 6, 30),
            35,
        ),
    ],
)
def test_measure_standing(higher_is_better, targets, actual, state, due, value):
    standing = rules.measure_standing(
        higher_is_better=higher_is_better,
        targets=[(datetime.date(*d), decimal.Decimal(v)) for d, v in targets],
        actual=decimal.Decimal(actual) if actual is not None else None,
        on=SEPTEMBER_END,
    )
    assert standing.state == rules.MeasureState(state)
    assert standing.target_due == (datetime.date(*due) if due else None)
    assert standing.target_value == (decimal.Decimal(value) if value else None)
    assert standing.is_met is (state == "met")
    assert standing.is_behind is (state == "behind")


def test_a_target_due_on_the_day_counts_as_passed():
    standing = rules.measure_standing(
        higher_is_better=True,
        targets=[(SEPTEMBER_END, decimal.Decimal(76))],
        actual=decimal.Decimal(75),
        on=SEPTEMBER_END,
    )
    assert standing.state == rules.MeasureState.BEHIND


@pytest.mark.parametrize(
    ("has_evidence", "standings", "refused"),
    [
        (False, [], True),
        (True, [], False),
        (False, ["met"], False),
        (False, ["met", "on_track"], True),
        (False, ["no_actual"], True),
        (True, ["behind"], False),
    ],
)
def test_proof_problem_for_a_status_that_needs_proof(
    scheme, has_evidence, standings, refused
):
    measures = [
        rules.MeasureStanding(rules.MeasureState(s), None, None, None)
        for s in standings
    ]
    problem = rules.proof_problem(
        status=scheme["Blue"], has_evidence=has_evidence, measures=measures
    )
    assert problem.startswith(PROOF) if refused else problem == ""
    assert (
        rules.proof_problem(status=scheme["Green"], has_evidence=False, measures=[])
        == ""
    )
