"""Reads of a plan's measures: the list page's rows, and one measure to change."""

import datetime
import decimal
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from actionplans.models import (
    Action,
    ActionPlan,
    Measure,
    MeasureTarget,
    Milestone,
    ReportingPeriod,
)
from actionplans.proof import measure_lines
from actionplans.rules import MeasureStanding, MeasureState

# Text first, colour only reinforcing it (as the status tags): a missed target stands
# out, one met reads as done, the rest stay quiet.
STANDING_COLOURS = {
    MeasureState.MET: "green",
    MeasureState.ON_TRACK: "grey",
    MeasureState.BEHIND: "red",
    MeasureState.NO_ACTUAL: "none",
    MeasureState.NO_TARGET: "none",
}


@dataclass(frozen=True)
class EvidencedItem:
    """An action or milestone a measure evidences, linked to its action's page."""

    number: str
    action_id: int
    sort_key: tuple[str, int]


@dataclass(frozen=True)
class MeasureRow:
    """One measure as the list shows it, as at the plan's current month."""

    measure: Measure
    targets: list[MeasureTarget]
    items: list[EvidencedItem]
    latest: decimal.Decimal | None
    latest_month: datetime.date | None
    standing: MeasureStanding

    @property
    def latest_text(self) -> str:
        return self.measure.format(self.latest)

    @property
    def baseline_text(self) -> str:
        return self.measure.format(self.measure.baseline_value)

    @property
    def target_text(self) -> str:
        """The target the actual is read against: "76% by March 2010"."""
        due, value = self.standing.target_due, self.standing.target_value
        if due is None:
            return ""
        return f"{self.measure.format(value)} by {due:%B %Y}"

    @property
    def standing_colour(self) -> str:
        return STANDING_COLOURS[self.standing.state]


def _measures(plan: ActionPlan):
    return Measure.objects.filter(plan=plan).prefetch_related(
        "targets",
        Prefetch("actions", queryset=Action.objects.only("pk", "number", "sort_key")),
        Prefetch(
            "milestones",
            queryset=Milestone.objects.select_related("action").only(
                "pk", "label", "order", "action", "action__number", "action__sort_key"
            ),
        ),
    )


def _items(measure: Measure) -> list[EvidencedItem]:
    """The measure's actions and milestones in the plan's reading order."""
    items = [
        EvidencedItem(a.number, a.pk, (a.sort_key, -1)) for a in measure.actions.all()
    ]
    items += [
        EvidencedItem(m.number, m.action_id, (m.action.sort_key, m.order))
        for m in measure.milestones.all()
    ]
    return sorted(items, key=lambda item: item.sort_key)


def plan_measures(
    *, plan: ActionPlan, period: ReportingPeriod | None
) -> list[MeasureRow]:
    """Every measure of the plan with its targets, the items it evidences, its latest
    actual and its standing as at the period's end (today when the plan has no months).

    Five queries, however many measures.
    """
    measures = list(_measures(plan))
    lines = measure_lines(measures, period=period) if period and measures else {}
    on = period.last_day if period else timezone.localdate()
    rows = []
    for measure in measures:
        line = lines.get(measure.pk)
        rows.append(
            MeasureRow(
                measure=measure,
                targets=list(measure.targets.all()),
                items=_items(measure),
                latest=line.latest if line else None,
                latest_month=line.latest_month if line else None,
                standing=line.standing if line else measure.standing(None, on=on),
            )
        )
    return rows


def measure_for_plan(*, plan: ActionPlan, pk: int) -> Measure | None:
    """One measure of the plan with its targets and links, or None if not the plan's."""
    return _measures(plan).filter(pk=pk).first()


def plan_items(*, plan: ActionPlan) -> tuple[list[Action], list[Milestone]]:
    """The plan's actions and milestones a measure may evidence, in reading order."""
    actions = list(Action.objects.filter(plan=plan).order_by("sort_key"))
    milestones = list(
        Milestone.objects.filter(action__plan=plan)
        .select_related("action")
        .order_by("action__sort_key", "order")
    )
    return actions, milestones
