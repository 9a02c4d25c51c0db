"""Amendments: the agreed changes to a plan, recorded against its baseline.

An action's or milestone's row holds its current, agreed values. Every change to them
after the plan was approved or first imported is an Amendment: proposed with a reason,
decided by a coordinator for a board and, when approved, applied in one transaction that
records what it changed (`changes`, from and to) and the month from which the change is
in force (`in_force_from`). From those records alone follow, for any field of any item:

- its baseline: the value before its first approved change (else the current value);
- how many times it was revised;
- its value in force at the end of a month: the value before the earliest change in
  force from a later month (else the current value). A closed month's reports read their
  dates and wording this way, so a later amendment never changes them.

Related models are named as "actionplans.Model" so that this module imports none of the
others.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from lib import limits, months

# The fields an amendment may change, on actions and milestones. A date's "as written"
# text (plan_finish_text) is cleared when its date changes and restored with it.
AMENDED_DATES = ["plan_start", "plan_finish"]
AMENDED_WORDING = ["text", "success_criteria"]
AMENDED_OFFICERS = ["leads", "chief_officers"]  # chief officers: actions only
WRITTEN_AS = {"plan_start": "plan_start_text", "plan_finish": "plan_finish_text"}


class AmendmentQuerySet(models.QuerySet):
    def approved(self) -> "AmendmentQuerySet":
        return self.filter(decision=Amendment.Decision.APPROVED)

    def undecided(self) -> "AmendmentQuerySet":
        """Awaiting a decision: never decided, or deferred by the board."""
        return self.filter(
            decision__in=[Amendment.Decision.PENDING, Amendment.Decision.DEFERRED]
        )

    def for_item(self, item) -> "AmendmentQuerySet":
        """The amendments of an action or a milestone (a new milestone's request, made
        under its action, is the milestone's once approved)."""
        if item._meta.model_name == "milestone":
            return self.filter(milestone=item)
        return self.filter(action=item, milestone__isnull=True).exclude(
            kind=Amendment.Kind.NEW_MILESTONE
        )

    def of_month(self, month: datetime.date) -> "AmendmentQuerySet":
        """The month's register: requested in it, or decided with effect from it."""
        return self.filter(Q(period__month=month) | Q(in_force_from=month))


class Amendment(models.Model):
    """A requested change to the agreed plan, the board's decision, and what it changed."""

    class Kind(models.TextChoices):
        DATES = "dates", "New plan start or finish"
        WORDING = "wording", "New wording"
        OFFICERS = "officers", "Another lead or chief officer"
        NEW_ACTION = "new_action", "New action"
        NEW_MILESTONE = "new_milestone", "New milestone"
        WITHDRAW = "withdraw", "Withdraw"
        MERGE = "merge", "Merge into another action"

    class Decision(models.TextChoices):
        PENDING = "pending", "Awaiting decision"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        DEFERRED = "deferred", "Deferred"

    plan = models.ForeignKey(
        "actionplans.ActionPlan", on_delete=models.CASCADE, related_name="amendments"
    )
    # The open month the request was made in.
    period = models.ForeignKey(
        "actionplans.ReportingPeriod",
        on_delete=models.CASCADE,
        related_name="amendment_requests",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The item changed. A new milestone's request names its action; the milestone is set
    # when the request is approved, as is a new action.
    action = models.ForeignKey(
        "actionplans.Action",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="amendments",
    )
    milestone = models.ForeignKey(
        "actionplans.Milestone",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="amendments",
    )
    recommendation = models.ForeignKey(
        "recommendations.Recommendation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The recommendation a new action answers.",
    )
    # The values asked for, by field: dates as ISO text, officers as lists of ids.
    proposed = models.JSONField(default=dict, blank=True)
    reason = models.TextField(**limits.at_most(limits.COMMENT))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decision = models.CharField(
        max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    board = models.CharField(
        "decided by",
        max_length=255,
        blank=True,
        help_text='The body that decided, e.g. "DMT performance board".',
    )
    decided_on = models.DateField("date of the decision", null=True, blank=True)
    decision_note = models.TextField(blank=True, **limits.at_most(limits.COMMENT))
    # Set when approved: the first month whose reports show the change, and what it
    # changed, by field: {"plan_finish": {"from": "2009-05-31", "to": "2009-12-31"}}.
    in_force_from = models.DateField(null=True, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    # Incremented by every decision, so that a second decision made from a stale page
    # (two coordinators at once) is refused.
    version = models.PositiveIntegerField(default=1)

    objects = AmendmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "requested_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(decision="approved") | Q(in_force_from__isnull=False),
                name="approved_amendment_has_month",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.item_number} ({self.period})"

    @property
    def item(self):
        return self.milestone or self.action

    @property
    def item_number(self) -> str:
        if self.milestone_id:
            return self.milestone.number
        if self.kind == self.Kind.NEW_MILESTONE and not self.milestone_id:
            return f"{self.action.number} {self.proposed.get('label', '')}".strip()
        if self.action_id:
            return self.action.number
        return str(self.proposed.get("number", ""))

    @property
    def record_key(self) -> tuple[str, int] | None:
        """Whose record an approved amendment is part of, as `for_item` reads it: its
        milestone's, else its action's (a new milestone's request, made under its action,
        is never the action's); ("milestone" | "action", pk)."""
        if self.milestone_id:
            return "milestone", self.milestone_id
        if self.action_id and self.kind != self.Kind.NEW_MILESTONE:
            return "action", self.action_id
        return None

    @property
    def officer_ids(self) -> set[int]:
        """Every officer the request names: asked for, or changed from and to."""
        ids: set[int] = set()
        for name in AMENDED_OFFICERS:
            change = self.changes.get(name) or {}
            ids.update(self.proposed.get(name) or [])
            ids.update([*(change.get("from") or []), *(change.get("to") or [])])
        return ids

    @property
    def is_final(self) -> bool:
        """Approved or rejected: no later decision is taken on it."""
        return self.decision in {self.Decision.APPROVED, self.Decision.REJECTED}


@dataclass(frozen=True)
class FieldChange:
    """One field's approved change: from, to, when in force, and why."""

    field: str
    old: object
    new: object
    in_force_from: datetime.date
    reason: str
    amendment_id: int


def decoded(field: str, value):
    """A recorded date as the model holds it (dates are recorded as ISO text); other
    values as recorded."""
    if field in AMENDED_DATES and value:
        return datetime.date.fromisoformat(value)
    return value


def encoded(field: str, value):
    """A value as `changes` and `proposed` record it (JSON): dates as ISO text, officers
    as a sorted list of ids."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if field in AMENDED_OFFICERS:
        return sorted(getattr(officer, "pk", officer) for officer in value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def agreed_value(item, field: str):
    """An item's current, agreed value of an amended field (officers as a list); a
    milestone has no chief officers of its own (an empty list)."""
    if field in AMENDED_OFFICERS:
        return list(getattr(item, field).all()) if hasattr(item, field) else []
    return getattr(item, field, None)


class ItemRecord:
    """An item's approved changes, oldest first: its baseline, revisions and the values
    in force at the end of any month. Built from amendments already loaded (no queries)."""

    def __init__(self, amendments) -> None:
        self.changes: list[FieldChange] = [
            FieldChange(
                field=name,
                old=decoded(name, change["from"]),
                new=decoded(name, change["to"]),
                in_force_from=amendment.in_force_from,
                reason=amendment.reason,
                amendment_id=amendment.pk,
            )
            for amendment in sorted(
                amendments, key=lambda a: (a.in_force_from, a.decided_at, a.pk)
            )
            for name, change in amendment.changes.items()
        ]

    def of(self, field: str) -> list[FieldChange]:
        return [change for change in self.changes if change.field == field]

    def baseline(self, field: str, current):
        """The value before the field's first approved change, else the current one."""
        changes = self.of(field)
        return changes[0].old if changes else current

    def revisions(self, field: str, *, by: datetime.date | None = None) -> int:
        """How many approved changes of the field there are (in force by a month)."""
        return sum(1 for c in self.of(field) if by is None or c.in_force_from <= by)

    def at(self, field: str, current, month: datetime.date):
        """The value in force at the end of the month: before the earliest change in
        force from a later month, else the current value."""
        later = [c for c in self.of(field) if c.in_force_from > month]
        return later[0].old if later else current

    def moved_later(self, field: str, current, month: datetime.date) -> tuple | None:
        """(from, to) when changes in force from the month moved the date later: the
        item slipped in that month (the one rule of a date slip)."""
        before = self.at(field, current, months.month_previous(month))
        after = self.at(field, current, month)
        if before is not None and after is not None and after > before:
            return before, after
        return None

    def latest(self, field: str, *, month: datetime.date) -> FieldChange | None:
        """The field's last change in force by the end of the month."""
        earlier = [c for c in self.of(field) if c.in_force_from <= month]
        return earlier[-1] if earlier else None


def revised_times(count: int) -> str:
    """ "revised once", "revised twice", "revised 3 times"."""
    return "revised " + {1: "once", 2: "twice"}.get(count, f"{count} times")


def revised_note(was: str, count: int) -> str:
    """What pages and reports write after an agreed value: "was May 2009; revised twice"."""
    return f"was {was}; {revised_times(count)}"
