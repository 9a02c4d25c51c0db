"""Writes to plans: status schemes, the monthly update cycle. Each runs in a transaction."""

import datetime
import decimal
from dataclasses import dataclass, field

from django.db import models, transaction
from django.utils import timezone

from lib import months
from lib.text import is_blank

from .models import (
    Action,
    ActionPlan,
    MeasureValue,
    Milestone,
    ProgressUpdate,
    ReportingPeriod,
    StatusOption,
)
from .permissions import action_access, approval_refusals, reported_items
from .proof import ItemProof, action_proofs
from .selectors import ItemKey, item_key, updates_for_action
from .signals import period_frozen

# The Leeds guidance on RAG reporting (seed 001), the default scheme of every new plan.
DEFAULT_STATUS_SCHEME = [
    {
        "label": "Blue",
        "colour": "blue",
        "meaning": "Action completed and success criteria met",
        "counts_as_complete": True,
        "needs_proof": True,
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


@dataclass(frozen=True)
class ItemValues:
    """What a user submitted for one action or milestone, and the version they started from.

    The fields before `version` are what a lead reports, in the order of
    ProgressUpdate.REPORTED_FIELDS (UPDATE_FIELDS): a new one is added there, here and to
    ItemUpdateForm, and nowhere else (test_update_form checks they agree).
    """

    status: StatusOption | None
    direction: str
    progress: str
    risk: str
    actual_finish: datetime.date | None
    # Why another status than the one a rule proposed (rules.status_propose); "" if none.
    # Keyword-only, so it may come last among the reported fields with a default.
    status_reason: str = field(default="", kw_only=True)
    # The update's version when the form was shown; 0 when there was no update yet.
    version: int


# The fields of an update that a lead reports, in the order they are shown: defined on the
# model, which compares updates by them (ProgressUpdate.same_values_as).
UPDATE_FIELDS = ProgressUpdate.REPORTED_FIELDS


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


def _refuse_changed(
    current: dict[ItemKey, ProgressUpdate], seen: list[tuple[Action | Milestone, int]]
) -> None:
    """Refuse (UpdateConflict) when any item's update is not at the version the user saw
    (0: no update yet), naming every value someone else changed."""
    changes = [
        change
        for item, version in seen
        for change in _conflicts(
            item_label=item.number,
            current=current.get(item_key(item)),
            expected_version=version,
        )
    ]
    if changes:
        raise UpdateConflict(changes)


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
    reason: str = "",
    measure_values: dict[int, decimal.Decimal | None] | None = None,
) -> list[ProgressUpdate]:
    """Save a person's update of one action and its milestones, as a draft or for sign-off.

    Writes only the items given, which the caller limits to those the user may edit
    (`action_access`): `action_values` is None for a lead of some milestones only, and
    the action's own update is then neither created nor touched. An item the user left
    as it was, which someone else has submitted or had approved, keeps its state and
    author, so saving the page never withdraws another person's submission. Refuses the
    whole save with UpdateConflict when any of the updates changed since the user opened
    the form, so nothing is silently overwritten. `measure_values` are this month's
    actuals of measures linked to those items (None removes one), saved with them.
    Returns the updates written.
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
    _refuse_changed(existing, [(item, values.version) for item, values in items])

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
        _write(update, user=user, reason=reason)
        written.append(update)
    _record_measure_values(period, measure_values or {}, user=user)
    if submit:
        _refuse_unproven(action, period, [update for update in written])
    return written


def _record_measure_values(
    period: ReportingPeriod, values: dict[int, decimal.Decimal | None], *, user
) -> None:
    """Write the month's actuals: a number sets it, None removes it (both in history)."""
    existing = {
        value.measure_id: value
        for value in MeasureValue.objects.select_for_update().filter(
            period=period, measure_id__in=values
        )
    }
    for measure_id, number in values.items():
        value = existing.get(measure_id)
        if number is None:
            if value is not None:
                value._history_user = user
                value.delete()
            continue
        if value is None:
            value = MeasureValue(measure_id=measure_id, period=period)
        value.value, value.entered_by = number, user
        value._history_user = user
        value.save()


def _refuse_unproven(
    action: Action, period: ReportingPeriod, updates: list[ProgressUpdate]
) -> None:
    """Refuse (WorkflowError) submitting any update whose status needs proof it lacks,
    or that overrules a rule's proposal without saying why: the checks the update form
    makes (ItemUpdateForm.clean), made again where the submission is written."""
    proofs = action_proofs(action=action, period=period)
    statuses = list(action.plan.statuses.all())
    last = updates_for_action(action=action, period=period.previous())
    items = {item_key(action): action} | {
        item_key(m): m for m in action.milestones.all()
    }
    problems = []
    for update in updates:
        key = (update.action_id, update.milestone_id)
        item, proof = items[key], proofs.get(key, ItemProof())
        last_update = last.get(key)
        proposal = proof.proposal(
            item=item,
            statuses=statuses,
            last=last_update.status if last_update else None,
            actual_finish=update.actual_finish,
            period=period,
        )
        problems += [
            f"{item.number}: {problem.message}"
            for problem in proof.submission_problems(
                item=item,
                status=update.status,
                status_reason=update.status_reason,
                proposal=proposal,
            )
        ]
    if problems:
        raise WorkflowError(" ".join(problems))


def _unchanged_values(item, last: ProgressUpdate | None) -> ItemValues:
    """Last month's values again, as a new update of this month: its status and direction,
    and the narrative the lead last actually wrote (for a no return, the one it carries)."""
    if last is None or last.status_id is None:
        raise WorkflowError(
            f"{item.number} has no status last month, so there is nothing to confirm: "
            "update it instead."
        )
    written = last.written
    return ItemValues(
        status=last.status,
        direction=last.direction,
        progress=written.progress if written else "",
        risk=written.risk if written else "",
        actual_finish=last.actual_finish,
        status_reason=written.status_reason if written else "",
        version=0,  # refused if anyone wrote one since the page was shown
    )


# The history's reason on an update confirmed with nothing new to report.
NO_CHANGE = "No change since last month"


@transaction.atomic
def updates_confirm_unchanged(*, actions: list[Action], user) -> list[ProgressUpdate]:
    """A lead confirms several actions "no change since last month" in one step.

    Each item the user reports on (`action_access`) gets last month's values again as a
    submitted update, so the chief officer can approve them as they are. All or nothing:
    an action that is not the user's, has a withdrawn or new item with nothing to carry
    forward, or was updated since the page was shown, refuses the lot and is named.
    """
    written = []
    for action in actions:
        access = action_access(user, action)
        period = action.plan.open_period()
        if not access.edit_any or period is None:
            raise WorkflowError(f"You cannot update action {action.number} this month.")
        last = updates_for_action(action=action, period=period.previous())
        in_plan = [m for m in action.milestones.all() if m.is_in_plan(period.month)]
        try:
            written += update_save(
                action=action,
                period=period,
                user=user,
                action_values=_unchanged_values(action, last.get(item_key(action)))
                if access.edit_action
                else None,
                milestone_values={
                    m.pk: _unchanged_values(m, last.get(item_key(m)))
                    for m in in_plan
                    if m.pk in access.edit_milestones
                },
                submit=True,
                reason=NO_CHANGE,
            )
        except UpdateConflict as exc:
            raise WorkflowError(
                f"Action {action.number} was updated since you opened the page "
                f"({exc.changes[0].by}): nothing was confirmed."
            ) from exc
    return written


@transaction.atomic
def update_submit(
    *, action: Action, period: ReportingPeriod, user, seen: dict[ItemKey, int]
) -> list[ProgressUpdate]:
    """Send for sign-off the updates the user read on the check-your-answers page.

    `seen` is each item's update version as the page showed it: when any differs, nothing
    is sent (UpdateConflict), so nobody submits values they have not checked. Every item
    needs a status. Drafts and returned updates become submitted; those already
    submitted or approved stay as they are.
    """
    period = _lock_open_period(period)
    items = reported_items(action, action_access(user, action), period.month)
    current = {
        (u.action_id, u.milestone_id): u
        for u in ProgressUpdate.objects.select_for_update(of=("self",))
        .filter(period=period)
        .for_action(action)
        .select_related("author", "status")
    }
    _refuse_changed(current, [(item, seen.get(item_key(item), 0)) for item in items])
    unassessed = [
        item.number
        for item in items
        if item_key(item) not in current or current[item_key(item)].status_id is None
    ]
    if unassessed:
        raise WorkflowError(
            f"Choose a status for {', '.join(unassessed)} before submitting for "
            "sign-off."
        )
    sent = []
    for item in items:
        update = current[item_key(item)]
        if update.workflow_state in {
            ProgressUpdate.Workflow.DRAFT,
            ProgressUpdate.Workflow.RETURNED,
        }:
            update.workflow_state = ProgressUpdate.Workflow.SUBMITTED
            update.author = user
            _write(update, user=user)
            sent.append(update)
    _refuse_unproven(action, period, sent)
    return sent


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
        _refuse_changed(
            current, [(item, seen.get(item_key(item), 0)) for item in items]
        )
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
        # The proof may have gone since the submission (evidence removed, a shared
        # measure's actual changed): a status that needs proof is final only with it.
        try:
            _refuse_unproven(action, period, submitted)
        except WorkflowError as exc:
            raise WorkflowError(
                f"It cannot be approved as it stands: {exc} Return it to the lead."
            ) from exc
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


@dataclass(frozen=True)
class ApprovalSelection:
    """An action chosen on the sign-off queue, with what the queue showed of it: its
    month and the version of each of its updates (0: none), as for update_approve."""

    action: Action
    period: ReportingPeriod
    seen: dict[ItemKey, int]


class ApprovalRefused(WorkflowError):
    """An action of a bulk approval could not be approved, so none was."""

    def __init__(
        self, action: Action, reason: str, changes: list[Change] | None = None
    ):
        # Name the action, unless the reason does ("Action 1.8 has no update…").
        if not reason.startswith(f"Action {action.number} "):
            reason = f"Action {action.number}: {reason}"
        super().__init__(f"Nothing was approved. {reason}")
        self.action = action
        # What changed since the queue was shown, when that is the reason.
        self.changes = changes or []


@transaction.atomic
def updates_approve_many(
    *, selections: list[ApprovalSelection], user
) -> list[ProgressUpdate]:
    """A chief officer signs off several actions at once, each as the queue showed it.

    Each action goes through update_approve and its rules, in one transaction: when one
    cannot be approved (its updates changed since they were shown, it no longer awaits
    sign-off, its month closed, or the user leads or wrote it) nothing is approved and
    ApprovalRefused names it. The caller limits the selections to the user's sign-off
    queue (signoff_queue). Returns every update approved.
    """
    approved = []
    for selection in selections:
        try:
            approved += update_approve(
                action=selection.action,
                period=selection.period,
                user=user,
                seen=selection.seen,
            )
        except UpdateConflict as exc:
            raise ApprovalRefused(
                selection.action,
                f"Action {selection.action.number} changed after the queue was "
                "shown: read it again before approving.",
                exc.changes,
            ) from exc
        except WorkflowError as exc:
            raise ApprovalRefused(selection.action, str(exc)) from exc
    return approved


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
    status and actual finish forward, and pointing at the update last actually written
    (`carried_from`), so the frozen month has one row per item and reports never guess.
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
                # A finished item stays finished in the frozen month.
                actual_finish=before.actual_finish if before else None,
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
