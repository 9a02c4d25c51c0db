"""Writes to plans: status schemes, the monthly update cycle. Each runs in a transaction."""

import dataclasses
import datetime
from dataclasses import dataclass

from django.db import models, transaction
from django.utils import timezone

from lib import months
from lib.text import is_blank

from .models import (
    Action,
    ActionPlan,
    Milestone,
    ProgressUpdate,
    ReportingPeriod,
    StatusOption,
)
from .permissions import approval_refusals
from .signals import period_frozen

# The Leeds guidance on RAG reporting (seed 001), the default scheme of every new plan.
DEFAULT_STATUS_SCHEME = [
    {
        "label": "Blue",
        "colour": "blue",
        "meaning": "Action completed and success criteria met",
        "counts_as_complete": True,
    },
    {
        "label": "Green",
        "colour": "green",
        "meaning": "Action completed",
        "counts_as_complete": True,
    },
    {
        "label": "Amber",
        "colour": "amber",
        "meaning": "Action on track but not completed",
    },
    {
        "label": "Red",
        "colour": "red",
        "meaning": "Not on track for completion and/or significant risk to completion time",
        "is_exception": True,
    },
    {
        "label": "Grey",
        "colour": "grey",
        "meaning": "Not due to commence",
        "is_not_started": True,
    },
]


def status_scheme_install_default(*, plan: ActionPlan) -> None:
    """Give a plan the Leeds five-status scheme unless it already has a scheme."""
    if plan.statuses.exists():
        return
    for order, status in enumerate(DEFAULT_STATUS_SCHEME):
        StatusOption.objects.create(plan=plan, order=order, **status)


# --- The monthly update cycle -------------------------------------------------------------


class WorkflowError(Exception):
    """An action that the current state does not allow (e.g. editing a closed month)."""


class PeriodClosed(WorkflowError):
    """The month closed before the write could lock it; nothing was written."""

    def __init__(self, period: ReportingPeriod):
        super().__init__(f"{period} is closed: its updates can no longer be changed.")
        self.period = period


# An item's update in a period, keyed as updates_for_action keys them.
ItemKey = tuple[int | None, int | None]


def item_key(item: Action | Milestone) -> ItemKey:
    """An action's or milestone's key among its action's updates: (action_id, milestone_id)."""
    return (item.pk, None) if isinstance(item, Action) else (None, item.pk)


@dataclass(frozen=True)
class ItemValues:
    """What a user submitted for one action or milestone, and the version they started from.

    The fields before `version` are the one list of what a lead reports (UPDATE_FIELDS):
    a new one is added here, to ProgressUpdate and to ItemUpdateForm, and nowhere else.
    """

    status: StatusOption | None
    direction: str
    progress: str
    risk: str
    actual_finish: datetime.date | None
    # The update's version when the form was shown; 0 when there was no update yet.
    version: int


# The fields of an update that a lead reports, in the order they are shown.
UPDATE_FIELDS = [f.name for f in dataclasses.fields(ItemValues) if f.name != "version"]


@dataclass(frozen=True)
class Change:
    """A value someone else saved since the user opened the form."""

    item: str
    field: str
    old: str
    new: str
    by: str
    at: datetime.datetime | None


class UpdateConflict(Exception):
    """The update changed since the user opened the form; nothing was saved."""

    def __init__(self, changes: list[Change]):
        super().__init__(f"{len(changes)} value(s) changed by someone else")
        self.changes = changes


def _display(update_or_record, name: str) -> str:
    """A field of an update (or of one of its history records) as a person reads it."""
    if update_or_record is None:
        return ""
    if ProgressUpdate._meta.get_field(name).choices:
        return getattr(update_or_record, f"get_{name}_display")()
    value = getattr(update_or_record, name)
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value) if value else ""  # a status shows as its label


def _conflicts(
    *, item_label: str, current: ProgressUpdate | None, expected_version: int
) -> list[Change]:
    """What changed between the version the user saw and the update as it is now."""
    if current is None:
        return []  # still no update: nobody else wrote one
    if current.version == expected_version:
        return []
    seen = None
    if expected_version:
        seen = current.history.filter(version=expected_version).first()
    by = str(current.author) if current.author else "someone else"
    changes = []
    for name in [*UPDATE_FIELDS, "workflow_state"]:
        old, new = _display(seen, name), _display(current, name)
        if old != new:
            label = ProgressUpdate._meta.get_field(name).verbose_name
            changes.append(
                Change(item_label, str(label), old, new, by, current.updated_at)
            )
    if not changes:
        # Saved again with the same values: still refuse, the user must look first.
        changes.append(
            Change(item_label, "update", "", "saved again", by, current.updated_at)
        )
    return changes


def _lock_open_period(period: ReportingPeriod) -> ReportingPeriod:
    """Lock the period row so that a month cannot close in the middle of a save."""
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if period.is_closed:
        raise PeriodClosed(period)
    return period


def _write(update: ProgressUpdate, *, user, reason: str = "") -> None:
    update.version += 1
    update._history_user = user
    if reason:
        update._change_reason = reason
    update.save()


@transaction.atomic
def update_save(
    *,
    action: Action,
    period: ReportingPeriod,
    user,
    action_values: ItemValues | None,
    milestone_values: dict[int, ItemValues],
    submit: bool,
) -> list[ProgressUpdate]:
    """Save a person's update of one action and its milestones, as a draft or for sign-off.

    Writes only the items given, which the caller limits to those the user may edit
    (`action_access`): `action_values` is None for a lead of some milestones only, and
    the action's own update is then neither created nor touched. An item the user left
    as it was, which someone else has submitted or had approved, keeps its state and
    author, so saving the page never withdraws another person's submission. Refuses the
    whole save with UpdateConflict when any of the updates changed since the user opened
    the form, so nothing is silently overwritten. Returns the updates written.
    """
    period = _lock_open_period(period)
    milestones = {m.pk: m for m in action.milestones.all()}
    existing = {
        (u.action_id, u.milestone_id): u
        for u in ProgressUpdate.objects.select_for_update(of=("self",))
        .filter(period=period)
        .for_action(action)
    }
    items: list[tuple[Action | Milestone, ItemValues]] = []
    if action_values is not None:
        items.append((action, action_values))
    items += [(milestones[pk], values) for pk, values in milestone_values.items()]
    changes = [
        change
        for item, values in items
        for change in _conflicts(
            item_label=item.number,
            current=existing.get(item_key(item)),
            expected_version=values.version,
        )
    ]
    if changes:
        raise UpdateConflict(changes)

    state = (
        ProgressUpdate.Workflow.SUBMITTED if submit else ProgressUpdate.Workflow.DRAFT
    )
    written = []
    for item, values in items:
        update = existing.get(item_key(item))
        if update is not None and _is_someone_elses_decision(update, values, user=user):
            continue
        if update is None:
            update = ProgressUpdate(period=period, version=0)
            update.action, update.milestone = (
                (item, None) if isinstance(item, Action) else (None, item)
            )
        _apply(update, values, user=user)
        update.workflow_state = state
        _write(update, user=user)
        written.append(update)
    return written


def _is_someone_elses_decision(
    update: ProgressUpdate, values: ItemValues, *, user
) -> bool:
    """True when another person submitted the update (or had it approved) and the user
    changed none of its values: saving it would only take back their submission."""
    if update.author_id == user.pk or update.workflow_state not in {
        ProgressUpdate.Workflow.SUBMITTED,
        ProgressUpdate.Workflow.APPROVED,
    }:
        return False
    for name in UPDATE_FIELDS:
        value = getattr(values, name)
        if isinstance(value, models.Model):
            value = value.pk
        if update.serializable_value(name) != value:
            return False
    return True


def _apply(update: ProgressUpdate, values: ItemValues, *, user) -> None:
    for name in UPDATE_FIELDS:
        setattr(update, name, getattr(values, name))
    update.author = user


def _review(
    *,
    action: Action,
    period: ReportingPeriod,
    user,
    seen: dict[ItemKey, int] | None,
    state: str,
    comment: str = "",
) -> list[ProgressUpdate]:
    """Move the action's submitted updates, its own and its milestones', to a review state.

    `seen` is the version of each item's update as the sign-off page showed it (0: none).
    When any differs the decision is refused with UpdateConflict and nothing is written:
    nobody signs off values they have not read. None (a post that carries no versions,
    so not from the sign-off page) skips the check.
    """
    period = _lock_open_period(period)
    current = {
        (u.action_id, u.milestone_id): u
        for u in ProgressUpdate.objects.select_for_update(of=("self",))
        .filter(period=period)
        .for_action(action)
        .select_related("author")
    }
    items = [action, *action.milestones.all()]
    if seen is not None:
        changes = [
            change
            for item in items
            for change in _conflicts(
                item_label=item.number,
                current=current.get(item_key(item)),
                expected_version=seen.get(item_key(item), 0),
            )
        ]
        if changes:
            raise UpdateConflict(changes)
    submitted = [
        current[item_key(item)]
        for item in items
        if item_key(item) in current
        and current[item_key(item)].workflow_state == ProgressUpdate.Workflow.SUBMITTED
    ]
    if not submitted:
        raise WorkflowError(
            f"Action {action.number} has no update awaiting sign-off in {period}."
        )
    if state == ProgressUpdate.Workflow.APPROVED:
        refusal = approval_refusals(user=user, actions=[action]).get(action.pk)
        if refusal:
            raise WorkflowError(refusal)
    now = timezone.now()
    for item_update in submitted:
        item_update.workflow_state = state
        item_update.reviewed_by, item_update.reviewed_at = user, now
        item_update.review_comment = comment
        _write(item_update, user=user)
    return submitted


@transaction.atomic
def update_approve(
    *, action: Action, period: ReportingPeriod, user, seen: dict[ItemKey, int] | None
) -> list[ProgressUpdate]:
    """A chief officer signs off the action's updates awaiting sign-off, as shown to them.

    Approves exactly the submitted updates (the action's own and its milestones') whose
    versions the page showed, see _review. The actual finishes they report become the
    action's and milestones' actual finish.
    """
    reviewed = _review(
        action=action,
        period=period,
        user=user,
        seen=seen,
        state=ProgressUpdate.Workflow.APPROVED,
    )
    for item_update in reviewed:
        item = item_update.action or item_update.milestone
        finish = item_update.actual_finish
        if finish and item.actual_finish != finish:
            item.actual_finish = finish
            item._history_user = user
            item.save()
    return reviewed


@transaction.atomic
def update_return(
    *,
    action: Action,
    period: ReportingPeriod,
    user,
    comment: str,
    seen: dict[ItemKey, int] | None,
) -> list[ProgressUpdate]:
    """A chief officer sends the action's submitted updates back with a comment."""
    if is_blank(comment):
        raise WorkflowError("Say what the lead needs to change.")
    return _review(
        action=action,
        period=period,
        user=user,
        seen=seen,
        state=ProgressUpdate.Workflow.RETURNED,
        comment=comment.strip(),
    )


@transaction.atomic
def update_amend(
    *, update: ProgressUpdate, user, values: ItemValues, reason: str
) -> ProgressUpdate:
    """A coordinator corrects a closed month: recorded in history with the reason."""
    if is_blank(reason):
        raise WorkflowError("Give the reason for the amendment.")
    update = ProgressUpdate.objects.select_for_update().get(pk=update.pk)
    if not update.period.is_closed:
        raise WorkflowError(
            "Only a closed month is amended; edit an open month directly."
        )
    item = update.action or update.milestone
    changes = _conflicts(
        item_label=str(item.number), current=update, expected_version=values.version
    )
    if changes:
        raise UpdateConflict(changes)
    author = update.author
    _apply(update, values, user=user)
    update.author = author  # the lead stays the author; history names the coordinator
    _write(update, user=user, reason=f"Amendment: {reason.strip()}")
    _mark_amended(update.period, user=user, reason=reason)
    return update


def _mark_amended(period: ReportingPeriod, *, user, reason: str) -> None:
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    period.amended_at = timezone.now()
    period._history_user = user
    period._change_reason = f"Amendment: {reason.strip()}"
    period.save()
    period_frozen.send(sender=ReportingPeriod, period=period)


@transaction.atomic
def period_open_next(*, plan: ActionPlan, user) -> ReportingPeriod:
    """Open the month after the plan's latest period (or this month for a new plan)."""
    periods = ReportingPeriod.objects.select_for_update().filter(plan=plan)
    open_period = periods.open().first()
    if open_period is not None:
        raise WorkflowError(f"Close {open_period} before opening the next month.")
    latest = periods.order_by("-month").first()
    month = (
        months.month_next(latest.month)
        if latest
        else months.month_first(timezone.localdate())
    )
    period = ReportingPeriod(plan=plan, month=month)
    period._history_user = user
    period.save()
    return period


@transaction.atomic
def period_close(*, period: ReportingPeriod, user) -> int:
    """Close a month: freeze every item's update. Returns how many items had no return.

    An action or milestone nobody updated gets a "no return" update carrying last month's
    status forward, so the frozen month has one row per item and reports never guess.
    """
    period = _lock_open_period(period)
    previous = period.previous()
    last = {}
    if previous is not None:
        last = {
            (u.action_id, u.milestone_id): u
            for u in ProgressUpdate.objects.filter(period=previous)
        }
    have = set(
        ProgressUpdate.objects.filter(period=period).values_list(
            "action_id", "milestone_id"
        )
    )
    missing = []
    for key in _plan_items(period):
        if key in have:
            continue
        before = last.get(key)
        missing.append(
            ProgressUpdate(
                period=period,
                action_id=key[0],
                milestone_id=key[1],
                status_id=before.status_id if before else None,
                carried_from_id=_last_written(before),
                workflow_state=ProgressUpdate.Workflow.NOT_RETURNED,
            )
        )
    # bulk_create skips save(), so history rows are written explicitly.
    created = ProgressUpdate.objects.bulk_create(missing)
    if created:
        ProgressUpdate.history.bulk_history_create(created, default_user=user)
    period.state = ReportingPeriod.State.CLOSED
    period.closed_at, period.closed_by = timezone.now(), user
    period._history_user = user
    period.save()
    period_frozen.send(sender=ReportingPeriod, period=period)
    return len(created)


def _last_written(update: ProgressUpdate | None) -> int | None:
    """The id of the update a no return carries forward: last month's, or the one last
    month itself carried forward."""
    if update is None:
        return None
    return update.carried_from_id if update.is_not_returned else update.pk


def _plan_items(period: ReportingPeriod) -> list[tuple[int | None, int | None]]:
    """The items the month reports on: not withdrawn, and not added after it."""
    actions = (
        Action.objects.filter(plan_id=period.plan_id)
        .in_plan(period.month)
        .values_list("pk", flat=True)
    )
    milestones = (
        Milestone.objects.filter(action__plan_id=period.plan_id)
        .in_plan(period.month)
        .values_list("pk", flat=True)
    )
    return [(pk, None) for pk in actions] + [(None, pk) for pk in milestones]


@transaction.atomic
def period_narrative_save(
    *,
    period: ReportingPeriod,
    user,
    overview: str,
    risks: str,
    amendments: str,
    reason: str = "",
) -> ReportingPeriod:
    """Save the month's overview, risks and requested amendments.

    A closed month's narrative is part of its frozen record: changing it is an amendment
    and needs a reason, kept in the history.
    """
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if period.is_closed and is_blank(reason):
        raise WorkflowError("Give the reason for amending a closed month.")
    period.overview, period.risks, period.amendments = overview, risks, amendments
    period._history_user = user
    if period.is_closed:
        period._change_reason = f"Amendment: {reason.strip()}"
        period.amended_at = timezone.now()
    period.save()
    if period.is_closed:
        period_frozen.send(sender=ReportingPeriod, period=period)
    return period
