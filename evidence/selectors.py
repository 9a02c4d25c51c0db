"""Reads of evidence: an action's, by item and month, in one query.

actionplans.proof.action_proofs reads one month's proof with the measures as well; the
pages here need every month of an action (the action page shows each month's), so they
read the evidence alone, once, and hand each item an ItemProof of the same shape.
"""

from django.db.models import Q

from actionplans.models import Action, Evidence, Milestone, ReportingPeriod
from actionplans.proof import ItemProof
from actionplans.selectors import ItemKey, item_key


class ActionEvidence:
    """Every piece of evidence of an action and its milestones, in every month."""

    def __init__(self, evidence: list[Evidence]):
        self._by_item: dict[ItemKey, list[Evidence]] = {}
        for row in evidence:
            key = (
                (None, row.update.milestone_id)
                if row.update.milestone_id
                else (
                    row.update.action_id,
                    None,
                )
            )
            self._by_item.setdefault(key, []).append(row)

    def proof(
        self,
        item: Action | Milestone,
        period: ReportingPeriod,
        *,
        earlier: bool = True,
    ) -> ItemProof:
        """The item's evidence of the month and, with `earlier`, that of the months
        before it ("already provided")."""
        rows = self._by_item.get(item_key(item), [])
        return ItemProof(
            evidence=[e for e in rows if e.update.period_id == period.pk],
            earlier=[e for e in rows if e.update.period.month < period.month]
            if earlier
            else [],
        )


def action_evidence(*, action_id: int) -> ActionEvidence:
    """An action's and its milestones' evidence, oldest month first (one query)."""
    return ActionEvidence(
        list(
            Evidence.objects.filter(
                Q(update__action_id=action_id)
                | Q(update__milestone__action_id=action_id)
            )
            .select_related("update__period", "added_by")
            .order_by("update__period__month", "refers_to", "pk")
        )
    )
