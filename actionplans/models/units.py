"""Actions and milestones, the dated units of a plan, with the QuerySet forms of the rules
in rules.py, and the guard that keeps each council's officers on its own units."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from lib import limits, months
from recommendations.models import Recommendation
from recommendations.numbering import number_sort_key

from ..rules import DatedUnit
from .people import Officer
from .periods import ProgressUpdate, ReportingPeriod
from .plans import ActionPlan


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


class DatedUnitQuerySet(models.QuerySet):
    """The DatedUnit rules for many rows; `_item` is the update's field for this model.

    Each rule is a pair of conditions, finished-by-date and status-complete, written so
    that its negation is exact in SQL (no NULL comparisons under NOT).
    """

    _item: str  # the update's field for this model
    _plan: str  # the path from this model to its plan
    _exempt: Q  # marked not for publication, itself or through its action

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

    def for_publication(self):
        """What the public may see: not marked "not for publication" (nor its action)."""
        return self.exclude(self._exempt)

    def in_plan(self, month: datetime.date):
        """Part of the plan in the month: added by then and not withdrawn (DatedUnit.is_in_plan)."""
        return self.filter(
            Q(added_in__isnull=True) | Q(added_in__lte=month),
            Q(withdrawn_in__isnull=True) | Q(withdrawn_in__gt=month),
        )


def _unfinished(on: datetime.date) -> Q:
    return Q(actual_finish__isnull=True) | Q(actual_finish__gt=on)


class ActionQuerySet(DatedUnitQuerySet):
    _item = "action"
    _plan = "plan"
    _exempt = Q(not_for_publication=True)

    def for_officer(self, officer: "Officer") -> "ActionQuerySet":
        """The actions an officer leads, leads a milestone of, or is accountable for,
        in the officer's own council only."""
        # Three semi-joins rather than one OR over three joined relations: that
        # multiplied an action's rows by its milestones and officers, then needed
        # DISTINCT over every column to undo it.
        led = Action.leads.through.objects.filter(officer=officer)
        accountable = Action.chief_officers.through.objects.filter(officer=officer)
        milestones_led = Milestone.leads.through.objects.filter(officer=officer)
        return self.filter(
            Q(pk__in=led.values("action_id"))
            | Q(pk__in=accountable.values("action_id"))
            | Q(pk__in=milestones_led.values("milestone__action_id"))
        ).filter(plan__inspection__organisation_id=officer.organisation_id)


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
    not_for_publication = models.BooleanField(
        default=False,
        help_text="Exempt: left out of public pages and feeds entirely, with its "
        "milestones.",
    )
    cross_references = models.ManyToManyField(
        "self", symmetrical=False, related_name="referenced_by", blank=True
    )
    # Set by approved amendments: the first month the item is part of the plan (a new
    # item), and the first month it is not (withdrawn, or merged into another action).
    added_in = models.DateField(null=True, blank=True, editable=False)
    withdrawn_in = models.DateField(null=True, blank=True, editable=False)
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="supersedes",
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

    @property
    def is_exempt(self) -> bool:
        """Not for publication (ActionQuerySet.for_publication is the same rule)."""
        return self.not_for_publication


class MilestoneQuerySet(DatedUnitQuerySet):
    _item = "milestone"
    _plan = "action__plan"
    _exempt = Q(not_for_publication=True) | Q(action__not_for_publication=True)


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
    not_for_publication = models.BooleanField(
        default=False,
        help_text="Exempt: left out of public pages and feeds entirely.",
    )
    leads = models.ManyToManyField(
        Officer,
        related_name="led_milestones",
        blank=True,
        help_text="Only where different from the action's leads.",
    )
    # Set by approved amendments: the first month the item is part of the plan (a new
    # item), and the first month it is not (withdrawn, or merged into another action).
    added_in = models.DateField(null=True, blank=True, editable=False)
    withdrawn_in = models.DateField(null=True, blank=True, editable=False)

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

    @property
    def is_exempt(self) -> bool:
        """Not for publication, itself or through its action (as `for_publication`)."""
        return self.not_for_publication or self.action.not_for_publication


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
    strangers_refuse(named)


def strangers_refuse(named: list[str]) -> None:
    """Refuse the officers `named`, of another council than the plan's: the one message
    of every path that links officers (the loader checks rows it writes in bulk, which
    send no signal)."""
    if named:
        raise ValidationError(
            f"{', '.join(named)} is not an officer of this plan's council: "
            "choose one of the council's own officers."
        )


for _relation in (Action.leads, Action.chief_officers, Milestone.leads):
    models.signals.m2m_changed.connect(
        _officers_of_the_plans_council, sender=_relation.through
    )
