"""Reads for reports: one plain context per report, built with a fixed number of queries.

- `items`: the pieces every report shares (items, actions, periods, people), the loading
  and the rules of complete, overdue and exceptions (its docstring states them).
- `register`: the month's register of amendments, as the summary report lists it.
- `period`: the summary, progress, chief officer and exceptions reports of one period.
- `dashboard`: the month series, and the dashboard built from it.
- `scrutiny`: the quarter's scrutiny pack.

Imports run one way: items ← register ← period ← dashboard ← scrutiny.
"""

from .dashboard import Dashboard, MonthCounts, OfficerRow, dashboard_build
from .items import (
    ActionBlock,
    Kind,
    OtherMonths,
    PeriodRef,
    Person,
    RecommendationGroup,
    RecommendationRef,
    ReportError,
    ReportFilters,
    ReportItem,
    Revised,
    UpdateView,
    other_months,
    people_label,
    period_for_plan,
    report_rows_stamp,
)
from .period import (
    FilterChoices,
    PeriodReport,
    StatusCount,
    SummaryLists,
    period_report_build,
    status_counts,
    summary_lists,
)
from .register import RegisterEntry, register_entries
from .scrutiny import ScrutinyPack, SlippageRow, scrutiny_pack_build

__all__ = [
    "ActionBlock",
    "Dashboard",
    "FilterChoices",
    "Kind",
    "MonthCounts",
    "OfficerRow",
    "OtherMonths",
    "PeriodRef",
    "PeriodReport",
    "Person",
    "RecommendationGroup",
    "RecommendationRef",
    "RegisterEntry",
    "ReportError",
    "ReportFilters",
    "ReportItem",
    "Revised",
    "ScrutinyPack",
    "SlippageRow",
    "StatusCount",
    "SummaryLists",
    "UpdateView",
    "dashboard_build",
    "other_months",
    "people_label",
    "period_for_plan",
    "period_report_build",
    "register_entries",
    "report_rows_stamp",
    "scrutiny_pack_build",
    "status_counts",
    "summary_lists",
]
