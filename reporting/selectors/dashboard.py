"""Month series (the dashboard, and the scrutiny pack's status-by-month table)."""

import datetime
from dataclasses import dataclass, field

from actionplans.models import ActionPlan, ReportingPeriod, StatusOption
from lib import months

from .items import (
    ActionBlock,
    Kind,
    OtherMonths,
    PeriodRef,
    Person,
    ReportFilters,
    _action_contexts,
    _items,
    _period_ref,
    _plan_rows,
    _PlanRows,
    _updates_for,
    other_months,
    period_for_plan,
)
from .period import StatusCount, _OneMonthReport, status_counts


@dataclass
class MonthCounts:
    period: PeriodRef
    counts: list[StatusCount]  # last_month unused here
    complete: int
    overdue: int
    total: int
    # Units that slipped in the month: worse than the month before, or their plan
    # finish moved later (ReportItem.has_slipped).
    slipped: int = 0

    def count_for(self, label: str) -> int:
        return next((c.this_month for c in self.counts if c.label == label), 0)


@dataclass
class OfficerRow:
    officer: Person
    counts: list[int]  # in the order of the report's status columns
    total: int


@dataclass
class Dashboard(_OneMonthReport):
    plan: ActionPlan
    period: PeriodRef
    statuses: list[StatusOption]
    status_labels: list[str]
    months: list[MonthCounts]
    chief_officer_rows: list[OfficerRow]
    kind: str = Kind.DASHBOARD
    filters: ReportFilters = field(default_factory=ReportFilters)
    other_months: OtherMonths = field(default_factory=lambda: OtherMonths(None, None))

    @property
    def subtitle(self) -> str:
        return f"All months to {self.period.label}"

    @property
    def current(self) -> MonthCounts | None:
        return next((m for m in self.months if m.period.pk == self.period.pk), None)


def _month_series(
    rows: _PlanRows, periods: list[ReportingPeriod], plan_slug: str
) -> tuple[list[MonthCounts], dict[int, list[ActionBlock]]]:
    """Counts by status, complete, overdue and slipped units for each period (one query:
    the updates of the periods and of the month before each, for its slips)."""
    wanted = {p.month for p in periods} | {
        months.month_previous(p.month) for p in periods
    }
    read = [p for p in rows.periods if p.month in wanted]
    refs = {p.month: _period_ref(p) for p in read}
    updates = _updates_for(read, rows.statuses)
    statuses = list(rows.statuses.values())
    series, blocks_by_period = [], {}
    contexts = _action_contexts(rows, plan_slug)
    for period_row in periods:
        period = refs[period_row.month]
        previous = refs.get(months.month_previous(period.month))
        blocks = _items(rows, updates, period, previous, plan_slug, contexts)
        units = [unit for block in blocks for unit in block.units_in_plan]
        blocks_by_period[period.pk] = blocks
        series.append(
            MonthCounts(
                period=period,
                counts=status_counts(units, statuses, has_previous=False),
                complete=sum(1 for u in units if u.is_complete),
                overdue=sum(1 for u in units if u.is_overdue),
                total=len(units),
                slipped=sum(1 for u in units if u.has_slipped),
            )
        )
    return series, blocks_by_period


def dashboard_build(
    *, plan: ActionPlan, month: datetime.date | None = None
) -> Dashboard:
    """Every month of the plan, and chief officers × statuses for the chosen period."""
    rows = _plan_rows(plan)
    period_row = period_for_plan(plan=plan, month=month, periods=rows.periods)
    shown = [p for p in rows.periods if p.month <= period_row.month]
    series, blocks_by_period = _month_series(rows, shown, plan.slug)
    statuses = list(rows.statuses.values())
    labels = [s.label for s in statuses]
    current = next(m for m in series if m.period.pk == period_row.pk)
    if any(c.status is None and c.this_month for c in current.counts):
        labels.append("No status")
    officers: dict[int, OfficerRow] = {}
    for block in blocks_by_period[period_row.pk]:
        for person in block.action.chief_officers:
            row = officers.setdefault(
                person.pk, OfficerRow(person, [0] * len(labels), 0)
            )
            for unit in block.units_in_plan:
                row.counts[labels.index(unit.status_label)] += 1
                row.total += 1
    return Dashboard(
        plan=plan,
        period=_period_ref(period_row),
        statuses=statuses,
        status_labels=labels,
        months=series,
        chief_officer_rows=sorted(
            officers.values(), key=lambda row: row.officer.name.lower()
        ),
        other_months=other_months(rows.periods, shown=period_row.month),
    )
