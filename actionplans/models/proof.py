"""The proof behind a status: evidence attached to a month's update, and the plan's measures
(success criteria that are numbers) with their baseline, targets and monthly actuals.

Blue means "completed and success criteria met"; a status flagged `needs_proof` is
submitted only with evidence or with every linked measure at its target (actionplans/proof.py
reads both). Evidence and actuals belong to a month and are frozen with it at the close.
"""

import datetime
import decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from lib import limits

from ..rules import MeasureStanding, measure_standing


class Evidence(models.Model):
    """A document (stored by its SHA-256) or a link that proves an update's claim.

    Served only through a view that checks the user may see the plan, never from a media
    URL. Removing it from an open month deletes the row; its history keeps the record.
    """

    update = models.ForeignKey(
        "actionplans.ProgressUpdate", on_delete=models.CASCADE, related_name="evidence"
    )
    title = models.CharField(max_length=200)
    refers_to = models.DateField(
        "date it refers to",
        help_text="The date of the meeting, report or figures, e.g. 30/07/2009.",
    )
    # A file: its name as uploaded (made safe), its checksum (the storage name), its size
    # and the type read from its content. A link: url only.
    file_name = models.CharField(max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    url = models.URLField("link", max_length=2000, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    added_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["update", "refers_to", "id"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(
                condition=(Q(sha256="") & ~Q(url="")) | (~Q(sha256="") & Q(url="")),
                name="evidence_is_a_file_or_a_link",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_file(self) -> bool:
        return bool(self.sha256)

    @property
    def storage_name(self) -> str:
        """Where the file is kept: one copy per content, however often it is attached."""
        return f"evidence/{self.sha256[:2]}/{self.sha256}"


class Measure(models.Model):
    """A success criterion that is a number: "From an 07/08 baseline of 63% In Year 1: 76%
    of service users to receive a timely review"."""

    class Unit(models.TextChoices):
        PERCENT = "percent", "%"
        NUMBER = "number", "number"
        DAYS = "days", "days"

    plan = models.ForeignKey(
        "actionplans.ActionPlan", on_delete=models.CASCADE, related_name="measures"
    )
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=10, choices=Unit.choices, default=Unit.PERCENT)
    higher_is_better = models.BooleanField(
        default=True,
        help_text="Untick where a lower value is better (e.g. days waited).",
    )
    baseline_value = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True
    )
    baseline_date = models.DateField(null=True, blank=True)
    # Where the measure comes from: the plan's own words, quoted.
    source = models.TextField(blank=True, **limits.at_most(limits.SHORT_TEXT))
    actions = models.ManyToManyField(
        "actionplans.Action", related_name="measures", blank=True
    )
    milestones = models.ManyToManyField(
        "actionplans.Milestone", related_name="measures", blank=True
    )
    order = models.PositiveIntegerField(default=0)

    history = HistoricalRecords(m2m_fields=[actions, milestones])

    class Meta:
        ordering = ["plan", "order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "name"], name="measure_name_unique_per_plan"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def format(self, value: decimal.Decimal | None) -> str:
        """A value as the plan writes it: "76%", "2,417", "28 days"; "" for none."""
        if value is None:
            return ""
        number = f"{value.normalize():,f}"
        if self.unit == self.Unit.PERCENT:
            return f"{number}%"
        if self.unit == self.Unit.DAYS:
            return f"{number} days"
        return number

    def standing(
        self, actual: decimal.Decimal | None, *, on: datetime.date
    ) -> MeasureStanding:
        """The actual against the targets as at a date (targets read from `targets.all()`,
        so prefetch them for many measures)."""
        return measure_standing(
            higher_is_better=self.higher_is_better,
            targets=[(t.due, t.value) for t in self.targets.all()],
            actual=actual,
            on=on,
        )


class MeasureTarget(models.Model):
    """A dated target: "Year 1: 76% by March 2010"."""

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="targets"
    )
    label = models.CharField(max_length=60, blank=True, help_text='e.g. "Year 1".')
    value = models.DecimalField(max_digits=14, decimal_places=2)
    due = models.DateField("target date")

    history = HistoricalRecords()

    class Meta:
        ordering = ["measure", "due"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "due"], name="measure_target_date_unique"
            ),
        ]

    def __str__(self) -> str:
        words = f"{self.measure.format(self.value)} by {self.due:%B %Y}"
        return f"{self.label}: {words}" if self.label else words


class MeasureValue(models.Model):
    """A measure's actual for a month, entered by a lead with the month's update and
    frozen with it at the close."""

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="values"
    )
    period = models.ForeignKey(
        "actionplans.ReportingPeriod",
        on_delete=models.CASCADE,
        related_name="measure_values",
    )
    value = models.DecimalField(max_digits=14, decimal_places=2)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    entered_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["measure", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "period"], name="one_measure_value_per_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure}: {self.measure.format(self.value)} ({self.period})"
