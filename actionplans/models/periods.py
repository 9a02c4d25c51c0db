"""Reporting periods (a plan's months) and the progress updates made for them.

Related models are named as "actionplans.Model" so that this module imports none of the
others: plans.py reads ReportingPeriod, and units.py reads both classes here.
"""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from lib import limits, months


class ReportingPeriodQuerySet(models.QuerySet):
    def open(self) -> "ReportingPeriodQuerySet":
        return self.filter(state=ReportingPeriod.State.OPEN)

    def closed(self) -> "ReportingPeriodQuerySet":
        return self.filter(state=ReportingPeriod.State.CLOSED)


class ReportingPeriod(models.Model):
    """A calendar month of a plan. Closing it freezes every update made for it."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    plan = models.ForeignKey(
        "actionplans.ActionPlan", on_delete=models.CASCADE, related_name="periods"
    )
    month = models.DateField(help_text="The first day of the month.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Set by every recorded amendment of the closed month, so that stored reports of the
    # month are made again with the correction.
    amended_at = models.DateTimeField(null=True, blank=True)
    overview = models.TextField(blank=True, **limits.at_most(limits.LONG_TEXT))
    risks = models.TextField(blank=True, **limits.at_most(limits.LONG_TEXT))
    amendments = models.TextField(
        "amendments to the action plan", blank=True, **limits.at_most(limits.LONG_TEXT)
    )

    objects = ReportingPeriodQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "month"], name="period_month_unique_per_plan"
            ),
            models.CheckConstraint(
                condition=Q(month__day=1), name="period_month_is_first_day"
            ),
        ]

    def __str__(self) -> str:
        return self.month.strftime("%B %Y")

    @property
    def is_closed(self) -> bool:
        return self.state == self.State.CLOSED

    @property
    def last_day(self) -> datetime.date:
        return months.month_last_day(self.month)

    def previous(self) -> "ReportingPeriod | None":
        """The plan's month before this one ("last month"), if it has one."""
        return (
            ReportingPeriod.objects.filter(plan_id=self.plan_id, month__lt=self.month)
            .order_by("-month")
            .first()
        )

    @staticmethod
    def pick_previous(
        periods: Iterable["ReportingPeriod"], period: "ReportingPeriod"
    ) -> "ReportingPeriod | None":
        """`period.previous()` among periods already loaded (any plans'): no query."""
        earlier = [
            p for p in periods if p.plan_id == period.plan_id and p.month < period.month
        ]
        return max(earlier, key=lambda p: p.month, default=None)

    @staticmethod
    def pick_current(periods: Iterable["ReportingPeriod"]) -> "ReportingPeriod | None":
        """The month being worked on: the open one, else the latest closed one.

        Takes the plan's periods (a queryset or a list already loaded), so that pages that
        have loaded them ask no second query.
        """
        periods = sorted(periods, key=lambda period: period.month)
        open_periods = [period for period in periods if not period.is_closed]
        return (open_periods or periods or [None])[-1]

    @staticmethod
    def pick_reported(periods: Iterable["ReportingPeriod"]) -> "ReportingPeriod | None":
        """The month reports show by default: the latest closed (final) month, else the
        month being worked on (its report is a draft)."""
        periods = sorted(periods, key=lambda period: period.month)
        closed = [period for period in periods if period.is_closed]
        return closed[-1] if closed else ReportingPeriod.pick_current(periods)


class Direction(models.TextChoices):
    """The lead's direction of travel; each value holds its arrow and its words."""

    IMPROVING = "improving", "↑ Improving"
    NO_CHANGE = "no_change", "↔ No change"
    DETERIORATING = "deteriorating", "↓ Deteriorating"
    __empty__ = "Not stated"

    @property
    def arrow(self) -> str:
        return self.label.split(" ", 1)[0]

    @property
    def words(self) -> str:
        """ "no change": the label without its arrow, as a screen reader says it."""
        return self.label.split(" ", 1)[1].lower()

    @classmethod
    def arrow_for(cls, value: str) -> str:
        """The arrow of a stored value; "" for none or a value not (or no longer) known."""
        return cls(value).arrow if value in cls.values else ""

    @classmethod
    def words_for(cls, value: str) -> str:
        return cls(value).words if value in cls.values else ""


class ProgressUpdateQuerySet(models.QuerySet):
    def for_action(self, action: models.Model) -> "ProgressUpdateQuerySet":
        """The updates of an action (an Action) and of its milestones.

        The milestones by their keys (read from the action's prefetched milestones
        where it has them), not a join or a subquery: PostgreSQL answers an OR of two
        key lists from the updates' two indexes, but an OR across a join, or with a
        subquery, by reading every update of every plan."""
        milestone_ids = [milestone.pk for milestone in action.milestones.all()]
        return self.filter(Q(action=action) | Q(milestone_id__in=milestone_ids))


class UpdateShown:
    """How an update reads, for a ProgressUpdate and for a report's copy of one."""

    direction: str
    workflow_state: str
    # For a no return: the month of the last update actually written, whose status is
    # carried forward (None when there is none).
    carried_month: datetime.date | None

    @property
    def direction_arrow(self) -> str:
        return Direction.arrow_for(self.direction)

    @property
    def direction_words(self) -> str:
        return Direction.words_for(self.direction)

    @property
    def is_not_returned(self) -> bool:
        return self.workflow_state == ProgressUpdate.Workflow.NOT_RETURNED

    @property
    def no_return_note(self) -> str:
        """ "No return – carried forward from August 2009": what a row with no return
        shows wherever it appears, so a carried status is never taken for a new one."""
        if not self.is_not_returned:
            return ""
        if self.carried_month is None:
            return "No return – no earlier update to carry forward"
        return f"No return – carried forward from {self.carried_month:%B %Y}"

    @property
    def is_approved(self) -> bool:
        """Final for the month: signed off, or frozen with no return at the close."""
        return self.workflow_state in {
            ProgressUpdate.Workflow.APPROVED,
            ProgressUpdate.Workflow.NOT_RETURNED,
        }


# What a lead writes in words; a no return carries the last that was written.
_NARRATIVE = {"progress", "risk", "status_reason"}


class ProgressUpdate(UpdateShown, models.Model):
    """A lead's report on one action or milestone for one period."""

    Direction = Direction
    # What a lead reports, in the order the form shows it: services.ItemValues carries
    # exactly these (services.UPDATE_FIELDS is this tuple), and same_values_as compares them.
    REPORTED_FIELDS = (
        "status",
        "direction",
        "progress",
        "risk",
        "actual_finish",
        "status_reason",
    )

    class Workflow(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Awaiting sign-off"
        RETURNED = "returned", "Returned"
        APPROVED = "approved", "Approved"
        # Written when a month closes for an item nobody updated: last month's status and
        # actual finish carried forward (`carried_from`), so the frozen month has a row
        # for every item.
        NOT_RETURNED = "not_returned", "No return"

    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.CASCADE, related_name="updates"
    )
    action = models.ForeignKey(
        "actionplans.Action",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="updates",
    )
    milestone = models.ForeignKey(
        "actionplans.Milestone",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="updates",
    )
    status = models.ForeignKey(
        "actionplans.StatusOption",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Why the lead chose another status than the one a rule proposed (rules.status_propose).
    status_reason = models.TextField(
        "why this status", blank=True, **limits.at_most(limits.COMMENT)
    )
    direction = models.CharField(max_length=20, choices=Direction.choices, blank=True)
    progress = models.TextField(
        "progress narrative", blank=True, **limits.at_most(limits.NARRATIVE)
    )
    risk = models.TextField(
        "risk narrative", blank=True, **limits.at_most(limits.NARRATIVE)
    )
    actual_finish = models.DateField(null=True, blank=True)
    workflow_state = models.CharField(
        max_length=20, choices=Workflow.choices, default=Workflow.DRAFT
    )
    review_comment = models.TextField(
        blank=True,
        **limits.at_most(limits.COMMENT),
        help_text="The chief officer's reason for returning the update.",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Incremented on every save so that a second, stale save can be refused.
    version = models.PositiveIntegerField(default=1)
    # A no return's source: the item's last update actually written (not itself a no
    # return), whose status the close carried forward and whose narrative is the last one
    # the lead wrote.
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ProgressUpdateQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["period", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(action__isnull=False) & Q(milestone__isnull=True))
                | (Q(action__isnull=True) & Q(milestone__isnull=False)),
                name="update_is_for_action_or_milestone",
            ),
            models.UniqueConstraint(
                fields=["period", "action"], name="one_update_per_action_per_period"
            ),
            models.UniqueConstraint(
                fields=["period", "milestone"],
                name="one_update_per_milestone_per_period",
            ),
        ]

    def __str__(self) -> str:
        item = self.action or self.milestone
        return f"{item} – {self.period}"

    @property
    def carried_month(self) -> datetime.date | None:  # type: ignore[override]
        return self.carried_from.period.month if self.carried_from_id else None

    @property
    def written(self) -> "ProgressUpdate | None":
        """The update whose narrative the lead actually wrote: this one, or for a no
        return the one it carries forward."""
        return self.carried_from if self.is_not_returned else self

    def same_values_as(self, other: "ProgressUpdate | None") -> bool:
        """True when this update reports what `other` (last month's) did: its status,
        direction and actual finish, and the narrative last actually written (for a no
        return, the one it carries). What "no change since last month" writes."""
        if other is None or other.written is None:
            return False
        return all(
            self.serializable_value(name)
            == (other.written if name in _NARRATIVE else other).serializable_value(name)
            for name in self.REPORTED_FIELDS
        )
