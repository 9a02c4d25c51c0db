"""The council's answer to an inspection: plans, actions, milestones, officers and monthly updates."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from recommendations.models import Inspection, Recommendation
from recommendations.numbering import number_sort_key


def _finish_not_before_start(prefix: str) -> models.CheckConstraint:
    """A plan finish or an actual finish before the plan start is never stored."""
    return models.CheckConstraint(
        condition=(
            Q(plan_start__isnull=True)
            | (
                (Q(plan_finish__isnull=True) | Q(plan_finish__gte=F("plan_start")))
                & (
                    Q(actual_finish__isnull=True)
                    | Q(actual_finish__gte=F("plan_start"))
                )
            )
        ),
        name=f"{prefix}_finish_not_before_start",
    )


class ActionPlan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        CLOSED = "closed", "Closed"

    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="plans"
    )
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=255)
    owner = models.CharField(
        max_length=255, help_text="The council and service that own the plan."
    )
    introduction = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("actionplans:plan_detail", args=[self.slug])


class StatusColour(models.TextChoices):
    # A fixed palette (styled in static/css/app.css) rather than free hex values: the
    # pages then need no inline styles, and every colour has a tested contrast.
    BLUE = "blue", "Blue"
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"
    GREY = "grey", "Grey"
    PURPLE = "purple", "Purple"
    YELLOW = "yellow", "Yellow"
    BLACK = "black", "Black"


class StatusOption(models.Model):
    """One status of a plan's RAG scheme, e.g. Blue: action completed and success criteria met."""

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="statuses"
    )
    label = models.CharField(max_length=40)
    colour = models.CharField(max_length=10, choices=StatusColour.choices)
    meaning = models.CharField(max_length=255)
    counts_as_complete = models.BooleanField(default=False)
    is_not_started = models.BooleanField(
        default=False,
        help_text="Proposed for items whose plan start is after the period.",
    )
    is_exception = models.BooleanField(
        default=False, help_text="Shown in the exceptions report (e.g. Red)."
    )
    order = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "label"], name="status_label_unique_per_plan"
            ),
            models.CheckConstraint(
                condition=Q(colour__in=StatusColour.values),
                name="status_colour_in_palette",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class Officer(models.Model):
    """A lead or chief officer. Chief officers are often only a role ("Director of ...")."""

    name = models.CharField(max_length=150, blank=True)
    role_title = models.CharField(max_length=255, blank=True)
    initials = models.CharField(max_length=10, blank=True)
    email = models.EmailField(blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="officer",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "role_title"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name="") | ~Q(role_title=""),
                name="officer_has_name_or_role",
            ),
            models.UniqueConstraint(
                fields=["name", "role_title", "initials"],
                name="officer_unique_identity",
            ),
        ]

    def __str__(self) -> str:
        if self.name and self.role_title:
            return f"{self.name} ({self.role_title})"
        if self.initials:
            return f"{self.role_title} - {self.initials}"
        return self.name or self.role_title


class PlanMembership(models.Model):
    """A user's role on one plan. Leads and chief officers are known from the actions instead."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", "Plan coordinator"
        VIEWER = "viewer", "Board viewer"

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="plan_memberships",
    )
    role = models.CharField(max_length=20, choices=Role.choices)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "user", "role"], name="membership_unique_role_per_plan"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.plan}"


class ActionQuerySet(models.QuerySet):
    def for_plan(self, plan: ActionPlan) -> "ActionQuerySet":
        return self.filter(plan=plan)

    def overdue(self, *, on: datetime.date) -> "ActionQuerySet":
        """Plan finish on or before the date and no actual finish."""
        return self.filter(plan_finish__lte=on, actual_finish__isnull=True)


class Action(models.Model):
    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="actions"
    )
    number = models.CharField(
        max_length=20, help_text='As written, e.g. "1.1" or "4.2 (a)".'
    )
    sort_key = models.CharField(max_length=100, editable=False, db_index=True)
    aim = models.TextField("aim / outcome", blank=True)
    text = models.TextField("action")
    recommendations = models.ManyToManyField(
        Recommendation, related_name="actions", blank=True
    )
    leads = models.ManyToManyField(Officer, related_name="led_actions", blank=True)
    chief_officers = models.ManyToManyField(
        Officer, related_name="accountable_actions", blank=True
    )
    plan_start = models.DateField(null=True, blank=True)
    plan_finish = models.DateField(null=True, blank=True)
    actual_finish = models.DateField(null=True, blank=True)
    # The dates as the source document wrote them ("Sep-08", "End March 2010", "Completed").
    plan_start_text = models.CharField(max_length=100, blank=True)
    plan_finish_text = models.CharField(max_length=100, blank=True)
    actual_finish_text = models.CharField(max_length=100, blank=True)
    success_criteria = models.TextField(blank=True)
    outcomes = models.TextField("outcomes for users and carers", blank=True)
    cross_references = models.ManyToManyField(
        "self", symmetrical=False, related_name="referenced_by", blank=True
    )

    objects = ActionQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[recommendations, leads, chief_officers])

    class Meta:
        ordering = ["plan", "sort_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"], name="action_number_unique_per_plan"
            ),
            _finish_not_before_start("action"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.text[:60]}"

    def save(self, *args, **kwargs):
        self.sort_key = number_sort_key(self.number)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("actionplans:action_detail", args=[self.plan.slug, self.pk])

    def is_overdue(self, *, on: datetime.date) -> bool:
        return (
            self.actual_finish is None
            and self.plan_finish is not None
            and (self.plan_finish <= on)
        )


class MilestoneQuerySet(models.QuerySet):
    def due_between(
        self, start: datetime.date, end: datetime.date
    ) -> "MilestoneQuerySet":
        return self.filter(plan_finish__gte=start, plan_finish__lte=end)


class Milestone(models.Model):
    """A dated success criterion (or labelled sub-action, "4.2 (b)") of an action."""

    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, related_name="milestones"
    )
    label = models.CharField(max_length=10, help_text='For example "(b)".')
    order = models.PositiveIntegerField(default=0)
    text = models.TextField("sub-action", blank=True)
    success_criteria = models.TextField(blank=True)
    plan_start = models.DateField(null=True, blank=True)
    plan_finish = models.DateField(null=True, blank=True)
    actual_finish = models.DateField(null=True, blank=True)
    plan_start_text = models.CharField(max_length=100, blank=True)
    plan_finish_text = models.CharField(max_length=100, blank=True)
    actual_finish_text = models.CharField(max_length=100, blank=True)
    leads = models.ManyToManyField(
        Officer,
        related_name="led_milestones",
        blank=True,
        help_text="Only where different from the action's leads.",
    )

    objects = MilestoneQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[leads])

    class Meta:
        ordering = ["action", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "label"], name="milestone_label_unique_per_action"
            ),
            _finish_not_before_start("milestone"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"{self.action.number} {self.label}".strip()

    def is_overdue(self, *, on: datetime.date) -> bool:
        return (
            self.actual_finish is None
            and self.plan_finish is not None
            and (self.plan_finish <= on)
        )


class ReportingPeriod(models.Model):
    """A calendar month of a plan. Closing it freezes every update made for it."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="periods"
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
    overview = models.TextField(blank=True)
    risks = models.TextField(blank=True)
    amendments = models.TextField("amendments to the action plan", blank=True)

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
        next_month = (self.month.replace(day=28) + datetime.timedelta(days=4)).replace(
            day=1
        )
        return next_month - datetime.timedelta(days=1)


class ProgressUpdate(models.Model):
    """A lead's report on one action or milestone for one period."""

    class Direction(models.TextChoices):
        IMPROVING = "improving", "↑ Improving"
        NO_CHANGE = "no_change", "↔ No change"
        DETERIORATING = "deteriorating", "↓ Deteriorating"
        __empty__ = "Not stated"

    class Workflow(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Awaiting sign-off"
        RETURNED = "returned", "Returned"
        APPROVED = "approved", "Approved"
        # Written when a month closes for an item nobody updated: last month's status and
        # direction carried forward, so the frozen month still has a row for every item.
        NOT_RETURNED = "not_returned", "No return"

    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.CASCADE, related_name="updates"
    )
    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, null=True, blank=True, related_name="updates"
    )
    milestone = models.ForeignKey(
        Milestone,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="updates",
    )
    status = models.ForeignKey(
        StatusOption, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    direction = models.CharField(max_length=20, choices=Direction.choices, blank=True)
    progress = models.TextField("progress narrative", blank=True)
    risk = models.TextField("risk narrative", blank=True)
    actual_finish = models.DateField(null=True, blank=True)
    workflow_state = models.CharField(
        max_length=20, choices=Workflow.choices, default=Workflow.DRAFT
    )
    review_comment = models.TextField(
        blank=True, help_text="The chief officer's reason for returning the update."
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
