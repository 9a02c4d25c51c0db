"""What reports store: the scrutiny board's cover report for a quarter."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from actionplans.models import ActionPlan
from lib import limits


class ScrutinyReport(models.Model):
    """The committee cover report that opens a quarter's scrutiny pack.

    The quarter is a calendar quarter identified by its first month (1 January, 1 April,
    1 July or 1 October).
    """

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="scrutiny_reports"
    )
    quarter = models.DateField(help_text="The first day of the quarter's first month.")
    purpose = models.TextField(
        "purpose of this report", blank=True, **limits.at_most(limits.LONG_TEXT)
    )
    summary = models.TextField(
        "summary of main issues", blank=True, **limits.at_most(limits.LONG_TEXT)
    )
    recommendations = models.TextField(
        "recommendations to the committee",
        blank=True,
        **limits.at_most(limits.LONG_TEXT),
    )
    financial_implications = models.TextField(
        "resource and financial implications",
        blank=True,
        **limits.at_most(limits.LONG_TEXT),
    )
    legal_implications = models.TextField(
        "legal implications", blank=True, **limits.at_most(limits.LONG_TEXT)
    )
    equality_implications = models.TextField(
        "equality and diversity implications",
        blank=True,
        **limits.at_most(limits.LONG_TEXT),
    )
    author = models.CharField("report author", max_length=255, blank=True)
    contact = models.CharField(
        "author's contact details",
        max_length=255,
        blank=True,
        help_text="Telephone or email, as printed on the report.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "quarter"], name="scrutiny_report_unique_per_quarter"
            ),
            models.CheckConstraint(
                condition=Q(quarter__day=1) & Q(quarter__month__in=[1, 4, 7, 10]),
                name="scrutiny_report_quarter_is_first_day",
            ),
        ]

    def __str__(self) -> str:
        return f"Scrutiny report {self.quarter:%B %Y} – {self.plan}"
