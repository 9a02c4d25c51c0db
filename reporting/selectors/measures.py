"""The measures report: each measure of the plan as at a month, with its actuals month by
month for the charts."""

import datetime
from dataclasses import dataclass, field

from actionplans.models import ActionPlan

from .items import (
    Kind,
    OtherMonths,
    PeriodRef,
    ReportFilters,
    _period_ref,
    other_months,
    period_for_plan,
)
from .period import _OneMonthReport
from .proof import MeasureRow, measure_rows


@dataclass
class MeasuresReport(_OneMonthReport):
    plan: ActionPlan
    period: PeriodRef
    # The chart's months: the plan's, up to the report's.
    months: list[datetime.date]
    measures: list[MeasureRow]
    periods: list[PeriodRef]  # every month of the plan, to choose from
    kind: str = Kind.MEASURES
    filters: ReportFilters = field(default_factory=ReportFilters)
    other_months: OtherMonths = field(default_factory=lambda: OtherMonths(None, None))

    @property
    def subtitle(self) -> str:
        return self.period.label


def measures_report_build(
    *, plan: ActionPlan, month: datetime.date | None = None
) -> MeasuresReport:
    """The plan's measures as at the month (by default the latest closed one): six
    queries, two when the plan has no measures."""
    periods = list(plan.periods.order_by("month"))
    period_row = period_for_plan(plan=plan, month=month, periods=periods)
    return MeasuresReport(
        plan=plan,
        period=_period_ref(period_row),
        months=[p.month for p in periods if p.month <= period_row.month],
        measures=measure_rows(plan=plan, period=period_row, with_actuals=True),
        periods=[_period_ref(p) for p in periods],
        other_months=other_months(periods, shown=period_row.month),
    )
