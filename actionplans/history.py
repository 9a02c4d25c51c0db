"""An action's record of change, read as people read the plan.

Two readings of one action, both shown on its page: the change history (every save that
simple-history recorded of the action, its milestones and their monthly updates) and what
changed in the monthly reports from last month to this. Both name fields as the pages do
("Plan finish", not plan_finish), and show statuses by label, dates in full, officers by
name, workflow states by their labels, and a long narrative's change word by word.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Model, Q
from django.utils.text import capfirst
from simple_history.utils import get_m2m_reverse_field_name

from lib.text import DiffPart, word_diff
from recommendations.models import Recommendation
from recommendations.numbering import number_sort_key

from .models import Action, Milestone, Officer, ProgressUpdate, ReportingPeriod
from .selectors import updates_for_action

# What the pages call the fields of actions, milestones and updates. The amendments
# register (amendments/selectors.py) keeps its own FIELD_LABELS, which it could take from
# here: it cannot be imported into actionplans, which sits below amendments.
# `text` is left to its model's verbose name: "Action" for an action, "Sub-action" for a
# milestone.
FIELD_LABELS = {
    "number": "Number",
    "label": "Label",
    "aim": "Aim / outcome",
    "success_criteria": "Success criteria",
    "outcomes": "Outcomes for users and carers",
    "plan_start": "Plan start",
    "plan_finish": "Plan finish",
    "actual_finish": "Actual finish",
    "plan_start_text": "Plan start (as written)",
    "plan_finish_text": "Plan finish (as written)",
    "actual_finish_text": "Actual finish (as written)",
    "added_in": "In the plan from",
    "withdrawn_in": "Withdrawn from",
    "superseded_by": "Merged into",
    "recommendations": "Recommendations",
    "leads": "Lead",
    "chief_officers": "Chief officer",
    "status": "Status",
    "direction": "Direction of travel",
    "progress": "Progress",
    "risk": "Risk",
    "workflow_state": "Sign-off state",
    "review_comment": "Reason returned",
    "carried_from": "Carried forward from",
}

# Bookkeeping, or already said by the entry itself: its item and month (plan, action,
# milestone, period) and who made the change and when (author, reviewed_by, reviewed_at).
_NOT_SHOWN = {
    "id",
    "plan",
    "action",
    "milestone",
    "period",
    "sort_key",
    "order",
    "version",
    "created_at",
    "updated_at",
    "author",
    "reviewed_by",
    "reviewed_at",
}
_MONTH_FIELDS = {"added_in", "withdrawn_in"}  # a month, stored as its first day
_NARRATIVES = {"aim", "text", "success_criteria", "outcomes", "progress", "risk"}
# A short value reads at a glance as "old → new"; in a longer one a changed sentence is
# lost, so it is shown as a word-level diff.
_DIFF_LONGER_THAN = 60
# simple-history writes one row per save and one per change of each many-to-many link, so
# one edit (a save, then `leads.set()`: a removal and an addition) leaves several rows a
# moment apart. Link-only rows this close to the last, by the same person for the same
# reason, are read as part of that one edit.
_ONE_EDIT = datetime.timedelta(seconds=5)
EMPTY = "–"


@dataclass(frozen=True)
class ValueChange:
    """One field's change as read: "Status: Amber → Red", or a narrative's word diff
    (`parts`, for templates/includes/_word_diff.html) where one is clearer."""

    label: str
    old: str
    new: str
    parts: tuple[DiffPart, ...] = ()


@dataclass
class HistoryEntry:
    when: datetime.datetime
    who: str
    item: str  # "1.8", "1.8 (a)" or "1.8 (a) – September 2009 update"
    what: str  # "Created" or "Changed"
    changes: list[ValueChange]
    reason: str

    @property
    def is_creation(self) -> bool:
        return self.what == "Created"


def _full_date(value: datetime.date) -> str:
    """ "31 December 2009": a date as the history shows it, to the day."""
    return f"{value.day} {value:%B %Y}"


@dataclass(frozen=True)
class _Names:
    """Words for stored ids, loaded once for a whole history."""

    statuses: dict[int, str] = field(default_factory=dict)
    officers: dict[int, str] = field(default_factory=dict)
    recommendations: dict[int, str] = field(default_factory=dict)
    actions: dict[int, str] = field(default_factory=dict)
    update_months: dict[int, str] = field(default_factory=dict)

    def shown(self, name: str, model_field, value) -> str:
        """A stored value (an id, a date, a code, a set of linked ids) in words."""
        if value in (None, "") or value == frozenset():
            return EMPTY
        if name in {"leads", "chief_officers"}:
            return "; ".join(
                sorted(self.officers.get(pk, "a former officer") for pk in value)
            )
        if name == "recommendations":
            numbers = [self.recommendations.get(pk, "?") for pk in value]
            return ", ".join(sorted(numbers, key=number_sort_key))
        if name == "status":
            return self.statuses.get(value, "a former status")
        if name == "superseded_by":
            return f"Action {self.actions.get(value, '(removed)')}"
        if name == "carried_from":
            return self.update_months.get(value, "an earlier month")
        if name == "direction":
            return capfirst(ProgressUpdate.Direction.words_for(value)) or str(value)
        if name in _MONTH_FIELDS:
            return f"{value:%B %Y}"
        if model_field is not None and model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        if isinstance(value, datetime.date):
            return _full_date(value)
        return str(value)


def _value_change(
    label: str, old: str, new: str, *, narrative: bool, always_diff: bool = False
) -> ValueChange:
    """A change of shown values; a narrative's as a word diff when either side is long
    (or always, where two months' narratives are compared)."""
    long = max(len(old), len(new)) > _DIFF_LONGER_THAN
    if narrative and (always_diff or long) and EMPTY not in (old, new):
        return ValueChange(label, old, new, tuple(word_diff(old, new)))
    return ValueChange(label, old, new)


# --- The change history --------------------------------------------------------------


@dataclass(frozen=True)
class _Field:
    name: str
    label: str
    model_field: object  # a concrete field, or None for a many-to-many link
    read: Callable[[Model], object]  # the stored value in a history row

    def shown(self, record, names: _Names) -> str:
        return (
            EMPTY
            if record is None
            else names.shown(self.name, self.model_field, self.read(record))
        )


def _fields(model, links: dict[str, dict[int, frozenset[int]]]) -> list[_Field]:
    fields = [
        _Field(
            f.name,
            FIELD_LABELS.get(f.name) or capfirst(f.verbose_name),
            f,
            lambda record, attname=f.attname: getattr(record, attname),
        )
        for f in model._meta.concrete_fields
        if f.name not in _NOT_SHOWN
    ]
    fields += [
        _Field(
            name,
            FIELD_LABELS[name],
            None,
            lambda record, ids=ids: ids.get(record.history_id, frozenset()),
        )
        for name, ids in links.items()
    ]
    return fields


def _links(model, where: Q) -> dict[str, dict[int, frozenset[int]]]:
    """Each history row's linked ids, per many-to-many field the history keeps: one query
    per field. simple-history copies a row's links beside every row it writes."""
    history_model = model.history.model
    links = {}
    for m2m in history_model._history_m2m_fields:
        ids: dict[int, set[int]] = {}
        rows = (
            getattr(history_model, m2m.name)
            .model.objects.filter(where)
            .values_list("history_id", get_m2m_reverse_field_name(m2m))
        )
        for history_id, target_id in rows:
            ids.setdefault(history_id, set()).add(target_id)
        links[m2m.name] = {pk: frozenset(targets) for pk, targets in ids.items()}
    return links


@dataclass
class _Edit:
    """One edit of one object: its history row before (None: the edit created it), and
    the rows the edit wrote, oldest first."""

    before: object
    rows: list

    def continues_with(self, record, changed: set[str], links: set[str]) -> bool:
        """The record changed only links, moments after this edit's last row, by the
        same person for the same reason."""
        last = self.rows[-1]
        return (
            changed <= links
            and record.history_user_id == last.history_user_id
            and (record.history_change_reason or "")
            == (last.history_change_reason or "")
            and record.history_date - last.history_date <= _ONE_EDIT
        )


def _history_entries(
    records, *, fields: list[_Field], names: _Names, item_label
) -> list[HistoryEntry]:
    """One entry per edit of each object: what it changed, from the object's row before
    the edit to its last row of the edit."""
    links = {f.name for f in fields if f.model_field is None}
    edits: list[_Edit] = []
    last_edit: dict[int, _Edit] = {}
    previous: dict[int, object] = {}
    for record in records:
        before = previous.get(record.id)
        previous[record.id] = record
        if record.history_type == "-":
            last_edit.pop(record.id, None)
            continue
        changed = {
            f.name for f in fields if f.shown(before, names) != f.shown(record, names)
        }
        edit = last_edit.get(record.id)
        if edit is not None and edit.continues_with(record, changed, links):
            edit.rows.append(record)
            continue
        edit = last_edit[record.id] = _Edit(before, [record])
        edits.append(edit)

    entries = []
    for edit in edits:
        before, first, after = edit.before, edit.rows[0], edit.rows[-1]
        changes = [
            _value_change(
                f.label,
                f.shown(before, names),
                f.shown(after, names),
                narrative=f.name in _NARRATIVES,
            )
            for f in fields
            if f.shown(before, names) != f.shown(after, names)
        ]
        if not changes and before is not None:
            continue
        user = first.history_user
        entries.append(
            HistoryEntry(
                when=first.history_date,
                who=(user.get_full_name() or user.username) if user else "System",
                item=item_label(first),
                what="Created" if before is None else "Changed",
                changes=changes,
                reason=first.history_change_reason or "",
            )
        )
    return entries


def action_history_entries(
    *,
    action: Action,
    periods: list[ReportingPeriod] | None = None,
    since: datetime.date | None = None,
) -> list[HistoryEntry]:
    """Who changed what and when, for the action, its milestones and their updates
    (those of the months from `since`, all when None).

    Newest first; a fixed number of queries however long the history. `periods`: the
    plan's months, where the caller has them.
    """
    milestones = {m.pk: f"{action.number} {m.label}" for m in action.milestones.all()}
    if periods is None:
        periods = list(action.plan.periods.all())
    months = {p.pk: str(p) for p in periods}
    action_rows = list(
        Action.history.filter(id=action.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    milestone_rows = list(
        Milestone.history.filter(action_id=action.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    update_rows = ProgressUpdate.history.filter(
        Q(action_id=action.pk) | Q(milestone_id__in=list(milestones))
    )
    if since is not None:
        # Each update's rows whole (its changes are told row against row).
        update_rows = update_rows.filter(
            period_id__in=[p.pk for p in periods if p.month >= since]
        )
    update_rows = list(
        update_rows.select_related("history_user").order_by(
            "history_date", "history_id"
        )
    )
    action_links = _links(Action, Q(history__id=action.pk))
    milestone_links = _links(Milestone, Q(history__action_id=action.pk))

    officer_ids = set()
    recommendation_ids = set()
    for links in (action_links, milestone_links):
        for name, by_row in links.items():
            ids = recommendation_ids if name == "recommendations" else officer_ids
            for linked in by_row.values():
                ids |= linked
    merged_into = {r.superseded_by_id for r in action_rows} - {None}
    # An empty `pk__in` asks the database nothing.
    names = _Names(
        statuses={s.pk: s.label for s in action.plan.statuses.all()},
        officers={o.pk: str(o) for o in Officer.objects.filter(pk__in=officer_ids)},
        recommendations=dict(
            Recommendation.objects.filter(pk__in=recommendation_ids).values_list(
                "pk", "number"
            )
        ),
        actions=dict(
            Action.objects.filter(pk__in=merged_into).values_list("pk", "number")
        ),
        # A no return carries forward an earlier update of the same item, which is
        # among these rows.
        update_months={r.id: months.get(r.period_id, "") for r in update_rows},
    )

    def update_label(record) -> str:
        item = milestones.get(record.milestone_id, action.number)
        return f"{item} – {months.get(record.period_id, '')} update"

    entries = _history_entries(
        action_rows,
        fields=_fields(Action, action_links),
        names=names,
        item_label=lambda record: action.number,
    )
    entries += _history_entries(
        milestone_rows,
        fields=_fields(Milestone, milestone_links),
        names=names,
        item_label=lambda record: milestones.get(
            record.id, f"{action.number} {record.label}"
        ),
    )
    entries += _history_entries(
        update_rows,
        fields=_fields(ProgressUpdate, {}),
        names=names,
        item_label=update_label,
    )
    return sorted(entries, key=lambda entry: entry.when, reverse=True)


# --- What changed since last month ---------------------------------------------------


@dataclass
class ItemSinceLastMonth:
    """One action or milestone: its update last month and this month, and what changed."""

    label: str
    last: ProgressUpdate | None
    this: ProgressUpdate | None
    changes: list[ValueChange]

    @property
    def status_changed(self) -> bool:
        return getattr(self.last, "status_id", None) != getattr(
            self.this, "status_id", None
        )

    @property
    def not_updated(self) -> bool:
        """No update this month (yet, in an open month): nothing to compare."""
        return self.this is None

    @property
    def is_unchanged(self) -> bool:
        return not self.status_changed and not self.changes


@dataclass
class MonthComparison:
    period: ReportingPeriod
    previous: ReportingPeriod | None
    items: list[ItemSinceLastMonth]


_COMPARED = ["direction", "actual_finish", "progress", "risk"]


def _item_since_last_month(
    label: str, last: ProgressUpdate | None, this: ProgressUpdate | None
) -> ItemSinceLastMonth:
    # A no return's status is carried on the row itself; its words are those of the
    # update it carries forward (`written`), so a month with no return reads as no change.
    if this is None:
        return ItemSinceLastMonth(label, last, this, [])
    before = last.written if last else None
    after = this.written
    names = _Names()

    def shown(update: ProgressUpdate | None, name: str) -> str:
        if update is None:
            return EMPTY
        model_field = ProgressUpdate._meta.get_field(name)
        return names.shown(name, model_field, getattr(update, name))

    changes = [
        _value_change(
            FIELD_LABELS[name],
            shown(before, name),
            shown(after, name),
            narrative=name in _NARRATIVES,
            always_diff=True,
        )
        for name in _COMPARED
        if shown(before, name) != shown(after, name)
    ]
    return ItemSinceLastMonth(label, last, this, changes)


def action_since_last_month(
    *, action: Action, periods: list[ReportingPeriod] | None = None
) -> MonthComparison | None:
    """The latest month's updates of the action and each milestone against the month
    before: the open month once it has any of the action's updates, else the latest
    closed month. None when the plan has no month yet. `periods`: the plan's months,
    where the caller has them."""
    if periods is None:
        periods = list(action.plan.periods.all())
    periods = sorted(periods, key=lambda period: period.month)
    period = next((p for p in periods if not p.is_closed), None)
    this = updates_for_action(action=action, period=period)
    if not this:
        period = next((p for p in reversed(periods) if p.is_closed), None)
        this = updates_for_action(action=action, period=period)
    if period is None:
        return None
    previous = ReportingPeriod.pick_previous(periods, period)
    last = updates_for_action(action=action, period=previous)
    keys = [(action.number, (action.pk, None))] + [
        (f"{action.number} {m.label}", (None, m.pk)) for m in action.milestones.all()
    ]
    items = [
        _item_since_last_month(label, last.get(key), this.get(key))
        for label, key in keys
        if key in last or key in this
    ]
    return MonthComparison(period, previous, items)


@dataclass
class ActionHistory:
    """The action page's two readings of change: the edits, and last month to this."""

    entries: list[HistoryEntry]
    since_last_month: MonthComparison | None


def action_change_history(
    *,
    action: Action,
    periods: list[ReportingPeriod] | None = None,
    since: datetime.date | None = None,
) -> ActionHistory:
    """Both readings for the action page, from one load of the plan's months; the
    updates' changes of the months from `since` (all when None)."""
    if periods is None:
        periods = list(action.plan.periods.all())
    return ActionHistory(
        entries=action_history_entries(action=action, periods=periods, since=since),
        since_last_month=action_since_last_month(action=action, periods=periods),
    )
