"""Reads for the plan pages. Permission to see a plan is decided here, in one place."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects

from lib import months
from lib.text import DiffPart, is_blank, word_diff

from .models import (
    Action,
    ActionPlan,
    Amendment,
    ItemRecord,
    Milestone,
    Officer,
    PlanMembership,
    ProgressUpdate,
    ReportingPeriod,
    StatusOption,
)
from .models.amendments import (
    AMENDED_OFFICERS,
    agreed_value,
    encoded,
    revised_note,
    revised_times,
)
from .rules import overrules, status_propose

# An item's update in a period, keyed as updates_for_action keys them.
ItemKey = tuple[int | None, int | None]


def item_key(item: Action | Milestone) -> ItemKey:
    """An action's or milestone's key among its action's updates: (action_id, milestone_id)."""
    return (item.pk, None) if isinstance(item, Action) else (None, item.pk)


def plans_for_user(*, user: AbstractBaseUser) -> QuerySet[ActionPlan]:
    """The plans a user may see: admins see all; others the plans they have a role on."""
    plans = ActionPlan.objects.select_related("inspection")
    if user.is_superuser:
        return plans
    # Semi-joins, not joins: no DISTINCT over every column to undo the rows a join
    # over memberships and the actions' officers would multiply.
    visible = Q(pk__in=PlanMembership.objects.filter(user=user).values("plan_id"))
    officer = Officer.objects.for_user(user)
    if officer is None:
        return plans.filter(visible)
    visible |= Q(pk__in=Action.objects.for_officer(officer).values("plan_id"))
    # An officer is of one council: nothing linked to another council's plan (by a
    # mistaken import or membership) opens that plan to them.
    return plans.filter(visible).in_organisation(officer.organisation_id)


def plan_actions(*, plan: ActionPlan, period: ReportingPeriod | None) -> list[Action]:
    """Every action of the plan in reading order, with milestones, people and the period's updates.

    A fixed number of queries whatever the size of the plan.
    """
    updates = ProgressUpdate.objects.filter(period=period).select_related(
        "status", "carried_from__period"
    )
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


# The action page shows the plan's latest this many months unless asked for all: a plan
# in its fourth year would otherwise print every month of its history on every visit.
ACTION_PAGE_MONTHS = 12


@dataclass(frozen=True)
class MonthWindow:
    """The months a page shows of the plan's: from `since` (None: all of them)."""

    since: datetime.date | None
    shown: int
    total: int
    size: int  # how many a partial window shows

    @property
    def is_partial(self) -> bool:
        return self.shown < self.total


def month_window(
    *, periods: list[ReportingPeriod], show_all: bool, size: int = ACTION_PAGE_MONTHS
) -> MonthWindow:
    """The latest `size` of the plan's months (all of them when `show_all`)."""
    latest_first = sorted((p.month for p in periods), reverse=True)
    if show_all or len(latest_first) <= size:
        return MonthWindow(None, len(latest_first), len(latest_first), size)
    return MonthWindow(latest_first[size - 1], size, len(latest_first), size)


def action_updates_by_period(
    *, action: Action, since: datetime.date | None = None
) -> list[dict]:
    """Per period, newest first: the action's update and its milestones' updates, of
    the months from `since` (all when None)."""
    updates = (
        ProgressUpdate.objects.for_action(action)
        .select_related("period", "status", "milestone", "carried_from__period")
        .order_by("-period__month", "milestone__order")
    )
    if since is not None:
        updates = updates.filter(period__month__gte=since)
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


class Task:
    """Where one of a lead's actions stands this month, in the order My actions lists them:
    what needs the lead first (GOV.UK task list)."""

    RETURNED = "returned"
    NOT_STARTED = "not_started"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    FINISHED = "finished"  # complete before the month began: no update is due

    ORDER = [RETURNED, NOT_STARTED, DRAFT, SUBMITTED, APPROVED, FINISHED]
    DONE = {SUBMITTED, APPROVED, FINISHED}
    LABELS = {
        RETURNED: "Returned to you",
        NOT_STARTED: "Not started",
        DRAFT: "Draft",
        SUBMITTED: "Awaiting sign-off",
        APPROVED: "Approved",
        FINISHED: "Finished: no update due",
    }


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
    # The action's own update last month (the chief officer's "last month" column).
    last_update: ProgressUpdate | None = None
    # Last month's update of each item the person reports on (what "no change" repeats).
    last_reported: list[tuple[Action | Milestone, ProgressUpdate | None]] = field(
        default_factory=list
    )
    # Every item the person reports on has an update last month and none yet this month:
    # they may confirm it "no change since last month" (updates_confirm_unchanged).
    can_confirm_unchanged: bool = False

    @property
    def task(self) -> str:
        if self.update is None:
            return Task.FINISHED if self.finished else Task.NOT_STARTED
        state = self.update.workflow_state
        return state if state in Task.ORDER else Task.APPROVED

    @property
    def state(self) -> str:
        return Task.LABELS[self.task]

    @property
    def confirm_key(self) -> str:
        """A tick on the no-change page: the action and the month it was shown in."""
        return f"{self.action.pk}@{months.month_key(self.period.month)}"

    @property
    def is_lead(self) -> bool:
        """The person writes this action's return (or some of its milestones')."""
        return "Lead" in self.roles or "Milestone lead" in self.roles

    @property
    def is_chief(self) -> bool:
        return "Chief officer" in self.roles

    @property
    def needs_attention(self) -> bool:
        return self.task not in Task.DONE


@dataclass
class LeadTasks:
    """A lead's actions this month as a task list: "6 of 15 done", what needs them first."""

    rows: list[MyActionRow]

    @property
    def done(self) -> int:
        return sum(1 for row in self.rows if row.task in Task.DONE)

    @property
    def returned(self) -> list[MyActionRow]:
        return [row for row in self.rows if row.task == Task.RETURNED]

    @property
    def unchanged_candidates(self) -> list[MyActionRow]:
        return [row for row in self.rows if row.can_confirm_unchanged]

    @property
    def groups(self) -> list[tuple[str, str, list[MyActionRow]]]:
        """(task, its label, rows) for each task that has rows, finished ones last."""
        return [
            (task, Task.LABELS[task], rows)
            for task in Task.ORDER
            if (rows := [row for row in self.rows if row.task == task])
        ]


def lead_tasks(rows: list[MyActionRow]) -> LeadTasks:
    return LeadTasks([row for row in rows if row.is_lead])


def my_actions(*, user) -> list[MyActionRow]:
    """Every action the user leads (or leads a milestone of) or signs off, in open periods."""
    officer = Officer.objects.for_user(user)
    if officer is None:
        return []
    return officer_actions(officer=officer)


def _last_periods(periods: dict[int, ReportingPeriod]) -> dict[int, ReportingPeriod]:
    """The month before each plan's open month, keyed by plan id: one query."""
    loaded = list(ReportingPeriod.objects.filter(plan_id__in=periods))
    last = {
        plan_id: ReportingPeriod.pick_previous(loaded, period)
        for plan_id, period in periods.items()
    }
    return {plan_id: period for plan_id, period in last.items() if period is not None}


def _updates_by_period(
    periods, actions: list[Action]
) -> dict[int, dict[tuple[int | None, int | None], ProgressUpdate]]:
    """The periods' updates of the actions and their milestones, by period id, then
    keyed (action_id, milestone_id): one query."""
    updates: dict[int, dict] = {period.pk: {} for period in periods}
    for update in (
        ProgressUpdate.objects.filter(period__in=list(periods))
        .filter(Q(action__in=actions) | Q(milestone__action__in=actions))
        .select_related("status", "carried_from__period")
    ):
        updates[update.period_id][(update.action_id, update.milestone_id)] = update
    return updates


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
    last_periods = _last_periods(periods)
    finished = _finished_before(actions, periods)
    updates = _updates_by_period([*periods.values(), *last_periods.values()], actions)
    schemes: dict[int, list[StatusOption]] = {}
    for status in StatusOption.objects.filter(plan_id__in=periods.keys()):
        schemes.setdefault(status.plan_id, []).append(status)
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
        in_plan = [m for m in action.milestones.all() if m.is_in_plan(period.month)]
        led = [m for m in in_plan if officer in m.leads.all()]
        if led and "Lead" not in roles:
            roles.append("Milestone lead")
        in_period = updates[period.pk]
        last_period = last_periods.get(action.plan_id)
        last = updates[last_period.pk] if last_period else {}
        update = in_period.get((action.pk, None))
        # The items the person reports on: an action's lead (or chief) reports on the
        # action and all its milestones, a milestone lead on their milestones.
        reported_units = [action, *in_plan]
        if roles == ["Milestone lead"]:
            # Their return is their milestones' updates, not the action's own.
            update = _least_advanced([in_period.get((None, m.pk)) for m in led])
            reported_units = led
        reported = [item_key(item) for item in reported_units]
        rows.append(
            MyActionRow(
                action,
                period,
                update,
                roles,
                led,
                _date_flags(action, period, in_period),
                finished=action.pk in finished,
                last_update=last.get((action.pk, None)),
                last_reported=[
                    (item, last.get(item_key(item))) for item in reported_units
                ],
                # As updates_confirm_unchanged requires: a status last month to carry.
                can_confirm_unchanged=action.pk not in finished
                and all(
                    key not in in_period and key in last and last[key].status_id
                    for key in reported
                )
                and not any(
                    _carrying_needs_a_reason(
                        item, last[item_key(item)], period, schemes[action.plan_id]
                    )
                    for item in reported_units
                ),
            )
        )
    return rows


def _carrying_needs_a_reason(
    item, last: ProgressUpdate, period: ReportingPeriod, statuses: list
) -> bool:
    """Carrying last month's status forward would overrule what the dates now propose
    (Red once the finish has passed, Grey before the start) with no reason to carry: the
    lead must open the form and say why, so "no change" is not offered. (Measures are
    not read here; the confirming service checks them and refuses with the reason.)"""
    written = last.written or last
    if not is_blank(written.status_reason):
        return False
    proposal = status_propose(
        unit=item,
        statuses=statuses,
        last=last.status,
        actual_finish=last.actual_finish,
        month_end=period.last_day,
        has_proof=False,
    )
    return overrules(proposal, last.status)


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


@dataclass(frozen=True)
class EarlierReturn:
    """A chief officer's return of an update that the lead has since submitted again."""

    by: str
    at: datetime.datetime
    comment: str
    # The narratives as they were returned, which the resubmission is compared with.
    progress: str
    risk: str


def _earlier_returns(updates: list[ProgressUpdate]) -> dict[int, EarlierReturn]:
    """The latest return of each of the updates, by update id, read from their history:
    an update is one month's, so any return of it was this month. One query."""
    records = (
        ProgressUpdate.history.filter(
            id__in=[u.pk for u in updates],
            workflow_state=ProgressUpdate.Workflow.RETURNED,
        )
        .select_related("reviewed_by", "history_user")
        .order_by("history_date", "history_id")
    )
    returns = {}
    for record in records:
        reviewer = record.reviewed_by or record.history_user
        returns[record.id] = EarlierReturn(
            by=(reviewer.get_full_name() or reviewer.username) if reviewer else "–",
            at=record.reviewed_at or record.history_date,
            comment=record.review_comment,
            progress=record.progress,
            risk=record.risk,
        )
    return returns


@dataclass
class SignoffRow:
    """An action awaiting the user's sign-off, as the sign-off queue shows it."""

    action: Action
    # The item the row shows: the action, or its milestone submitted on its own.
    item: Action | Milestone
    update: ProgressUpdate
    # Last month's update of the same item.
    last: ProgressUpdate | None
    # Every update of the action awaiting sign-off: what approving the row approves.
    awaiting: list[ProgressUpdate]
    # The version of each of the action's updates this month, as the queue shows them.
    versions: dict["ItemKey", int]
    # Returned earlier this month and submitted again.
    resubmitted: bool
    # Every update awaiting sign-off reports exactly last month's values.
    unchanged: bool

    @property
    def period(self) -> ReportingPeriod:
        return self.update.period

    @property
    def leads(self) -> list[Officer]:
        """The row's item's leads; a milestone nobody leads is its action's leads'."""
        return list(self.item.leads.all()) or list(self.action.leads.all())

    @property
    def others_awaiting(self) -> list[tuple[str, ProgressUpdate]]:
        """(number, update) of the action's other items that approving it approves."""
        milestones = {m.pk: m for m in self.action.milestones.all()}
        return [
            (milestones[u.milestone_id].number, u)
            for u in self.awaiting
            if u.pk != self.update.pk and u.milestone_id in milestones
        ]


def signoff_rows(*, queue: list[ProgressUpdate]) -> list[SignoffRow]:
    """The sign-off queue's rows for `signoff_queue`'s updates, in its order.

    Each with last month's update beside it, everything of the action that approving it
    approves (and the versions shown, see BulkApproveForm), and whether it was returned
    before or reports no change. A fixed number of queries however many rows.
    """
    if not queue:
        return []
    actions = list(
        {a.pk: a for a in (u.action or u.milestone.action for u in queue)}.values()
    )
    prefetch_related_objects(
        actions,
        "leads",
        Prefetch("milestones", queryset=Milestone.objects.prefetch_related("leads")),
    )
    by_pk = {action.pk: action for action in actions}
    periods = {u.period.plan_id: u.period for u in queue}
    last_periods = _last_periods(periods)
    updates = _updates_by_period([*periods.values(), *last_periods.values()], actions)
    milestone_action = {m.pk: a.pk for a in actions for m in a.milestones.all()}

    def action_id(update: ProgressUpdate) -> int:
        return update.action_id or milestone_action[update.milestone_id]

    awaiting: dict[int, list[ProgressUpdate]] = {}
    versions: dict[int, dict[ItemKey, int]] = {}
    for period in periods.values():
        for key, update in updates[period.pk].items():
            versions.setdefault(action_id(update), {})[key] = update.version
            if update.workflow_state == ProgressUpdate.Workflow.SUBMITTED:
                awaiting.setdefault(action_id(update), []).append(update)
    returned = _earlier_returns([u for group in awaiting.values() for u in group])
    rows = []
    for update in queue:
        action = by_pk[action_id(update)]
        last_period = last_periods.get(action.plan_id)
        last = updates[last_period.pk] if last_period else {}
        action_awaiting = awaiting.get(action.pk, [update])
        milestones = {m.pk: m for m in action.milestones.all()}
        rows.append(
            SignoffRow(
                action=action,
                item=milestones[update.milestone_id] if update.milestone_id else action,
                update=update,
                last=last.get((update.action_id, update.milestone_id)),
                awaiting=action_awaiting,
                versions=versions.get(action.pk, {}),
                resubmitted=any(u.pk in returned for u in action_awaiting),
                unchanged=all(
                    u.same_values_as(last.get((u.action_id, u.milestone_id)))
                    for u in action_awaiting
                ),
            )
        )
    return rows


@dataclass
class SignoffItem:
    """One item on the sign-off page: this month's update beside last month's, and what
    changed in its narratives since the version returned (or since last month)."""

    item: Action | Milestone
    update: ProgressUpdate | None
    last: ProgressUpdate | None
    # The month before this one ("last month"), if the plan has one.
    previous: ReportingPeriod | None
    # Returned earlier this month; only for an update now awaiting sign-off.
    earlier_return: EarlierReturn | None

    @property
    def is_milestone(self) -> bool:
        return isinstance(self.item, Milestone)

    @property
    def compared_with(self) -> str:
        """What the diffs compare this month's narrative with, as the page says it."""
        if self.earlier_return is not None:
            return f"the version returned on {self.earlier_return.at:%-d %B %Y}"
        if self.last is None or self.last.written is None:
            return ""
        if self.last.is_not_returned:
            # The narrative the lead last wrote, carried into last month.
            return f"{self.last.carried_month:%B %Y}"
        return str(self.previous)

    def _diff(self, name: str) -> list[DiffPart] | None:
        """The narrative's change, word by word; None with nothing to compare with or
        nothing changed."""
        if self.update is None:
            return None
        if self.earlier_return is not None:
            before = getattr(self.earlier_return, name)
        else:
            written = self.last.written if self.last else None
            if written is None:
                return None
            before = getattr(written, name)
        parts = word_diff(before, getattr(self.update, name))
        return parts if any(part.kind != "same" for part in parts) else None

    @property
    def progress_diff(self) -> list[DiffPart] | None:
        return self._diff("progress")

    @property
    def risk_diff(self) -> list[DiffPart] | None:
        return self._diff("risk")


def signoff_items(
    *,
    action: Action,
    period: ReportingPeriod | None,
    current: dict["ItemKey", ProgressUpdate],
) -> list[SignoffItem]:
    """The sign-off page's items, the action and then its milestones, with `current`
    (the period's updates, from updates_for_action) beside last month's."""
    previous = period.previous() if period else None
    last = updates_for_action(action=action, period=previous)
    returns = _earlier_returns(
        [
            u
            for u in current.values()
            if u.workflow_state == ProgressUpdate.Workflow.SUBMITTED
        ]
    )
    items: list[Action | Milestone] = [action, *action.milestones.all()]
    return [
        SignoffItem(
            item,
            current.get(item_key(item)),
            last.get(item_key(item)),
            previous,
            returns.get(current[item_key(item)].pk)
            if item_key(item) in current
            else None,
        )
        for item in items
    ]


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
        ).select_related("status", "author", "carried_from__period")
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
        .select_related("status", "author", "reviewed_by", "carried_from__period")
    }


@dataclass
class CheckRow:
    """One item on the check-your-answers page: this month's update beside last month's."""

    item: Action | Milestone
    update: ProgressUpdate | None
    last: ProgressUpdate | None

    @property
    def anchor(self) -> str:
        """The item's section of the update form, for the row's "Change" link."""
        if isinstance(self.item, Action):
            return "action-heading"
        return f"m{self.item.pk}-heading"

    @property
    def has_no_progress(self) -> bool:
        """Nothing written this month: the status and direction are only proposals
        carried from last month, which the lead may not have looked at."""
        return self.update is None or is_blank(self.update.progress)


def update_check_rows(
    *, action: Action, period: ReportingPeriod, items: list[Action | Milestone]
) -> list[CheckRow]:
    """What the user is about to submit for the action's `items` (`reported_items`)."""
    current = updates_for_action(action=action, period=period)
    last = updates_for_action(action=action, period=period.previous())
    return [
        CheckRow(item, current.get(item_key(item)), last.get(item_key(item)))
        for item in items
    ]


@dataclass
class TimelineRow:
    label: str
    cells: list[ProgressUpdate | None]


def action_timeline(
    *,
    action: Action,
    plan_periods: list[ReportingPeriod],
    since: datetime.date | None = None,
) -> tuple[list[ReportingPeriod], list[TimelineRow]]:
    """Status and direction per closed month from `since` (all when None), for the
    action and each milestone; `plan_periods`: the plan's months, which the page has."""
    periods = sorted(
        (
            p
            for p in plan_periods
            if p.is_closed and (since is None or p.month >= since)
        ),
        key=lambda period: period.month,
    )
    updates = {
        (u.period_id, u.action_id, u.milestone_id): u
        for u in ProgressUpdate.objects.filter(period__in=periods)
        .for_action(action)
        .select_related("status", "carried_from__period")
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
