"""Sign-off in one page: the queue beside last month, bulk approval, the decision page's
earlier return and word diff (services.updates_approve_many, views.signoff_list)."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from actionplans import services
from actionplans.models import ProgressUpdate, ReportingPeriod
from benchmarks.htmlforms import form_with_button
from tests import factories
from tests.actionplans.test_update_cycle import signoff_url

pytestmark = pytest.mark.django_db


def queue_url() -> str:
    return reverse("actionplans:signoff_list")


def _action(cycle, number: str, **fields):
    """Another action of the lead's, signed off by the chief, approved Amber in August."""
    action = factories.make_action(
        cycle.plan,
        number,
        text=f"Action {number}'s text.",
        leads=[cycle.lead_officer],
        chief_officers=[cycle.chief_officer],
        plan_start=datetime.date(2008, 10, 1),
        plan_finish=datetime.date(2009, 12, 31),
        **fields,
    )
    factories.make_update(
        cycle.august,
        action=action,
        status_label="Amber",
        direction="improving",
        progress=f"August words on {number}.",
        workflow_state="approved",
    )
    return action


def _values(cycle, update, *, status="Amber", **values) -> services.ItemValues:
    fields = {
        "status": cycle.status(status),
        "direction": "improving",
        "progress": "Eight of ten posts filled.",
        "risk": "",
        "actual_finish": None,
    } | values
    return services.ItemValues(**fields, version=update.version if update else 0)


def _submit(cycle, action, *, user=None, **values) -> None:
    """The lead submits the action's own update for September."""
    update = ProgressUpdate.objects.filter(
        period=cycle.september, action=action
    ).first()
    services.update_save(
        action=action,
        period=cycle.september,
        user=user or cycle.lead,
        action_values=_values(cycle, update, **values),
        milestone_values={},
        submit=True,
    )


def _submit_milestone(cycle, milestone, **values) -> None:
    update = ProgressUpdate.objects.filter(
        period=cycle.september, milestone=milestone
    ).first()
    services.update_save(
        action=milestone.action,
        period=cycle.september,
        user=cycle.milestone_lead,
        action_values=None,
        milestone_values={milestone.pk: _values(cycle, update, **values)},
        submit=True,
    )


def _return(cycle, action, comment: str) -> None:
    services.update_return(
        action=action,
        period=cycle.september,
        user=cycle.chief,
        comment=comment,
        seen=None,
    )


def _selection(cycle, action) -> services.ApprovalSelection:
    """The action as the queue shows it now: every September update's version."""
    seen = {
        (u.action_id, u.milestone_id): u.version
        for u in ProgressUpdate.objects.filter(period=cycle.september).for_action(
            action
        )
    }
    return services.ApprovalSelection(action=action, period=cycle.september, seen=seen)


def _states(cycle) -> dict[tuple, tuple]:
    return {
        (u.action_id, u.milestone_id): (u.workflow_state, u.version, u.reviewed_by_id)
        for u in ProgressUpdate.objects.filter(period=cycle.september)
    }


def _state(cycle, action) -> str:
    return ProgressUpdate.objects.get(
        period=cycle.september, action=action
    ).workflow_state


# --- The model: "no change since last month" ---------------------------------------------

CHANGES = {
    "status": lambda cycle: cycle.status("Red"),
    "direction": lambda cycle: "no_change",
    "progress": lambda cycle: "Something else.",
    "risk": lambda cycle: "A new risk.",
    "actual_finish": lambda cycle: datetime.date(2009, 9, 10),
    "status_reason": lambda cycle: "The board agreed a later finish.",
}


def test_same_values_as_compares_everything_a_lead_reports(cycle):
    august = ProgressUpdate.objects.get(period=cycle.august, action=cycle.action)
    same = {name: getattr(august, name) for name in ProgressUpdate.REPORTED_FIELDS}
    september = ProgressUpdate(period=cycle.september, action=cycle.action, **same)
    assert september.same_values_as(august)
    assert not september.same_values_as(None)
    assert set(CHANGES) == set(ProgressUpdate.REPORTED_FIELDS)
    for name, changed in CHANGES.items():
        other = ProgressUpdate(period=cycle.september, action=cycle.action, **same)
        setattr(other, name, changed(cycle))
        assert not other.same_values_as(august), name


# --- The service ---------------------------------------------------------------------------


def test_several_actions_are_approved_at_once_with_their_milestones(cycle):
    """Each as update_approve approves it: milestones too, actual finish recorded."""
    second, third = _action(cycle, "2.2"), _action(cycle, "2.3")
    _submit(cycle, cycle.action)
    _submit_milestone(cycle, cycle.milestone_b)
    _submit(cycle, second)
    _submit(cycle, third, status="Green", actual_finish=datetime.date(2009, 9, 10))

    approved = services.updates_approve_many(
        selections=[_selection(cycle, a) for a in (cycle.action, second, third)],
        user=cycle.chief,
    )

    assert len(approved) == 4
    assert {state for state, _, _ in _states(cycle).values()} == {"approved"}
    assert {by for _, _, by in _states(cycle).values()} == {cycle.chief.pk}
    third.refresh_from_db()
    assert third.actual_finish == datetime.date(2009, 9, 10)


def test_one_action_changed_since_shown_approves_none_and_is_named(cycle):
    second, third = _action(cycle, "2.2"), _action(cycle, "2.3")
    for action in (cycle.action, second, third):
        _submit(cycle, action)
    shown = [_selection(cycle, a) for a in (cycle.action, second, third)]
    _submit(cycle, second, status="Red")  # resubmitted after the queue was read
    before = _states(cycle)

    with pytest.raises(services.ApprovalRefused) as refused:
        services.updates_approve_many(selections=shown, user=cycle.chief)

    assert refused.value.action == second
    assert str(refused.value).startswith(
        "Nothing was approved. Action 2.2 changed after the queue was shown"
    )
    changes = {(c.item, c.field, c.old, c.new) for c in refused.value.changes}
    assert ("2.2", "status", "Amber", "Red") in changes
    assert _states(cycle) == before  # 1.8, approved before 2.2 failed, is undone


def test_an_action_the_user_may_not_approve_refuses_them_all(cycle):
    """The chief leads 2.2 too: nobody signs off their own work."""
    second = _action(cycle, "2.2")
    second.leads.add(cycle.chief_officer)
    for action in (cycle.action, second):
        _submit(cycle, action)
    before = _states(cycle)

    with pytest.raises(services.ApprovalRefused) as refused:
        services.updates_approve_many(
            selections=[_selection(cycle, a) for a in (cycle.action, second)],
            user=cycle.chief,
        )

    assert str(refused.value) == (
        "Nothing was approved. Action 2.2: You lead this action, so a plan "
        "coordinator signs it off."
    )
    assert _states(cycle) == before


def test_a_month_closed_since_shown_refuses_them_all(cycle):
    _submit(cycle, cycle.action)
    shown = [_selection(cycle, cycle.action)]
    services.period_close(period=cycle.september, user=cycle.coordinator)

    with pytest.raises(services.ApprovalRefused) as refused:
        services.updates_approve_many(selections=shown, user=cycle.chief)

    assert str(refused.value) == (
        "Nothing was approved. Action 1.8: September 2009 is closed: its updates "
        "can no longer be changed."
    )
    assert _state(cycle, cycle.action) == "submitted"


def test_an_action_no_longer_awaiting_sign_off_refuses_them_all(cycle):
    """Chosen as it is now, but returned: there is nothing of it to approve."""
    second = _action(cycle, "2.2")
    for action in (cycle.action, second):
        _submit(cycle, action)
    _return(cycle, second, "Say more.")

    with pytest.raises(services.ApprovalRefused) as refused:
        services.updates_approve_many(
            selections=[_selection(cycle, a) for a in (cycle.action, second)],
            user=cycle.chief,
        )

    assert str(refused.value) == (
        "Nothing was approved. Action 2.2 has no update awaiting sign-off in "
        "September 2009."
    )
    assert refused.value.changes == []
    assert _state(cycle, cycle.action) == "submitted"


# --- The queue page -------------------------------------------------------------------------


def _queue_post(client, *ticked, button: str = "approve") -> dict[str, list[str]]:
    """What the browser sends from the queue as it shows now, with these boxes ticked."""
    page = client.get(queue_url()).content.decode()
    form = form_with_button(page, button)
    assert form is not None, f"the queue has no {button} button"
    data: dict[str, list[str]] = {}
    for name, value in form.fields:
        data.setdefault(name, []).append(value)
    data["action"] = [str(action.pk) for action in ticked]
    data[button] = ["1"]
    return data


def _message(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def test_the_queue_shows_each_action_beside_last_month_with_its_lead(client, cycle):
    _submit(cycle, cycle.action, status="Green", direction="no_change")
    client.force_login(cycle.chief)
    response = client.get(queue_url())
    assert response.status_code == 200
    (row,) = response.context["form"].rows.values()
    assert row.last.status.label == "Amber" and row.update.status.label == "Green"
    page = response.content.decode()
    assert "Establish 10 senior practitioner posts." in page
    assert "Hilary Paxton" in page  # the lead
    assert "Last month: " in page and "tag--amber" in page and "tag--green" in page
    assert f'id="approve-{cycle.action.pk}"' in page
    assert "Approve action 1.8" in page
    assert "Approve all" not in page  # one row: "Approve selected" does


def test_the_queue_flags_a_resubmission_and_an_unchanged_update(client, cycle):
    returned, unchanged = _action(cycle, "2.2"), _action(cycle, "2.3")
    _submit(cycle, cycle.action)
    _submit(cycle, returned)
    _return(cycle, returned, "Say which posts are vacant.")
    _submit(cycle, returned, progress="Posts 9 and 10 are vacant.")
    # What the lead's "no change since last month" writes: August's values again.
    _submit(cycle, unchanged, progress="August words on 2.3.")

    client.force_login(cycle.chief)
    response = client.get(queue_url())
    rows = {row.action.number: row for row in response.context["form"].rows.values()}
    flags = {n: (row.resubmitted, row.unchanged) for n, row in rows.items()}
    assert flags == {
        "1.8": (False, False),
        "2.2": (True, False),
        "2.3": (False, True),
    }
    page = response.content.decode()
    assert page.count("Resubmitted after return") == 1
    assert page.count("No change since last month") == 1


def test_a_no_return_last_month_says_so_in_the_queue(client, cycle):
    july = ReportingPeriod.objects.create(
        plan=cycle.plan, month=datetime.date(2009, 7, 1), state="closed"
    )
    written = factories.make_update(
        july, action=cycle.action, status_label="Red", progress="July words."
    )
    ProgressUpdate.objects.filter(period=cycle.august, action=cycle.action).update(
        workflow_state="not_returned", progress="", carried_from=written
    )
    _submit(cycle, cycle.action)
    client.force_login(cycle.chief)
    page = client.get(queue_url()).content.decode()
    assert "No return – carried forward from July 2009" in page


def test_a_milestone_awaiting_with_its_action_is_shown_in_its_row(client, cycle):
    _submit(cycle, cycle.action)
    _submit_milestone(cycle, cycle.milestone_b, status="Red")
    client.force_login(cycle.chief)
    response = client.get(queue_url())
    (row,) = response.context["form"].rows.values()
    assert [n for n, _ in row.others_awaiting] == ["1.8 (b)"]
    assert "Approved with it: 1.8 (b)" in response.content.decode()


def test_no_box_for_an_action_the_user_leads(client, cycle):
    mine = _action(cycle, "2.2")
    mine.leads.add(cycle.chief_officer)
    for action in (cycle.action, mine):
        _submit(cycle, action)
    client.force_login(cycle.chief)
    response = client.get(queue_url())
    page = response.content.decode()
    assert f'id="approve-{cycle.action.pk}"' in page
    assert f'id="approve-{mine.pk}"' not in page
    assert "You lead this action" in page


def test_approve_selected_approves_the_ticked_actions_only(client, cycle):
    second, third = _action(cycle, "2.2"), _action(cycle, "2.3")
    for action in (cycle.action, second, third):
        _submit(cycle, action)
    client.force_login(cycle.chief)

    response = client.post(queue_url(), _queue_post(client, cycle.action, third))

    assert response.status_code == 302 and response.url == queue_url()
    assert _message(response) == "Approved 2 actions: 1.8, 2.3."
    assert [_state(cycle, a) for a in (cycle.action, second, third)] == [
        "approved",
        "submitted",
        "approved",
    ]


def test_approve_all_shown_needs_no_ticks_and_approves_only_those_shown(client, cycle):
    """The select-all that works without script; a row submitted later waits."""
    second, later = _action(cycle, "2.2"), _action(cycle, "2.3")
    for action in (cycle.action, second):
        _submit(cycle, action)
    client.force_login(cycle.chief)
    data = _queue_post(client, button="approve_all")
    _submit(cycle, later)  # arrived after the queue was read

    response = client.post(queue_url(), data)

    assert response.status_code == 302
    assert _message(response) == "Approved 2 actions: 1.8, 2.2."
    assert _state(cycle, later) == "submitted"


def test_approve_all_names_how_many_are_shown(client, cycle):
    for action in (cycle.action, _action(cycle, "2.2"), _action(cycle, "2.3")):
        _submit(cycle, action)
    client.force_login(cycle.chief)
    page = client.get(queue_url()).content.decode()
    assert "Approve all 3 shown" in page


def test_an_action_changed_since_shown_approves_none_and_the_queue_says_which(
    client, cycle
):
    second, third = _action(cycle, "2.2"), _action(cycle, "2.3")
    for action in (cycle.action, second, third):
        _submit(cycle, action)
    client.force_login(cycle.chief)
    data = _queue_post(client, cycle.action, second, third)
    _submit(cycle, second, status="Red")
    before = _states(cycle)

    response = client.post(queue_url(), data)

    assert response.status_code == 409
    assert _states(cycle) == before
    page = response.content.decode()
    assert "Nothing was approved. Action 2.2 changed after the queue was shown" in page
    assert "action 2.2 is no longer ticked" in page
    assert response.context["form"].ticked == {cycle.action.pk, third.pk}
    # The queue shown again carries the versions as they are now: approvable as read.
    again = _queue_post(client, second)
    assert client.post(queue_url(), again).status_code == 302
    assert _state(cycle, second) == "approved"


def test_an_action_decided_meanwhile_approves_none_and_is_named(client, cycle):
    second = _action(cycle, "2.2")
    for action in (cycle.action, second):
        _submit(cycle, action)
    client.force_login(cycle.chief)
    data = _queue_post(client, cycle.action, second)
    services.update_approve(
        action=second, period=cycle.september, user=cycle.coordinator, seen=None
    )

    response = client.post(queue_url(), data)

    assert response.status_code == 409
    assert "Action 2.2 is no longer awaiting your sign-off" in response.content.decode()
    assert _state(cycle, cycle.action) == "submitted"


def test_nothing_ticked_is_refused(client, cycle):
    _submit(cycle, cycle.action)
    client.force_login(cycle.chief)
    response = client.post(queue_url(), _queue_post(client))
    assert response.status_code == 400
    assert "Tick the actions to approve." in response.content.decode()
    assert _state(cycle, cycle.action) == "submitted"


@pytest.mark.parametrize("who", ["lead", "viewer", "outsider", "milestone_lead"])
def test_a_user_who_does_not_sign_off_the_action_approves_nothing(client, cycle, who):
    """The chief's page posted by someone else: the action is not in their queue."""
    _submit(cycle, cycle.action)
    client.force_login(cycle.chief)
    data = _queue_post(client, cycle.action)
    client.force_login(getattr(cycle, who))
    response = client.post(queue_url(), data)
    assert response.status_code == 409
    assert "Nothing was approved." in response.content.decode()
    assert _state(cycle, cycle.action) == "submitted"


def test_a_month_closed_since_shown_approves_nothing(client, cycle):
    _submit(cycle, cycle.action)
    client.force_login(cycle.chief)
    data = _queue_post(client, cycle.action)
    services.period_close(period=cycle.september, user=cycle.coordinator)
    response = client.post(queue_url(), data)
    assert response.status_code == 409
    assert "Action 1.8 is no longer awaiting your sign-off" in response.content.decode()
    assert _state(cycle, cycle.action) == "submitted"


def test_a_damaged_version_counts_as_not_shown(client, cycle):
    _submit(cycle, cycle.action)
    client.force_login(cycle.chief)
    data = _queue_post(client, cycle.action)
    data[f"versions-{cycle.action.pk}"] = ["a1=oops"]
    response = client.post(queue_url(), data)
    assert response.status_code == 409
    assert _state(cycle, cycle.action) == "submitted"


def test_an_anonymous_post_is_sent_to_sign_in(client, cycle):
    _submit(cycle, cycle.action)
    response = client.post(queue_url(), {"action": [cycle.action.pk], "approve": "1"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert _state(cycle, cycle.action) == "submitted"


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_the_queue_refuses_other_methods(client, cycle, method):
    client.force_login(cycle.chief)
    assert getattr(client, method)(queue_url()).status_code == 405


# --- The decision page ----------------------------------------------------------------------


def test_a_resubmission_shows_the_earlier_return_and_what_changed_since(client, cycle):
    _submit(cycle, cycle.action, progress="Eight of ten posts filled.")
    _return(cycle, cycle.action, "Say which posts are vacant.")
    _submit(cycle, cycle.action, progress="Eight of ten posts filled; 9 and 10 vacant.")
    client.force_login(cycle.chief)

    response = client.get(signoff_url(cycle))

    action_item = response.context["items"][0]
    earlier = action_item.earlier_return
    assert (earlier.by, earlier.comment) == ("Chief", "Say which posts are vacant.")
    assert earlier.progress == "Eight of ten posts filled."
    assert action_item.compared_with.startswith("the version returned on ")
    changed = {(p.kind, p.text.strip()) for p in action_item.progress_diff}
    assert changed == {
        ("same", "Eight of ten posts"),
        ("removed", "filled."),
        ("added", "filled; 9 and 10 vacant."),
    }
    page = response.content.decode()
    assert "Returned by Chief on" in page and "Say which posts are vacant." in page
    assert "What changed since the version returned on" in page
    assert re.search(r"<ins>.*\[added: </span>\s*filled; 9 and 10 vacant\.", page)


def test_without_a_return_the_decision_page_compares_with_last_month(client, cycle):
    _submit(cycle, cycle.action, progress="September progress.")
    client.force_login(cycle.chief)
    response = client.get(signoff_url(cycle))
    action_item = response.context["items"][0]
    assert action_item.earlier_return is None
    assert action_item.compared_with == "August 2009"
    assert [(p.kind, p.text) for p in action_item.progress_diff] == [
        ("removed", "August "),
        ("added", "September "),
        ("same", "progress."),
    ]
    assert "What changed since August 2009" in response.content.decode()


def test_an_unchanged_narrative_shows_no_diff(client, cycle):
    _submit(cycle, cycle.action, progress="August progress.")
    client.force_login(cycle.chief)
    response = client.get(signoff_url(cycle))
    assert response.context["items"][0].progress_diff is None
    page = response.content.decode()
    assert "No change since August 2009." in page
    assert "What changed since" not in page


def test_after_a_no_return_the_page_compares_with_the_text_last_written(client, cycle):
    july = ReportingPeriod.objects.create(
        plan=cycle.plan, month=datetime.date(2009, 7, 1), state="closed"
    )
    written = factories.make_update(
        july, action=cycle.action, status_label="Red", progress="July words."
    )
    ProgressUpdate.objects.filter(period=cycle.august, action=cycle.action).update(
        workflow_state="not_returned", progress="", carried_from=written
    )
    _submit(cycle, cycle.action, progress="September words.")
    client.force_login(cycle.chief)
    response = client.get(signoff_url(cycle))
    assert response.context["items"][0].compared_with == "July 2009"
    page = response.content.decode()
    assert "No return – carried forward from July 2009" in page
    assert "What changed since July 2009" in page
