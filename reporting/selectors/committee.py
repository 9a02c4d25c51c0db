"""The committee pack: the cover report, the inspection's judgments, then the progress
of a range of months (the quarterly scrutiny pack is the range of a calendar quarter)."""

import datetime
from dataclasses import dataclass, field

from actionplans.models import ActionPlan, ReportingPeriod
from lib import months
from recommendations.selectors import InspectionSummary, inspection_summary

from ..models import (
    CommitteeContact,
    CommitteeMeeting,
    CommitteeReport,
    range_key,
    range_label,
)
from .dashboard import MonthCounts, _month_series
from .items import (
    Kind,
    PeriodRef,
    ReportFilters,
    _period_ref,
    _plan_rows,
    report_rows_stamp,
)
from .period import PeriodReport, period_report_build
from .proof import (
    EvidenceGroup,
    EvidenceRef,
    MeasureRow,
    evidence_by_item,
    measure_rows,
)


@dataclass(frozen=True)
class SlippageRow:
    """An item whose plan finish in force at the quarter's end is later than agreed at
    first (its baseline)."""

    number: str
    baseline_label: str
    current_label: str
    months_slipped: int
    revisions: int
    latest_reason: str


def slippage_rows(report: PeriodReport) -> list[SlippageRow]:
    """The items of the report's month (in the plan) whose plan finish has slipped
    beyond its baseline, in the report's order."""
    rows = []
    for block in report.blocks:
        for item in [block.action, *block.milestones]:
            revised = item.plan_finish_revised
            if item.is_withdrawn or revised is None or revised.baseline is None:
                continue
            if item.plan_finish is None or item.plan_finish <= revised.baseline:
                continue
            rows.append(
                SlippageRow(
                    number=item.number,
                    baseline_label=revised.baseline_label,
                    current_label=item.plan_finish_label,
                    months_slipped=months.months_between(
                        revised.baseline, item.plan_finish
                    ),
                    revisions=revised.revisions,
                    latest_reason=revised.latest_reason,
                )
            )
    return rows


@dataclass(frozen=True)
class StatusChange:
    number: str
    text: str
    before: str
    now: str


@dataclass(frozen=True)
class ProgressRow:
    label: str
    before: int
    now: int

    @property
    def change_label(self) -> str:
        change = self.now - self.before
        return f"+{change}" if change > 0 else str(change) if change else "no change"


@dataclass
class ProgressSince:
    """Status counts at the end of the month the comparison starts from (the last month
    of the previous committee report, else the month before the range) and now."""

    since: PeriodRef
    now: PeriodRef
    since_previous_report: bool
    rows: list[ProgressRow]
    changes: list[StatusChange]

    @property
    def since_label(self) -> str:
        if self.since_previous_report:
            return f"the end of {self.since.label}, the previous report's last month"
        return f"the end of {self.since.label}, the month before this report's range"


@dataclass
class CommitteePack:
    plan: ActionPlan
    quarter_start: datetime.date  # the range's first month (its name from the quarters)
    last_month: datetime.date
    cover: CommitteeReport | None
    report: PeriodReport | None  # the summary and progress of the last closed month
    months: list[MonthCounts]
    status_labels: list[str]
    kind: str = Kind.SCRUTINY
    filters: ReportFilters = field(default_factory=ReportFilters)
    rows_stamp: str = ""  # as PeriodReport.rows_stamp, over the range's months
    # The range's months still open, left out of a report made from closed months.
    left_out: list[PeriodRef] = field(default_factory=list)
    meetings: list[CommitteeMeeting] = field(default_factory=list)
    contacts: list[CommitteeContact] = field(default_factory=list)
    inspection: InspectionSummary | None = None
    progress: ProgressSince | None = None
    # Items whose plan finish at the range's last reported month is past its baseline.
    slippage: list[SlippageRow] = field(default_factory=list)
    # The measures as at the range's last reported month, and the charts' months (the
    # plan's, up to it: a measure's trend reads from its start, not the range's).
    measures: list[MeasureRow] = field(default_factory=list)
    measure_months: list[datetime.date] = field(default_factory=list)
    # The appendix: evidence attached in the range's months, item by item.
    evidence: list[EvidenceGroup] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.cover.title_shown if self.cover else Kind.TITLES[self.kind]

    @property
    def first_month(self) -> datetime.date:
        return self.quarter_start

    @property
    def is_quarter(self) -> bool:
        return self.quarter_start == months.quarter_start(
            self.quarter_start
        ) and self.last_month == months.month_add(self.quarter_start, 2)

    @property
    def range_noun(self) -> str:
        return "quarter" if self.is_quarter else "period"

    @property
    def quarter_label(self) -> str:
        return range_label(self.quarter_start, self.last_month)

    @property
    def quarter_key(self) -> str:
        """The range as names carry it: "2009-q3" for a calendar quarter (the scrutiny
        pack's names before ranges), else "2009-07-to-2009-12"."""
        if self.is_quarter:
            return months.quarter_key(self.quarter_start)
        return range_key(self.quarter_start, self.last_month)

    @property
    def period(self) -> PeriodRef | None:
        return self.report.period if self.report else None

    @property
    def is_draft(self) -> bool:
        """Draft until every month of the range the plan reports on is closed."""
        return not self.months or any(not m.period.is_closed for m in self.months)

    @property
    def subtitle(self) -> str:
        return self.quarter_label

    @property
    def implications(self) -> list[tuple[str, str]]:
        return self.cover.implications() if self.cover else []

    @property
    def authors(self) -> list[CommitteeContact]:
        return [c for c in self.contacts if c.is_author]


# The name the reports used before committee reports had ranges.
ScrutinyPack = CommitteePack


def evidence_groups(
    report: PeriodReport, evidence: dict[tuple[str, int], list[EvidenceRef]]
) -> list[EvidenceGroup]:
    """The items with evidence, in the report's order."""
    groups = []
    for block in report.blocks:
        for item in [block.action, *block.milestones]:
            if entries := evidence.get((item.kind, item.pk)):
                text = item.own_text if item.kind == "milestone" else item.text
                groups.append(EvidenceGroup(item.number, text, entries))
    return groups


def _since_month(
    plan: ActionPlan, first: datetime.date, cover: CommitteeReport | None
) -> tuple[datetime.date, bool]:
    """The month progress is compared from, and whether it is a previous report's."""
    earlier = CommitteeReport.objects.filter(plan=plan, last_month__lt=first)
    if cover is not None and cover.pk:
        earlier = earlier.exclude(pk=cover.pk)
    previous = earlier.order_by("-last_month").values_list("last_month", flat=True)
    if previous := previous.first():
        return previous, True
    return months.month_previous(first), False


def _progress_since(
    series: dict[int, MonthCounts],
    blocks_by_period: dict,
    since: ReportingPeriod,
    now: ReportingPeriod,
    labels: list[str],
    *,
    since_previous_report: bool,
) -> ProgressSince:
    before, after = series[since.pk], series[now.pk]
    rows = [
        ProgressRow(label, before.count_for(label), after.count_for(label))
        for label in labels
    ]
    rows += [
        ProgressRow("Complete", before.complete, after.complete),
        ProgressRow("Overdue", before.overdue, after.overdue),
    ]
    was = {
        (unit.kind, unit.pk): unit.status_label
        for block in blocks_by_period[since.pk]
        for unit in block.units_in_plan
    }
    changes = [
        StatusChange(
            unit.number,
            unit.own_text if unit.kind == "milestone" else unit.text,
            was.get((unit.kind, unit.pk), "Not in the plan"),
            unit.status_label,
        )
        for block in blocks_by_period[now.pk]
        for unit in block.units_in_plan
        if was.get((unit.kind, unit.pk), "Not in the plan") != unit.status_label
    ]
    return ProgressSince(
        since=before.period,
        now=after.period,
        since_previous_report=since_previous_report,
        rows=rows,
        changes=changes,
    )


def committee_pack_build(
    *,
    plan: ActionPlan,
    first: datetime.date,
    last: datetime.date,
    cover: CommitteeReport | None,
    closed_only: bool = True,
) -> CommitteePack:
    """The cover report, the inspection's judgments, the status by month and progress
    since the previous report, slippage and measures, then the summary and progress of
    the range's last closed month (its last month, as a draft, while none is closed;
    with `closed_only` False, its last reported month, as the quarterly scrutiny pack
    has always shown), and the range's evidence.

    A fixed number of queries whatever the plan's size (two more with a saved cover,
    for its meetings and contacts, unless the caller prefetched them).
    """
    first, last = months.month_first(first), months.month_first(last)
    month_list = months.month_range(first, last)
    stamp = report_rows_stamp(plan=plan, report_months=month_list)
    rows = _plan_rows(plan)
    in_range = [p for p in rows.periods if p.month in month_list]
    closed = [p for p in in_range if p.is_closed]
    # Open months are left out of a committee report once one month is closed.
    left_out = (
        [p for p in in_range if not p.is_closed] if closed_only and closed else []
    )
    in_range = [p for p in in_range if p not in left_out]
    last_row = (in_range or [None])[-1]
    since_month, since_previous_report = _since_month(plan, first, cover)
    since_row = next((p for p in rows.periods if p.month == since_month), None)
    series_rows = in_range
    if since_row is not None and last_row is not None:
        series_rows = [since_row, *in_range]
    series, blocks_by_period = _month_series(rows, series_rows, plan.slug)
    by_pk = {m.period.pk: m for m in series}
    shown = [m for m in series if m.period.month in month_list]
    report, measures, measure_months, evidence = None, [], [], []
    if last_row is not None:
        report = period_report_build(
            plan=plan, kind=Kind.PROGRESS, month=last_row.month
        )
        measures = measure_rows(plan=plan, period=last_row, with_actuals=True)
        measure_months = [p.month for p in rows.periods if p.month <= last_row.month]
        evidence = evidence_groups(report, evidence_by_item(in_range))
    labels = [s.label for s in rows.statuses.values()]
    if any(c.status is None and c.this_month for m in series for c in m.counts):
        labels.append("No status")
    progress = None
    if since_row is not None and last_row is not None:
        progress = _progress_since(
            by_pk,
            blocks_by_period,
            since_row,
            last_row,
            labels,
            since_previous_report=since_previous_report,
        )
    has_cover = cover is not None and cover.pk is not None
    return CommitteePack(
        plan=plan,
        quarter_start=first,
        last_month=last,
        cover=cover if has_cover else None,
        report=report,
        months=shown,
        left_out=[_period_ref(p) for p in left_out],
        status_labels=labels,
        rows_stamp=stamp,
        meetings=list(cover.meetings.all()) if has_cover else [],
        contacts=list(cover.contacts.all()) if has_cover else [],
        inspection=inspection_summary(inspection_id=plan.inspection_id),
        progress=progress,
        slippage=slippage_rows(report) if report else [],
        measures=measures,
        measure_months=measure_months,
        evidence=evidence,
    )


def committee_report_pack_build(*, committee: CommitteeReport) -> CommitteePack:
    """The pack of a saved committee report."""
    return committee_pack_build(
        plan=committee.plan,
        first=committee.first_month,
        last=committee.last_month,
        cover=committee,
    )


def scrutiny_pack_build(*, plan: ActionPlan, quarter: datetime.date) -> CommitteePack:
    """The pack of the calendar quarter holding `quarter`, with the committee report of
    exactly that quarter as its cover when there is one."""
    first = months.quarter_start(quarter)
    last = months.month_add(first, 2)
    cover = (
        CommitteeReport.objects.filter(plan=plan)
        .of_quarter(first)
        .prefetch_related("meetings", "contacts")
        .first()
    )
    return committee_pack_build(
        plan=plan, first=first, last=last, cover=cover, closed_only=False
    )
