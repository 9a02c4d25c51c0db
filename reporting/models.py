"""What reports store: committee reports (cover, meetings, contacts), and PDFs."""

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from actionplans.models import ActionPlan
from lib import limits, months


def range_label(first: datetime.date, last: datetime.date) -> str:
    """ "August 2009"; "July to September 2009 (Q2 2009/10)" for a calendar quarter;
    "April 2009 to March 2010"."""
    if first == last:
        return f"{first:%B %Y}"
    if first == months.quarter_start(first) and last == months.month_add(first, 2):
        return months.quarter_label(first)
    if first.year == last.year:
        return f"{first:%B} to {last:%B %Y}"
    return f"{first:%B %Y} to {last:%B %Y}"


def range_key(first: datetime.date, last: datetime.date) -> str:
    """ "2009-07-to-2009-09", as file names carry it."""
    if first == last:
        return months.month_key(first)
    return f"{months.month_key(first)}-to-{months.month_key(last)}"


def _implication(label: str) -> models.TextField:
    return models.TextField(label, blank=True, **limits.at_most(limits.LONG_TEXT))


class CommitteeReportQuerySet(models.QuerySet):
    def of_quarter(self, month: datetime.date) -> "CommitteeReportQuerySet":
        """The report of exactly the calendar quarter holding `month`: the one its
        quarterly scrutiny links open."""
        first = months.quarter_start(month)
        return self.filter(first_month=first, last_month=months.month_add(first, 2))

    def covering(self, month: datetime.date) -> "CommitteeReportQuerySet":
        return self.filter(first_month__lte=month, last_month__gte=month)


class CommitteeReport(models.Model):
    """A committee report: the cover report, then the plan's progress over a range of
    months (one month, a quarter, a half-year, a year, or any from–to).

    Months are stored as their first day; the range is `first_month` to `last_month`
    inclusive. The forward timetable (`meetings`) and the officers to contact
    (`contacts`) are rows of their own, in the order the report prints them.
    """

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="committee_reports"
    )
    first_month = models.DateField(
        help_text="The first day of the range's first month."
    )
    last_month = models.DateField(help_text="The first day of the range's last month.")
    title = models.CharField("report title", max_length=255, blank=True)
    report_of = models.CharField(
        "report of",
        max_length=255,
        blank=True,
        help_text='The officer presenting it, e.g. "Director of Adult Social Services".',
    )
    wards_affected = models.CharField(
        "wards affected", max_length=255, blank=True, help_text='e.g. "All".'
    )
    purpose = _implication("purpose of this report")
    summary = _implication("summary of main issues")
    financial_implications = _implication("resource and financial implications")
    legal_implications = _implication("legal implications")
    equality_implications = _implication("equality and diversity implications")
    sustainability_implications = _implication(
        "sustainability and environmental implications"
    )
    other_implications = _implication("other implications")
    background_papers = _implication("background papers")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = CommitteeReportQuerySet.as_manager()
    history = HistoricalRecords()

    IMPLICATIONS = [
        "financial_implications",
        "legal_implications",
        "equality_implications",
        "sustainability_implications",
        "other_implications",
    ]

    class Meta:
        ordering = ["plan", "-last_month", "-first_month"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "first_month", "last_month"],
                name="committee_report_unique_per_range",
            ),
            models.CheckConstraint(
                condition=Q(first_month__day=1) & Q(last_month__day=1),
                name="committee_report_months_are_first_days",
            ),
            models.CheckConstraint(
                condition=Q(last_month__gte=F("first_month")),
                name="committee_report_range_not_backwards",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title_shown} ({self.range_label}) – {self.plan}"

    def get_absolute_url(self) -> str:
        return reverse("reporting:committee_pack", args=[self.plan.slug, self.pk])

    def clean(self) -> None:
        if self.first_month and self.last_month and self.last_month < self.first_month:
            raise ValidationError(
                {"last_month": "The last month must not be before the first month."},
                code="range_backwards",
            )

    @property
    def title_shown(self) -> str:
        return self.title or f"Progress on the {self.plan.title} action plan"

    @property
    def months(self) -> list[datetime.date]:
        return months.month_range(self.first_month, self.last_month)

    @property
    def range_label(self) -> str:
        return range_label(self.first_month, self.last_month)

    @property
    def range_key(self) -> str:
        return range_key(self.first_month, self.last_month)

    def implications(self) -> list[tuple[str, str]]:
        """The implications written, as (heading, text), in the report's order."""
        return [
            (str(self._meta.get_field(name).verbose_name).capitalize(), text)
            for name in self.IMPLICATIONS
            if (text := getattr(self, name).strip())
        ]


class CommitteeMeeting(models.Model):
    """A meeting the report goes to (the forward timetable), with what it is asked."""

    report = models.ForeignKey(
        CommitteeReport, on_delete=models.CASCADE, related_name="meetings"
    )
    order = models.PositiveSmallIntegerField(default=0)
    body = models.CharField(
        "meeting", max_length=255, help_text='e.g. "Adult Social Care Scrutiny Board".'
    )
    # Null only for a report moved over from the quarterly scrutiny cover, which had
    # no meeting dates; the form asks for one.
    date = models.DateField("date of meeting", null=True, blank=True)
    recommendations = _implication("recommendations to this meeting")

    class Meta:
        ordering = ["report", "order", "date", "pk"]

    def __str__(self) -> str:
        return f"{self.body}, {self.date:%d %B %Y}" if self.date else self.body


class CommitteeContact(models.Model):
    """A report author or officer to contact, as printed on the cover."""

    report = models.ForeignKey(
        CommitteeReport, on_delete=models.CASCADE, related_name="contacts"
    )
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=255)
    role = models.CharField("job title", max_length=255, blank=True)
    telephone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    is_author = models.BooleanField("report author", default=False)

    class Meta:
        ordering = ["report", "order", "pk"]

    def __str__(self) -> str:
        return self.name


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
    committee = models.ForeignKey(
        CommitteeReport,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
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
