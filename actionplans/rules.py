"""The domain's rules for one row, with no database: which status is worse, what is a slip,
and when a dated unit (an action or a milestone) is complete, overdue, due or commencing.

Actions and milestones are the plan's dated units (reports list the milestones of an action
that has them, else the action). Each rule is written once here for one row and once in
models/units.py as a QuerySet method for many rows; the report rows built from them use
these too (through UnitDates). "As of a date" reads the item's own actual finish and its latest
reported status; "as at a period" is the reports' view: the month's last day, that month's
status and, for a closed month, the actual finish frozen in its update. Statuses are read
by their scheme's flags (counts_as_complete, is_exception, is_not_started) and order, never
by their labels, which an admin can rename.
"""

import datetime
import decimal
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from django.db import models

from lib import months


class Status(Protocol):
    """What the rules read of a status (actionplans.models.StatusOption)."""

    label: str
    counts_as_complete: bool
    is_exception: bool
    is_not_started: bool
    needs_proof: bool

    @property
    def rank(self) -> "StatusRank": ...

    @property
    def severity(self) -> tuple[int, int]: ...


StatusOrNone = Status | None


class StatusRank(models.IntegerChoices):
    """How pressing a status is, from its scheme's flags (never from its label)."""

    COMPLETE = 0, "Complete"
    NOT_STARTED = 1, "Not started or not assessed"
    ON_TRACK = 2, "In progress"
    EXCEPTION = 3, "Exception"


def status_rank(status: StatusOrNone) -> StatusRank:
    """The rank of a status; no status ranks with "not started" (nothing to report yet)."""
    return StatusRank.NOT_STARTED if status is None else status.rank


def status_counts_as_complete(status: StatusOrNone) -> bool:
    return status is not None and status.counts_as_complete


def status_has_slipped(*, last: StatusOrNone, now: StatusOrNone) -> bool:
    """The status is worse than last month's: a slip, as the exceptions report lists it.

    Starting work is not a slip (Grey to Amber); falling into an exception is (Grey to Red).
    With no status last month there is nothing to slip from.
    """
    if last is None or status_rank(now) <= status_rank(last):
        return False
    return not last.is_not_started or status_rank(now) == StatusRank.EXCEPTION


def status_worst(statuses: Iterable[StatusOrNone]) -> StatusOrNone:
    """The most pressing of several statuses (an action's, from its milestones').

    Rank first; between statuses of one rank, the later in the scheme (Green after Blue).
    """
    known = [status for status in statuses if status is not None]
    return max(known, key=lambda status: status.severity, default=None)


def unit_is_complete(
    *, actual_finish: datetime.date | None, status, on: datetime.date
) -> bool:
    """Finished on or before the date, or reported in a status that counts as complete."""
    return status_counts_as_complete(status) or (
        actual_finish is not None and actual_finish <= on
    )


def unit_is_overdue(
    *,
    plan_finish: datetime.date | None,
    actual_finish: datetime.date | None,
    status: StatusOrNone,
    on: datetime.date,
) -> bool:
    """Plan finish on or before the date and not complete by then."""
    return (
        plan_finish is not None
        and plan_finish <= on
        and not unit_is_complete(actual_finish=actual_finish, status=status, on=on)
    )


def _within(value: datetime.date | None, month: datetime.date) -> bool:
    return value is not None and month <= value <= months.month_last_day(month)


class DatedUnit:
    """The rules of a dated unit, for anything with plan_start, plan_finish, actual_finish.

    `status` is the status reported for the period that holds `on` (None when none is).
    """

    plan_start: datetime.date | None
    plan_finish: datetime.date | None
    actual_finish: datetime.date | None
    added_in: datetime.date | None = None
    withdrawn_in: datetime.date | None = None

    def is_in_plan(self, month: datetime.date) -> bool:
        """Part of the plan in the month: added by then (new items are added by an
        approved amendment) and not withdrawn in or before it. Withdrawn items leave
        the counts and lists of the month they are withdrawn in and of every later one."""
        return self.is_added_by(month) and not self.is_withdrawn_by(month)

    def is_added_by(self, month: datetime.date) -> bool:
        """Added to the plan by the month: in it, or withdrawn from it since."""
        return self.added_in is None or self.added_in <= month

    def is_withdrawn_by(self, month: datetime.date) -> bool:
        return self.withdrawn_in is not None and self.withdrawn_in <= month

    def is_complete(self, *, on: datetime.date, status=None) -> bool:
        return unit_is_complete(actual_finish=self.actual_finish, status=status, on=on)

    def is_overdue(self, *, on: datetime.date, status=None) -> bool:
        return unit_is_overdue(
            plan_finish=self.plan_finish,
            actual_finish=self.actual_finish,
            status=status,
            on=on,
        )

    def is_completed_in(self, month: datetime.date) -> bool:
        """Actually finished within the month."""
        return _within(self.actual_finish, month)

    def is_due_in(
        self, month: datetime.date, *, on: datetime.date, status=None
    ) -> bool:
        """Plan finish within the month and not complete as at `on`."""
        return _within(self.plan_finish, month) and not self.is_complete(
            on=on, status=status
        )

    def is_commencing_in(self, month: datetime.date) -> bool:
        """Plan start within the month."""
        return _within(self.plan_start, month)

    def actual_finish_at(self, period, update) -> datetime.date | None:
        """The actual finish in force at the period's end: a closed month's is the one
        frozen in its update (later corrections do not rewrite it); an open month's is the
        item's own."""
        if period.is_closed:
            return update.actual_finish if update is not None else None
        return self.actual_finish

    def is_complete_at(self, period, update) -> bool:
        """Complete as at the period's end, given the item's update for that period."""
        return unit_is_complete(
            actual_finish=self.actual_finish_at(period, update),
            status=update.status if update is not None else None,
            on=period.last_day,
        )

    def is_overdue_at(self, period, update) -> bool:
        """Overdue as at the period's end (the reports' view), given its update."""
        return unit_is_overdue(
            plan_finish=self.plan_finish,
            actual_finish=self.actual_finish_at(period, update),
            status=update.status if update is not None else None,
            on=period.last_day,
        )


@dataclass(frozen=True)
class UnitDates(DatedUnit):
    """Dates held apart from a model row (a report row's), with the DatedUnit rules."""

    plan_start: datetime.date | None
    plan_finish: datetime.date | None
    actual_finish: datetime.date | None


@dataclass(frozen=True)
class UpdateProblem:
    """Why a progress update's values cannot be saved: the field at fault and a message."""

    field: str  # "status" or "actual_finish"
    message: str
    code: str


def update_values_problems(
    *,
    status: StatusOrNone,
    complete_labels: Iterable[str],
    actual_finish: datetime.date | None,
    plan_start: datetime.date | None,
    today: datetime.date,
) -> list[UpdateProblem]:
    """What is wrong with an update's status and actual finish taken together, as the
    update form and the spreadsheet import both check them.

    `status` is None for "not assessed"; `complete_labels` are the plan's statuses
    that count as complete, named in the message when a finished item has another status.
    An actual finish that is wrong in itself is the only problem reported for it.
    """
    if actual_finish is not None and actual_finish > today:
        return [
            UpdateProblem(
                "actual_finish", "The actual finish cannot be in the future.", "future"
            )
        ]
    if actual_finish is not None and plan_start and actual_finish < plan_start:
        return [
            UpdateProblem(
                "actual_finish",
                "The actual finish cannot be before the plan start "
                f"({plan_start:%d/%m/%Y}).",
                "before_start",
            )
        ]
    complete = status_counts_as_complete(status)
    if complete and actual_finish is None:
        return [
            UpdateProblem(
                "actual_finish",
                f"Enter the actual finish: {status.label} means the work is complete.",
                "complete_needs_finish",
            )
        ]
    if actual_finish is not None and status is not None and not complete:
        return [
            UpdateProblem(
                "status",
                "An item with an actual finish is complete: choose "
                f"{' or '.join(complete_labels)}, or clear the actual finish.",
                "finish_needs_complete",
            )
        ]
    return []


# --- Measures and the status a month's values propose -------------------------------------


class MeasureState(models.TextChoices):
    MET = "met", "Target met"
    ON_TRACK = "on_track", "On track"
    BEHIND = "behind", "Behind target"
    NO_ACTUAL = "no_actual", "No actual yet"
    NO_TARGET = "no_target", "No target"


@dataclass(frozen=True)
class MeasureStanding:
    """A measure's actual against its targets as at a date.

    The target in force is the first one due on or after the date (else the last one);
    behind means a target already due is missed; met means the target in force is reached.
    """

    state: MeasureState
    actual: decimal.Decimal | None
    target_due: datetime.date | None
    target_value: decimal.Decimal | None

    @property
    def is_met(self) -> bool:
        return self.state == MeasureState.MET

    @property
    def is_behind(self) -> bool:
        return self.state == MeasureState.BEHIND


def _meets(
    value: decimal.Decimal, target: decimal.Decimal, higher_is_better: bool
) -> bool:
    return value >= target if higher_is_better else value <= target


def measure_standing(
    *,
    higher_is_better: bool,
    targets: Iterable[tuple[datetime.date, decimal.Decimal]],
    actual: decimal.Decimal | None,
    on: datetime.date,
) -> MeasureStanding:
    """How a measure stands as at a date, given its targets (due, value) and its actual."""
    targets = sorted(targets)
    in_force = next(((d, v) for d, v in targets if d >= on), None) or (
        targets[-1] if targets else None
    )
    due, value = in_force if in_force else (None, None)
    passed = [(d, v) for d, v in targets if d <= on]
    if not targets:
        state = MeasureState.NO_TARGET
    elif actual is None:
        state = MeasureState.NO_ACTUAL
    elif passed and not _meets(actual, passed[-1][1], higher_is_better):
        state = MeasureState.BEHIND
        due, value = passed[-1]
    elif _meets(actual, value, higher_is_better):
        state = MeasureState.MET
    else:
        state = MeasureState.ON_TRACK
    return MeasureStanding(state, actual, due, value)


@dataclass(frozen=True)
class StatusProposal:
    """The status a month's values propose for an item, and the rule that proposed it.

    `by_rule` is False when nothing but last month's status proposes it: the lead need
    give no reason to change it. Overruling a rule's proposal needs a reason.
    """

    status: StatusOrNone
    reason: str
    by_rule: bool


def status_propose(
    *,
    unit: DatedUnit,
    statuses: list,
    last: StatusOrNone,
    actual_finish: datetime.date | None,
    month_end: datetime.date,
    has_proof: bool,
    measures_behind: Iterable[str] = (),
) -> StatusProposal:
    """The status an item's values propose for the month ending on `month_end`.

    In order: an actual finish proposes complete (the status that needs proof when there
    is proof, else the first complete one that does not); a plan start after the month,
    not started; a measure behind its target, or overdue before the month began, the
    exception status; otherwise last month's status. `statuses` is the plan's scheme in
    order.
    """

    def first(test) -> StatusOrNone:
        return next((s for s in statuses if test(s)), None)

    behind = list(measures_behind)
    if actual_finish is not None:
        status = (
            first(lambda s: s.counts_as_complete and s.needs_proof)
            if has_proof
            else None
        ) or first(lambda s: s.counts_as_complete and not s.needs_proof)
        status = status or first(lambda s: s.counts_as_complete)
        return StatusProposal(status, "Complete: an actual finish is entered.", True)
    if unit.plan_start and unit.plan_start > month_end:
        return StatusProposal(
            first(lambda s: s.is_not_started),
            f"Not due to start: the plan start ({unit.plan_start:%B %Y}) is after this "
            "month.",
            True,
        )
    exception = first(lambda s: s.is_exception)
    if behind and exception:
        return StatusProposal(
            exception,
            f"{exception.label} proposed: {' and '.join(behind)} "
            f"{'is' if len(behind) == 1 else 'are'} behind target.",
            True,
        )
    # Overdue already when the month began: an item due within the month is the month's
    # "due" list, and its lead may yet finish it by the month's end.
    month_start = month_end.replace(day=1)
    if unit.is_overdue(on=month_start - datetime.timedelta(days=1)) and exception:
        return StatusProposal(
            exception,
            f"{exception.label} proposed: the plan finish "
            f"({unit.plan_finish:%d/%m/%Y}) passed before this month.",
            True,
        )
    return StatusProposal(last, "As last month." if last else "", False)


def overrules(proposal: StatusProposal, status: StatusOrNone) -> bool:
    """The status differs from what a rule proposed, so the lead must say why.

    Between two complete statuses (Green proposed, Blue chosen) the proof rule decides,
    not the lead's reason: Blue is proposed as soon as its proof is there.
    """
    if not proposal.by_rule or proposal.status is None or status is None:
        return False
    if status.counts_as_complete and proposal.status.counts_as_complete:
        return False
    return status.pk != proposal.status.pk


def proof_problem(
    *, status: StatusOrNone, has_evidence: bool, measures: list[MeasureStanding]
) -> str:
    """Why a status that needs proof cannot be submitted, or "" when it can (or needs none).

    Proof is evidence attached (this month or earlier) or every linked measure at its
    target (and at least one linked).
    """
    if status is None or not getattr(status, "needs_proof", False):
        return ""
    if has_evidence or (measures and all(m.is_met for m in measures)):
        return ""
    return (
        f"{status.label} means the success criteria are met: add evidence, or record "
        "every linked measure at its target, before submitting it."
    )
