"""What an inspectorate said: the inspection, its graded judgments and its recommendations."""

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from lib import limits
from organisations.models import Organisation

from .numbering import number_sort_key


class Inspection(models.Model):
    inspectorate = models.CharField(
        max_length=100, help_text="For example CSCI, CQC, Ofsted."
    )
    title = models.CharField(max_length=255)
    service = models.CharField(max_length=255, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="inspections",
        help_text="The council inspected: it owns the plans that answer the inspection.",
    )
    inspected_from = models.DateField(null=True, blank=True)
    inspected_to = models.DateField(null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)
    rating = models.CharField(max_length=255, blank=True)
    key_strengths = models.TextField(blank=True, **limits.at_most(limits.LONG_TEXT))
    areas_for_development = models.TextField(
        blank=True, **limits.at_most(limits.LONG_TEXT)
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation__name", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(inspected_to__gte=models.F("inspected_from"))
                | models.Q(inspected_to__isnull=True)
                | models.Q(inspected_from__isnull=True),
                name="inspection_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.inspectorate}: {self.title} ({self.organisation})"


class Judgment(models.Model):
    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="judgments"
    )
    area = models.CharField(max_length=255)
    grade = models.CharField(max_length=100)
    order = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["inspection", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "area"],
                name="judgment_area_unique_per_inspection",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area}: {self.grade}"


class Theme(models.Model):
    """A section of the plan that groups recommendations ("Safeguarding vulnerable adults")."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="themes"
    )
    number = models.CharField(
        max_length=20, blank=True, help_text="As written, e.g. II."
    )
    title = models.CharField(max_length=255)
    order = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["inspection", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "title"], name="theme_title_unique_per_inspection"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()


class Recommendation(models.Model):
    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="recommendations"
    )
    number = models.CharField(max_length=20)
    sort_key = models.CharField(max_length=100, editable=False, db_index=True)
    text = models.TextField(**limits.at_most(limits.SHORT_TEXT))
    theme = models.ForeignKey(
        Theme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recommendations",
    )
    judgment = models.ForeignKey(
        Judgment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recommendations",
        help_text="The judgment area it answers.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["inspection", "sort_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "number"],
                name="recommendation_number_unique_per_inspection",
            ),
        ]

    def __str__(self) -> str:
        return f"Recommendation {self.number}"

    def save(self, *args, **kwargs):
        self.sort_key = number_sort_key(self.number)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if self.judgment_id and self.judgment.inspection_id != self.inspection_id:
            raise ValidationError(
                {"judgment": "Choose a judgment of this recommendation's inspection."},
                code="judgment_of_another_inspection",
            )
