"""Reads for reports: one plain context per report, built with a fixed number of queries.

Every report of a period reads the same rows: the plan's periods and statuses, its actions
with milestones, recommendations and officers, and the updates of the period and of the
month before. Filters are applied in Python afterwards, so the number of queries does not
depend on the size of the plan or on the filters.

The rules (see DOMAIN.md):

- A closed period's updates are the frozen record of that month; an open period shows the
  current updates and the report is a draft.
- The effective actual finish of an item for period P is P's update's actual finish when P
  is closed, and the item's own actual finish when P is open.
- An item is complete in P when its status counts as complete or its effective actual finish
  is on or before P's last day.
- The dated unit of the summary lists and counts is the milestone where an action has
  milestones ("4.2 (b)"), else the action.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.urls import reverse

from actionplans.models import (
    Action,
    ActionPlan,
    Milestone,
    ProgressUpdate,
    ReportingPeriod,
    StatusOption,
)
from recommendations.numbering import number_sort_key

from . import months
from .models import ScrutinyReport


class ReportError(ValueError):
    """A report was asked for with an argument that does not fit the plan."""


class Kind:
    SUMMARY = "summary"
    PROGRESS = "progress"
    CHIEF_OFFICER = "chief-officer"
    EXCEPTIONS = "exceptions"
    SCRUTINY = "scrutiny"
    DASHBOARD = "dashboard"

    PERIOD_REPORTS = [SUMMARY, PROGRESS, CHIEF_OFFICER, EXCEPTIONS]
    TITLES = {
        SUMMARY: "Summary report",
        PROGRESS: "Progress report",
        CHIEF_OFFICER: "Chief officer report",
        EXCEPTIONS: "Exceptions report",
        SCRUTINY: "Scrutiny pack",
        DASHBOARD: "Dashboard",
    }


# ---------------------------------------------------------------------------------------
# The context


@dataclass(frozen=True)
class ReportFilters:
    recommendation: str = ""
    chief_officer: int | None = None
    lead: int | None = None
    status: str = ""  # a status label of the plan's scheme, or "none" for no status

    def as_params(self) -> dict[str, str]:
        params = {
            "recommendation": self.recommendation,
            "chief_officer": str(self.chief_officer or ""),
            "lead": str(self.lead or ""),
            "status": self.status,
        }
        return {name: value for name, value in params.items() if value}

    @property
    def is_empty(self) -> bool:
        return not self.as_params()

    def describe(self) -> str:
        parts = []
        if self.recommendation:
            parts.append(f"recommendation {self.recommendation}")
        if self.lead:
            parts.append("one lead")
        if self.status:
            parts.append(f"status {self.status}")
        return ", ".join(parts)


@dataclass(frozen=True)
class Person:
    pk: int
    name: str  # as the officer reads everywhere: "Hilary Paxton (Head of Adult Safeguarding)"
    short_name: str = ""  # the name alone, for people who share a role in one cell
    role: str = ""

    def __str__(self) -> str:
        return self.name


def people_label(people: list[Person]) -> str:
    """ "Brian Ratner, Jane Moran (Service Delivery Manager); Hilary Paxton (Head of …)".

    People who share a role are written once with it, as the seed's cells do, which keeps
    long lists of leads readable in a narrow column.
    """
    groups: dict[str, list[Person]] = {}
    for person in people:
        key = person.role if person.short_name and person.role else f"#{person.pk}"
        groups.setdefault(key, []).append(person)
    parts = []
    for key, members in groups.items():
        if key.startswith("#"):
            parts.append(members[0].name)
        else:
            names = ", ".join(person.short_name for person in members)
            parts.append(f"{names} ({key})")
    return "; ".join(parts)


@dataclass(frozen=True)
class RecommendationRef:
    number: str
    text: str


@dataclass(frozen=True)
class PeriodRef:
    pk: int
    month: datetime.date
    is_closed: bool
    closed_at: datetime.datetime | None
    amended_at: datetime.datetime | None
    overview: str
    risks: str
    amendments: str

    @property
    def key(self) -> str:
        return months.month_key(self.month)

    @property
    def last_day(self) -> datetime.date:
        return months.month_last_day(self.month)

    @property
    def label(self) -> str:
        return f"{self.month:%B %Y}"

    @property
    def short_label(self) -> str:
        return f"{self.month:%b %Y}"

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True)
class UpdateView:
    """An item's update for one period, as the report shows it."""

    status: StatusOption | None
    direction: str
    progress: str
    risk: str
    actual_finish: datetime.date | None
    workflow_state: str
    workflow_label: str

    @property
    def arrow(self) -> str:
        return {"improving": "↑", "no_change": "↔", "deteriorating": "↓"}.get(
            self.direction, ""
        )

    @property
    def is_approved(self) -> bool:
        return self.workflow_state in {"approved", "not_returned"}


@dataclass
class ReportItem:
    """An action or a milestone, with its updates for the period and the month before."""

    kind: str  # "action" or "milestone"
    pk: int
    action_pk: int
    number: str
    label: str
    aim: str
    text: str  # for a milestone: its own text, else its action's (as the summary quotes it)
    own_text: str
    success_criteria: str
    plan_start: datetime.date | None
    plan_finish: datetime.date | None
    actual_finish: datetime.date | None  # the effective actual finish for the period
    plan_start_label: str
    plan_finish_label: str
    actual_finish_label: str
    leads: list[Person]  # for a milestone without leads of its own, its action's
    own_leads: list[Person]  # the leads the progress table shows on this row
    chief_officers: list[Person]
    recommendations: list[RecommendationRef]
    this_month: UpdateView | None
    last_month: UpdateView | None
    url: str
    is_complete: bool = False
    is_overdue: bool = False
    reasons: list[str] = field(default_factory=list)

    @property
    def status(self) -> StatusOption | None:
        return self.this_month.status if self.this_month else None

    @property
    def leads_label(self) -> str:
        return people_label(self.leads)

    @property
    def own_leads_label(self) -> str:
        return people_label(self.own_leads)

    @property
    def chief_officers_label(self) -> str:
        return people_label(self.chief_officers)

    @property
    def status_label(self) -> str:
        return self.status.label if self.status else "No status"


@dataclass
class ActionBlock:
    action: ReportItem
    milestones: list[ReportItem]
    has_milestones: bool

    @property
    def units(self) -> list[ReportItem]:
        """The dated units: the milestones shown, or the action when it has none."""
        return self.milestones if self.has_milestones else [self.action]


@dataclass
class RecommendationGroup:
    recommendations: list[RecommendationRef]
    blocks: list[ActionBlock]


@dataclass
class SummaryLists:
    completed: list[ReportItem]
    overdue: list[ReportItem]
    due_next: list[ReportItem]
    commencing_next: list[ReportItem]


@dataclass
class StatusCount:
    label: str
    status: StatusOption | None
    this_month: int
    last_month: int | None

    @property
    def change(self) -> int | None:
        return None if self.last_month is None else self.this_month - self.last_month

    @property
    def change_label(self) -> str:
        change = self.change
        if change is None:
            return "–"
        return "no change" if change == 0 else f"{change:+d}"


@dataclass
class FilterChoices:
    periods: list[PeriodRef]
    recommendations: list[RecommendationRef]
    chief_officers: list[Person]
    leads: list[Person]
    statuses: list[StatusOption]


class _OneMonthReport:
    """What every report of one month says of itself: its title and whether it is a draft."""

    kind: str
    period: PeriodRef

    @property
    def title(self) -> str:
        return Kind.TITLES[self.kind]

    @property
    def is_draft(self) -> bool:
        return not self.period.is_closed


@dataclass
class PeriodReport(_OneMonthReport):
    """The context of the summary, progress, chief officer and exceptions reports."""

    plan: ActionPlan
    kind: str
    period: PeriodRef
    previous: PeriodRef | None
    next_month: datetime.date
    statuses: list[StatusOption]
    filters: ReportFilters
    choices: FilterChoices
    groups: list[RecommendationGroup]
    lists: SummaryLists
    counts: list[StatusCount]
    unit_total: int
    chief_officer: Person | None = None

    @property
    def next_month_label(self) -> str:
        return f"{self.next_month:%B %Y}"

    @property
    def subtitle(self) -> str:
        parts = [self.period.label]
        if self.chief_officer:
            parts.append(self.chief_officer.name)
        if described := self.filters.describe():
            parts.append(f"filtered: {described}")
        return " – ".join(parts)

    @property
    def blocks(self) -> list[ActionBlock]:
        return [block for group in self.groups for block in group.blocks]

    @property
    def units(self) -> list[ReportItem]:
        return [unit for block in self.blocks for unit in block.units]

    @property
    def last_counts_line(self) -> str:
        """ "41 Blue, 8 Green, 44 Amber, 5 Grey": last month's counts of the same items."""
        parts = [f"{c.last_month} {c.label}" for c in self.counts if c.last_month]
        return ", ".join(parts) or "none"

    @property
    def counts_line(self) -> str:
        """ "30 items: 12 Blue, 3 Green, 14 Amber, 1 Grey" (statuses with none left out)."""
        parts = [f"{c.this_month} {c.label}" for c in self.counts if c.this_month]
        noun = "item" if self.unit_total == 1 else "items"
        return f"{self.unit_total} {noun}: " + (", ".join(parts) or "none")


# ---------------------------------------------------------------------------------------
# Loading (a fixed number of queries)


@dataclass
class _PlanRows:
    periods: list[ReportingPeriod]
    statuses: dict[int, StatusOption]
    actions: list[Action]


def _plan_rows(plan: ActionPlan) -> _PlanRows:
    """Six queries: periods, statuses, actions and their recommendations, officers, milestones."""
    periods = list(plan.periods.order_by("month"))
    statuses = {status.pk: status for status in plan.statuses.order_by("order", "pk")}
    actions = list(
        Action.objects.filter(plan=plan)
        .prefetch_related(
            "recommendations",
            "leads",
            "chief_officers",
            Prefetch(
                "milestones",
                queryset=Milestone.objects.order_by("order", "pk").prefetch_related(
                    "leads"
                ),
            ),
        )
        .order_by("sort_key", "pk")
    )
    return _PlanRows(periods=periods, statuses=statuses, actions=actions)


def _updates_for(
    periods: list[ReportingPeriod], statuses: dict[int, StatusOption]
) -> dict[tuple[int, str, int], UpdateView]:
    """The updates of the given periods, keyed (period pk, "action"|"milestone", item pk)."""
    if not periods:
        return {}
    labels = dict(ProgressUpdate.Workflow.choices)
    updates: dict[tuple[int, str, int], UpdateView] = {}
    rows = ProgressUpdate.objects.filter(period__in=periods).values_list(
        "period_id",
        "action_id",
        "milestone_id",
        "status_id",
        "direction",
        "progress",
        "risk",
        "actual_finish",
        "workflow_state",
    )
    for period_id, action_id, milestone_id, status_id, *rest in rows:
        direction, progress, risk, actual_finish, workflow = rest
        key = (
            (period_id, "milestone", milestone_id)
            if milestone_id
            else (period_id, "action", action_id)
        )
        updates[key] = UpdateView(
            status=statuses.get(status_id),
            direction=direction,
            progress=progress,
            risk=risk,
            actual_finish=actual_finish,
            workflow_state=workflow,
            workflow_label=labels.get(workflow, workflow),
        )
    return updates


def _period_ref(period: ReportingPeriod) -> PeriodRef:
    return PeriodRef(
        pk=period.pk,
        month=period.month,
        is_closed=period.is_closed,
        closed_at=period.closed_at,
        amended_at=period.amended_at,
        overview=period.overview,
        risks=period.risks,
        amendments=period.amendments,
    )


def _person(officer) -> Person:
    return Person(
        pk=officer.pk,
        name=str(officer),
        short_name=officer.name,
        role=officer.role_title,
    )


def _date_label(value: datetime.date | None, text: str) -> str:
    """Month-only dates ("Sep-08", or a first or last day) read "Sep 2008"; others in full."""
    if value is None:
        return text
    if text or value.day == 1 or value == months.month_last_day(value):
        return f"{value:%b %Y}"
    return f"{value.day} {value:%b %Y}"


def _effective_finish(
    item: Action | Milestone, update: UpdateView | None, period: PeriodRef
) -> tuple[datetime.date | None, str]:
    """The actual finish the report of the period shows, with its label."""
    if not period.is_closed:
        return item.actual_finish, _date_label(
            item.actual_finish, item.actual_finish_text
        )
    frozen = update.actual_finish if update else None
    text = item.actual_finish_text if frozen == item.actual_finish else ""
    return frozen, _date_label(frozen, text) if frozen else ""


def _is_complete(item: ReportItem, period: PeriodRef) -> bool:
    status = item.status
    if status is not None and status.counts_as_complete:
        return True
    return item.actual_finish is not None and item.actual_finish <= period.last_day


# ---------------------------------------------------------------------------------------
# Building the period reports


def period_for_plan(
    *, plan: ActionPlan, month: datetime.date | None, periods: list | None = None
) -> ReportingPeriod:
    """The plan's period of that month; by default the latest closed one, else the open one."""
    periods = list(plan.periods.order_by("month")) if periods is None else periods
    if month is not None:
        for period in periods:
            if period.month == month:
                return period
        raise ReportError(f"The plan has no reporting period for {month:%B %Y}.")
    closed = [period for period in periods if period.is_closed]
    if closed:
        return closed[-1]
    if periods:
        return periods[-1]
    raise ReportError("The plan has no reporting periods yet.")


@dataclass
class _ActionContext:
    """What an action's rows share: its recommendations, officers and page."""

    action: Action
    recommendations: list[RecommendationRef]
    leads: list[Person]
    chief_officers: list[Person]
    url: str
    # Each milestone's own leads, where they differ from the action's.
    milestone_leads: dict[int, list[Person]]


def _report_item(
    item: Action | Milestone,
    kind: str,
    shared: _ActionContext,
    updates: dict[tuple[int, str, int], UpdateView],
    period: PeriodRef,
    previous: PeriodRef | None,
) -> ReportItem:
    this = updates.get((period.pk, kind, item.pk))
    last = updates.get((previous.pk, kind, item.pk)) if previous else None
    finish, finish_label = _effective_finish(item, this, period)
    action = shared.action
    if kind == "milestone":
        number = f"{action.number} {item.label}".strip()
        own_leads = shared.milestone_leads[item.pk]
        values = {
            "label": item.label,
            "aim": "",
            "text": item.text or action.text,
            "own_text": item.text,
            "leads": own_leads or shared.leads,
            "own_leads": own_leads,
        }
    else:
        number = action.number
        values = {
            "label": "",
            "aim": action.aim,
            "text": action.text,
            "own_text": action.text,
            "leads": shared.leads,
            "own_leads": shared.leads,
        }
    report_item = ReportItem(
        kind=kind,
        pk=item.pk,
        action_pk=action.pk,
        number=number,
        success_criteria=item.success_criteria,
        plan_start=item.plan_start,
        plan_finish=item.plan_finish,
        actual_finish=finish,
        plan_start_label=_date_label(item.plan_start, item.plan_start_text),
        plan_finish_label=_date_label(item.plan_finish, item.plan_finish_text),
        actual_finish_label=finish_label,
        chief_officers=shared.chief_officers,
        recommendations=shared.recommendations,
        this_month=this,
        last_month=last,
        url=shared.url,
        **values,
    )
    report_item.is_complete = _is_complete(report_item, period)
    report_item.is_overdue = (
        not report_item.is_complete
        and item.plan_finish is not None
        and item.plan_finish <= period.last_day
    )
    report_item.reasons = _exception_reasons(report_item)
    return report_item


def _action_contexts(rows: _PlanRows, plan_slug: str) -> list[_ActionContext]:
    """What every month's rows of each action share, built once per report."""
    return [
        _ActionContext(
            action=action,
            recommendations=[
                RecommendationRef(number=rec.number, text=rec.text)
                for rec in action.recommendations.all()
            ],
            leads=[_person(officer) for officer in action.leads.all()],
            chief_officers=[_person(o) for o in action.chief_officers.all()],
            url=reverse("actionplans:action_detail", args=[plan_slug, action.pk]),
            milestone_leads={
                milestone.pk: [_person(officer) for officer in milestone.leads.all()]
                for milestone in action.milestones.all()
            },
        )
        for action in rows.actions
    ]


def _items(
    rows: _PlanRows,
    updates: dict[tuple[int, str, int], UpdateView],
    period: PeriodRef,
    previous: PeriodRef | None,
    plan_slug: str,
    contexts: list[_ActionContext] | None = None,
) -> list[ActionBlock]:
    blocks = []
    for shared in contexts or _action_contexts(rows, plan_slug):
        action = shared.action
        milestones = [
            _report_item(milestone, "milestone", shared, updates, period, previous)
            for milestone in action.milestones.all()
        ]
        blocks.append(
            ActionBlock(
                action=_report_item(
                    action, "action", shared, updates, period, previous
                ),
                milestones=milestones,
                has_milestones=bool(milestones),
            )
        )
    return blocks


def _status_rank(status: StatusOption | None) -> int:
    """How pressing a status is, for spotting a slip: complete < not started < on track < exception."""
    if status is None:
        return 1
    if status.counts_as_complete:
        return 0
    if status.is_exception:
        return 3
    if status.is_not_started:
        return 1
    return 2


def _exception_reasons(item: ReportItem) -> list[str]:
    """Why the item belongs in the exceptions report (empty when it does not)."""
    reasons = []
    status = item.status
    if status is not None and status.is_exception:
        reasons.append(status.label)
    if item.is_overdue:
        reasons.append("Overdue")
    if item.this_month and item.this_month.direction == "deteriorating":
        reasons.append("Deteriorating ↓")
    last = item.last_month.status if item.last_month else None
    if (
        item.last_month is not None
        and last is not None
        and _status_rank(status) > _status_rank(last)
        and not (last.is_not_started and not (status and status.is_exception))
    ):
        reasons.append(f"Slipped from {last.label}")
    return reasons


def _filter_blocks(
    blocks: list[ActionBlock], filters: ReportFilters, *, exceptions_only: bool
) -> list[ActionBlock]:
    """Keep the actions that match; under them, only the milestones that match."""
    item_tests = []
    if filters.lead:
        item_tests.append(lambda item: any(p.pk == filters.lead for p in item.leads))
    if filters.status:
        item_tests.append(
            lambda item: (
                item.status_label == filters.status
                or (filters.status == "none" and item.status is None)
            )
        )
    if exceptions_only:
        item_tests.append(lambda item: bool(item.reasons))

    def matches(item: ReportItem) -> bool:
        return all(test(item) for test in item_tests)

    kept = []
    for block in blocks:
        action = block.action
        if filters.recommendation and filters.recommendation not in {
            rec.number for rec in action.recommendations
        }:
            continue
        if filters.chief_officer and filters.chief_officer not in {
            p.pk for p in action.chief_officers
        }:
            continue
        if not item_tests:
            kept.append(block)
            continue
        if block.has_milestones:
            milestones = [m for m in block.milestones if matches(m)]
            if milestones or matches(action):
                kept.append(
                    ActionBlock(
                        action=action, milestones=milestones, has_milestones=True
                    )
                )
        elif matches(action):
            kept.append(block)
    return kept


def _groups(blocks: list[ActionBlock]) -> list[RecommendationGroup]:
    """Consecutive actions answering the same recommendations share one heading."""
    groups: list[RecommendationGroup] = []
    for block in blocks:
        recommendations = block.action.recommendations
        if groups and groups[-1].recommendations == recommendations:
            groups[-1].blocks.append(block)
        else:
            groups.append(RecommendationGroup(recommendations, [block]))
    return groups


def summary_lists(
    units: list[ReportItem], period: PeriodRef, next_month: datetime.date
) -> SummaryLists:
    """The four lists of the summary report, over dated units."""
    next_last = months.month_last_day(next_month)

    def within(value, start, end):
        return value is not None and start <= value <= end

    return SummaryLists(
        completed=[
            u for u in units if within(u.actual_finish, period.month, period.last_day)
        ],
        overdue=[u for u in units if u.is_overdue],
        due_next=[
            u
            for u in units
            if not u.is_complete and within(u.plan_finish, next_month, next_last)
        ],
        commencing_next=[
            u for u in units if within(u.plan_start, next_month, next_last)
        ],
    )


def status_counts(
    units: list[ReportItem], statuses: list[StatusOption], *, has_previous: bool
) -> list[StatusCount]:
    this: dict[int | None, int] = defaultdict(int)
    last: dict[int | None, int] = defaultdict(int)
    for unit in units:
        this[unit.status.pk if unit.status else None] += 1
        if unit.last_month and unit.last_month.status:
            last[unit.last_month.status.pk] += 1
        else:
            last[None] += 1
    counts = [
        StatusCount(
            label=status.label,
            status=status,
            this_month=this[status.pk],
            last_month=last[status.pk] if has_previous else None,
        )
        for status in statuses
    ]
    if this[None] or (has_previous and last[None]):
        counts.append(
            StatusCount(
                label="No status",
                status=None,
                this_month=this[None],
                last_month=last[None] if has_previous else None,
            )
        )
    return counts


def period_report_build(
    *,
    plan: ActionPlan,
    kind: str = Kind.PROGRESS,
    month: datetime.date | None = None,
    filters: ReportFilters | None = None,
) -> PeriodReport:
    """The context of a period report: seven queries whatever the size of the plan."""
    if kind not in Kind.PERIOD_REPORTS:
        raise ReportError(f"Unknown report {kind!r}.")
    filters = filters or ReportFilters()
    rows = _plan_rows(plan)
    period_row = period_for_plan(plan=plan, month=month, periods=rows.periods)
    period = _period_ref(period_row)
    previous_month = months.month_add(period.month, -1)
    previous_row = next((p for p in rows.periods if p.month == previous_month), None)
    previous = _period_ref(previous_row) if previous_row else None
    updates = _updates_for([p for p in (period_row, previous_row) if p], rows.statuses)
    all_blocks = _items(rows, updates, period, previous, plan.slug)
    statuses = list(rows.statuses.values())
    choices = _filter_choices(rows, all_blocks, statuses)

    chief_officer = None
    if kind == Kind.CHIEF_OFFICER:
        if not filters.chief_officer:
            raise ReportError("Choose a chief officer for the chief officer report.")
        chief_officer = next(
            (p for p in choices.chief_officers if p.pk == filters.chief_officer), None
        )
        if chief_officer is None:
            raise ReportError("That officer is not a chief officer of this plan.")
    _check_filters(filters, choices)

    blocks = _filter_blocks(
        all_blocks, filters, exceptions_only=kind == Kind.EXCEPTIONS
    )
    units = [unit for block in blocks for unit in block.units]
    next_month = months.month_add(period.month, 1)
    return PeriodReport(
        plan=plan,
        kind=kind,
        period=period,
        previous=previous,
        next_month=next_month,
        statuses=statuses,
        filters=filters,
        choices=choices,
        groups=_groups(blocks),
        lists=summary_lists(units, period, next_month),
        counts=status_counts(units, statuses, has_previous=previous is not None),
        unit_total=len(units),
        chief_officer=chief_officer,
    )


def _filter_choices(
    rows: _PlanRows, blocks: list[ActionBlock], statuses: list[StatusOption]
) -> FilterChoices:
    recommendations: dict[str, RecommendationRef] = {}
    chiefs: dict[int, Person] = {}
    leads: dict[int, Person] = {}
    for block in blocks:
        for rec in block.action.recommendations:
            recommendations.setdefault(rec.number, rec)
        for person in block.action.chief_officers:
            chiefs[person.pk] = person
        for item in [block.action, *block.milestones]:
            for person in item.leads:
                leads[person.pk] = person

    def by_name(person: Person) -> str:
        return person.name.lower()

    return FilterChoices(
        periods=[_period_ref(p) for p in rows.periods],
        recommendations=sorted(
            recommendations.values(), key=lambda rec: number_sort_key(rec.number)
        ),
        chief_officers=sorted(chiefs.values(), key=by_name),
        leads=sorted(leads.values(), key=by_name),
        statuses=statuses,
    )


def _check_filters(filters: ReportFilters, choices: FilterChoices) -> None:
    if filters.recommendation and filters.recommendation not in {
        rec.number for rec in choices.recommendations
    }:
        raise ReportError(f"The plan has no recommendation {filters.recommendation}.")
    if filters.lead and filters.lead not in {p.pk for p in choices.leads}:
        raise ReportError("That officer leads no action of this plan.")
    if filters.chief_officer and filters.chief_officer not in {
        p.pk for p in choices.chief_officers
    }:
        raise ReportError("That officer is not a chief officer of this plan.")
    if filters.status and filters.status not in {
        *(s.label for s in choices.statuses),
        "none",
    }:
        raise ReportError(f"The plan's status scheme has no status {filters.status}.")


# ---------------------------------------------------------------------------------------
# Month series: the dashboard and the scrutiny pack's status-by-month table


@dataclass
class MonthCounts:
    period: PeriodRef
    counts: list[StatusCount]  # last_month unused here
    complete: int
    overdue: int
    total: int

    def count_for(self, label: str) -> int:
        return next((c.this_month for c in self.counts if c.label == label), 0)


@dataclass
class OfficerRow:
    officer: Person
    counts: list[int]  # in the order of the report's status columns
    total: int


@dataclass
class Dashboard(_OneMonthReport):
    plan: ActionPlan
    period: PeriodRef
    statuses: list[StatusOption]
    status_labels: list[str]
    months: list[MonthCounts]
    chief_officer_rows: list[OfficerRow]
    kind: str = Kind.DASHBOARD
    filters: ReportFilters = field(default_factory=ReportFilters)

    @property
    def subtitle(self) -> str:
        return f"All months to {self.period.label}"

    @property
    def current(self) -> MonthCounts | None:
        return next((m for m in self.months if m.period.pk == self.period.pk), None)


def _month_series(
    rows: _PlanRows, periods: list[ReportingPeriod], plan_slug: str
) -> tuple[list[MonthCounts], dict[int, list[ActionBlock]]]:
    """Counts by status, complete and overdue units for each period (one query)."""
    updates = _updates_for(periods, rows.statuses)
    statuses = list(rows.statuses.values())
    series, blocks_by_period = [], {}
    contexts = _action_contexts(rows, plan_slug)
    for period_row in periods:
        period = _period_ref(period_row)
        blocks = _items(rows, updates, period, None, plan_slug, contexts)
        units = [unit for block in blocks for unit in block.units]
        blocks_by_period[period.pk] = blocks
        series.append(
            MonthCounts(
                period=period,
                counts=status_counts(units, statuses, has_previous=False),
                complete=sum(1 for u in units if u.is_complete),
                overdue=sum(1 for u in units if u.is_overdue),
                total=len(units),
            )
        )
    return series, blocks_by_period


def dashboard_build(
    *, plan: ActionPlan, month: datetime.date | None = None
) -> Dashboard:
    """Every month of the plan, and chief officers × statuses for the chosen period."""
    rows = _plan_rows(plan)
    period_row = period_for_plan(plan=plan, month=month, periods=rows.periods)
    shown = [p for p in rows.periods if p.month <= period_row.month]
    series, blocks_by_period = _month_series(rows, shown, plan.slug)
    statuses = list(rows.statuses.values())
    labels = [s.label for s in statuses]
    current = next(m for m in series if m.period.pk == period_row.pk)
    if any(c.status is None and c.this_month for c in current.counts):
        labels.append("No status")
    officers: dict[int, OfficerRow] = {}
    for block in blocks_by_period[period_row.pk]:
        for person in block.action.chief_officers:
            row = officers.setdefault(
                person.pk, OfficerRow(person, [0] * len(labels), 0)
            )
            for unit in block.units:
                row.counts[labels.index(unit.status_label)] += 1
                row.total += 1
    return Dashboard(
        plan=plan,
        period=_period_ref(period_row),
        statuses=statuses,
        status_labels=labels,
        months=series,
        chief_officer_rows=sorted(
            officers.values(), key=lambda row: row.officer.name.lower()
        ),
    )


# ---------------------------------------------------------------------------------------
# The scrutiny pack


@dataclass
class ScrutinyPack:
    plan: ActionPlan
    quarter_start: datetime.date
    cover: ScrutinyReport | None
    report: PeriodReport | None  # the summary and progress of the quarter's last month
    months: list[MonthCounts]
    status_labels: list[str]
    kind: str = Kind.SCRUTINY
    filters: ReportFilters = field(default_factory=ReportFilters)

    @property
    def title(self) -> str:
        return Kind.TITLES[self.kind]

    @property
    def quarter_label(self) -> str:
        return months.quarter_label(self.quarter_start)

    @property
    def quarter_key(self) -> str:
        return months.quarter_key(self.quarter_start)

    @property
    def period(self) -> PeriodRef | None:
        return self.report.period if self.report else None

    @property
    def is_draft(self) -> bool:
        """Draft until every month of the quarter the plan reports on is closed."""
        return not self.months or any(not m.period.is_closed for m in self.months)

    @property
    def subtitle(self) -> str:
        return self.quarter_label


def scrutiny_pack_build(*, plan: ActionPlan, quarter: datetime.date) -> ScrutinyPack:
    """The cover report, then the summary and progress of the quarter's last reported month."""
    quarter = months.quarter_start(quarter)
    month_list = months.quarter_months(quarter)
    cover = ScrutinyReport.objects.filter(plan=plan, quarter=quarter).first()
    rows = _plan_rows(plan)
    in_quarter = [p for p in rows.periods if p.month in month_list]
    report = None
    if in_quarter:
        report = period_report_build(
            plan=plan, kind=Kind.PROGRESS, month=in_quarter[-1].month
        )
    series, _ = _month_series(rows, in_quarter, plan.slug)
    labels = [s.label for s in rows.statuses.values()]
    if any(c.status is None and c.this_month for m in series for c in m.counts):
        labels.append("No status")
    return ScrutinyPack(
        plan=plan,
        quarter_start=quarter,
        cover=cover,
        report=report,
        months=series,
        status_labels=labels,
    )
