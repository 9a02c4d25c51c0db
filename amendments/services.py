"""Requests for amendments, the board's decisions on them, and applying approved ones.

Each write runs in one transaction: an approval changes the item's current values and
records what it changed, or nothing is written. Bad input raises AmendmentInvalid with a
message for each field at fault.
"""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from actionplans.models import (
    Action,
    ActionPlan,
    Amendment,
    Milestone,
    Officer,
    ReportingPeriod,
)
from actionplans.models.amendments import (
    AMENDED_DATES,
    AMENDED_OFFICERS,
    AMENDED_WORDING,
    WRITTEN_AS,
    agreed_value,
    decoded,
    encoded,
)
from lib import months
from lib.text import is_blank
from recommendations.models import Recommendation

Kind = Amendment.Kind
Decision = Amendment.Decision
Item = Action | Milestone

# The fields each kind of request may propose.
KIND_FIELDS = {
    Kind.DATES: AMENDED_DATES,
    Kind.WORDING: AMENDED_WORDING,
    Kind.OFFICERS: AMENDED_OFFICERS,
    Kind.NEW_ACTION: ["number", *AMENDED_WORDING, *AMENDED_DATES, *AMENDED_OFFICERS],
    Kind.NEW_MILESTONE: ["label", *AMENDED_WORDING, *AMENDED_DATES, "leads"],
    Kind.WITHDRAW: [],
    Kind.MERGE: ["superseded_by"],
}


class AmendmentInvalid(ValueError):
    """What is wrong with a request or a decision, by field ("__all__" for the whole)."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class AmendmentStale(AmendmentInvalid):
    """The request was decided by someone else since the page was shown (409)."""


def in_force_month(plan: ActionPlan) -> datetime.date:
    """The first month an approval made now changes: the open month, else the month
    after the latest closed one (closed months stay as they closed).

    Locks the plan's months, so that a close running now finishes first and its month
    is not the one a change is in force from once it has closed."""
    periods = list(plan.periods.select_for_update())
    current = ReportingPeriod.pick_current(periods)
    if current is None:
        return months.month_first(timezone.localdate())
    return current.month if not current.is_closed else months.month_next(current.month)


def _latest_closed_month(plan: ActionPlan) -> datetime.date | None:
    latest = plan.periods.closed().order_by("-month").first()
    return latest.month if latest else None


# --- Checking a request -----------------------------------------------------------------


def _date_problems(
    item: Item | None, proposed: dict, plan: ActionPlan, errors: dict[str, str]
) -> None:
    start = proposed.get("plan_start", getattr(item, "plan_start", None))
    finish = proposed.get("plan_finish", getattr(item, "plan_finish", None))
    if start and finish and finish < start:
        errors["plan_finish"] = (
            f"The plan finish cannot be before the plan start ({start:%d/%m/%Y})."
        )
        return
    closed = _latest_closed_month(plan)
    unfinished = item is None or item.actual_finish is None
    new_finish = proposed.get("plan_finish")
    if (
        closed
        and unfinished
        and new_finish
        and new_finish <= months.month_last_day(closed)
    ):
        errors["plan_finish"] = (
            f"{closed:%B %Y} is closed: an unfinished item's new plan finish must be in "
            f"{months.month_next(closed):%B %Y} or later."
        )


def amendment_problems(
    *, plan: ActionPlan, kind: str, item: Item | None, proposed: dict, reason: str
) -> dict[str, str]:
    """What is wrong with a request, by field. `proposed` holds model values (dates,
    officers); for an item, only the fields it changes."""
    errors: dict[str, str] = {}
    if is_blank(reason):
        errors["reason"] = "Give the reason for the change."
    if item is not None and item.withdrawn_in is not None:
        errors["__all__"] = f"{item.number} is withdrawn: it can no longer be changed."
        return errors
    if kind in {Kind.DATES, Kind.WORDING, Kind.OFFICERS}:
        unchanged = all(
            encoded(name, value) == encoded(name, _current(item, name))
            for name, value in proposed.items()
        )
        if not proposed or unchanged:
            errors["__all__"] = "Change at least one value from the agreed one."
    if kind in {Kind.DATES, Kind.NEW_ACTION, Kind.NEW_MILESTONE}:
        _date_problems(item if kind == Kind.DATES else None, proposed, plan, errors)
    is_action = kind == Kind.NEW_ACTION or isinstance(item, Action)
    wording = kind in {Kind.WORDING, Kind.NEW_ACTION} and "text" in proposed
    wording = wording and is_action  # a milestone's own wording may be blank
    if wording and is_blank(proposed["text"]):
        errors["text"] = "Enter the wording of the action."
    # A milestone without leads of its own is led by its action's.
    no_leads = "leads" in proposed and not proposed["leads"]
    if kind == Kind.OFFICERS and is_action and no_leads:
        errors["leads"] = "Choose at least one lead."
    if kind in {Kind.OFFICERS, Kind.NEW_ACTION, Kind.NEW_MILESTONE}:
        for name in AMENDED_OFFICERS:
            strangers = [
                str(o)
                for o in proposed.get(name) or []
                if o.organisation_id != plan.organisation_id
            ]
            if strangers:
                errors[name] = (
                    f"{', '.join(strangers)} is not an officer of this plan's council."
                )
    if kind == Kind.NEW_ACTION:
        number = (proposed.get("number") or "").strip()
        if not number:
            errors["number"] = 'Enter the new action\'s number, e.g. "7.5".'
        elif plan.actions.filter(number=number).exists():
            errors["number"] = f"The plan already has an action {number}."
    if kind == Kind.NEW_MILESTONE:
        label = (proposed.get("label") or "").strip()
        if not label:
            errors["label"] = 'Enter the new milestone\'s label, e.g. "(d)".'
        elif item is None:
            errors["__all__"] = "Choose the action the milestone belongs to."
        elif item.milestones.filter(label=label).exists():
            errors["label"] = f"Action {item.number} already has a milestone {label}."
    if kind == Kind.MERGE:
        target = proposed.get("superseded_by")
        if target is None:
            errors["superseded_by"] = "Choose the action it is merged into."
        elif target.plan_id != plan.pk or (item is not None and target.pk == item.pk):
            errors["superseded_by"] = "Choose another action of this plan."
        elif target.withdrawn_in is not None:
            errors["superseded_by"] = f"Action {target.number} is withdrawn."
    return errors


def _current(item: Item | None, name: str):
    return None if item is None else agreed_value(item, name)


# --- Requests ---------------------------------------------------------------------------


@transaction.atomic
def amendment_request(
    *,
    plan: ActionPlan,
    user,
    kind: str,
    item: Item | None,
    proposed: dict,
    reason: str,
    recommendation: Recommendation | None = None,
) -> Amendment:
    """Record a request in the open month. `item` is the action or milestone changed
    (for a new milestone, its action; for a new action, none)."""
    period = (
        plan.periods.select_for_update()
        .filter(state=ReportingPeriod.State.OPEN)
        .first()
    )
    if period is None:
        raise AmendmentInvalid(
            {"__all__": "No month is open: requests are made in the open month."}
        )
    errors = amendment_problems(
        plan=plan, kind=kind, item=item, proposed=proposed, reason=reason
    )
    if kind == Kind.NEW_ACTION and (
        recommendation is None or recommendation.inspection_id != plan.inspection_id
    ):
        errors["recommendation"] = "Choose the recommendation the action answers."
    if errors:
        raise AmendmentInvalid(errors)
    milestone = item if isinstance(item, Milestone) else None
    action = item.action if milestone else item
    amendment = Amendment(
        plan=plan,
        period=period,
        kind=kind,
        action=action,
        milestone=milestone,
        recommendation=recommendation,
        proposed={name: encoded(name, value) for name, value in proposed.items()},
        reason=reason.strip(),
        requested_by=user,
    )
    amendment._history_user = user
    amendment.save()
    return amendment


# --- Decisions --------------------------------------------------------------------------


def _decoded_proposal(amendment: Amendment) -> dict:
    """The request's proposed values as model values again."""
    values = {}
    for name, value in amendment.proposed.items():
        if name in AMENDED_DATES:
            values[name] = decoded(name, value)
        elif name in AMENDED_OFFICERS:
            values[name] = list(
                Officer.objects.filter(pk__in=value).order_by("name", "role_title")
            )
        elif name == "superseded_by":
            values[name] = Action.objects.filter(pk=value).first()
        else:
            values[name] = value
    return values


def _locked_item(amendment: Amendment) -> Item | None:
    if amendment.milestone_id:
        return Milestone.objects.select_for_update().get(pk=amendment.milestone_id)
    if amendment.action_id:
        return Action.objects.select_for_update().get(pk=amendment.action_id)
    return None


def _reason_for_history(amendment: Amendment) -> str:
    decided = f"{amendment.board}, {amendment.decided_on:%d/%m/%Y}"
    return f"Amendment approved ({decided}): {amendment.reason}"


def _apply(amendment: Amendment, *, user, month: datetime.date) -> None:
    """Change the item's current values as the approved request asks, recording from
    and to for each field changed."""
    item = _locked_item(amendment)
    values = _decoded_proposal(amendment)
    errors = amendment_problems(
        plan=amendment.plan,
        kind=amendment.kind,
        item=item,
        proposed=values,
        reason=amendment.reason,
    )
    if errors:
        # The plan moved on since the request (another approval, a closed month).
        raise AmendmentInvalid(
            {"__all__": "It cannot be approved as asked: " + " ".join(errors.values())}
        )
    changes: dict[str, dict] = {}
    kind = amendment.kind
    if kind in {Kind.DATES, Kind.WORDING, Kind.OFFICERS}:
        for name, value in values.items():
            old = _current(item, name)
            if encoded(name, old) == encoded(name, value):
                continue  # already so (another approval): not a revision
            changes[name] = {"from": encoded(name, old), "to": encoded(name, value)}
            if name in WRITTEN_AS:
                written = WRITTEN_AS[name]
                changes[written] = {"from": getattr(item, written), "to": ""}
                setattr(item, written, "")
            if name not in AMENDED_OFFICERS:
                setattr(item, name, value)
    elif kind in {Kind.WITHDRAW, Kind.MERGE}:
        item.withdrawn_in = month
        if kind == Kind.MERGE:
            item.superseded_by = values["superseded_by"]
        if isinstance(item, Action):
            # Its milestones go with it: nothing of a withdrawn action is reported on.
            for milestone in item.milestones.filter(withdrawn_in__isnull=True):
                milestone.withdrawn_in = month
                milestone._history_user = user
                milestone._change_reason = _reason_for_history(amendment)
                milestone.save()
    item = _save_item(amendment, item, values, user=user, month=month)
    if kind == Kind.OFFICERS:
        # After the save, which names who and why for the links' history too.
        for name in AMENDED_OFFICERS:
            if name in values:
                getattr(item, name).set(values[name])
    amendment.changes = changes


def _save_item(
    amendment: Amendment, item: Item | None, values: dict, *, user, month
) -> Item:
    """Save the changed item, or create the new one the request asks for."""
    kind = amendment.kind
    if kind == Kind.NEW_ACTION:
        item = Action(plan=amendment.plan, number=values["number"].strip())
    elif kind == Kind.NEW_MILESTONE:
        parent = item
        last = parent.milestones.aggregate(last=Max("order"))["last"]
        item = Milestone(
            action=parent,
            label=values["label"].strip(),
            order=(last or 0) + 1,
        )
    if kind in {Kind.NEW_ACTION, Kind.NEW_MILESTONE}:
        item.added_in = month
        for name in [*AMENDED_WORDING, *AMENDED_DATES]:
            setattr(item, name, values.get(name) or getattr(item, name))
    item._history_user = user
    item._change_reason = _reason_for_history(amendment)
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError as exc:
        # Two approvals of a new action (or milestone) with one number, at once.
        raise AmendmentInvalid(
            {"__all__": f"The plan already has an item {item.number}: nothing changed."}
        ) from exc
    if kind == Kind.NEW_ACTION:
        amendment.action = item
        if amendment.recommendation_id:
            item.recommendations.set([amendment.recommendation_id])
    if kind == Kind.NEW_MILESTONE:
        amendment.milestone = item
    if kind in {Kind.NEW_ACTION, Kind.NEW_MILESTONE}:
        for name in AMENDED_OFFICERS:
            if values.get(name):
                getattr(item, name).set(values[name])
    return item


def _decide(
    amendment: Amendment,
    *,
    user,
    decision: str,
    board: str,
    decided_on: datetime.date | None,
    note: str,
    version: int,
) -> Amendment:
    amendment = (
        Amendment.objects.select_for_update()
        .select_related("plan__inspection", "period")
        .get(pk=amendment.pk)
    )
    if amendment.is_final or amendment.version != version:
        by = amendment.decided_by.get_full_name() if amendment.decided_by else ""
        raise AmendmentStale(
            {
                "__all__": f"The request for {amendment.item_number} was decided "
                f"({amendment.get_decision_display().lower()}) by {by or 'someone else'} "
                "since you opened the page: your decision was not recorded."
            }
        )
    errors = {}
    if decision not in {Decision.APPROVED, Decision.REJECTED, Decision.DEFERRED}:
        errors["decision"] = "Choose approved, rejected or deferred."
    if is_blank(board):
        errors["board"] = 'Enter the body that decided, e.g. "DMT performance board".'
    if decided_on is None:
        errors["decided_on"] = "Enter the date of the decision, like 12/08/2009."
    elif decided_on > timezone.localdate():
        errors["decided_on"] = "The date of the decision cannot be in the future."
    if errors:
        raise AmendmentInvalid(errors)
    amendment.decision = decision
    amendment.decided_by, amendment.decided_at = user, timezone.now()
    amendment.board, amendment.decided_on = board.strip(), decided_on
    amendment.decision_note = note.strip()
    amendment.version += 1
    if decision == Decision.APPROVED:
        month = in_force_month(amendment.plan)
        amendment.in_force_from = month
        _apply(amendment, user=user, month=month)
    amendment._history_user = user
    amendment._change_reason = f"Decision: {amendment.get_decision_display()}"
    amendment.save()
    return amendment


@transaction.atomic
def amendment_decide(*, amendment: Amendment, user, **decision) -> Amendment:
    """Record the board's decision on one request; an approval applies it."""
    return _decide(amendment, user=user, **decision)


@transaction.atomic
def amendments_decide(
    *, amendments: list[tuple[Amendment, int]], user, **decision
) -> list[Amendment]:
    """One decision on several requests (the month's list), all or none: `amendments`
    pairs each request with the version the page showed. A failure names the request."""
    decided = []
    for amendment, version in amendments:
        try:
            decided.append(_decide(amendment, user=user, version=version, **decision))
        except AmendmentInvalid as exc:
            if set(exc.errors) - {"__all__"}:
                raise
            raise type(exc)(
                {"__all__": f"{amendment.item_number}: {exc.errors['__all__']}"}
            ) from exc
    return decided


@transaction.atomic
def amendment_record_approved(
    *,
    plan: ActionPlan,
    user,
    item: Item,
    kind: str,
    proposed: dict,
    reason: str,
    board: str,
) -> Amendment:
    """Request and approve in one step, decided by `user` today (an import's differences,
    which the uploader confirmed)."""
    amendment = amendment_request(
        plan=plan, user=user, kind=kind, item=item, proposed=proposed, reason=reason
    )
    return _decide(
        amendment,
        user=user,
        decision=Decision.APPROVED,
        board=board,
        decided_on=timezone.localdate(),
        note="",
        version=amendment.version,
    )
