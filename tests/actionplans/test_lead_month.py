"""A lead's month in minutes (issue 14): the task list, "no change since last month",
check your answers before submitting, and a no return that says what it carries."""

import re

import pytest
from django.urls import reverse

from actionplans import services
from actionplans.models import ProgressUpdate, ReportingPeriod
from actionplans.permissions import action_access, reported_items
from tests import factories
from tests.actionplans.test_update_cycle import action_data, form_url

pytestmark = pytest.mark.django_db


def check_url(cycle):
    return reverse("actionplans:update_check", args=[cycle.plan.slug, cycle.action.pk])


# A lead's reason for reporting another status than the one the rules propose.
REASON = "Recruitment agreed to continue; the board knows."


def _august_milestone_updates(cycle) -> None:
    """Last month's updates of both milestones, so every item of 1.8 has one.

    (a) was overdue already (plan finish 31/01/2009), so the rules proposed Red for it:
    its lead said why it is Green, and "no change" carries that reason forward."""
    for milestone, words, reason in (
        (cycle.milestone_a, "Posts advertised.", REASON),
        (cycle.milestone_b, "", ""),
    ):
        factories.make_update(
            cycle.august,
            milestone=milestone,
            status_label="Green" if words else "Amber",
            direction="same",
            progress=words,
            status_reason=reason,
            workflow_state="approved",
        )


def _states(cycle) -> dict:
    return {
        (u.action_id, u.milestone_id): u.workflow_state
        for u in ProgressUpdate.objects.filter(period=cycle.september)
    }


# --- No return ----------------------------------------------------------------------------


def test_a_no_return_carries_the_last_update_actually_written_through_several_months(
    cycle,
):
    services.period_close(period=cycle.september, user=cycle.coordinator)
    october = services.period_open_next(plan=cycle.plan, user=cycle.coordinator)
    services.period_close(period=october, user=cycle.coordinator)

    august = cycle.august.updates.get(action=cycle.action)
    for period in (cycle.september, october):
        carried = period.updates.get(action=cycle.action)
        assert carried.is_not_returned
        assert carried.carried_from == august
        assert carried.status == august.status
        assert carried.written == august
        assert carried.no_return_note == "No return – carried forward from August 2009"
    never = cycle.september.updates.get(milestone=cycle.milestone_a)
    assert never.carried_from is None
    assert never.no_return_note == "No return – no earlier update to carry forward"


def test_the_update_form_after_a_no_return_shows_it_and_offers_the_text_last_written(
    client, cycle
):
    services.period_close(period=cycle.september, user=cycle.coordinator)
    services.period_open_next(plan=cycle.plan, user=cycle.coordinator)
    client.force_login(cycle.lead)
    page = client.get(form_url(cycle)).content.decode()
    assert "No return – carried forward from August 2009" in page
    assert "Last written in August 2009" in page
    assert 'data-last-text="August progress."' in page


# --- The update form ----------------------------------------------------------------------


def test_enter_in_the_update_form_saves_a_draft_and_never_submits(client, cycle):
    client.force_login(cycle.lead)
    page = client.get(form_url(cycle)).content.decode()
    buttons = re.findall(r'<button type="submit" name="(\w+)"', page)
    # The first submit button is the one Enter presses.
    assert buttons[0] == "save"
    assert "submit" not in buttons


def test_direction_of_travel_is_proposed_from_last_month(client, cycle):
    client.force_login(cycle.lead)
    page = client.get(form_url(cycle)).content.decode()
    assert re.search(r'name="action-direction" value="improving"[^>]*checked', page)


def test_continue_saves_a_draft_and_the_check_page_submits_it(client, cycle):
    client.force_login(cycle.lead)
    data = action_data(cycle)
    del data["save"]
    response = client.post(form_url(cycle), data | {"review": "1"})
    assert response.status_code == 302 and response.url == check_url(cycle)
    assert set(_states(cycle).values()) == {"draft"}

    page = client.get(check_url(cycle)).content.decode()
    assert "Eight of ten posts filled." in page
    # Both milestones were left with no progress: the page says so, naming them.
    assert "No progress written this month for 2 items" in page
    assert f'href="{form_url(cycle)}#m{cycle.milestone_a.pk}-heading">1.8 (a)' in page

    versions = {
        f"v-{anchor}": version
        for anchor, version in re.findall(r'name="v-([\w-]+)" value="(\d+)"', page)
    }
    response = client.post(
        check_url(cycle), {"month": "2009-09", "submit": "1", **versions}
    )
    assert response.status_code == 302 and response.url == reverse("home")
    assert set(_states(cycle).values()) == {"submitted"}


def test_continue_without_a_status_is_refused_on_the_form(client, cycle):
    client.force_login(cycle.lead)
    data = action_data(cycle, status=None)
    del data["save"]
    response = client.post(form_url(cycle), data | {"review": "1"})
    assert response.status_code == 400
    assert (
        "Choose a status before submitting for sign-off." in response.content.decode()
    )
    assert not _states(cycle)


def test_the_check_page_refuses_to_submit_what_changed_since_it_was_shown(
    client, cycle
):
    client.force_login(cycle.lead)
    client.post(form_url(cycle), action_data(cycle))
    page = client.get(check_url(cycle)).content.decode()
    versions = dict(
        (f"v-{a}", v) for a, v in re.findall(r'name="v-([\w-]+)" value="(\d+)"', page)
    )
    # The chief officer edits the action meanwhile.
    client.force_login(cycle.chief)
    client.post(form_url(cycle), action_data(cycle, progress="Chief's words."))
    client.force_login(cycle.lead)
    response = client.post(
        check_url(cycle), {"month": "2009-09", "submit": "1", **versions}
    )
    assert response.status_code == 409
    assert "Nothing was submitted" in response.content.decode()
    assert "submitted" not in _states(cycle).values()


def test_submitting_an_item_with_no_status_is_refused_and_names_it(cycle):
    services.update_save(
        action=cycle.action,
        period=cycle.september,
        user=cycle.lead,
        action_values=None,
        milestone_values={
            cycle.milestone_a.pk: services.ItemValues(None, "", "", "", None, 0)
        },
        submit=False,
    )
    seen = {(None, cycle.milestone_a.pk): 1}
    with pytest.raises(
        services.WorkflowError, match=r"Choose a status for 1.8, 1.8 \(a\)"
    ):
        services.update_submit(
            action=cycle.action, period=cycle.september, user=cycle.lead, seen=seen
        )
    assert set(_states(cycle).values()) == {"draft"}


# --- No change since last month -----------------------------------------------------------


def test_a_lead_confirms_an_unchanged_action_in_one_step(client, cycle):
    _august_milestone_updates(cycle)
    client.force_login(cycle.lead)
    home = client.get(reverse("home")).content.decode()
    assert "0 of 1 done" in home
    assert "Confirm actions with no change since last month (1)" in home

    page = client.get(reverse("actionplans:unchanged_confirm")).content.decode()
    assert f'value="{cycle.action.pk}@2009-09"' in page
    # Last month of each item it repeats: the action's and both milestones'.
    assert "August progress." in page and "Posts advertised." in page
    response = client.post(
        reverse("actionplans:unchanged_confirm"),
        {"action": [f"{cycle.action.pk}@2009-09"]},
    )
    assert response.status_code == 302
    history = cycle.september.updates.get(action=cycle.action).history.first()
    assert history.history_change_reason == "No change since last month"

    for august in cycle.august.updates.all():
        item = {"action": august.action, "milestone": august.milestone}
        now = cycle.september.updates.get(**item)
        assert now.workflow_state == "submitted" and now.author == cycle.lead
        assert (now.status, now.direction, now.progress, now.risk) == (
            august.status,
            august.direction,
            august.progress,
            august.risk,
        )
    home = client.get(reverse("home")).content.decode()
    assert "1 of 1 done" in home
    assert "Confirm actions with no change" not in home


def test_confirming_unchanged_is_all_or_nothing_and_names_the_action_at_fault(cycle):
    _august_milestone_updates(cycle)
    second = factories.make_action(cycle.plan, "1.9", leads=[cycle.lead_officer])
    factories.make_update(cycle.august, action=second, status_label="Red")
    # The second action is updated after the lead opened the page.
    factories.make_update(cycle.september, action=second, status_label="Amber")
    with pytest.raises(services.WorkflowError, match="Action 1.9 was updated since"):
        services.updates_confirm_unchanged(
            actions=[cycle.action, second], user=cycle.lead
        )
    assert list(cycle.september.updates.values_list("action__number", flat=True)) == [
        "1.9"
    ]


def test_an_item_with_no_status_last_month_cannot_be_confirmed_unchanged(cycle):
    # Milestone (a) and (b) had no update in August.
    with pytest.raises(
        services.WorkflowError, match=r"1.8 \(a\) has no status last month"
    ):
        services.updates_confirm_unchanged(actions=[cycle.action], user=cycle.lead)
    assert not _states(cycle)


def test_only_actions_the_user_reports_on_are_confirmed(cycle):
    with pytest.raises(services.WorkflowError, match="You cannot update action 2.1"):
        services.updates_confirm_unchanged(
            actions=[cycle.other_action], user=cycle.lead
        )


# --- My actions as a task list ------------------------------------------------------------


def test_my_actions_puts_returned_updates_first_and_names_them(client, cycle):
    returned = factories.make_action(cycle.plan, "1.2", leads=[cycle.lead_officer])
    factories.make_update(
        cycle.september,
        action=returned,
        status_label="Red",
        workflow_state="returned",
        review_comment="Say when the posts will be filled.",
        reviewed_by=cycle.chief,
    )
    client.force_login(cycle.lead)
    page = client.get(reverse("home")).content.decode()
    assert "1 update returned to you" in page
    assert "Say when the posts will be filled." in page
    assert "0 of 2 done" in page
    returned_at = page.index("Returned to you (1)")
    assert returned_at < page.index("Not started (1)")
    assert page.index("Action 1.2", returned_at) < page.index("Action 1.8", returned_at)


def test_the_chief_officers_home_shows_last_month_and_this_month(client, cycle):
    client.force_login(cycle.lead)
    client.post(form_url(cycle), action_data(cycle, status="Red", submit=True))
    client.force_login(cycle.chief)
    page = client.get(reverse("home")).content.decode()
    section = page[page.index("Actions you are accountable for") :]
    assert section.index("Amber") < section.index("Red")  # August, then September
    assert "Awaiting sign-off" in section
    assert (
        reverse("actionplans:signoff_decide", args=["leeds", cycle.action.pk])
        in section
    )
    # Not the chief's task to write: no "your updates" list.
    assert "Your updates this month" not in page


def test_a_viewer_sees_no_task_list_and_no_update_links(client, cycle):
    client.force_login(cycle.viewer)
    page = client.get(reverse("home")).content.decode()
    assert "My actions" not in page.split("<main")[1]
    assert "/update/" not in page


def test_reported_items_leave_out_milestones_the_user_does_not_lead(cycle):
    access = action_access(cycle.milestone_lead, cycle.action)
    assert reported_items(cycle.action, access, cycle.september.month) == [
        cycle.milestone_b
    ]


def test_a_no_change_page_from_a_month_since_closed_confirms_nothing(client, cycle):
    _august_milestone_updates(cycle)
    client.force_login(cycle.lead)
    tick = f"{cycle.action.pk}@2009-09"
    assert tick in client.get(reverse("actionplans:unchanged_confirm")).content.decode()
    services.period_close(period=cycle.september, user=cycle.coordinator)
    october = services.period_open_next(plan=cycle.plan, user=cycle.coordinator)
    response = client.post(reverse("actionplans:unchanged_confirm"), {"action": [tick]})
    assert response.status_code == 409
    assert "nothing was confirmed" in response.content.decode()
    assert not october.updates.exists()


def test_an_update_confirmed_unchanged_after_a_no_return_still_reads_as_no_change(
    cycle,
):
    _august_milestone_updates(cycle)
    # In October 1.8 and (b) are overdue too (plan finish 30/09/2009), so the rules
    # propose Red for them: the reasons for Amber are those last written, in August.
    cycle.august.updates.exclude(milestone=cycle.milestone_a).update(
        status_reason=REASON
    )
    services.period_close(period=cycle.september, user=cycle.coordinator)
    october = services.period_open_next(plan=cycle.plan, user=cycle.coordinator)
    services.updates_confirm_unchanged(actions=[cycle.action], user=cycle.lead)
    now = october.updates.get(action=cycle.action)
    september = cycle.september.updates.get(action=cycle.action)
    assert september.is_not_returned and now.progress == "August progress."
    assert now.same_values_as(september)
    now.progress = "Something new."
    assert not now.same_values_as(september)


@pytest.mark.parametrize("name", ["update_check", "unchanged_confirm"])
def test_the_new_pages_need_a_signed_in_user_and_refuse_other_methods(
    client, cycle, name
):
    args = [cycle.plan.slug, cycle.action.pk] if name == "update_check" else []
    url = reverse(f"actionplans:{name}", args=args)
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response.url
    client.force_login(cycle.lead)
    assert client.put(url).status_code == 405


def test_only_those_who_update_an_action_reach_its_check_page(client, cycle):
    for user, status in ((cycle.viewer, 403), (cycle.outsider, 404)):
        client.force_login(user)
        assert client.get(check_url(cycle)).status_code == status
        assert client.post(check_url(cycle), {"month": "2009-09"}).status_code == status
    assert not _states(cycle)


def test_the_no_change_page_offers_nothing_of_another_lead(client, cycle):
    _august_milestone_updates(cycle)
    client.force_login(cycle.viewer)
    page = client.get(reverse("actionplans:unchanged_confirm")).content.decode()
    assert "None of your actions can be confirmed as unchanged" in page
    response = client.post(
        reverse("actionplans:unchanged_confirm"),
        {"action": [f"{cycle.action.pk}@2009-09"]},
    )
    assert response.status_code == 409 and not _states(cycle)


def test_last_month_among_loaded_months_is_the_one_previous_reads(cycle):
    other = factories.make_period(factories.make_plan(), 2009, 8)
    loaded = [cycle.september, other, cycle.august]
    for period in loaded:
        assert ReportingPeriod.pick_previous(loaded, period) == period.previous()
    assert ReportingPeriod.pick_previous(loaded, cycle.september) == cycle.august
