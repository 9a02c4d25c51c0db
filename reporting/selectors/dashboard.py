"""Month series (the dashboard, and the scrutiny pack's status-by-month table)."""

import datetime
import hashlib
from dataclasses import dataclass, field

from django.core.cache import cache

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
    plan_rows_stamp,
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


# Changed whenever what a month's figures hold changes, so that those cached before are
# counted again rather than read.
MONTH_FIGURES_FORMAT = "1"
# How long a month's figures stay in the shared cache unread. Closed months' keys never
# go stale (see _figures_key), so this only bounds the space they take.
MONTH_FIGURES_SECONDS = 30 * 24 * 60 * 60


@dataclass
class _MonthFigures:
    """What the dashboard shows of one month: its counts, and its units by chief officer
    and status label (the chosen month's table)."""

    counts: MonthCounts
    by_chief_officer: list[tuple[Person, dict[str, int]]]


def _figures_key(
    plan: ActionPlan,
    period: ReportingPeriod,
    previous: ReportingPeriod | None,
    *,
    plan_stamp: str,
) -> str | None:
    """The shared cache's key for a closed month's figures; None for an open month.

    A closed month's updates are frozen: only reopening it (and closing it again, at a
    new `closed_at`) or a recorded amendment (`amended_at`) changes them. What every
    month reads besides, its items, agreed values, statuses and officers, is in
    `plan_stamp`. The month before is in the key for the slips counted against it.
    """
    if not period.is_closed:
        return None
    parts = [
        MONTH_FIGURES_FORMAT,
        str(plan.pk),
        str(period.pk),
        plan_stamp,
        *(
            f"{p.pk}:{p.state}:{p.closed_at}:{p.amended_at}" if p else "-"
            for p in (period, previous)
        ),
    ]
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]
    return f"month-figures:{plan.slug}:{digest}"


def _month_figures(
    plan: ActionPlan, periods: list[ReportingPeriod], shown: list[ReportingPeriod]
) -> list[_MonthFigures]:
    """The figures of the `shown` months: closed months' from the shared cache where
    they are there (one read), the rest counted from the rows (`_month_series`) and
    closed ones stored for next time. Counted once, a closed month is never counted
    again until something it counts changes, so the dashboard costs the months it
    shows, not the updates behind them."""
    by_month = {p.month: p for p in periods}
    plan_stamp = plan_rows_stamp(plan=plan)
    keys = {
        period.pk: _figures_key(
            plan,
            period,
            by_month.get(months.month_previous(period.month)),
            plan_stamp=plan_stamp,
        )
        for period in shown
    }
    cached = cache.get_many([key for key in keys.values() if key])
    figures = {
        pk: cached[key] for pk, key in keys.items() if key is not None and key in cached
    }
    missing = [period for period in shown if period.pk not in figures]
    if missing:
        rows = _plan_rows(plan)
        series, blocks_by_period = _month_series(rows, missing, plan.slug)
        counted = {
            counts.period.pk: _MonthFigures(
                counts, _by_chief_officer(blocks_by_period[counts.period.pk])
            )
            for counts in series
        }
        figures |= counted
        cache.set_many(
            {keys[pk]: value for pk, value in counted.items() if keys[pk]},
            timeout=MONTH_FIGURES_SECONDS,
        )
    return [figures[period.pk] for period in shown]


def _by_chief_officer(
    blocks: list[ActionBlock],
) -> list[tuple[Person, dict[str, int]]]:
    """Each chief officer with their actions' units counted by status label."""
    officers: dict[int, tuple[Person, dict[str, int]]] = {}
    for block in blocks:
        for person in block.action.chief_officers:
            _, counts = officers.setdefault(person.pk, (person, {}))
            for unit in block.units_in_plan:
                counts[unit.status_label] = counts.get(unit.status_label, 0) + 1
    return list(officers.values())


def dashboard_build(
    *, plan: ActionPlan, month: datetime.date | None = None
) -> Dashboard:
    """Every month of the plan, and chief officers × statuses for the chosen period."""
    periods = list(plan.periods.order_by("month"))
    period_row = period_for_plan(plan=plan, month=month, periods=periods)
    shown = [p for p in periods if p.month <= period_row.month]
    figures = _month_figures(plan, periods, shown)
    statuses = list(plan.statuses.order_by("order", "pk"))
    labels = [s.label for s in statuses]
    current = figures[-1]
    if any(c.status is None and c.this_month for c in current.counts.counts):
        labels.append("No status")
    officer_rows = [
        OfficerRow(
            person,
            [counts.get(label, 0) for label in labels],
            sum(counts.values()),
        )
        for person, counts in current.by_chief_officer
    ]
    return Dashboard(
        plan=plan,
        period=_period_ref(period_row),
        statuses=statuses,
        status_labels=labels,
        months=[f.counts for f in figures],
        chief_officer_rows=sorted(
            officer_rows, key=lambda row: row.officer.name.lower()
        ),
        other_months=other_months(periods, shown=period_row.month),
    )
