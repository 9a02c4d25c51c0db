"""The month's register of amendments, as the summary report lists it.

A closed month's register reads as at the month's end, so its summary never changes:
a decision taken after that shows as "Awaiting decision", and what a request changes is
described by the request itself against the values agreed at the month's end.
"""

import datetime
from dataclasses import dataclass

from django.utils.text import Truncator

from actionplans.models import Action, Amendment, Milestone
from actionplans.models.amendments import (
    AMENDED_DATES,
    AMENDED_OFFICERS,
    WRITTEN_AS,
    agreed_value,
    decoded,
    encoded,
)
from amendments.selectors import FIELD_LABELS

from .items import PeriodRef, _date_label, _PlanRows, people_label

Kind = Amendment.Kind
Decision = Amendment.Decision

# Wording is quoted this short: the progress report has it in full.
_WORDING_CHARS = 80


@dataclass(frozen=True)
class RegisterEntry:
    """One request of the month's register."""

    number: str
    changes: list[str]  # "Plan finish: May 2009 → Dec 2009"
    reason: str
    decision: str  # "Approved by DMT performance board on 12/09/2009"
    is_decided: bool


def _as_closed(rows: _PlanRows, period: PeriodRef) -> dict[int, object]:
    """Each request of a closed month's register as it stood when the month closed (its
    history record then), so a later decision never rewrites the month: one query."""
    if not (period.is_closed and period.closed_at and rows.register):
        return {}
    records = Amendment.history.filter(
        id__in=[amendment.pk for amendment in rows.register],
        history_date__lte=period.closed_at,
    ).order_by("id", "history_date", "history_id")
    return {record.id: record for record in records}  # the latest of each wins


def decision_at(amendment, period: PeriodRef) -> str:
    """The decision as the month's register shows it (an Amendment.Decision value).

    `amendment` is the request as it stood when a closed month closed (`_as_closed`), or
    as it is now. Only decisions taken by the month's end count: an approval in force
    from the month or before it; for a month closed before closing times were kept, a
    rejection or deferral dated within it.
    """
    decision = amendment.decision
    if decision == Decision.APPROVED:
        taken = amendment.in_force_from <= period.month
    elif decision == Decision.PENDING or not period.is_closed or period.closed_at:
        taken = True
    else:  # closed before closing times were kept: the board's date is all there is
        taken = amendment.decided_on is not None and (
            amendment.decided_on <= period.last_day
        )
    return decision if taken else Decision.PENDING


def _decision_label(amendment: Amendment, decision: str) -> str:
    if decision == Decision.PENDING:
        return Decision.PENDING.label
    by = f" by {amendment.board}" if amendment.board else ""
    on = f" on {amendment.decided_on:%d/%m/%Y}" if amendment.decided_on else ""
    return f"{Decision(decision).label}{by}{on}"


class _Describer:
    """Writes what a request changes, from and to, with the rows already loaded."""

    def __init__(self, rows: _PlanRows, month: datetime.date) -> None:
        self.rows = rows
        self.month = month
        self.numbers = {action.pk: action.number for action in rows.actions}
        self.items: dict[tuple[str, int], Action | Milestone] = {}
        for action in rows.actions:
            self.items["action", action.pk] = action
            for milestone in action.milestones.all():
                self.items["milestone", milestone.pk] = milestone

    def value_label(self, name: str, value, written: str = "") -> str:
        """A recorded value (ISO date, officer ids, text) as the reports write it."""
        if name in AMENDED_DATES:
            return _date_label(decoded(name, value), written) or "not set"
        if name in AMENDED_OFFICERS:
            people = [
                self.rows.people[pk] for pk in value or [] if pk in self.rows.people
            ]
            return people_label(people) or "none"
        return f"“{Truncator(value).chars(_WORDING_CHARS)}”" if value else "none"

    def agreed(self, amendment: Amendment, name: str) -> tuple[object, str] | None:
        """The item's value, recorded as `changes` records it, and its written-as text,
        agreed at the month's end; None when the item is not among the rows."""
        key = amendment.record_key
        item = self.items.get(key) if key else None
        if item is None:
            return None
        record = self.rows.record(*key)
        if name in AMENDED_OFFICERS:
            current = encoded(name, agreed_value(item, name))
            return record.at(name, current, self.month), ""
        value = record.at(name, getattr(item, name), self.month)
        written = ""
        if name in WRITTEN_AS:
            written = WRITTEN_AS[name]
            written = record.at(written, getattr(item, written), self.month)
        return value.isoformat() if isinstance(value, datetime.date) else value, written

    def changed(self, amendment: Amendment) -> list[str]:
        """An approval's recorded changes."""
        lines = []
        for name, change in amendment.changes.items():
            if name not in FIELD_LABELS:
                continue  # a date's written-as text, shown with the date
            written = amendment.changes.get(WRITTEN_AS.get(name, ""), {}).get(
                "from", ""
            )
            was = self.value_label(name, change["from"], written)
            now = self.value_label(name, change["to"])
            lines.append(f"{FIELD_LABELS[name]}: {was} → {now}")
        return lines

    def requested(self, amendment: Amendment) -> list[str]:
        """A request's proposed values, from those agreed at the month's end."""
        lines = []
        for name, value in amendment.proposed.items():
            if name not in FIELD_LABELS:
                continue
            now = self.value_label(name, value)
            agreed = self.agreed(amendment, name)
            if agreed is None:
                lines.append(f"{FIELD_LABELS[name]}: {now}")
            else:
                lines.append(
                    f"{FIELD_LABELS[name]}: {self.value_label(name, *agreed)} → {now}"
                )
        return lines

    def new_item(self, amendment: Amendment) -> list[str]:
        proposed = amendment.proposed
        noun = "New action" if amendment.kind == Kind.NEW_ACTION else "New milestone"
        wording = proposed.get("text") or proposed.get("success_criteria") or ""
        lines = [f"{noun}: {self.value_label('text', wording)}" if wording else noun]
        for name in [*AMENDED_DATES, *AMENDED_OFFICERS]:
            if proposed.get(name):
                lines.append(
                    f"{FIELD_LABELS[name]}: {self.value_label(name, proposed[name])}"
                )
        return lines

    def describe(self, amendment: Amendment, decision: str) -> list[str]:
        kind = amendment.kind
        if kind == Kind.WITHDRAW:
            return ["Withdraw from the plan"]
        if kind == Kind.MERGE:
            target = self.numbers.get(amendment.proposed.get("superseded_by"), "")
            return [f"Merge into {target}" if target else "Merge into another action"]
        if kind in {Kind.NEW_ACTION, Kind.NEW_MILESTONE}:
            return self.new_item(amendment)
        if decision == Decision.APPROVED:
            return self.changed(amendment)
        return self.requested(amendment)


def register_entries(rows: _PlanRows, period: PeriodRef) -> list[RegisterEntry]:
    """The month's register (`rows.register`) as at the month's end."""
    describer = _Describer(rows, period.month)
    as_closed = _as_closed(rows, period)
    entries = []
    for amendment in rows.register:
        decided = as_closed.get(amendment.pk, amendment)
        decision = decision_at(decided, period)
        entries.append(
            RegisterEntry(
                number=amendment.item_number,
                changes=describer.describe(amendment, decision),
                reason=amendment.reason,
                decision=_decision_label(decided, decision),
                is_decided=decision != Decision.PENDING,
            )
        )
    return entries
