"""The scrutiny pack: the cover report, then the summary and progress of the quarter."""

import datetime
from dataclasses import dataclass, field

from actionplans.models import ActionPlan
from lib import months

from ..models import ScrutinyReport
from .dashboard import MonthCounts, _month_series
from .items import Kind, PeriodRef, ReportFilters, _plan_rows, report_rows_stamp
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


def _months_between(start: datetime.date, end: datetime.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


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
                    months_slipped=_months_between(revised.baseline, item.plan_finish),
                    revisions=revised.revisions,
                    latest_reason=revised.latest_reason,
                )
            )
    return rows


@dataclass
class ScrutinyPack:
    plan: ActionPlan
    quarter_start: datetime.date
    cover: ScrutinyReport | None
    report: PeriodReport | None  # the summary and progress of the quarter's last month
    months: list[MonthCounts]
    status_labels: list[str]
    kind: str = Kind.SCRUTINY
    filters: ReportFilters = field(default_factory=ReportFilters)
    rows_stamp: str = ""  # as PeriodReport.rows_stamp, over the quarter's months
    # Items whose plan finish at the quarter's last reported month is past its baseline.
    slippage: list[SlippageRow] = field(default_factory=list)
    # The measures as at the quarter's last reported month, and the charts' months (the
    # plan's, up to it: a measure's trend reads from its start, not the quarter's).
    measures: list[MeasureRow] = field(default_factory=list)
    measure_months: list[datetime.date] = field(default_factory=list)
    # The appendix: evidence attached in the quarter's months, item by item.
    evidence: list[EvidenceGroup] = field(default_factory=list)

    @property
    def title(self) -> str:
        return Kind.TITLES[self.kind]

    @property
    def quarter_label(self) -> str:
        return months.quarter_label(self.quarter_start)

    @property
    def quarter_key(self) -> str:
        return months.quarter_key(self.quarter_start)

    @property
    def period(self) -> PeriodRef | None:
        return self.report.period if self.report else None

    @property
    def is_draft(self) -> bool:
        """Draft until every month of the quarter the plan reports on is closed."""
        return not self.months or any(not m.period.is_closed for m in self.months)

    @property
    def subtitle(self) -> str:
        return self.quarter_label


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


def scrutiny_pack_build(*, plan: ActionPlan, quarter: datetime.date) -> ScrutinyPack:
    """The cover report, then the summary and progress of the quarter's last reported
    month, the measures as at that month and the quarter's evidence."""
    quarter = months.quarter_start(quarter)
    month_list = months.quarter_months(quarter)
    stamp = report_rows_stamp(plan=plan, report_months=month_list)
    cover = ScrutinyReport.objects.filter(plan=plan, quarter=quarter).first()
    rows = _plan_rows(plan)
    in_quarter = [p for p in rows.periods if p.month in month_list]
    report, measures, measure_months, evidence = None, [], [], []
    if in_quarter:
        last = in_quarter[-1]
        report = period_report_build(plan=plan, kind=Kind.PROGRESS, month=last.month)
        measures = measure_rows(plan=plan, period=last, with_actuals=True)
        measure_months = [p.month for p in rows.periods if p.month <= last.month]
        evidence = evidence_groups(report, evidence_by_item(in_quarter))
    series, _ = _month_series(rows, in_quarter, plan.slug)
    labels = [s.label for s in rows.statuses.values()]
    if any(c.status is None and c.this_month for m in series for c in m.counts):
        labels.append("No status")
    return ScrutinyPack(
        plan=plan,
        quarter_start=quarter,
        cover=cover,
        report=report,
        months=series,
        status_labels=labels,
        rows_stamp=stamp,
        slippage=slippage_rows(report) if report else [],
        measures=measures,
        measure_months=measure_months,
        evidence=evidence,
    )
