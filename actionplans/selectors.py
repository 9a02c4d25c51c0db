"""Reads for the plan pages. Permission to see a plan is decided here, in one place."""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch, Q, QuerySet

from lib import months

from .models import (
    Action,
    ActionPlan,
    Amendment,
    ItemRecord,
    Milestone,
    Officer,
    ProgressUpdate,
    ReportingPeriod,
)
from .models.amendments import (
    AMENDED_OFFICERS,
    agreed_value,
    encoded,
    revised_note,
    revised_times,
)


def plans_for_user(*, user: AbstractBaseUser) -> QuerySet[ActionPlan]:
    """The plans a user may see: admins see all; others the plans they have a role on."""
    plans = ActionPlan.objects.select_related("inspection")
    if user.is_superuser:
        return plans
    visible = Q(memberships__user=user)
    officer = Officer.objects.for_user(user)
    if officer is None:
        return plans.filter(visible).distinct()
    visible |= (
        Q(actions__leads=officer)
        | Q(actions__chief_officers=officer)
        | Q(actions__milestones__leads=officer)
    )
    # An officer is of one council: nothing linked to another council's plan (by a
    # mistaken import or membership) opens that plan to them.
    return plans.filter(visible).in_organisation(officer.organisation_id).distinct()


def plan_actions(*, plan: ActionPlan, period: ReportingPeriod | None) -> list[Action]:
    """Every action of the plan in reading order, with milestones, people and the period's updates.

    A fixed number of queries whatever the size of the plan.
    """
    updates = ProgressUpdate.objects.filter(period=period).select_related("status")
    return list(
        Action.objects.filter(plan=plan)
        .select_related("plan")
        .prefetch_related(
            "recommendations",
            "leads",
            "chief_officers",
            "cross_references",
            Prefetch("updates", queryset=updates, to_attr="period_updates"),
            Prefetch(
                "milestones",
                queryset=Milestone.objects.prefetch_related(
                    "leads",
                    Prefetch("updates", queryset=updates, to_attr="period_updates"),
                ),
            ),
        )
        .order_by("sort_key")
    )


def action_for_plan(*, plan: ActionPlan, pk: int) -> Action | None:
    """One action with everything its page shows, or None if it is not in the plan."""
    return (
        Action.objects.filter(plan=plan, pk=pk)
        .select_related("plan")
        .prefetch_related(
            "recommendations",
            "leads",
            "chief_officers",
            # Their links need the plan's slug: fetch it with them, not once per link.
            Prefetch(
                "cross_references", queryset=Action.objects.select_related("plan")
            ),
            Prefetch("referenced_by", queryset=Action.objects.select_related("plan")),
            Prefetch(
                "milestones", queryset=Milestone.objects.prefetch_related("leads")
            ),
        )
        .first()
    )


@dataclass(frozen=True)
class Revised:
    """An agreed value that differs from the baseline: "was May 2009; revised twice"."""

    was: str
    revisions: int

    @property
    def times(self) -> str:
        return revised_times(self.revisions).removeprefix("revised ")

    def __str__(self) -> str:
        return revised_note(self.was, self.revisions)


_REVISED_FIELDS = ["plan_start", "plan_finish", "text", "success_criteria"]


def _revised(record: ItemRecord, item, officers: dict[int, str]) -> dict[str, Revised]:
    found = {}
    for name in _REVISED_FIELDS:
        current = getattr(item, name)
        was = record.baseline(name, current)
        if was != current:
            if isinstance(was, datetime.date):
                was = months.plan_date_label(was)
            found[name] = Revised(was or "not set", record.revisions(name))
    for name in AMENDED_OFFICERS:
        current = encoded(name, agreed_value(item, name))
        was = record.baseline(name, current)
        if was != current:
            names = "; ".join(officers.get(pk, "a former officer") for pk in was)
            found[name] = Revised(names or "none", record.revisions(name))
    return found


@dataclass(frozen=True)
class ActionRevisions:
    """Where the action and each milestone now differ from their baseline, by field."""

    action: dict[str, Revised]
    milestones: list[tuple[Milestone, dict[str, Revised]]]


def action_revisions(*, action: Action) -> ActionRevisions:
    """The action page's baselines: one query, and one more for the officers the plan
    first named when officers were changed (the milestones come with the action)."""
    approved = list(Amendment.objects.approved().filter(action=action))
    named = {pk for amendment in approved for pk in amendment.officer_ids}
    officers = (
        {o.pk: str(o) for o in Officer.objects.filter(pk__in=named)} if named else {}
    )

    def revised(item, key: tuple[str, int]) -> dict[str, Revised]:
        record = ItemRecord([a for a in approved if a.record_key == key])
        return _revised(record, item, officers)

    return ActionRevisions(
        action=revised(action, ("action", action.pk)),
        milestones=[
            (m, revised(m, ("milestone", m.pk))) for m in action.milestones.all()
        ],
    )


def action_updates_by_period(*, action: Action) -> list[dict]:
    """Per period, newest first: the action's update and its milestones' updates."""
    updates = (
        ProgressUpdate.objects.for_action(action)
        .select_related("period", "status", "milestone")
        .order_by("-period__month", "milestone__order")
    )
    rows: dict[int, dict] = {}
    for update in updates:
        row = rows.setdefault(
            update.period_id,
            {"period": update.period, "action": None, "milestones": []},
        )
        if update.milestone_id:
            row["milestones"].append(update)
        else:
            row["action"] = update
    return list(rows.values())


# --- The monthly cycle ---------------------------------------------------------------------


def open_periods(*, plans) -> dict[int, ReportingPeriod]:
    """The open period of each plan, keyed by plan id."""
    return {
        period.plan_id: period
        for period in ReportingPeriod.objects.filter(plan__in=plans).open()
    }


@dataclass(frozen=True)
class DateFlag:
    """What a dated unit's plan finish means to its lead this month."""

    number: str  # the dated unit: "2.1", or "2.1 (b)" for a milestone
    text: str  # "Overdue since 31 Aug 2009", "(b) due this month (15 Sep 2009)"
    # The plan finish passed before the month began (else it falls within the month).
    late: bool


def _date_flags(
    action: Action,
    period: ReportingPeriod,
    updates: dict[tuple[int | None, int | None], ProgressUpdate],
) -> list[DateFlag]:
    """A flag for each of the action's dated units (its milestones, if it has any) that is
    overdue as at the end of the month: exactly those the month's reports list as overdue,
    including the unfinished ones due within the month."""
    milestones = [m for m in action.milestones.all() if m.is_in_plan(period.month)]
    units = [(m, f"{m.label} ", updates.get((None, m.pk))) for m in milestones] or [
        (action, "", updates.get((action.pk, None)))
    ]
    flags = []
    for unit, prefix, update in units:
        if not unit.is_overdue_at(period, update):
            continue
        finish = f"{unit.plan_finish:%-d %b %Y}"
        status = update.status if update is not None else None
        if unit.is_due_in(period.month, on=period.last_day, status=status):
            text, late = f"due this month ({finish})", False
        else:
            text, late = f"overdue since {finish}", True
        text = prefix + text if prefix else text[0].upper() + text[1:]
        flags.append(DateFlag(unit.number, text, late=late))
    return flags


@dataclass
class MyActionRow:
    action: Action
    period: ReportingPeriod
    update: ProgressUpdate | None
    roles: list[str]
    milestones_led: list[Milestone]
    flags: list[DateFlag]
    # Complete before the month began: no return is due (see period_returns).
    finished: bool = False

    @property
    def state(self) -> str:
        if self.update is None:
            return "Finished: no update due" if self.finished else "No update"
        return self.update.get_workflow_state_display()

    @property
    def needs_attention(self) -> bool:
        if self.update is None:
            return not self.finished
        return self.update.workflow_state in {
            ProgressUpdate.Workflow.DRAFT,
            ProgressUpdate.Workflow.RETURNED,
        }


def my_actions(*, user) -> list[MyActionRow]:
    """Every action the user leads (or leads a milestone of) or signs off, in open periods."""
    officer = Officer.objects.for_user(user)
    if officer is None:
        return []
    return officer_actions(officer=officer)


def officer_actions(*, officer: Officer) -> list[MyActionRow]:
    """`my_actions` for an officer, whether or not they have a user account: reminders
    email leads who have none yet."""
    actions = list(
        Action.objects.for_officer(officer)
        .select_related("plan")
        .prefetch_related("leads", "chief_officers", "milestones__leads")
        .order_by("plan__title", "sort_key")
    )
    periods = open_periods(plans={a.plan_id for a in actions})
    finished = _finished_before(actions, periods)
    updates: dict[int, dict] = {period.pk: {} for period in periods.values()}
    for update in (
        ProgressUpdate.objects.filter(period__in=periods.values())
        .filter(Q(action__in=actions) | Q(milestone__action__in=actions))
        .select_related("status")
    ):
        updates[update.period_id][(update.action_id, update.milestone_id)] = update
    rows = []
    for action in actions:
        period = periods.get(action.plan_id)
        if period is None or not action.is_in_plan(period.month):
            continue
        roles = []
        if officer in action.leads.all():
            roles.append("Lead")
        if officer in action.chief_officers.all():
            roles.append("Chief officer")
        led = [
            m
            for m in action.milestones.all()
            if officer in m.leads.all() and m.is_in_plan(period.month)
        ]
        if led and "Lead" not in roles:
            roles.append("Milestone lead")
        in_period = updates[period.pk]
        update = in_period.get((action.pk, None))
        if roles == ["Milestone lead"]:
            # Their return is their milestones' updates, not the action's own.
            update = _least_advanced([in_period.get((None, m.pk)) for m in led])
        rows.append(
            MyActionRow(
                action,
                period,
                update,
                roles,
                led,
                _date_flags(action, period, in_period),
                finished=action.pk in finished,
            )
        )
    return rows


# Furthest from done first: the state a person's several updates add up to.
_WORKFLOW_PROGRESS = [
    ProgressUpdate.Workflow.RETURNED,
    ProgressUpdate.Workflow.DRAFT,
    ProgressUpdate.Workflow.SUBMITTED,
    ProgressUpdate.Workflow.APPROVED,
    ProgressUpdate.Workflow.NOT_RETURNED,
]


def _least_advanced(
    updates: list[ProgressUpdate | None],
) -> ProgressUpdate | None:
    """The update furthest from done; None while any is missing."""
    if not updates or None in updates:
        return None
    return min(updates, key=lambda u: _WORKFLOW_PROGRESS.index(u.workflow_state))


def signoff_queue(*, user) -> list[ProgressUpdate]:
    """One update per action awaiting sign-off by this user as its chief officer (all, for
    an admin): the action's own update, or a milestone's submitted on its own."""
    updates = ProgressUpdate.objects.filter(
        workflow_state=ProgressUpdate.Workflow.SUBMITTED,
        period__state=ReportingPeriod.State.OPEN,
    )
    if not user.is_superuser:
        officer = Officer.objects.for_user(user)
        if officer is None:
            return []
        council = officer.organisation_id
        updates = updates.filter(
            Q(
                action__chief_officers=officer,
                action__plan__inspection__organisation_id=council,
            )
            | Q(
                milestone__action__chief_officers=officer,
                milestone__action__plan__inspection__organisation_id=council,
            )
        )
    by_action: dict[int, ProgressUpdate] = {}
    for update in updates.select_related(
        "action__plan", "milestone__action__plan", "period", "status", "author"
    ).order_by("milestone__order"):
        action_id = update.action_id or update.milestone.action_id
        if action_id not in by_action or update.action_id:
            by_action[action_id] = update
    return sorted(
        by_action.values(),
        key=lambda u: (
            (u.action or u.milestone.action).plan.title,
            (u.action or u.milestone.action).sort_key,
        ),
    )


@dataclass
class ReturnRow:
    action: Action
    update: ProgressUpdate | None
    month: datetime.date

    @property
    def state(self) -> str:
        return self.update.get_workflow_state_display() if self.update else "No update"

    @property
    def is_missing(self) -> bool:
        """Not yet sent for sign-off: no update, a draft, or returned to the lead."""
        return self.update is None or self.update.workflow_state in {
            ProgressUpdate.Workflow.DRAFT,
            ProgressUpdate.Workflow.RETURNED,
        }

    @property
    def is_awaiting_signoff(self) -> bool:
        return (
            self.update is not None
            and self.update.workflow_state == ProgressUpdate.Workflow.SUBMITTED
        )

    @property
    def is_approved(self) -> bool:
        return (
            self.update is not None
            and self.update.workflow_state == ProgressUpdate.Workflow.APPROVED
        )


def _finished_before(
    actions: list[Action], periods: dict[int, ReportingPeriod]
) -> set[int]:
    """Ids of the actions complete before their plan's open month began: one query per
    distinct month, so a fixed number however many actions."""
    finished: set[int] = set()
    for month in {period.month for period in periods.values()}:
        plans = [plan_id for plan_id, p in periods.items() if p.month == month]
        finished |= set(
            Action.objects.filter(pk__in=[a.pk for a in actions if a.plan_id in plans])
            .complete_before(month)
            .values_list("pk", flat=True)
        )
    return finished


def period_returns(*, period: ReportingPeriod) -> list[ReturnRow]:
    """Each action that reports in the period, with its update: who has not returned.

    An action complete before the month began has nothing left to report, so it is not
    chased (closing the month still carries its last status forward).
    """
    updates = {
        u.action_id: u
        for u in ProgressUpdate.objects.filter(
            period=period, action__isnull=False
        ).select_related("status", "author")
    }
    finished = Action.objects.complete_before(period.month)
    actions = (
        Action.objects.filter(plan_id=period.plan_id)
        .in_plan(period.month)
        .exclude(pk__in=finished.values("pk"))
        .prefetch_related("leads", "milestones__leads")
        .select_related("plan")
        .order_by("sort_key")
    )
    return [
        ReturnRow(action, updates.get(action.pk), period.month) for action in actions
    ]


@dataclass
class LeadReturns:
    """One lead's outstanding returns of a month, as the returns page and the
    coordinators' reminders group them."""

    lead: Officer | None  # None: actions that name no lead
    missing: list[ReturnRow]
    awaiting: list[ReturnRow]


def period_returns_by_lead(*, returns: list[ReturnRow]) -> list[LeadReturns]:
    """`period_returns` rows still outstanding, grouped by lead, most missing first.

    An action's leads are its own, else its milestones' (who then report for it); an
    action with two leads is listed under each.
    """
    groups: dict[int | None, LeadReturns] = {}
    for row in returns:
        if not (row.is_missing or row.is_awaiting_signoff):
            continue
        leads = list(row.action.leads.all()) or list(
            {
                lead
                for m in row.action.milestones.all()
                if m.is_in_plan(row.month)
                for lead in m.leads.all()
            }
        )
        for lead in sorted(leads, key=str) or [None]:
            group = groups.setdefault(
                lead and lead.pk, LeadReturns(lead=lead, missing=[], awaiting=[])
            )
            (group.missing if row.is_missing else group.awaiting).append(row)
    return sorted(
        groups.values(),
        key=lambda g: (g.lead is None, -len(g.missing), -len(g.awaiting), str(g.lead)),
    )


def updates_for_action(
    *, action: Action, period: ReportingPeriod | None
) -> dict[tuple[int | None, int | None], ProgressUpdate]:
    """The period's updates of an action and its milestones, keyed (action_id, milestone_id)."""
    if period is None:
        return {}
    return {
        (u.action_id, u.milestone_id): u
        for u in ProgressUpdate.objects.filter(period=period)
        .for_action(action)
        .select_related("status", "author", "reviewed_by")
    }


@dataclass
class TimelineRow:
    label: str
    cells: list[ProgressUpdate | None]


def action_timeline(
    *, action: Action
) -> tuple[list[ReportingPeriod], list[TimelineRow]]:
    """Status and direction per closed month, for the action and each milestone."""
    periods = list(
        ReportingPeriod.objects.filter(plan_id=action.plan_id)
        .closed()
        .order_by("month")
    )
    updates = {
        (u.period_id, u.action_id, u.milestone_id): u
        for u in ProgressUpdate.objects.filter(period__in=periods)
        .for_action(action)
        .select_related("status")
    }
    rows = [
        TimelineRow(
            action.number, [updates.get((p.pk, action.pk, None)) for p in periods]
        )
    ]
    for milestone in action.milestones.all():
        rows.append(
            TimelineRow(
                f"{action.number} {milestone.label}",
                [updates.get((p.pk, None, milestone.pk)) for p in periods],
            )
        )
    return periods, rows


@dataclass
class HistoryEntry:
    when: datetime.datetime
    who: str
    item: str
    what: str
    changes: list[tuple[str, str, str]]
    reason: str


_HIDDEN_HISTORY_FIELDS = {
    "id",
    "version",
    "sort_key",
    "created_at",
    "updated_at",
    "author",
    "reviewed_at",
    "reviewed_by",
    "order",
}


def _history_entries(
    records, *, model, item_label, statuses, periods
) -> list[HistoryEntry]:
    """Field-by-field differences between consecutive history rows of each object."""
    fields = [
        f
        for f in model._meta.concrete_fields
        if f.name not in _HIDDEN_HISTORY_FIELDS
        and f.attname not in _HIDDEN_HISTORY_FIELDS
    ]

    def show(record, field) -> str:
        value = getattr(record, field.attname)
        if value in (None, ""):
            return "–"
        if field.name == "status":
            return statuses.get(value, str(value))
        if field.name == "period":
            return periods.get(value, str(value))
        if field.is_relation:
            return str(value)
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, datetime.date):
            return value.strftime("%d/%m/%Y")
        return str(value)

    entries = []
    previous = {}
    for record in records:
        before = previous.get(record.id)
        previous[record.id] = record
        if record.history_type == "-":
            continue
        changes = []
        for field in fields:
            if field.is_relation and field.name not in {"status", "period"}:
                continue
            new = show(record, field)
            old = show(before, field) if before else "–"
            if old != new:
                changes.append((str(field.verbose_name), old, new))
        if not changes and before is not None:
            continue
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=(
                    record.history_user.get_full_name() or record.history_user.username
                )
                if record.history_user
                else "System",
                item=item_label(record),
                what="Created" if record.history_type == "+" else "Changed",
                changes=changes,
                reason=record.history_change_reason or "",
            )
        )
    return entries


def action_change_history(*, action: Action) -> list[HistoryEntry]:
    """Who changed what and when, for the action, its milestones and their updates.

    Newest first; a fixed number of queries however long the history.
    """
    milestones = {m.pk: f"{action.number} {m.label}" for m in action.milestones.all()}
    statuses = {s.pk: s.label for s in action.plan.statuses.all()}
    periods = {p.pk: str(p) for p in action.plan.periods.all()}
    entries = _history_entries(
        Action.history.filter(id=action.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id"),
        model=Action,
        item_label=lambda r: action.number,
        statuses=statuses,
        periods=periods,
    )
    entries += _history_entries(
        Milestone.history.filter(action_id=action.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id"),
        model=Milestone,
        item_label=lambda r: milestones.get(r.id, "milestone"),
        statuses=statuses,
        periods=periods,
    )
    entries += _history_entries(
        ProgressUpdate.history.filter(
            Q(action_id=action.pk) | Q(milestone_id__in=list(milestones))
        )
        .select_related("history_user")
        .order_by("history_date", "history_id"),
        model=ProgressUpdate,
        item_label=lambda r: (
            f"{milestones.get(r.milestone_id, action.number)} – "
            f"{periods.get(r.period_id, '')} update"
        ),
        statuses=statuses,
        periods=periods,
    )
    return sorted(entries, key=lambda e: e.when, reverse=True)
