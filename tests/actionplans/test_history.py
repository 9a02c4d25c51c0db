"""The action page's change history and its "what changed since last month"."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actionplans.history import (
    ValueChange,
    action_history_entries,
    action_since_last_month,
)
from actionplans.models import ProgressUpdate, ReportingPeriod
from actionplans.services import period_close
from lib.text import DiffPart
from tests import factories

pytestmark = pytest.mark.django_db

LONG_BEFORE = (
    "The senior practitioner posts were advertised in July and interviews are "
    "arranged for the first week of September."
)
LONG_AFTER = (
    "The senior practitioner posts were advertised in July and eight people were "
    "appointed in the first week of September."
)


def _save(obj, user, **fields):
    """Change and save as the services do: the history row names the user."""
    for name, value in fields.items():
        setattr(obj, name, value)
    obj._history_user = user
    obj.save()
    return obj


def _entries_for(action, item: str):
    return [
        entry for entry in action_history_entries(action=action) if entry.item == item
    ]


def _september_update(cycle, **fields):
    return factories.make_update(cycle.september, action=cycle.action, **fields)


def test_a_status_change_reads_by_label_with_the_sign_off_state(cycle):
    update = _september_update(cycle, status_label="Amber", direction="improving")
    _save(
        update,
        cycle.lead,
        status=cycle.status("Red"),
        direction="deteriorating",
        workflow_state=ProgressUpdate.Workflow.SUBMITTED,
    )
    changed, created = _entries_for(cycle.action, "1.8 – September 2009 update")
    assert changed.what == "Changed" and changed.who == "Lead"
    assert changed.changes == [
        ValueChange("Status", "Amber", "Red"),
        ValueChange("Direction of travel", "Improving", "Deteriorating"),
        ValueChange("Sign-off state", "Draft", "Awaiting sign-off"),
    ]
    assert created.is_creation


def test_dates_read_in_full_and_empty_as_a_dash(cycle):
    _save(
        cycle.action,
        cycle.coordinator,
        plan_finish=datetime.date(2009, 12, 31),
        actual_finish=datetime.date(2009, 12, 15),
    )
    latest = _entries_for(cycle.action, "1.8")[0]
    assert latest.changes == [
        ValueChange("Plan finish", "30 September 2009", "31 December 2009"),
        ValueChange("Actual finish", "–", "15 December 2009"),
    ]


def test_a_change_of_lead_is_one_entry_naming_the_officers(cycle):
    """`leads.set()` writes a removal and an addition; the history shows one change."""
    cycle.action._history_user = cycle.coordinator
    cycle.action._change_reason = "Amendment: new lead"
    cycle.action.leads.set([cycle.milestone_officer])
    latest = _entries_for(cycle.action, "1.8")[0]
    assert latest.reason == "Amendment: new lead"
    assert latest.changes == [
        ValueChange(
            "Lead",
            "Hilary Paxton (Head of Safeguarding)",
            "Richard Graham (QA Manager)",
        )
    ]


def test_an_action_created_with_its_links_is_one_entry(cycle):
    entries = _entries_for(cycle.action, "1.8")
    assert [entry.what for entry in entries] == ["Created"]
    labels = [change.label for change in entries[0].changes]
    assert "Lead" in labels and "Chief officer" in labels


def test_a_long_narrative_change_is_a_word_diff_and_a_short_one_is_not(cycle):
    update = _september_update(cycle, progress="First.", risk=LONG_BEFORE)
    _save(update, cycle.lead, progress="Second.", risk=LONG_AFTER)
    progress, risk = _entries_for(cycle.action, "1.8 – September 2009 update")[
        0
    ].changes
    assert progress == ValueChange("Progress", "First.", "Second.")
    assert DiffPart("interviews are arranged for ", "removed") in risk.parts
    assert DiffPart("eight people were appointed in ", "added") in risk.parts


def test_a_milestone_change_names_the_milestone_and_its_label(cycle):
    _save(cycle.milestone_a, cycle.coordinator, text="Recruit the posts.")
    latest = _entries_for(cycle.action, "1.8 (a)")[0]
    assert latest.changes == [ValueChange("Sub-action", "–", "Recruit the posts.")]


def test_a_no_return_names_the_month_it_carries_forward(cycle):
    period_close(period=cycle.september, user=cycle.coordinator)
    created = _entries_for(cycle.action, "1.8 – September 2009 update")[0]
    assert created.is_creation and created.who == "coordinator"
    assert ValueChange("Sign-off state", "–", "No return") in created.changes
    assert ValueChange("Carried forward from", "–", "August 2009") in created.changes


def test_the_history_reads_in_a_fixed_number_of_queries(cycle):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            action_history_entries(action=cycle.action)
        return len(captured)

    cycle.action.recommendations.add(factories.make_recommendation(cycle.plan, "1"))
    few = queries()
    update = _september_update(cycle, status_label="Amber")
    for label in ["Red", "Amber", "Green", "Red"]:
        _save(update, cycle.lead, status=cycle.status(label), progress=label)
    for officer in [cycle.chief_officer, cycle.milestone_officer, cycle.lead_officer]:
        cycle.milestone_b.leads.set([officer, factories.make_officer()])
        _save(cycle.action, cycle.coordinator, aim=f"Aim {officer.pk}")
    cycle.action.recommendations.add(factories.make_recommendation(cycle.plan, "2"))
    assert len(action_history_entries(action=cycle.action)) > 10
    assert queries() == few


# --- What changed since last month ----------------------------------------------------


def test_the_open_month_is_compared_with_last_month_once_it_has_updates(cycle):
    _september_update(
        cycle,
        status_label="Red",
        direction="deteriorating",
        progress="August progress, then a delay in recruitment.",
        actual_finish=datetime.date(2009, 9, 15),
    )
    comparison = action_since_last_month(action=cycle.action)
    assert (str(comparison.period), str(comparison.previous)) == (
        "September 2009",
        "August 2009",
    )
    [item] = comparison.items
    assert item.label == "1.8" and item.status_changed
    assert (item.last.status.label, item.this.status.label) == ("Amber", "Red")
    direction, finish, progress = item.changes
    assert direction == ValueChange("Direction of travel", "Improving", "Deteriorating")
    assert finish == ValueChange("Actual finish", "–", "15 September 2009")
    assert progress.parts == (
        DiffPart("August ", "same"),
        DiffPart("progress.", "removed"),
        DiffPart(" progress, then a delay in recruitment.", "added"),
    )


def test_with_no_update_this_month_the_latest_closed_month_is_compared(cycle):
    july = factories.make_period(
        cycle.plan, 2009, 7, state=ReportingPeriod.State.CLOSED
    )
    factories.make_update(
        july,
        milestone=cycle.milestone_a,
        status_label="Amber",
        progress="Posts advertised.",
    )
    factories.make_update(
        cycle.august,
        milestone=cycle.milestone_a,
        status_label="Amber",
        progress="Posts advertised.",
    )
    comparison = action_since_last_month(action=cycle.action)
    assert (comparison.period, comparison.previous) == (cycle.august, july)
    action, milestone = comparison.items
    assert action.label == "1.8" and action.last is None and action.status_changed
    assert milestone.label == "1.8 (a)" and milestone.is_unchanged


def test_an_item_not_yet_updated_this_month_lists_no_changes(cycle):
    """In the open month a missing update is one not written yet, not one emptied."""
    factories.make_update(
        cycle.august,
        milestone=cycle.milestone_a,
        status_label="Amber",
        progress="Posts advertised.",
    )
    _september_update(cycle, status_label="Amber")
    action, milestone = action_since_last_month(action=cycle.action).items
    assert milestone.label == "1.8 (a)" and milestone.not_updated
    assert milestone.changes == [] and not milestone.is_unchanged
    assert not action.not_updated


def test_a_no_return_shows_its_note_and_no_change(cycle):
    period_close(period=cycle.september, user=cycle.coordinator)
    comparison = action_since_last_month(action=cycle.action)
    assert comparison.period == cycle.september
    item = comparison.items[0]
    assert item.this.is_not_returned
    assert item.this.no_return_note == "No return – carried forward from August 2009"
    assert item.is_unchanged


def test_a_month_after_a_no_return_compares_with_the_words_last_written(cycle):
    period_close(period=cycle.september, user=cycle.coordinator)
    october = factories.make_period(cycle.plan, 2009, 10)
    factories.make_update(
        october,
        action=cycle.action,
        status_label="Amber",
        direction="improving",
        progress="August progress.",
    )
    item = action_since_last_month(action=cycle.action).items[0]
    assert item.last.is_not_returned
    assert item.is_unchanged


def test_the_first_month_has_nothing_to_compare_with(cycle):
    assert action_since_last_month(action=cycle.action).previous is None


# --- On the page ------------------------------------------------------------------------


def test_the_action_page_shows_readable_history_and_what_changed(client, cycle):
    update = _september_update(cycle, status_label="Amber", progress=LONG_BEFORE)
    _save(update, cycle.lead, status=cycle.status("Red"), progress=LONG_AFTER)
    client.force_login(cycle.viewer)
    page = client.get(cycle.action.get_absolute_url()).content.decode()
    assert "<strong>Status:</strong> Amber → Red" in page
    assert '<del><span class="visually-hidden">[removed: </span>interviews' in page
    assert "What changed since last month" in page
    assert "September 2009 (open: the updates so far) compared with August 2009" in page
    assert "No change" not in page
    assert "status_id" not in page and "workflow_state" not in page


def test_the_page_says_no_change_for_an_unchanged_item(client, cycle):
    factories.make_update(
        cycle.september,
        action=cycle.action,
        status_label="Amber",
        direction="improving",
        progress="August progress.",
    )
    client.force_login(cycle.lead)
    page = client.get(cycle.action.get_absolute_url()).content.decode()
    assert "<p>No change</p>" in page
