"""Reads for the public pages: a published plan's closed months, without what is internal.

The public context is built from reporting's month report (`period_report_build`) by one
redaction step, `public_month_build`: items not for publication are dropped (the
QuerySet rule `for_publication`, one query per model), and every field the plan keeps
internal (`ActionPlan.internal_fields`) is left out. The public dataclasses below carry
no other copy of a report row, so a template cannot print what was never put in them.
"""

import datetime
import hashlib
from dataclasses import dataclass, field, replace

from django.http import Http404

from actionplans.models import (
    ActionPlan,
    ReportingPeriod,
    StatusOption,
)
from lib import months
from recommendations.models import Judgment, Recommendation
from reporting.rendering import REPORT_FORMAT
from reporting.selectors import (
    Kind,
    PeriodReport,
    ReportItem,
    StatusCount,
    period_report_build,
    publishable_blocks,
    report_rows_stamp,
    status_counts,
    summary_lists,
)

# Changed whenever what a public page prints changes without its rows changing, so that
# pages and PDFs cached before are made again.
PUBLIC_FORMAT = "1"


@dataclass(frozen=True)
class PublicEvidence:
    title: str
    url: str  # a link's address; "" for a document (its download needs a sign-in)
    refers_to_label: str


@dataclass(frozen=True)
class PublicItem:
    """An action or milestone as the public sees it in a closed month."""

    kind: str
    number: str
    aim: str
    text: str
    success_criteria: str
    status: StatusOption | None
    direction_arrow: str
    direction_words: str
    no_return_note: str
    plan_start_label: str
    plan_finish_label: str
    plan_finish_note: str  # "was Jun 2009; revised twice"
    actual_finish_label: str
    withdrawn_label: str
    progress: str
    progress_label: str  # "Last written in July 2009" for a no return's narrative
    # Empty unless the plan publishes them.
    risk: str = ""
    leads: str = ""
    chief_officers: str = ""
    evidence: list[PublicEvidence] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return self.status.label if self.status else "No status"


@dataclass(frozen=True)
class PublicBlock:
    action: PublicItem
    milestones: list[PublicItem]


@dataclass(frozen=True)
class PublicGroup:
    recommendations: list[str]  # "Recommendation 1: Investigate concerns urgently."
    blocks: list[PublicBlock]


@dataclass(frozen=True)
class PublicLists:
    completed: list[PublicItem]
    overdue: list[PublicItem]
    due_next: list[PublicItem]
    commencing_next: list[PublicItem]


@dataclass(frozen=True)
class PublicMonth:
    """The context of a public month page and of its PDF."""

    plan: ActionPlan
    month: datetime.date
    next_month: datetime.date
    published_at: datetime.datetime
    shows_risks: bool
    shows_officers: bool
    shows_evidence: bool
    statuses: list[StatusOption]
    groups: list[PublicGroup]
    lists: PublicLists
    counts: list[StatusCount]
    unit_total: int
    period_risks: str  # the month's risks narrative, when risks are published

    @property
    def label(self) -> str:
        return f"{self.month:%B %Y}"

    @property
    def key(self) -> str:
        return months.month_key(self.month)

    @property
    def next_month_label(self) -> str:
        return f"{self.next_month:%B %Y}"


@dataclass(frozen=True)
class PublicRecommendation:
    number: str
    text: str
    judgment_area: str


@dataclass(frozen=True)
class PublicPlan:
    """The context of a published plan's public page."""

    plan: ActionPlan
    judgments: list[Judgment]
    recommendations: list[PublicRecommendation]
    months: list[datetime.date]  # the closed months, latest first

    @property
    def inspection(self):
        return self.plan.inspection

    @property
    def latest_month(self) -> datetime.date | None:
        return self.months[0] if self.months else None


# ---------------------------------------------------------------------------------------
# Finding what is published


def published_plan_get(*, slug: str) -> ActionPlan:
    """The published plan, with its inspection; 404 for any other (one query)."""
    plan = (
        ActionPlan.objects.select_related("inspection")
        .filter(slug=slug, published_at__isnull=False)
        .first()
    )
    if plan is None:
        raise Http404("No published plan here.")
    return plan


def public_period_get(*, plan: ActionPlan, month_key: str) -> ReportingPeriod:
    """The plan's closed month written YYYY-MM; 404 for an open or unknown month."""
    try:
        month = months.month_parse(month_key)
    except ValueError as error:
        raise Http404(str(error)) from error
    period = plan.periods.closed().filter(month=month).first()
    if period is None:
        raise Http404("That month is not published.")
    return period


def public_plan_build(*, plan: ActionPlan) -> PublicPlan:
    """The plan page: the inspection, its judgments, its recommendations with the area
    each answers, and the closed months (three queries)."""
    judgments = list(Judgment.objects.filter(inspection_id=plan.inspection_id))
    recommendations = [
        PublicRecommendation(
            number=rec.number,
            text=rec.text,
            judgment_area=rec.judgment.area if rec.judgment else "",
        )
        for rec in Recommendation.objects.filter(
            inspection_id=plan.inspection_id
        ).select_related("judgment")
    ]
    closed = plan.periods.closed().order_by("-month").values_list("month", flat=True)
    return PublicPlan(
        plan=plan,
        judgments=judgments,
        recommendations=recommendations,
        months=list(closed),
    )


# A public page served in the last this many seconds is served again as it was,
# without a query: readers' browsers and shared caches keep it for PUBLIC_MAX_AGE (five
# minutes) anyway, and what a coordinator changes on the Publishing page forgets it at
# once (`services.recent_public_pages_forget`).
PUBLIC_FRESH_SECONDS = 30


def public_recent_key(*, slug: str, month_key: str = "") -> str:
    """The cache key of a public page as it was last served (see PUBLIC_FRESH_SECONDS):
    the plan's month page, or without a month its plan page."""
    return f"public-recent:{slug}:{month_key or 'plan'}"


def public_month_key(*, plan: ActionPlan, period: ReportingPeriod) -> str:
    """The cache key of a public month page (and its PDF's name): it changes with the
    period's close and amendment, the publication settings, and every write to a row
    the month's report reads (`report_rows_stamp`, one query), exempt flags included."""
    inspection = plan.inspection
    parts = [
        PUBLIC_FORMAT,
        # Reporting's format too: the public pages are built from its report rows.
        REPORT_FORMAT,
        str(plan.pk),
        months.month_key(period.month),
        period.closed_at.isoformat() if period.closed_at else "",
        period.amended_at.isoformat() if period.amended_at else "",
        plan.published_at.isoformat() if plan.published_at else "",
        plan.updated_at.isoformat(),
        ",".join(sorted(plan.internal_fields())),
        inspection.inspectorate,
        inspection.title,
        report_rows_stamp(plan=plan, report_months=[period.month]),
    ]
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]
    return f"public-month:{plan.slug}:{months.month_key(period.month)}:{digest}"


# ---------------------------------------------------------------------------------------
# The redaction step


def _public_item(item: ReportItem, internal: frozenset[str]) -> PublicItem:
    update = item.this_month
    revised = item.plan_finish_revised
    values: dict = {}
    if "risk" not in internal and update:
        values["risk"] = update.risk_shown
    if "officers" not in internal:
        values["leads"] = item.own_leads_label
        values["chief_officers"] = item.chief_officers_label
    if "evidence" not in internal:
        values["evidence"] = [
            PublicEvidence(
                title=evidence.title,
                url=evidence.url,
                refers_to_label=evidence.refers_to_label,
            )
            for evidence in item.evidence
        ]
    return PublicItem(
        kind=item.kind,
        number=item.number,
        aim=item.aim,
        text=item.own_text if item.kind == "milestone" else item.text,
        success_criteria=item.success_criteria,
        status=item.status,
        direction_arrow=update.direction_arrow if update else "",
        direction_words=update.direction_words if update else "",
        no_return_note=update.no_return_note if update else "",
        plan_start_label=item.plan_start_label,
        plan_finish_label=item.plan_finish_label,
        plan_finish_note=revised.note if revised else "",
        actual_finish_label=item.actual_finish_label,
        withdrawn_label=item.withdrawn_label,
        progress=update.progress_shown if update else "",
        progress_label=update.carried_label if update else "",
        **values,
    )


def _list_item(item: ReportItem, internal: frozenset[str]) -> PublicItem:
    """A unit of the summary lists: quoted with its action's text where it has none."""
    public = _public_item(item, internal)
    if item.kind == "milestone":
        leads = item.leads_label if "officers" not in internal else ""
        public = replace(public, text=item.text, leads=leads)
    return public


def public_month_redact(*, report: PeriodReport) -> PublicMonth:
    """The public context of a month's report: exempt items dropped, and only the
    internal fields the plan publishes kept (`publishable_blocks`). No query."""
    plan = report.plan
    internal = plan.internal_fields()
    groups: list[PublicGroup] = []
    units: list[ReportItem] = []
    for group in report.groups:
        blocks = []
        for block in publishable_blocks(group.blocks):
            units += block.units_in_plan
            blocks.append(
                PublicBlock(
                    action=_public_item(block.action, internal),
                    milestones=[_public_item(m, internal) for m in block.milestones],
                )
            )
        if blocks:
            groups.append(
                PublicGroup(
                    recommendations=[
                        f"Recommendation {rec.number}: {rec.text}"
                        for rec in group.recommendations
                    ],
                    blocks=blocks,
                )
            )
    lists = summary_lists(units, report.period, report.next_month)
    return PublicMonth(
        plan=plan,
        month=report.period.month,
        next_month=report.next_month,
        published_at=plan.published_at,
        shows_risks=plan.public_shows_risks,
        shows_officers=plan.public_shows_officers,
        shows_evidence=plan.public_shows_evidence,
        statuses=report.statuses,
        groups=groups,
        lists=PublicLists(
            completed=[_list_item(u, internal) for u in lists.completed],
            overdue=[_list_item(u, internal) for u in lists.overdue],
            due_next=[_list_item(u, internal) for u in lists.due_next],
            commencing_next=[_list_item(u, internal) for u in lists.commencing_next],
        ),
        counts=status_counts(
            units, report.statuses, has_previous=report.previous is not None
        ),
        unit_total=len(units),
        period_risks="" if "risk" in internal else report.period.risks,
    )


def public_month_build(*, plan: ActionPlan, period: ReportingPeriod) -> PublicMonth:
    """The public context of a closed month of a published plan."""
    if not plan.is_published or not period.is_closed:
        raise Http404("That month is not published.")
    report = period_report_build(plan=plan, kind=Kind.PROGRESS, month=period.month)
    return public_month_redact(report=report)
