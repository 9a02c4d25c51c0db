"""What proves an item's status in a month: evidence attached to its updates (this month's,
and earlier months' as "already provided") and the standing of the measures linked to it.

One place for the reads behind the proof rules (rules.proof_problem, rules.status_propose),
so the update form, the submit gate, the sign-off page, the action page and the reports all
see the same proof. A fixed number of queries per action.
"""

import datetime
import decimal
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q

from lib.text import is_blank

from .models import (
    Action,
    Evidence,
    Measure,
    MeasureValue,
    Milestone,
    ProgressUpdate,
    ReportingPeriod,
)
from .rules import (
    MeasureStanding,
    StatusOrNone,
    StatusProposal,
    UpdateProblem,
    overrules,
    proof_problem,
    status_propose,
)
from .selectors import updates_for_action

# (action_id, milestone_id), as selectors.item_key gives it.
ItemKey = tuple[int | None, int | None]


@dataclass(frozen=True)
class MeasureLine:
    """A measure as at a month: this month's actual (if entered) and where it stands."""

    measure: Measure
    value: MeasureValue | None  # entered for this month
    latest: decimal.Decimal | None  # this month's actual, else the latest earlier one
    latest_month: datetime.date | None
    standing: MeasureStanding

    @property
    def latest_text(self) -> str:
        """ "76% (August 2009)", or "" before any actual."""
        if self.latest is None:
            return ""
        return f"{self.measure.format(self.latest)} ({self.latest_month:%B %Y})"

    @property
    def target_text(self) -> str:
        due, value = self.standing.target_due, self.standing.target_value
        if due is None:
            return ""
        return f"{self.measure.format(value)} by {due:%B %Y}"


@dataclass
class ItemProof:
    """The proof of one action or milestone in a month."""

    evidence: list[Evidence] = field(default_factory=list)  # this month's
    earlier: list[Evidence] = field(default_factory=list)  # already provided
    measures: list[MeasureLine] = field(default_factory=list)

    @property
    def has_evidence(self) -> bool:
        return bool(self.evidence or self.earlier)

    @property
    def measures_behind(self) -> list[str]:
        return [line.measure.name for line in self.measures if line.standing.is_behind]

    def problem(self, status: StatusOrNone) -> str:
        """Why `status` cannot be submitted for want of proof ("" when it can)."""
        return proof_problem(
            status=status,
            has_evidence=self.has_evidence,
            measures=[line.standing for line in self.measures],
        )

    def proposal(
        self,
        *,
        item,
        statuses: list,
        last: StatusOrNone,
        actual_finish: datetime.date | None,
        period: ReportingPeriod,
    ) -> StatusProposal:
        """The status this item's values propose for the month, and why."""
        proof_status = next((s for s in statuses if s.needs_proof), None)
        return status_propose(
            unit=item,
            statuses=statuses,
            last=last,
            actual_finish=actual_finish,
            month_end=period.last_day,
            has_proof=proof_status is not None and not self.problem(proof_status),
            measures_behind=self.measures_behind,
        )

    def submission_problems(
        self,
        *,
        item,
        status: StatusOrNone,
        status_reason: str,
        proposal: StatusProposal,
    ) -> list[UpdateProblem]:
        """What stops the item's update being submitted for sign-off, as the update form
        and the submit service both check it: a status that needs proof without it, and
        a rule's proposal overruled without a reason."""
        problems = []
        message = self.problem(status)
        if message:
            problems.append(UpdateProblem("status", message, "needs_proof"))
        if overrules(proposal, status) and is_blank(status_reason):
            problems.append(
                UpdateProblem(
                    "status_reason",
                    f"Say why {item.number} is {status.label} rather than "
                    f"{proposal.status.label}: {proposal.reason}",
                    "reason_needed",
                )
            )
        return problems


def _key(action_id: int | None, milestone_id: int | None) -> ItemKey:
    return (None, milestone_id) if milestone_id else (action_id, None)


def measure_lines(
    measures: list[Measure], *, period: ReportingPeriod
) -> dict[int, MeasureLine]:
    """Each measure as at the period's end, by measure id (two queries)."""
    values: dict[int, list[MeasureValue]] = {}
    for value in (
        MeasureValue.objects.filter(
            measure__in=measures,
            period__plan_id=period.plan_id,
            period__month__lte=period.month,
        )
        .select_related("period")
        .order_by("period__month")
    ):
        values.setdefault(value.measure_id, []).append(value)
    lines = {}
    for measure in measures:
        history = values.get(measure.pk, [])
        this_month = next((v for v in history if v.period_id == period.pk), None)
        latest = history[-1] if history else None
        actual = latest.value if latest else None
        lines[measure.pk] = MeasureLine(
            measure=measure,
            value=this_month,
            latest=actual,
            latest_month=latest.period.month if latest else None,
            standing=measure.standing(actual, on=period.last_day),
        )
    return lines


def action_proofs(
    *, action: Action, period: ReportingPeriod
) -> dict[ItemKey, ItemProof]:
    """The proof of an action and each of its milestones in a month, keyed by item."""
    proofs: dict[ItemKey, ItemProof] = {(action.pk, None): ItemProof()}
    for milestone in action.milestones.all():
        proofs[(None, milestone.pk)] = ItemProof()
    for evidence in (
        Evidence.objects.filter(
            Q(update__action=action) | Q(update__milestone__action=action),
            update__period__month__lte=period.month,
            update__period__plan_id=period.plan_id,
        )
        .select_related("update__period")
        .order_by("update__period__month", "refers_to", "pk")
    ):
        proof = proofs.setdefault(
            _key(evidence.update.action_id, evidence.update.milestone_id), ItemProof()
        )
        mine = evidence.update.period_id == period.pk
        (proof.evidence if mine else proof.earlier).append(evidence)
    measures = list(
        Measure.objects.filter(Q(actions=action) | Q(milestones__action=action))
        .distinct()
        .prefetch_related(
            "targets",
            Prefetch("actions", queryset=Action.objects.only("pk")),
            Prefetch("milestones", queryset=Milestone.objects.only("pk", "action_id")),
        )
    )
    lines = measure_lines(measures, period=period)
    for measure in measures:
        keys = [(a.pk, None) for a in measure.actions.all() if a.pk == action.pk] + [
            (None, m.pk) for m in measure.milestones.all() if m.action_id == action.pk
        ]
        for key in keys:
            proofs.setdefault(key, ItemProof()).measures.append(lines[measure.pk])
    return proofs


@dataclass(frozen=True)
class StatusWhy:
    """One item's status in a month and why it is what it is (the action page)."""

    item: Action | Milestone
    update: ProgressUpdate | None
    proposal: StatusProposal
    proof: ItemProof

    @property
    def is_overruled(self) -> bool:
        """The lead chose another status than the rule's proposal (and said why)."""
        return overrules(self.proposal, self.update.status if self.update else None)


def status_whys(*, action: Action, period: ReportingPeriod) -> list[StatusWhy]:
    """Why each item of the action (those in the plan that month) has its status."""
    proofs = action_proofs(action=action, period=period)
    statuses = list(action.plan.statuses.all())
    current = updates_for_action(action=action, period=period)
    last = updates_for_action(action=action, period=period.previous())
    whys = []
    for item in [action, *action.milestones.all()]:
        if not item.is_in_plan(period.month):
            continue
        key = (item.pk, None) if isinstance(item, Action) else (None, item.pk)
        update, last_update = current.get(key), last.get(key)
        proof = proofs.get(key, ItemProof())
        # A closed month's proposal reads the actual finish frozen in its update.
        finish = update.actual_finish if update else None
        proposal = proof.proposal(
            item=item,
            statuses=statuses,
            last=last_update.status if last_update else None,
            actual_finish=finish,
            period=period,
        )
        whys.append(StatusWhy(item, update, proposal, proof))
    return whys
