"""What reports store: the scrutiny board's cover report for a quarter, and PDFs."""

import uuid

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


class PdfRender(models.Model):
    """One report PDF: asked for, being laid out by a worker, ready in storage, or failed.

    A closed period's PDF has one row for its storage name (see `rendering.storage_name`),
    which every request for it shares; the row being READY is what says the file is whole
    and may be served (a file alone may be what a killed worker left half-written). An
    open period's or the dashboard's PDF is a row of its own for the user who asked,
    under a name of its own, deleted with its file after a day (`pdfs.pdf_renders_prune`).
    """

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting its turn"
        RENDERING = "rendering", "Being laid out"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="+")
    # Who asked; none when the PDF was made ahead of time for a closed month.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(max_length=20)
    month = models.DateField(null=True, blank=True)
    quarter = models.DateField(null=True, blank=True)
    filters = models.JSONField(default=dict, blank=True)
    storage_name = models.CharField(max_length=255, unique=True)
    is_draft = models.BooleanField(default=False)
    filename = models.CharField(max_length=255)
    # Where the failure page sends the user instead (the report's page and spreadsheet).
    page_url = models.CharField(max_length=500, blank=True)
    xlsx_url = models.CharField(max_length=500, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    # The task run laying it out: a second run of the same task (its worker died and the
    # broker delivered it again) may take over; a different task may not.
    runner = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    timed_out = models.BooleanField(default=False)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["is_draft", "created_at"])]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_state_display()})"

    @property
    def is_ready(self) -> bool:
        return self.state == self.State.READY

    @property
    def is_failed(self) -> bool:
        return self.state == self.State.FAILED
