"""The proof behind a report's statuses: the plan's measures as at the report's month, and
the evidence attached to the month's updates.

A measure's latest actual and standing come from `actionplans.proof.measure_lines`, the one
definition the update form, the sign-off and the measures page use too; it reads only the
months up to the report's, so a closed month's report never shows a later actual. Each
read here is a fixed number of queries, whatever the number of measures or items.
"""

import datetime
import decimal
from dataclasses import dataclass, field

from django.db.models import CharField, IntegerField, Value

from actionplans.models import (
    ActionPlan,
    Evidence,
    Measure,
    MeasureValue,
    ReportingPeriod,
)
from actionplans.proof import measure_lines
from actionplans.rules import MeasureState

# Text first, colour only reinforcing it, as the measures page colours them: a missed
# target stands out, one met reads as done, the rest stay quiet.
STANDING_COLOURS = {
    MeasureState.MET: "green",
    MeasureState.ON_TRACK: "grey",
    MeasureState.BEHIND: "red",
    MeasureState.NO_ACTUAL: "none",
    MeasureState.NO_TARGET: "none",
}

# ("action" | "milestone", pk), as ReportItem.kind and ReportItem.pk give it.
ItemKey = tuple[str, int]


def _day_label(value: datetime.date) -> str:
    return f"{value.day} {value:%b %Y}"


# ---------------------------------------------------------------------------------------
# Evidence


@dataclass(frozen=True)
class EvidenceRef:
    """A document or link attached to an item's update, as a report lists it.

    A document is served by `evidence:download` (which checks the reader may see the
    plan); a link is its `url`.
    """

    pk: int
    title: str
    refers_to: datetime.date
    month: datetime.date  # the month of the update it is attached to
    url: str  # the link; "" for a document
    file_name: str

    @property
    def is_file(self) -> bool:
        return not self.url

    @property
    def refers_to_label(self) -> str:
        """ "30 Jul 2009", the date of the meeting, report or figures."""
        return _day_label(self.refers_to)

    @property
    def month_label(self) -> str:
        return f"{self.month:%B %Y}"

    @property
    def line(self) -> str:
        """ "Board minutes (30 Jul 2009)", as the spreadsheet writes it."""
        return f"{self.title} ({self.refers_to_label})"


def evidence_by_item(
    periods: list[ReportingPeriod],
) -> dict[ItemKey, list[EvidenceRef]]:
    """The evidence attached to the updates of these periods, by item, in month and date
    order (one query)."""
    if not periods:
        return {}
    found: dict[ItemKey, list[EvidenceRef]] = {}
    rows = (
        Evidence.objects.filter(update__period__in=periods)
        .order_by("update__period__month", "refers_to", "pk")
        .values_list(
            "pk",
            "title",
            "refers_to",
            "update__period__month",
            "url",
            "file_name",
            "update__action_id",
            "update__milestone_id",
        )
    )
    for pk, title, refers_to, month, url, file_name, action_id, milestone_id in rows:
        key = ("milestone", milestone_id) if milestone_id else ("action", action_id)
        found.setdefault(key, []).append(
            EvidenceRef(pk, title, refers_to, month, url, file_name)
        )
    return found


@dataclass(frozen=True)
class EvidenceGroup:
    """The evidence of one action or milestone over the months a pack covers."""

    number: str
    text: str
    entries: list[EvidenceRef]


# ---------------------------------------------------------------------------------------
# Measures


@dataclass(frozen=True)
class LinkedItem:
    """An action or milestone a measure is a success criterion of."""

    number: str
    action_id: int


@dataclass(frozen=True)
class MeasureActual:
    """A month's actual, as the chart plots it."""

    month: datetime.date
    value: decimal.Decimal
    label: str  # "76%"


@dataclass(frozen=True)
class MeasureTargetRef:
    label: str  # "Year 1", or ""
    due: datetime.date
    value: decimal.Decimal
    value_label: str  # "76%"

    @property
    def text(self) -> str:
        """ "Year 1: 76% by March 2010"."""
        words = f"{self.value_label} by {self.due:%B %Y}"
        return f"{self.label}: {words}" if self.label else words


@dataclass(frozen=True)
class MeasureRow:
    """A measure as at the end of the report's month."""

    pk: int
    name: str
    unit: str  # Measure.Unit
    higher_is_better: bool
    source: str
    baseline_value: decimal.Decimal | None
    baseline_label: str  # "63%", "" for none
    baseline_date: datetime.date | None
    latest_value: decimal.Decimal | None  # the month's actual, else the latest before
    latest_label: str
    latest_month: datetime.date | None
    target_text: str  # the target read against: "76% by March 2010", "" for none
    state: str  # MeasureState
    items: list[LinkedItem]
    targets: list[MeasureTargetRef]
    # Month by month up to the report's month: filled only for the charts.
    actuals: list[MeasureActual] = field(default_factory=list)

    @property
    def state_label(self) -> str:
        return MeasureState(self.state).label

    @property
    def state_colour(self) -> str:
        return STANDING_COLOURS[MeasureState(self.state)]

    @property
    def is_behind(self) -> bool:
        return self.state == MeasureState.BEHIND

    @property
    def baseline_date_label(self) -> str:
        return f"{self.baseline_date:%B %Y}" if self.baseline_date else ""

    @property
    def latest_month_label(self) -> str:
        return f"{self.latest_month:%B %Y}" if self.latest_month else ""

    @property
    def items_label(self) -> str:
        return ", ".join(item.number for item in self.items)

    @property
    def direction_label(self) -> str:
        return "higher is better" if self.higher_is_better else "lower is better"


def _linked_items(plan: ActionPlan) -> dict[int, list[LinkedItem]]:
    """Each measure's actions and milestones in the plan's reading order (one query:
    both link tables in a UNION, each row carrying the number it prints)."""
    as_text, as_int = CharField(), IntegerField()
    actions = Measure.actions.through.objects.filter(measure__plan=plan).values_list(
        "measure_id",
        "action_id",
        "action__number",
        "action__sort_key",
        Value("", output_field=as_text),
        # An action reads before its milestones.
        Value(-1, output_field=as_int),
    )
    milestones = Measure.milestones.through.objects.filter(
        measure__plan=plan
    ).values_list(
        "measure_id",
        "milestone__action_id",
        "milestone__action__number",
        "milestone__action__sort_key",
        "milestone__label",
        "milestone__order",
    )
    rows = sorted(
        actions.union(milestones, all=True), key=lambda row: (row[3], row[5], row[4])
    )
    linked: dict[int, list[LinkedItem]] = {}
    for measure_id, action_id, number, _, label, _ in rows:
        linked.setdefault(measure_id, []).append(
            LinkedItem(f"{number} {label}".strip(), action_id)
        )
    return linked


def _actuals(
    measures: list[Measure], period: ReportingPeriod
) -> dict[int, list[MeasureActual]]:
    """The measures' actuals month by month up to the period (one query)."""
    formats = {measure.pk: measure.format for measure in measures}
    actuals: dict[int, list[MeasureActual]] = {}
    for measure_id, month, value in (
        MeasureValue.objects.filter(
            measure__in=measures,
            period__plan_id=period.plan_id,
            period__month__lte=period.month,
        )
        .order_by("period__month")
        .values_list("measure_id", "period__month", "value")
    ):
        actuals.setdefault(measure_id, []).append(
            MeasureActual(month, value, formats[measure_id](value))
        )
    return actuals


def measure_rows(
    *, plan: ActionPlan, period: ReportingPeriod, with_actuals: bool = False
) -> list[MeasureRow]:
    """Every measure of the plan as at the period's end, in the plan's order.

    Four queries (the measures, their targets, their links and their actuals by
    `measure_lines`); one more `with_actuals`, for the charts. One when the plan has no
    measures.
    """
    measures = list(Measure.objects.filter(plan=plan).prefetch_related("targets"))
    if not measures:
        return []
    linked = _linked_items(plan)
    lines = measure_lines(measures, period=period)
    actuals = _actuals(measures, period) if with_actuals else {}
    rows = []
    for measure in measures:
        line = lines[measure.pk]
        rows.append(
            MeasureRow(
                pk=measure.pk,
                name=measure.name,
                unit=measure.unit,
                higher_is_better=measure.higher_is_better,
                source=measure.source,
                baseline_value=measure.baseline_value,
                baseline_label=measure.format(measure.baseline_value),
                baseline_date=measure.baseline_date,
                latest_value=line.latest,
                latest_label=measure.format(line.latest),
                latest_month=line.latest_month,
                target_text=line.target_text,
                state=line.standing.state,
                items=linked.get(measure.pk, []),
                targets=[
                    MeasureTargetRef(
                        label=target.label,
                        due=target.due,
                        value=target.value,
                        value_label=measure.format(target.value),
                    )
                    for target in measure.targets.all()
                ],
                actuals=actuals.get(measure.pk, []),
            )
        )
    return rows
