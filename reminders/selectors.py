"""Who is reminded of what, and when: the digests due on a day.

Every list in a digest comes from actionplans' own selectors (`officer_actions`, the
lead's "My actions"; `signoff_queue`; `period_returns`), so an email says exactly what
the pages say. A digest is built from the data as it is when it is sent, and is built
again the same way by the task that sends it.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q
from django.urls import reverse

from actionplans.models import (
    Action,
    ActionPlan,
    Officer,
    PlanMembership,
    ProgressUpdate,
    ReportingPeriod,
)
from actionplans.permissions import approval_refusals
from actionplans.selectors import (
    MyActionRow,
    ReturnRow,
    officer_actions,
    period_returns,
    period_returns_by_lead,
    signoff_queue,
)

from .calendar import ReturnSchedule, Step, return_schedule
from .models import SentReminder

Kind = SentReminder.Kind

# The steps each kind of digest is sent at, in order (see ReturnSchedule.step_due).
STEPS = {
    Kind.LEAD: [Step.OPENING, Step.REMINDER, Step.DEADLINE],
    Kind.CHIEF: [Step.REMINDER, Step.DEADLINE, Step.CHIEFS],
    Kind.COORDINATOR: [Step.COORDINATORS],
}

_LEADING = {"Lead", "Milestone lead"}


def period_schedule(period: ReportingPeriod) -> ReturnSchedule:
    """The timetable of the month's returns under its plan's deadline."""
    return return_schedule(
        month=period.month,
        deadline_working_day=period.plan.return_deadline_working_day,
    )


def site_link(viewname: str, *args) -> str:
    """An absolute link for an email: from SITE_URL, never from a request."""
    return settings.SITE_URL + reverse(viewname, args=args)


# --- Who can be emailed ------------------------------------------------------------------


def officer_address(officer: Officer) -> str:
    """Where an officer's reminders go: their own email, else their user account's; ""
    when neither, or when their account is inactive (they have left). Lower-cased, so
    that one person gets one digest."""
    user = officer.user
    if user is not None and not user.is_active:
        return ""
    address = officer.email or (user.email if user is not None else "")
    return address.strip().lower()


def officer_problem(officer: Officer) -> str:
    """Why a coordinator should know about this officer's reminders, or ""."""
    if officer.user is not None and not officer.user.is_active:
        return "User account inactive: not reminded"
    if not officer_address(officer):
        return "No email address: not reminded"
    if officer.user is None:
        return "No user account: reminded, but cannot open the links"
    return ""


def _user_address(user: AbstractBaseUser) -> str:
    return user.email.strip().lower() if user.is_active else ""


def _user_name(user: AbstractBaseUser) -> str:
    return user.get_full_name() or user.get_username()


def _officer_name(officer: Officer) -> str:
    return officer.name or officer.role_title


# --- What a digest holds -----------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One action or milestone in a digest, with what is asked of it and its link."""

    number: str
    text: str
    state: str
    url: str
    notes: tuple[str, ...] = ()  # a chief's comment, due or overdue dates
    # A lead's item with no update sent for sign-off (none, a draft, or returned).
    needs_return: bool = False


@dataclass(frozen=True)
class LeadGroup:
    name: str
    missing: list[Item]
    awaiting: list[Item]


@dataclass
class Section:
    """One plan's month in a digest: one sent-log row when claimed."""

    period: ReportingPeriod
    step: str
    officer: Officer | None = None
    user: AbstractBaseUser | None = None
    items: list[Item] = field(default_factory=list)  # a lead's to do
    awaiting: list[Item] = field(default_factory=list)  # awaiting sign-off
    missing: list[Item] = field(default_factory=list)  # a chief's leads' missing
    by_lead: list[LeadGroup] = field(default_factory=list)  # a coordinator's
    people: list[tuple[str, str]] = field(default_factory=list)  # (officer, problem)
    returns_url: str = ""

    @property
    def plan(self) -> ActionPlan:
        return self.period.plan

    @property
    def schedule(self) -> ReturnSchedule:
        return period_schedule(self.period)

    @property
    def is_empty(self) -> bool:
        return not (self.items or self.awaiting or self.missing or self.by_lead)


@dataclass
class Digest:
    """One email: a person's sections (one per plan) of one kind, on one day."""

    kind: str
    address: str
    name: str
    on: datetime.date
    sections: list[Section]


# --- Sections, one per kind --------------------------------------------------------------


def _lead_item(row: MyActionRow) -> Item | None:
    """What the lead must do about one action, or None when nothing."""
    led_numbers = {m.number for m in row.milestones_led}
    flags = [
        flag.text
        for flag in row.flags
        if "Lead" in row.roles or flag.number in led_numbers
    ]
    if not (row.needs_attention or flags):
        return None
    notes = list(flags)
    update = row.update
    if update is not None and update.workflow_state == ProgressUpdate.Workflow.RETURNED:
        notes.insert(0, f"Returned with the comment: “{update.review_comment}”")
    number = row.action.number
    if "Lead" not in row.roles:
        number = ", ".join(sorted(led_numbers))
    return Item(
        number=number,
        text=row.action.text,
        state=row.state,
        url=site_link("actionplans:update_form", row.action.plan.slug, row.action.pk),
        notes=tuple(notes),
        needs_return=row.needs_attention,
    )


def lead_sections(
    officer: Officer, due: dict[int, tuple[ReportingPeriod, str]]
) -> list[Section]:
    """The officer's sections for the plans in `due` (plan id: period and step): each
    action or milestone they lead with no submitted update, returned to them, or due
    or overdue.

    A plan where every return of theirs is sent has no section: a lead is not chased
    for dates alone once they have reported (the dates go to the board's reports).
    """
    sections: dict[int, Section] = {}
    for row in officer_actions(officer=officer):
        plan_id = row.action.plan_id
        if plan_id not in due or not _LEADING & set(row.roles):
            continue
        item = _lead_item(row)
        if item is None:
            continue
        period, step = due[plan_id]
        if plan_id not in sections:
            sections[plan_id] = Section(
                period=period,
                step=step,
                officer=officer,
                user=officer.user,
            )
        sections[plan_id].items.append(item)
    return [s for s in sections.values() if any(i.needs_return for i in s.items)]


def _return_item(row: ReturnRow, viewname: str) -> Item:
    action = row.action
    return Item(
        number=action.number,
        text=action.text,
        state=row.state,
        url=site_link(viewname, action.plan.slug, action.pk),
    )


def chief_section(
    officer: Officer, period: ReportingPeriod, step: str, returns: list[ReturnRow]
) -> Section:
    """Updates awaiting the officer's sign-off (those they may approve); from the first
    escalation, also the missing returns of the actions they are accountable for."""
    section = Section(
        period=period,
        step=step,
        officer=officer,
        user=officer.user,
    )
    accountable = set(
        Action.objects.filter(plan=period.plan, chief_officers=officer).values_list(
            "pk", flat=True
        )
    )
    user = officer.user
    if user is not None and user.is_active:
        # Only a user can sign off; an officer without one is named to coordinators.
        queue = [
            (update, update.action or update.milestone.action)
            for update in signoff_queue(user=user)
        ]
        queue = [(u, a) for u, a in queue if a.pk in accountable]
        refused = approval_refusals(user=user, actions=[a for _, a in queue])
        section.awaiting = [
            Item(
                number=(update.milestone or action).number,
                text=action.text,
                state=update.get_workflow_state_display(),
                url=site_link(
                    "actionplans:signoff_decide", action.plan.slug, action.pk
                ),
            )
            for update, action in queue
            if action.pk not in refused
        ]
    if step == Step.CHIEFS:
        section.missing = [
            _return_item(row, "actionplans:action_detail")
            for row in returns
            if row.is_missing and row.action.pk in accountable
        ]
    return section


def coordinator_section(
    period: ReportingPeriod, step: str, returns: list[ReturnRow], user
) -> Section:
    """The plan's missing returns and pending sign-offs grouped by lead, and the
    people the reminders cannot reach."""
    groups = period_returns_by_lead(returns=returns)
    outstanding = {row.action.pk for group in groups for row in group.missing}
    outstanding |= {row.action.pk for group in groups for row in group.awaiting}
    people = (
        Officer.objects.filter(
            Q(led_actions__in=outstanding)
            | Q(accountable_actions__in=outstanding)
            | Q(led_milestones__action__in=outstanding)
        )
        .select_related("user")
        .distinct()
    )
    return Section(
        period=period,
        step=step,
        user=user,
        by_lead=[
            LeadGroup(
                name=_officer_name(group.lead) if group.lead else "No lead named",
                missing=[
                    _return_item(r, "actionplans:action_detail") for r in group.missing
                ],
                awaiting=[
                    _return_item(r, "actionplans:action_detail") for r in group.awaiting
                ],
            )
            for group in groups
        ],
        people=[
            (str(officer), problem)
            for officer in people
            if (problem := officer_problem(officer))
        ],
        returns_url=site_link("actionplans:period_list", period.plan.slug),
    )


# --- The digests due on a day ------------------------------------------------------------


class _Digests:
    """Digests being gathered, one per (kind, address), leaving out sections already
    claimed in the sent-log."""

    def __init__(self, *, on: datetime.date, claimed: set[tuple]):
        self.on = on
        self.claimed = claimed
        self.by_recipient: dict[tuple[str, str], Digest] = {}

    def is_claimed(self, kind: str, address: str, period, step: str) -> bool:
        return (address, period.plan_id, period.month, kind, step) in self.claimed

    def add(self, kind: str, address: str, name: str, section: Section) -> None:
        if section.is_empty:
            return
        digest = self.by_recipient.setdefault(
            (kind, address), Digest(kind, address, name, self.on, [])
        )
        digest.sections.append(section)

    def all(self) -> list[Digest]:
        for digest in self.by_recipient.values():
            digest.sections.sort(key=lambda s: (s.plan.title, s.plan.pk))
        return sorted(self.by_recipient.values(), key=lambda d: (d.address, d.kind))


def _claimed(periods: list[ReportingPeriod]) -> set[tuple]:
    return set(
        SentReminder.objects.filter(
            plan__in=[p.plan_id for p in periods],
            month__in={p.month for p in periods},
        ).values_list("recipient", "plan_id", "month", "kind", "step")
    )


def _leads_of(plan_ids) -> list[Officer]:
    return list(
        Officer.objects.filter(
            Q(led_actions__plan__in=plan_ids)
            | Q(led_milestones__action__plan__in=plan_ids)
        )
        .select_related("user")
        .distinct()
        .order_by("pk")
    )


def reminders_due(*, on: datetime.date) -> list[Digest]:
    """Every digest due on the day, for the open month of each active plan, leaving out
    what the sent-log says was already claimed. Reads only."""
    periods = list(
        ReportingPeriod.objects.open()
        .filter(plan__status=ActionPlan.Status.ACTIVE)
        .select_related("plan")
        .order_by("plan__title", "pk")
    )
    digests = _Digests(on=on, claimed=_claimed(periods))
    lead_steps: dict[int, tuple[ReportingPeriod, str]] = {}
    for period in periods:
        schedule = period_schedule(period)
        returns = None
        if step := schedule.step_due(STEPS[Kind.LEAD], on=on):
            lead_steps[period.plan_id] = (period, step)
        if step := schedule.step_due(STEPS[Kind.CHIEF], on=on):
            returns = period_returns(period=period)
            chiefs = Officer.objects.filter(
                accountable_actions__plan=period.plan
            ).select_related("user")
            for chief in chiefs.distinct().order_by("pk"):
                address = officer_address(chief)
                if address and not digests.is_claimed(
                    Kind.CHIEF, address, period, step
                ):
                    section = chief_section(chief, period, step, returns)
                    digests.add(Kind.CHIEF, address, _officer_name(chief), section)
        if step := schedule.step_due(STEPS[Kind.COORDINATOR], on=on):
            returns = returns if returns is not None else period_returns(period=period)
            for user in coordinators_of(period.plan):
                address = _user_address(user)
                if address and not digests.is_claimed(
                    Kind.COORDINATOR, address, period, step
                ):
                    section = coordinator_section(period, step, returns, user)
                    digests.add(Kind.COORDINATOR, address, _user_name(user), section)
    for officer in _leads_of(list(lead_steps)):
        address = officer_address(officer)
        due = {
            plan_id: (period, step)
            for plan_id, (period, step) in lead_steps.items()
            if not digests.is_claimed(Kind.LEAD, address, period, step)
        }
        if not (address and due):
            continue
        for section in lead_sections(officer, due):
            digests.add(Kind.LEAD, address, _officer_name(officer), section)
    return digests.all()


def coordinators_of(plan: ActionPlan) -> list[AbstractBaseUser]:
    memberships = PlanMembership.objects.filter(
        plan=plan, role=PlanMembership.Role.COORDINATOR
    ).select_related("user")
    return [m.user for m in memberships.order_by("user_id")]


# --- A coordinator's "remind these leads now" --------------------------------------------


@dataclass
class ManualReminders:
    """What "remind these leads now" would send today, and to whom it cannot."""

    digests: list[Digest]
    already_reminded: list[str]  # leads reminded this way today (names)
    unreachable: list[tuple[str, str]]  # leads with something to do: (name, problem)


def manual_reminders(*, plan: ActionPlan, on: datetime.date) -> ManualReminders:
    """One message per lead of the plan who has something to do in its open month."""
    period = plan.open_period()
    if period is None:
        return ManualReminders([], [], [])
    step = on.isoformat()
    claimed = _claimed([period])
    digests, already, unreachable = [], [], []
    for officer in _leads_of([plan.pk]):
        sections = lead_sections(officer, {plan.pk: (period, step)})
        if not sections:
            continue
        address = officer_address(officer)
        name = _officer_name(officer)
        if not address:
            unreachable.append((str(officer), officer_problem(officer)))
        elif (address, plan.pk, period.month, Kind.MANUAL, step) in claimed:
            already.append(name)
        else:
            digests.append(Digest(Kind.MANUAL, address, name, on, sections))
    return ManualReminders(digests, already, unreachable)


# --- The digest of claimed rows, as the sending task builds it ----------------------------


def digest_for_claims(
    claims: list[SentReminder], *, on: datetime.date
) -> Digest | None:
    """The digest of one recipient's claimed rows, built from the data as it is now.

    A row whose month has closed since, or that has nothing left to ask, adds nothing;
    None when no row does.
    """
    first = claims[0]
    digest = Digest(first.kind, first.recipient, "", on, [])
    for claim in claims:
        # An account made inactive, or an address removed, since the claim.
        if claim.officer is not None and not officer_address(claim.officer):
            continue
        if claim.officer is None and not (claim.user and _user_address(claim.user)):
            continue
        period = (
            ReportingPeriod.objects.open()
            .filter(plan_id=claim.plan_id, month=claim.month)
            .select_related("plan")
            .first()
        )
        if period is None:
            continue
        if claim.kind in (Kind.LEAD, Kind.MANUAL) and claim.officer is not None:
            digest.name = _officer_name(claim.officer)
            digest.sections += lead_sections(
                claim.officer, {period.plan_id: (period, claim.step)}
            )
        elif claim.kind == Kind.CHIEF and claim.officer is not None:
            digest.name = _officer_name(claim.officer)
            returns = period_returns(period=period)
            digest.sections.append(
                chief_section(claim.officer, period, claim.step, returns)
            )
        elif claim.kind == Kind.COORDINATOR and claim.user is not None:
            digest.name = _user_name(claim.user)
            returns = period_returns(period=period)
            digest.sections.append(
                coordinator_section(period, claim.step, returns, claim.user)
            )
    digest.sections = [s for s in digest.sections if not s.is_empty]
    return digest if digest.sections else None
