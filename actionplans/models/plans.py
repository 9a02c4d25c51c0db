"""Plans and their status schemes (the council's RAG scheme, in a fixed palette)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from lib import limits
from organisations.models import Organisation
from recommendations.models import Inspection

from ..rules import StatusRank
from .periods import ReportingPeriod


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
    return_deadline_working_day = models.PositiveSmallIntegerField(
        "return deadline (working day)",
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text="Leads' updates for a month are due on this working day after the "
        "month ends (weekends and England and Wales bank holidays excluded). "
        "Reminders and escalation follow from it.",
    )
    # The progress report's and exports' columns, in order (keys of
    # reporting.columns.COLUMNS); empty for the Leeds layout of seed 001.
    report_columns = models.JSONField(default=list, blank=True)
    report_by_section = models.BooleanField(
        "group under sections",
        default=False,
        help_text="Group the progress report's recommendations under their sections "
        '(Dudley\'s "II IMPROVED QUALITY OF LIFE …").',
    )
    # Publication: a published plan's closed months are on public pages, without what
    # is internal (see `internal_fields`).
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    public_shows_risks = models.BooleanField("publish risk narratives", default=False)
    public_shows_officers = models.BooleanField(
        "publish officer names",
        default=False,
        help_text="Leads and chief officers. Off: the public sees neither.",
    )
    public_shows_evidence = models.BooleanField(
        "publish evidence titles and links", default=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionPlanQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(return_deadline_working_day__range=(1, 20)),
                name="plan_return_deadline_1_to_20_working_days",
            ),
        ]

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

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def internal_fields(self) -> frozenset[str]:
        """What the public may not see of this plan: some of "risk", "officers" and
        "evidence". The one rule for public pages, public PDFs and feeds without
        internal access; items marked not for publication are left out entirely."""
        shown = {
            "risk": self.public_shows_risks,
            "officers": self.public_shows_officers,
            "evidence": self.public_shows_evidence,
        }
        return frozenset(name for name, public in shown.items() if not public)

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
    needs_proof = models.BooleanField(
        default=False,
        help_text="Means the success criteria are met (Blue): submitted only with "
        "evidence attached or every linked measure at its target.",
    )
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
