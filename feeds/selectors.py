"""Reads of the feeds app: finding a token, and the rows of a plan's closed months.

The rows are read through the reports' selectors (`reporting.selectors`), so a feed says
what the progress report and the summary's measures say for the same month. A token that
does not allow internal fields sees what the public may see: no item not for publication
(`for_publication`), and none of the fields in `ActionPlan.internal_fields`.
"""

import datetime
import hmac

from django.db.models import Q

from actionplans.models import (
    Action,
    ActionPlan,
    Measure,
    Milestone,
    ReportingPeriod,
)
from lib import months
from reporting.selectors import (
    Kind,
    ReportItem,
    measure_rows,
    period_report_build,
    publishable_blocks,
)

from .models import FeedRequest, FeedToken, token_hash

# The columns of each dataset, in order. Those under an internal field's name are
# shown only where the token allows internal fields or the plan publishes that field.
ITEM_COLUMNS = [
    "month",
    "kind",
    "number",
    "action_number",
    "text",
    "success_criteria",
    "status",
    "status_colour",
    "status_counts_as_complete",
    "complete",
    "direction",
    "plan_start",
    "plan_finish",
    "actual_finish",
    "withdrawn",
    "progress",
]
ITEM_INTERNAL_COLUMNS = {
    "risk": ["risk"],
    "officers": ["leads", "chief_officers"],
    "evidence": ["evidence"],
}
MEASURE_COLUMNS = [
    "month",
    "measure",
    "unit",
    "higher_is_better",
    "baseline",
    "actual",
    "actual_month",
    "target",
    "standing",
    "items",
]
DATASETS = ("items", "measures")

Row = dict[str, object]


def feed_token_find(*, secret: str) -> FeedToken | None:
    """The token (with its plan) whose hash is that of `secret`, revoked or not; None
    when there is none. One query."""
    if not secret:
        return None
    wanted = token_hash(secret)
    token = FeedToken.objects.select_related("plan").filter(token_hash=wanted).first()
    # The lookup is by an index; the comparison in constant time is belt and braces.
    if token is None or not hmac.compare_digest(token.token_hash, wanted):
        return None
    return token


def feed_months(
    *,
    plan: ActionPlan,
    month_from: datetime.date | None = None,
    month_to: datetime.date | None = None,
) -> list[datetime.date]:
    """The plan's closed months within the range, oldest first: a feed's pages. The
    open month is never one of them. One query."""
    periods = ReportingPeriod.objects.filter(plan=plan).closed()
    if month_from:
        periods = periods.filter(month__gte=month_from)
    if month_to:
        periods = periods.filter(month__lte=month_to)
    return list(periods.order_by("month").values_list("month", flat=True))


def feed_columns(*, plan: ActionPlan, dataset: str, allows_internal: bool) -> list[str]:
    """The columns a token reads of a dataset, in order."""
    if dataset == "measures":
        return list(MEASURE_COLUMNS)
    hidden = set() if allows_internal else plan.internal_fields()
    columns = list(ITEM_COLUMNS)
    for name, extra in ITEM_INTERNAL_COLUMNS.items():
        if name not in hidden:
            columns += extra
    if allows_internal:
        columns.append("not_for_publication")
    return columns


def _date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def _item_row(
    item: ReportItem, action_number: str, month: datetime.date, exempt: bool
) -> Row:
    update = item.this_month
    status = item.status
    return {
        "month": months.month_key(month),
        "kind": item.kind,
        "number": item.number,
        "action_number": action_number,
        "text": item.text,
        "success_criteria": item.success_criteria,
        "status": item.status_label,
        "status_colour": status.colour if status else "",
        "status_counts_as_complete": bool(status and status.counts_as_complete),
        "complete": item.is_complete,
        "direction": update.direction if update else "",
        "plan_start": _date(item.plan_start),
        "plan_finish": _date(item.plan_finish),
        "actual_finish": _date(item.actual_finish),
        "withdrawn": item.is_withdrawn,
        "progress": update.progress_shown if update else "",
        "risk": update.risk_shown if update else "",
        "leads": item.leads_label,
        "chief_officers": item.chief_officers_label,
        "evidence": "; ".join(evidence.line for evidence in item.evidence),
        "not_for_publication": exempt,
    }


def feed_item_rows(
    *, plan: ActionPlan, month: datetime.date, allows_internal: bool
) -> list[Row]:
    """A closed month's rows, one per action and milestone, as the month's progress
    report reads them (the wording and dates in force at the month's end). A fixed
    number of queries, whatever the size of the plan."""
    report = period_report_build(plan=plan, kind=Kind.PROGRESS, month=month)
    columns = feed_columns(plan=plan, dataset="items", allows_internal=allows_internal)
    blocks = report.blocks if allows_internal else publishable_blocks(report.blocks)
    rows = []
    for block in blocks:
        for item in [block.action, *block.milestones]:
            row = _item_row(item, block.action.number, month, item.is_exempt)
            rows.append({name: row[name] for name in columns})
    return rows


def _published_measures(plan: ActionPlan) -> set[int]:
    """Measures the public may see: those not linked only to items not for publication
    (one query)."""
    public_items = Q(actions__in=Action.objects.for_publication()) | Q(
        milestones__in=Milestone.objects.for_publication()
    )
    no_items = Q(actions__isnull=True, milestones__isnull=True)
    return set(
        Measure.objects.filter(plan=plan)
        .filter(public_items | no_items)
        .values_list("pk", flat=True)
        .distinct()
    )


def _number(value) -> float | None:
    return None if value is None else float(value)


def feed_measure_rows(
    *, plan: ActionPlan, month: datetime.date, allows_internal: bool
) -> list[Row]:
    """A closed month's measures as the summary report reads them: the actual (that
    month's, else the latest before), the target read against and the standing."""
    period = ReportingPeriod.objects.get(plan=plan, month=month)
    rows = measure_rows(plan=plan, period=period)
    if not rows:
        return []
    published = None if allows_internal else _published_measures(plan)
    return [
        {
            "month": months.month_key(month),
            "measure": row.name,
            "unit": row.unit,
            "higher_is_better": row.higher_is_better,
            "baseline": _number(row.baseline_value),
            "actual": _number(row.latest_value),
            "actual_month": months.month_key(row.latest_month)
            if row.latest_month
            else None,
            "target": row.target_text,
            "standing": row.state_label,
            "items": row.items_label,
        }
        for row in rows
        if published is None or row.pk in published
    ]


def feed_rows(
    *, plan: ActionPlan, dataset: str, month: datetime.date, allows_internal: bool
) -> list[Row]:
    build = feed_measure_rows if dataset == "measures" else feed_item_rows
    return build(plan=plan, month=month, allows_internal=allows_internal)


def feed_tokens_for_plan(*, plan: ActionPlan) -> list[FeedToken]:
    """The plan's tokens, newest first, revoked ones included (one query)."""
    return list(
        FeedToken.objects.filter(plan=plan).select_related("created_by", "revoked_by")
    )


def feed_requests_recent(*, plan: ActionPlan, limit: int = 50) -> list[FeedRequest]:
    """The plan's latest requests, newest first, with their tokens (one query)."""
    return list(FeedRequest.objects.filter(plan=plan).select_related("token")[:limit])
