"""Reads of the register: a month's requests and what each changes, from and to."""

import datetime
from dataclasses import dataclass

from actionplans.models import Action, ActionPlan, Amendment, Officer
from actionplans.models.amendments import (
    AMENDED_DATES,
    AMENDED_OFFICERS,
    WRITTEN_AS,
    agreed_value,
    decoded,
    encoded,
)
from lib import months

FIELD_LABELS = {
    "plan_start": "Plan start",
    "plan_finish": "Plan finish",
    "text": "Wording",
    "success_criteria": "Success criteria",
    "leads": "Leads",
    "chief_officers": "Chief officers",
    "number": "Number",
    "label": "Label",
    "superseded_by": "Merged into",
}


@dataclass(frozen=True)
class ChangeLine:
    """One field of a request: "Plan finish: May 2009 → Dec 2009"."""

    field: str
    old: str
    new: str


def _shown(name: str, value, officers: dict[int, str], actions: dict[int, str]) -> str:
    if value in (None, "", []):
        return "none"
    if name in AMENDED_OFFICERS:
        return "; ".join(officers.get(pk, "a former officer") for pk in value)
    if name in AMENDED_DATES:
        return months.plan_date_label(decoded(name, value))
    if name == "superseded_by":
        return f"action {actions.get(value, '?')}"
    return str(value)


def _current_value(amendment: Amendment, name: str):
    """The item's agreed value, as a request records it; none for a new item."""
    item = amendment.item
    if item is None or amendment.kind in {
        Amendment.Kind.NEW_ACTION,
        Amendment.Kind.NEW_MILESTONE,
    }:
        return None
    return encoded(name, agreed_value(item, name))


def change_lines(
    amendment: Amendment,
    *,
    officers: dict[int, str],
    actions: dict[int, str],
    as_decided: bool,
) -> list[ChangeLine]:
    """What the request changes, from and to. `as_decided`: an approved request's
    recorded change; otherwise the item's current value and the value asked for."""
    if amendment.kind == Amendment.Kind.WITHDRAW:
        return [ChangeLine("Status", "in the plan", "withdrawn")]
    if amendment.kind in {Amendment.Kind.NEW_ACTION, Amendment.Kind.NEW_MILESTONE}:
        as_decided = False  # a new item changed nothing: what it is was asked for
    if as_decided:
        pairs = [
            (name, change["from"], change["to"])
            for name, change in amendment.changes.items()
            if name not in WRITTEN_AS.values()
        ]
    else:
        pairs = [
            (name, _current_value(amendment, name), value)
            for name, value in amendment.proposed.items()
        ]
    if amendment.kind == Amendment.Kind.MERGE and not pairs:
        pairs = [("superseded_by", None, amendment.proposed.get("superseded_by"))]
    return [
        ChangeLine(
            FIELD_LABELS.get(name, name),
            _shown(name, old, officers, actions),
            _shown(name, new, officers, actions),
        )
        for name, old, new in pairs
    ]


@dataclass(frozen=True)
class RegisterRow:
    amendment: Amendment
    lines: list[ChangeLine]

    @property
    def is_undecided(self) -> bool:
        return not self.amendment.is_final


def register_rows(
    amendments: list[Amendment], *, plan: ActionPlan
) -> list[RegisterRow]:
    """Each request with its change lines: three queries for the officers and actions
    named, whatever the number of requests (the requests come with their items)."""
    officer_ids = {pk for amendment in amendments for pk in amendment.officer_ids}
    officers = {o.pk: str(o) for o in Officer.objects.filter(pk__in=officer_ids)}
    actions = dict(Action.objects.filter(plan=plan).values_list("pk", "number"))
    return [
        RegisterRow(
            a,
            change_lines(
                a,
                officers=officers,
                actions=actions,
                as_decided=a.decision == Amendment.Decision.APPROVED,
            ),
        )
        for a in amendments
    ]


def month_register(
    *, plan: ActionPlan, month: datetime.date, with_undecided: bool = False
) -> list[Amendment]:
    """The month's requests (made in it, or decided with effect from it), oldest first;
    `with_undecided` adds those of earlier months still awaiting a decision, which the
    month being worked on decides too."""
    requests = Amendment.objects.filter(plan=plan)
    register = requests.of_month(month)
    if with_undecided:
        register |= requests.undecided().filter(period__month__lt=month)
    return list(
        register.select_related(
            "action", "milestone__action", "period", "requested_by", "decided_by"
        )
        .prefetch_related("action__leads", "action__chief_officers", "milestone__leads")
        .order_by("requested_at", "pk")
    )


def item_amendments(*, action: Action) -> list[Amendment]:
    """Every request about an action and its milestones, newest first."""
    return list(
        Amendment.objects.filter(action=action)
        .select_related(
            "milestone__action", "action", "period", "requested_by", "decided_by"
        )
        .prefetch_related("action__leads", "action__chief_officers", "milestone__leads")
        .order_by("-requested_at", "-pk")
    )
