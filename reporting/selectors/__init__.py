"""Reads for reports: one plain context per report, built with a fixed number of queries.

- `proof`: the measures as at a month, and the evidence of the months' updates.
- `items`: the pieces every report shares (items, actions, periods, people), the loading
  and the rules of complete, overdue and exceptions (its docstring states them).
- `register`: the month's register of amendments, as the summary report lists it.
- `period`: the summary, progress, chief officer and exceptions reports of one period.
- `dashboard`: the month series, and the dashboard built from it.
- `measures`: the measures report (each measure's actuals, for the charts).
- `committee`: a committee report's pack over a range of months (the quarter's
  scrutiny pack is one).

Imports run one way: proof ← items ← register ← period ← measures, dashboard ← committee.
"""

from .committee import (
    CommitteePack,
    ProgressRow,
    ProgressSince,
    ScrutinyPack,
    SlippageRow,
    StatusChange,
    committee_pack_build,
    committee_report_pack_build,
    scrutiny_pack_build,
)
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
    publishable_blocks,
    report_rows_stamp,
)
from .measures import MeasuresReport, measures_report_build
from .period import (
    FilterChoices,
    PeriodReport,
    StatusCount,
    SummaryLists,
    period_report_build,
    status_counts,
    summary_lists,
)
from .proof import (
    EvidenceGroup,
    EvidenceRef,
    LinkedItem,
    MeasureActual,
    MeasureRow,
    MeasureTargetRef,
    evidence_by_item,
    measure_rows,
)
from .register import RegisterEntry, register_entries

__all__ = [
    "ActionBlock",
    "CommitteePack",
    "ProgressRow",
    "ProgressSince",
    "StatusChange",
    "committee_pack_build",
    "committee_report_pack_build",
    "Dashboard",
    "EvidenceGroup",
    "EvidenceRef",
    "FilterChoices",
    "Kind",
    "LinkedItem",
    "MeasureActual",
    "MeasureRow",
    "MeasureTargetRef",
    "MeasuresReport",
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
    "evidence_by_item",
    "measure_rows",
    "measures_report_build",
    "other_months",
    "people_label",
    "period_for_plan",
    "period_report_build",
    "publishable_blocks",
    "register_entries",
    "report_rows_stamp",
    "scrutiny_pack_build",
    "status_counts",
    "summary_lists",
]
