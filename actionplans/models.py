"""The council's answer to an inspection: plans, actions, milestones, officers and monthly updates."""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from lib import limits, months
from organisations.models import Organisation
from recommendations.models import Inspection, Recommendation
from recommendations.numbering import number_sort_key

from .rules import DatedUnit, StatusRank


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


class ActionPlanQuerySet(models.QuerySet):
    def in_organisation(self, organisation_id: int) -> "ActionPlanQuerySet":
        return self.filter(inspection__organisation_id=organisation_id)


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
    introduction = models.TextField(blank=True, **limits.at_most(limits.LONG_TEXT))
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionPlanQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("actionplans:plan_detail", args=[self.slug])

    @property
    def organisation_id(self) -> int:
        """The council that owns the plan: the one its inspection inspected."""
        return self.inspection.organisation_id

    @property
    def organisation(self) -> Organisation:
        return self.inspection.organisation

    def open_period(self) -> "ReportingPeriod | None":
        """The month open for updates (at most one)."""
        return self.periods.open().first()

    def current_period(self) -> "ReportingPeriod | None":
        """The month being worked on: see `ReportingPeriod.pick_current`."""
        return ReportingPeriod.pick_current(self.periods.all())

    def reported_period(self) -> "ReportingPeriod | None":
        """The month reports show by default: see `ReportingPeriod.pick_reported`."""
        return ReportingPeriod.pick_reported(self.periods.all())


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

    @property
    def fill(self) -> str:
        """The colour's fill (the tags' edge colour in static/css/app.css), as #rrggbb."""
        return _COLOUR_HEX[self.value][0]

    @property
    def text(self) -> str:
        """The text colour that reads on `fill` (WCAG AA)."""
        return _COLOUR_HEX[self.value][1]

    @property
    def pale_fill(self) -> str:
        """A pale tint for a spreadsheet cell's background, as Excel's AARRGGBB."""
        return _COLOUR_HEX[self.value][2]


# fill, text on fill, pale tint (ARGB): one table for charts, spreadsheets and exports.
_COLOUR_HEX = {
    "blue": ("#1d70b8", "#ffffff", "FFD2E2F1"),
    "green": ("#00703c", "#ffffff", "FFCCE2D8"),
    "amber": ("#f47738", "#0b0c0c", "FFFCD6C3"),
    "red": ("#d4351c", "#ffffff", "FFF6D7D2"),
    "grey": ("#b1b4b6", "#0b0c0c", "FFEEEFEF"),
    "purple": ("#4c2c92", "#ffffff", "FFDBD5E9"),
    "yellow": ("#ffdd00", "#0b0c0c", "FFFFF7BF"),
    "black": ("#0b0c0c", "#ffffff", "FFFFFFFF"),
}


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

    @property
    def rank(self) -> StatusRank:
        if self.counts_as_complete:
            return StatusRank.COMPLETE
        if self.is_exception:
            return StatusRank.EXCEPTION
        if self.is_not_started:
            return StatusRank.NOT_STARTED
        return StatusRank.ON_TRACK

    @property
    def severity(self) -> tuple[int, int]:
        """Rank, then place in the scheme: the key `status_worst` uses."""
        return (self.rank, self.order)


class OfficerQuerySet(models.QuerySet):
    def for_user(self, user) -> "Officer | None":
        """The officer record of a signed-in user, or None."""
        if not getattr(user, "is_authenticated", False):
            return None
        return self.filter(user=user).first()

    def in_organisation(self, organisation_id: int) -> "OfficerQuerySet":
        return self.filter(organisation_id=organisation_id)


class Officer(models.Model):
    """A lead or chief officer of one council. Chief officers are often only a role
    ("Director of ..."), which every council has: so an officer is only ever matched,
    chosen or given access within their own organisation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="officers"
    )
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

    objects = OfficerQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "role_title"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name="") | ~Q(role_title=""),
                name="officer_has_name_or_role",
            ),
            models.UniqueConstraint(
                fields=["organisation", "name", "role_title", "initials"],
                name="officer_unique_identity_per_organisation",
            ),
        ]

    def __str__(self) -> str:
        if self.name and self.role_title:
            return f"{self.name} ({self.role_title})"
        if self.initials:
            return f"{self.role_title} - {self.initials}"
        return self.name or self.role_title

    def clean(self) -> None:
        """A user belongs to one council: an officer's user has no role elsewhere."""
        if not (self.user_id and self.organisation_id):
            return
        elsewhere = PlanMembership.objects.filter(user_id=self.user_id).exclude(
            plan__inspection__organisation_id=self.organisation_id
        )
        if elsewhere.exists():
            raise ValidationError(
                {"user": "This user has a role on another council's plans."}
            )


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

    def clean(self) -> None:
        """A user belongs to one council: their officer record's, or their plans'."""
        if not (self.plan_id and self.user_id):
            return
        council = self.plan.organisation
        officer = Officer.objects.filter(user_id=self.user_id).first()
        if officer is not None and officer.organisation_id != council.pk:
            raise ValidationError(
                {
                    "user": f"{self.user} is an officer of {officer.organisation}, "
                    f"not of {council}."
                }
            )
        elsewhere = (
            PlanMembership.objects.filter(user_id=self.user_id)
            .exclude(plan__inspection__organisation=council)
            .select_related("plan__inspection__organisation")
            .first()
        )
        if elsewhere is not None:
            raise ValidationError(
                {
                    "user": f"{self.user} already has a role on "
                    f"{elsewhere.plan.organisation}'s plans, not {council}'s."
                }
            )


# --- Dated units: the QuerySet forms of the rules in rules.py -------------------------------


class DatedUnitQuerySet(models.QuerySet):
    """The DatedUnit rules for many rows; `_item` is the update's field for this model.

    Each rule is a pair of conditions, finished-by-date and status-complete, written so
    that its negation is exact in SQL (no NULL comparisons under NOT).
    """

    _item: str  # the update's field for this model
    _plan: str  # the path from this model to its plan

    def _updates(self):
        return ProgressUpdate.objects.filter(**{self._item: OuterRef("pk")})

    def _latest_status_complete(self, *, on: datetime.date) -> Exists:
        """The item's latest update in a month starting on or before `on` is complete."""
        later = ProgressUpdate.objects.filter(
            **{self._item: OuterRef(OuterRef("pk"))},
            period__month__gt=OuterRef("period__month"),
            period__month__lte=on,
        )
        return Exists(
            self._updates()
            .filter(period__month__lte=on, status__counts_as_complete=True)
            .filter(~Exists(later))
        )

    def _period_complete(self, period: "ReportingPeriod") -> tuple[Q, Q]:
        """(complete, not complete) as at the period's end."""
        in_period = self._updates().filter(period=period)
        status = Exists(in_period.filter(status__counts_as_complete=True))
        if period.is_closed:
            finished = Exists(in_period.filter(actual_finish__lte=period.last_day))
            return Q(status) | Q(finished), ~Q(status) & ~Q(finished)
        return (
            Q(status) | Q(actual_finish__lte=period.last_day),
            ~Q(status) & _unfinished(period.last_day),
        )

    def complete(self, *, on: datetime.date):
        """As of a date: finished by then, or its latest reported status is complete."""
        return self.filter(
            Q(actual_finish__lte=on) | Q(self._latest_status_complete(on=on))
        )

    def overdue(self, *, on: datetime.date):
        """As of a date: plan finish on or before it and not complete by then."""
        return self.filter(
            Q(plan_finish__lte=on)
            & _unfinished(on)
            & ~Q(self._latest_status_complete(on=on))
        )

    def complete_before(self, month: datetime.date):
        """Complete before the month began: nothing is left to report in it."""
        return self.complete(on=months.month_last_day(months.month_previous(month)))

    def complete_at(self, period: "ReportingPeriod"):
        """Complete as at the period's end (the reports' view)."""
        return self.filter(self._period_complete(period)[0])

    def overdue_at(self, period: "ReportingPeriod"):
        """Overdue as at the period's end (the reports' view)."""
        return self.filter(
            Q(plan_finish__lte=period.last_day) & self._period_complete(period)[1]
        )

    def due_in(self, month: datetime.date, *, period: "ReportingPeriod"):
        """Plan finish within the month and not complete as at the period's end."""
        return self.filter(
            Q(plan_finish__gte=month, plan_finish__lte=months.month_last_day(month))
            & self._period_complete(period)[1]
        )

    def overdue_in_current_periods(self):
        """Overdue as at the end of each plan's current month (rows of many plans)."""
        plan_ids = self.values_list(self._plan, flat=True).distinct()
        periods = ReportingPeriod.objects.filter(plan_id__in=plan_ids)
        by_plan: dict[int, list[ReportingPeriod]] = {}
        for period in periods:
            by_plan.setdefault(period.plan_id, []).append(period)
        overdue = Q(pk__in=[])
        for plan_id, plan_periods in by_plan.items():
            current = ReportingPeriod.pick_current(plan_periods)
            rows = self.model.objects.filter(**{self._plan: plan_id})
            overdue |= Q(pk__in=rows.overdue_at(current).values("pk"))
        return self.filter(overdue)

    def commencing_in(self, month: datetime.date):
        """Plan start within the month."""
        return self.filter(
            plan_start__gte=month, plan_start__lte=months.month_last_day(month)
        )


def _unfinished(on: datetime.date) -> Q:
    return Q(actual_finish__isnull=True) | Q(actual_finish__gt=on)


class ActionQuerySet(DatedUnitQuerySet):
    _item = "action"
    _plan = "plan"

    def for_officer(self, officer: "Officer") -> "ActionQuerySet":
        """The actions an officer leads, leads a milestone of, or is accountable for,
        in the officer's own council only."""
        return (
            self.filter(
                Q(leads=officer)
                | Q(chief_officers=officer)
                | Q(milestones__leads=officer)
            )
            .filter(plan__inspection__organisation_id=officer.organisation_id)
            .distinct()
        )


class Action(DatedUnit, models.Model):
    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="actions"
    )
    number = models.CharField(
        max_length=20, help_text='As written, e.g. "1.1" or "4.2 (a)".'
    )
    sort_key = models.CharField(max_length=100, editable=False, db_index=True)
    aim = models.TextField(
        "aim / outcome", blank=True, **limits.at_most(limits.SHORT_TEXT)
    )
    text = models.TextField("action", **limits.at_most(limits.SHORT_TEXT))
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
    plan_start_text = models.CharField(
        "plan start (as written)", max_length=100, blank=True
    )
    plan_finish_text = models.CharField(
        "plan finish (as written)", max_length=100, blank=True
    )
    actual_finish_text = models.CharField(
        "actual finish (as written)", max_length=100, blank=True
    )
    success_criteria = models.TextField(blank=True, **limits.at_most(limits.SHORT_TEXT))
    outcomes = models.TextField(
        "outcomes for users and carers", blank=True, **limits.at_most(limits.SHORT_TEXT)
    )
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


class MilestoneQuerySet(DatedUnitQuerySet):
    _item = "milestone"
    _plan = "action__plan"


class Milestone(DatedUnit, models.Model):
    """A dated success criterion (or labelled sub-action, "4.2 (b)") of an action."""

    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, related_name="milestones"
    )
    label = models.CharField(max_length=10, help_text='For example "(b)".')
    order = models.PositiveIntegerField(default=0)
    text = models.TextField(
        "sub-action", blank=True, **limits.at_most(limits.SHORT_TEXT)
    )
    success_criteria = models.TextField(blank=True, **limits.at_most(limits.SHORT_TEXT))
    plan_start = models.DateField(null=True, blank=True)
    plan_finish = models.DateField(null=True, blank=True)
    actual_finish = models.DateField(null=True, blank=True)
    plan_start_text = models.CharField(
        "plan start (as written)", max_length=100, blank=True
    )
    plan_finish_text = models.CharField(
        "plan finish (as written)", max_length=100, blank=True
    )
    actual_finish_text = models.CharField(
        "actual finish (as written)", max_length=100, blank=True
    )
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
    def for_action(self, action: "Action") -> "ProgressUpdateQuerySet":
        """The updates of an action and of its milestones."""
        return self.filter(Q(action=action) | Q(milestone__action=action))


class UpdateShown:
    """How an update reads, for a ProgressUpdate and for a report's copy of one."""

    direction: str
    workflow_state: str

    @property
    def direction_arrow(self) -> str:
        return Direction.arrow_for(self.direction)

    @property
    def direction_words(self) -> str:
        return Direction.words_for(self.direction)

    @property
    def is_approved(self) -> bool:
        """Final for the month: signed off, or frozen with no return at the close."""
        return self.workflow_state in {
            ProgressUpdate.Workflow.APPROVED,
            ProgressUpdate.Workflow.NOT_RETURNED,
        }


class ProgressUpdate(UpdateShown, models.Model):
    """A lead's report on one action or milestone for one period."""

    Direction = Direction

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


# --- Councils kept apart ---------------------------------------------------------------------


def _officers_of_the_plans_council(
    sender, instance, action: str, reverse: bool, model, pk_set, **kwargs
) -> None:
    """Refuse to link an officer to another council's action or milestone.

    A many-to-many link cannot carry a database constraint across tables, so this check
    stands in for one on every path that links officers: forms, the admin, imports, code.
    """
    if action != "pre_add" or not pk_set:
        return
    if not reverse:  # action.leads.add(officers): instance is the item
        plan_id = (
            instance.plan_id
            if isinstance(instance, Action)
            else instance.action.plan_id
        )
        strangers = Officer.objects.filter(pk__in=pk_set).exclude(
            organisation__inspections__plans__id=plan_id
        )
        named = [str(officer) for officer in strangers]
    else:  # officer.led_actions.add(items): instance is the officer
        path = "plan" if model is Action else "action__plan"
        items = model.objects.filter(pk__in=pk_set).exclude(
            **{f"{path}__inspection__organisation_id": instance.organisation_id}
        )
        named = [str(instance)] if items.exists() else []
    if named:
        raise ValidationError(
            f"{', '.join(named)} is not an officer of this plan's council: "
            "choose one of the council's own officers."
        )


for _relation in (Action.leads, Action.chief_officers, Milestone.leads):
    models.signals.m2m_changed.connect(
        _officers_of_the_plans_council, sender=_relation.through
    )
