"""The shared pieces of every report's context, and the loading that builds them.

Every report of a period reads the same rows: the plan's periods and statuses, its actions
with milestones, recommendations and officers, and the updates of the period and of the
month before. Filters are applied in Python afterwards, so the number of queries does not
depend on the size of the plan or on the filters. `report_rows_stamp` digests the history
of exactly these rows: a closed month's stored PDF and cached body are keyed by it.

The rules (see DOMAIN.md):

- A closed period's updates are the frozen record of that month; an open period shows the
  current updates and the report is a draft.
- The effective actual finish of an item for period P is P's update's actual finish when P
  is closed, and the item's own actual finish when P is open.
- An item is complete in P when its status counts as complete or its effective actual finish
  is on or before P's last day.
- The dated unit of the summary lists and counts is the milestone where an action has
  milestones ("4.2 (b)"), else the action.
- A row shows the agreed values in force at the end of the report's month: the current
  ones, less every approved amendment in force from a later month (ItemRecord.at). So a
  closed month's report never changes, and an open month's shows the current agreement.
- An item added by an amendment after the month is not in its reports; an item withdrawn
  by the month is shown as withdrawn and leaves the counts, lists and exceptions.
"""

import datetime
import functools
import hashlib
import re
from dataclasses import dataclass, field, replace

from django.db import connection
from django.db.models import BigIntegerField, F, Func, Prefetch, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils.text import Truncator

from actionplans.models import (
    Action,
    ActionPlan,
    Amendment,
    Direction,
    Evidence,
    ItemRecord,
    Measure,
    MeasureTarget,
    MeasureValue,
    Milestone,
    Officer,
    ProgressUpdate,
    ReportingPeriod,
    StatusOption,
    UpdateShown,
)
from actionplans.models.amendments import AMENDED_OFFICERS, WRITTEN_AS, revised_note
from actionplans.rules import UnitDates, status_has_slipped
from lib import months
from recommendations.models import Recommendation

from .proof import EvidenceRef


class ReportError(ValueError):
    """A report was asked for with an argument that does not fit the plan."""


class Kind:
    SUMMARY = "summary"
    PROGRESS = "progress"
    CHIEF_OFFICER = "chief-officer"
    EXCEPTIONS = "exceptions"
    SCRUTINY = "scrutiny"
    DASHBOARD = "dashboard"
    MEASURES = "measures"

    PERIOD_REPORTS = [SUMMARY, PROGRESS, CHIEF_OFFICER, EXCEPTIONS]
    TITLES = {
        SUMMARY: "Summary report",
        PROGRESS: "Progress report",
        CHIEF_OFFICER: "Chief officer report",
        EXCEPTIONS: "Exceptions report",
        SCRUTINY: "Scrutiny pack",
        DASHBOARD: "Dashboard",
        MEASURES: "Measures",
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
class ThemeRef:
    """A section of the plan: "II IMPROVED QUALITY OF LIFE FOR OLDER PEOPLE"."""

    pk: int
    number: str
    title: str

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()


@dataclass(frozen=True)
class RecommendationRef:
    number: str
    text: str
    theme: ThemeRef | None = None


@dataclass(frozen=True)
class CrossRef:
    """Another action an action refers to ("See 12.1"), with its page."""

    number: str
    url: str


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
class UpdateView(UpdateShown):
    """An item's update for one period, as the report shows it."""

    status: StatusOption | None
    direction: str
    progress: str
    risk: str
    actual_finish: datetime.date | None
    workflow_state: str
    workflow_label: str
    carried_month: datetime.date | None = None
    # A no return's narrative as its lead last wrote it (in `carried_month`).
    carried_progress: str = ""
    carried_risk: str = ""

    @property
    def arrow(self) -> str:
        return self.direction_arrow

    @property
    def shows_carried_narrative(self) -> bool:
        """A no return reads the narrative its lead last wrote, unless a correction of
        the closed month gave it one of its own."""
        return (
            self.is_not_returned
            and self.carried_month is not None
            and not (self.progress or self.risk)
        )

    @property
    def carried_label(self) -> str:
        """ "Last written in August 2009", heading the narrative a no return shows."""
        if not self.shows_carried_narrative:
            return ""
        return f"Last written in {self.carried_month:%B %Y}"

    @property
    def progress_shown(self) -> str:
        return self.carried_progress if self.shows_carried_narrative else self.progress

    @property
    def risk_shown(self) -> str:
        return self.carried_risk if self.shows_carried_narrative else self.risk


@dataclass(frozen=True)
class Revised:
    """A plan date whose baseline differs from the value in force at the month's end."""

    baseline: datetime.date | None
    baseline_label: str
    revisions: int  # the approved changes in force by the month's end
    latest_reason: str

    @property
    def note(self) -> str:
        """ "was Jun 2009; revised twice", written after the date in force."""
        return revised_note(self.baseline_label or "not set", self.revisions)


@dataclass
class ReportItem:
    """An action or a milestone, with its updates for the period and the month before.

    Its wording, dates and officers are those agreed at the end of the period's month.
    """

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
    plan_start_revised: Revised | None = None
    plan_finish_revised: Revised | None = None
    # Wording and officers agreed since the baseline, by field ("text", "leads", …):
    # "was “Establish 10 posts.”; revised once" (`_changed_since_baseline`).
    changed: dict[str, str] = field(default_factory=dict)
    # "Finish moved from May 2009 to Dec 2009": moved later by a change in force from
    # this month (`ItemRecord.moved_later`), else "".
    finish_moved: str = ""
    # Withdrawn by the month: still shown in the progress table, but no longer counted.
    is_withdrawn: bool = False
    merged_into: str = ""  # the number of the action it was merged into
    # Not for publication, itself or through its action (the model's `is_exempt`).
    is_exempt: bool = False
    # The documents and links attached to the month's update, where the report shows
    # them (`period_report_build`).
    evidence: list[EvidenceRef] = field(default_factory=list)
    # The plan finish as written, as agreed at the month's end ("December 2009 and
    # June 2010"): the Timescale column (reporting.columns).
    plan_finish_text: str = ""
    outcomes: str = ""  # an action's outcomes for users and carers (Dudley)
    cross_references: list[CrossRef] = field(default_factory=list)  # an action's

    @property
    def withdrawn_label(self) -> str:
        """ "Withdrawn", or "Withdrawn: merged into 3.4"; "" while in the plan."""
        if not self.is_withdrawn:
            return ""
        if self.merged_into:
            return f"Withdrawn: merged into {self.merged_into}"
        return "Withdrawn"

    @property
    def has_slipped(self) -> bool:
        """Worse than last month, or its plan finish moved later in the month."""
        last = self.last_month.status if self.last_month else None
        return bool(self.finish_moved) or status_has_slipped(last=last, now=self.status)

    @property
    def status(self) -> StatusOption | None:
        return self.this_month.status if self.this_month else None

    @property
    def dates(self) -> UnitDates:
        """The row's dates (its actual finish as in force at the period's end), with the
        DatedUnit rules every page and report uses."""
        return UnitDates(self.plan_start, self.plan_finish, self.actual_finish)

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

    @property
    def timescale_label(self) -> str:
        """The plan finish as written ("December 2009 and June 2010", "Commenced and
        ongoing", "End March 2010"), else its date ("Mar 2010")."""
        return self.plan_finish_text.strip() or self.plan_finish_label


@dataclass
class ActionBlock:
    action: ReportItem
    milestones: list[ReportItem]
    has_milestones: bool

    @property
    def units(self) -> list[ReportItem]:
        """The dated units: the milestones shown, or the action when it has none."""
        return self.milestones if self.has_milestones else [self.action]

    @property
    def units_in_plan(self) -> list[ReportItem]:
        """The dated units the counts and lists read: not those withdrawn."""
        return [unit for unit in self.units if not unit.is_withdrawn]


def publishable_blocks(blocks: list[ActionBlock]) -> list[ActionBlock]:
    """The blocks the public may see: items not for publication left out, and with them
    an action whose milestones are all left out (it says nothing of its own). The one
    rule of the public pages and of feeds without internal access."""
    shown = []
    for block in blocks:
        if block.action.is_exempt:
            continue
        milestones = [m for m in block.milestones if not m.is_exempt]
        if block.has_milestones and not milestones:
            continue
        shown.append(replace(block, milestones=milestones))
    return shown


@dataclass
class RecommendationGroup:
    recommendations: list[RecommendationRef]
    blocks: list[ActionBlock]


# ---------------------------------------------------------------------------------------
# Loading (a fixed number of queries)


# An item no approved amendment changed.
_UNCHANGED = ItemRecord([])


@dataclass
class _PlanRows:
    periods: list[ReportingPeriod]
    statuses: dict[int, StatusOption]
    actions: list[Action]
    # Each item's approved changes, keyed ("action" | "milestone", pk).
    records: dict[tuple[str, int], ItemRecord]
    # Everyone the rows name, or their changes or the register do, by officer pk.
    people: dict[int, Person]
    # The month's register of amendments (Amendment.objects.of_month), when asked for.
    register: list[Amendment] = field(default_factory=list)

    def record(self, kind: str, pk: int) -> ItemRecord:
        return self.records.get((kind, pk), _UNCHANGED)


def _item_records(approved: list[Amendment]) -> dict[tuple[str, int], ItemRecord]:
    by_item: dict[tuple[str, int], list[Amendment]] = {}
    for amendment in approved:
        key = amendment.record_key
        if key is not None:
            by_item.setdefault(key, []).append(amendment)
    return {key: ItemRecord(amendments) for key, amendments in by_item.items()}


def _plan_rows(
    plan: ActionPlan,
    *,
    register_month: datetime.date | None = None,
    cross_references: bool = False,
) -> _PlanRows:
    """Nine queries: periods, statuses, actions, their recommendations (with their
    sections), leads and chief officers, milestones and their leads, and the approved
    amendments; one more for the month's register when asked for, one for the actions'
    cross-references when asked for (the progress table shows them), and one for the
    officers that only amendments name (former leads, proposed ones), when there are
    any."""
    periods = list(plan.periods.order_by("month"))
    statuses = {status.pk: status for status in plan.statuses.order_by("order", "pk")}
    actions = list(
        Action.objects.filter(plan=plan)
        .prefetch_related(
            Prefetch(
                "recommendations",
                queryset=Recommendation.objects.select_related("theme"),
            ),
            "leads",
            "chief_officers",
            *_cross_references_prefetch(cross_references),
            Prefetch(
                "milestones",
                queryset=Milestone.objects.order_by("order", "pk").prefetch_related(
                    "leads"
                ),
            ),
        )
        .order_by("sort_key", "pk")
    )
    approved = list(Amendment.objects.filter(plan=plan).approved())
    register = []
    if register_month is not None:
        register = list(
            Amendment.objects.filter(plan=plan)
            .of_month(register_month)
            .select_related("action", "milestone__action")
        )
    people = {
        officer.pk: _person(officer)
        for action in actions
        for officer in [
            *action.leads.all(),
            *action.chief_officers.all(),
            *(o for m in action.milestones.all() for o in m.leads.all()),
        ]
    }
    # Former officers of the items, or those a request proposes.
    named = {pk for amendment in approved + register for pk in amendment.officer_ids}
    missing = named - people.keys()
    if missing:
        people |= {o.pk: _person(o) for o in Officer.objects.filter(pk__in=missing)}
    return _PlanRows(
        periods=periods,
        statuses=statuses,
        actions=actions,
        records=_item_records(approved),
        people=people,
        register=register,
    )


def _cross_references_prefetch(wanted: bool) -> list[Prefetch]:
    """The actions' cross-references, where the report shows them; where not, an empty
    queryset stands in, so that `cross_references.all()` reads as none without a query."""
    referenced = Action.objects.only("pk", "number", "plan_id").order_by("sort_key")
    return [
        Prefetch(
            "cross_references", queryset=referenced if wanted else referenced.none()
        )
    ]


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
        # A no return's source, joined into the same query.
        "carried_from__period__month",
        "carried_from__progress",
        "carried_from__risk",
    )
    for period_id, action_id, milestone_id, status_id, *rest in rows:
        direction, progress, risk, actual_finish, workflow, *carried = rest
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
            carried_month=carried[0],
            carried_progress=carried[1] or "",
            carried_risk=carried[2] or "",
        )
    return updates


def _history_sum_and_count(rows: QuerySet) -> list[Subquery]:
    """The sum and the number of the history ids of `rows`, as two scalar subqueries."""
    rows = rows.order_by()
    return [
        # Not Sum/Count: as plain functions they add no GROUP BY, so each subquery is
        # one row over all of `rows`.
        Subquery(
            # Named so as to clash with no model's field (a measure's has a "value").
            rows.annotate(
                stamp_part=Func(F("history_id"), function=function, output_field=field)
            ).values("stamp_part")
        )
        for function, field in [
            ("SUM", BigIntegerField()),
            ("COUNT", BigIntegerField()),
        ]
    ]


def report_rows_stamp(*, plan: ActionPlan, report_months: list[datetime.date]) -> str:
    """A digest that changes with every write to a row the reports of these months read.

    The reports read the plan, its statuses, actions, milestones, recommendations,
    officers and amendments (`_plan_rows`), the periods and updates of each month and
    of the month before with the updates their no returns carry forward
    (`_updates_for`), and the proof: measures, targets, actuals and evidence
    (`proof`). Every write to those rows, many-to-many changes
    included, adds a history row, so the sum and the number of their history ids change
    with every write and deletion, whatever the clocks say and in whatever order
    transactions commit.
    Any officer deleted anywhere counts too (their links to actions go without a trace).

    One query. Take it before reading the rows: a write landing in between then changes
    the stamp rather than hiding under it.
    """
    wanted = tuple(
        sorted(
            {m for month in report_months for m in (month, months.month_add(month, -1))}
        )
    )
    return _stamp(plan, wanted)


def _month_histories(plan: ActionPlan, wanted: tuple[datetime.date, ...]) -> list:
    periods = ReportingPeriod.objects.filter(plan=plan, month__in=wanted)
    return [
        ReportingPeriod.history.filter(plan_id=plan.pk, month__in=wanted),
        ProgressUpdate.history.filter(period_id__in=periods.values("pk")),
        # The earlier updates whose narrative the months' no returns show: a
        # correction of one is a correction of what these reports say.
        ProgressUpdate.history.filter(
            id__in=ProgressUpdate.objects.filter(
                period__in=periods, carried_from__isnull=False
            ).values("carried_from_id")
        ),
        # The proof the reports show: the plan's measures (their links are in the
        # measure's own history), targets and actuals up to the last month, and the
        # evidence of the months' updates.
        Measure.history.filter(plan_id=plan.pk),
        MeasureTarget.history.filter(
            measure_id__in=Measure.history.filter(plan_id=plan.pk).values("id")
        ),
        MeasureValue.history.filter(
            period_id__in=ReportingPeriod.objects.filter(
                plan=plan, month__lte=wanted[-1]
            ).values("pk")
        ),
        Evidence.history.filter(
            update_id__in=ProgressUpdate.objects.filter(period__in=periods).values("pk")
        ),
    ]


def plan_rows_stamp(*, plan: ActionPlan) -> str:
    """A digest that changes with every write to the rows every month's report reads
    whatever its month: the plan, its statuses, actions, milestones, recommendations,
    officers and amendments, but not periods, updates or proof.

    A closed month's updates are frozen until it is reopened, which closes it again at a
    new `closed_at`, so this stamp with the period's close and amendment times keys what
    a closed month's report counts (`dashboard`), without a query per month. One query.
    """
    return _stamp(plan, None)


def _plan_histories(plan: ActionPlan) -> list[QuerySet]:
    linked = [
        Action.leads.through.objects.filter(action__plan=plan),
        Action.chief_officers.through.objects.filter(action__plan=plan),
        Milestone.leads.through.objects.filter(milestone__action__plan=plan),
    ]
    return [
        ActionPlan.history.filter(id=plan.pk),
        StatusOption.history.filter(plan_id=plan.pk),
        Action.history.filter(plan_id=plan.pk),
        Milestone.history.filter(action__plan=plan),
        Recommendation.history.filter(inspection_id=plan.inspection_id),
        Officer.history.filter(
            Q(history_type="-")
            | Q(id__in=linked[0].values("officer_id"))
            | Q(id__in=linked[1].values("officer_id"))
            | Q(id__in=linked[2].values("officer_id"))
        ),
        # Every request and decision: a closed month's register, and its values in
        # force, are read from them.
        Amendment.history.filter(plan_id=plan.pk),
    ]


def _stamp(plan: ActionPlan, wanted: tuple[datetime.date, ...] | None) -> str:
    """The digest of the sums and numbers of the history ids of the plan's rows, and of
    the `wanted` months' when given: one query."""
    sql, params = _stamp_sql(plan.pk, plan.inspection_id, wanted)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone() or ()  # () once the plan is deleted
    # PostgreSQL's SUM of bigints is a numeric: the same number whatever its type.
    values = tuple(None if value is None else int(value) for value in row)
    return hashlib.sha256(repr(values).encode()).hexdigest()[:16]


@functools.lru_cache(maxsize=1024)
def _stamp_sql(
    plan_pk: int, inspection_id: int, wanted: tuple[datetime.date, ...] | None
) -> tuple[str, tuple]:
    """The stamp's SQL and parameters, compiled once per plan and months: they depend on
    nothing else, and compiling its fifteen subqueries costs more than running them."""
    plan = ActionPlan(pk=plan_pk, inspection_id=inspection_id)
    histories = _plan_histories(plan)
    if wanted is not None:
        histories += _month_histories(plan, wanted)
    values = {
        f"h{index}": expression
        for index, expression in enumerate(
            e for rows in histories for e in _history_sum_and_count(rows)
        )
    }
    query = (
        ActionPlan.objects.filter(pk=plan_pk).annotate(**values).values_list(*values)
    )
    return query.query.sql_with_params()


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


def _theme_ref(theme) -> ThemeRef | None:
    if theme is None:
        return None
    return ThemeRef(pk=theme.pk, number=theme.number, title=theme.title)


def _person(officer) -> Person:
    return Person(
        pk=officer.pk,
        name=str(officer),
        short_name=officer.name,
        role=officer.role_title,
    )


# The import keeps an exact day from a spreadsheet's date cell as "05/01/2026".
_EXACT_DAY_TEXT = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$")


def _date_label(value: datetime.date | None, text: str) -> str:
    """Month-only dates ("Sep-08", or a first or last day) read "Sep 2008"; others in full."""
    if value is None:
        return text
    if _EXACT_DAY_TEXT.match(text.strip()):
        return f"{value.day} {value:%b %Y}"
    if text:
        return f"{value:%b %Y}"
    return months.plan_date_label(value)


def _effective_finish(
    item: Action | Milestone, update: UpdateView | None, period: PeriodRef
) -> tuple[datetime.date | None, str]:
    """The actual finish in force at the period's end (DatedUnit.actual_finish_at), with
    its label: the source's text while it still describes that date."""
    finish = item.actual_finish_at(period, update)
    text = item.actual_finish_text if finish == item.actual_finish else ""
    return finish, _date_label(finish, text) if finish else ""


# ---------------------------------------------------------------------------------------
# Building the items


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
    period = ReportingPeriod.pick_reported(periods)
    if period is None:
        raise ReportError("The plan has no reporting periods yet.")
    return period


@dataclass(frozen=True)
class OtherMonths:
    """The months a report links to besides its own, each None where it is the month
    shown or the plan has none: the open month's draft, and the latest closed month."""

    draft: PeriodRef | None
    latest_closed: PeriodRef | None


def other_months(
    periods: list[ReportingPeriod], *, shown: datetime.date | None = None
) -> OtherMonths:
    """Reports open on the month `pick_reported` chooses, the latest closed one; the
    month being worked on (`pick_current`) is one click away while it is open."""
    current = ReportingPeriod.pick_current(periods)
    reported = ReportingPeriod.pick_reported(periods)
    draft = current if current and not current.is_closed else None
    latest_closed = reported if reported and reported.is_closed else None
    return OtherMonths(
        draft=_period_ref(draft) if draft and draft.month != shown else None,
        latest_closed=(
            _period_ref(latest_closed)
            if latest_closed and latest_closed.month != shown
            else None
        ),
    )


@dataclass
class _ActionContext:
    """What an action's rows share: its recommendations, officers, page and records."""

    action: Action
    recommendations: list[RecommendationRef]
    leads: list[Person]
    chief_officers: list[Person]
    url: str
    # Each milestone's own leads, where they differ from the action's.
    milestone_leads: dict[int, list[Person]]
    record: ItemRecord
    milestone_records: dict[int, ItemRecord]
    people: dict[int, Person]
    merged_into: str  # the number of the action it is merged into, if it is
    cross_references: list[CrossRef] = field(default_factory=list)


@dataclass(frozen=True)
class _Agreed:
    """An item's agreed wording, dates and officers in force at the end of a month."""

    text: str
    success_criteria: str
    plan_start: datetime.date | None
    plan_start_text: str
    plan_finish: datetime.date | None
    plan_finish_text: str
    leads: list[Person]
    chief_officers: list[Person]


def _people_at(
    record: ItemRecord,
    name: str,
    current: list[Person],
    month: datetime.date,
    people: dict[int, Person],
) -> list[Person]:
    """The officers in force at the month's end (changes record them as sorted ids)."""
    ids = sorted(person.pk for person in current)
    agreed = record.at(name, ids, month)
    if agreed == ids:
        return current
    found = [people[pk] for pk in agreed if pk in people]
    # In the order the prefetched officers come in (Officer.Meta.ordering).
    return sorted(found, key=lambda person: (person.short_name, person.role))


def _agreed_at(
    item: Action | Milestone,
    record: ItemRecord,
    month: datetime.date,
    people: dict[int, Person],
    *,
    leads: list[Person],
    chief_officers: list[Person],
) -> _Agreed:
    def at(name: str):
        return record.at(name, getattr(item, name), month)

    return _Agreed(
        text=at("text"),
        success_criteria=at("success_criteria"),
        plan_start=at("plan_start"),
        plan_start_text=at("plan_start_text"),
        plan_finish=at("plan_finish"),
        plan_finish_text=at("plan_finish_text"),
        leads=_people_at(record, "leads", leads, month, people),
        chief_officers=_people_at(
            record, "chief_officers", chief_officers, month, people
        ),
    )


def _revised(
    record: ItemRecord,
    name: str,
    item: Action | Milestone,
    agreed: datetime.date | None,
    month: datetime.date,
) -> Revised | None:
    """A plan date's baseline beside the value in force at the month's end, where they
    differ (then at least one change is in force by the month)."""
    baseline = record.baseline(name, getattr(item, name))
    if baseline == agreed:
        return None
    written = WRITTEN_AS[name]
    latest = record.latest(name, month=month)
    return Revised(
        baseline=baseline,
        baseline_label=_date_label(
            baseline, record.baseline(written, getattr(item, written))
        ),
        revisions=record.revisions(name, by=month),
        latest_reason=latest.reason if latest else "",
    )


def _changed_since_baseline(
    record: ItemRecord,
    item: Action | Milestone,
    agreed: _Agreed,
    month: datetime.date,
    people: dict[int, Person],
) -> dict[str, str]:
    """Where the wording or officers in force at the month's end differ from the
    baseline: the note the progress report writes under them."""
    notes = {}
    for name in ["text", "success_criteria"]:
        baseline = record.baseline(name, getattr(item, name))
        if baseline != getattr(agreed, name):
            was = f"“{Truncator(baseline).chars(120)}”" if baseline else "none"
            notes[name] = revised_note(was, record.revisions(name, by=month))
    for name in AMENDED_OFFICERS:
        in_force = sorted(person.pk for person in getattr(agreed, name))
        if not record.revisions(name, by=month):
            continue
        baseline = record.baseline(name, in_force)
        if baseline != in_force:
            was = people_label([people[pk] for pk in baseline if pk in people])
            notes[name] = revised_note(was or "none", record.revisions(name, by=month))
    return notes


def _finish_moved_reason(
    record: ItemRecord, item: Action | Milestone, month: datetime.date, to_label: str
) -> str:
    moved = record.moved_later("plan_finish", item.plan_finish, month)
    if moved is None:
        return ""
    was_text = record.at(
        "plan_finish_text", item.plan_finish_text, months.month_previous(month)
    )
    return f"Finish moved from {_date_label(moved[0], was_text)} to {to_label}"


def _report_item(
    item: Action | Milestone,
    kind: str,
    shared: _ActionContext,
    action_agreed: _Agreed,
    updates: dict[tuple[int, str, int], UpdateView],
    period: PeriodRef,
    previous: PeriodRef | None,
) -> ReportItem:
    month = period.month
    this = updates.get((period.pk, kind, item.pk))
    this_status = this.status if this else None
    last = updates.get((previous.pk, kind, item.pk)) if previous else None
    finish, finish_label = _effective_finish(item, this, period)
    action = shared.action
    if kind == "milestone":
        record = shared.milestone_records.get(item.pk, _UNCHANGED)
        agreed = _agreed_at(
            item,
            record,
            month,
            shared.people,
            leads=shared.milestone_leads[item.pk],
            chief_officers=[],
        )
        number = f"{action.number} {item.label}".strip()
        values = {
            "label": item.label,
            "aim": "",
            "text": agreed.text or action_agreed.text,
            "own_text": agreed.text,
            "leads": agreed.leads or action_agreed.leads,
            "own_leads": agreed.leads,
        }
        # A withdrawn action's milestones go with it.
        withdrawn = item.is_withdrawn_by(month) or action.is_withdrawn_by(month)
    else:
        record, agreed = shared.record, action_agreed
        number = action.number
        values = {
            "label": "",
            "aim": action.aim,
            "text": agreed.text,
            "own_text": agreed.text,
            "leads": agreed.leads,
            "own_leads": agreed.leads,
            "outcomes": action.outcomes,
            "cross_references": shared.cross_references,
        }
        withdrawn = action.is_withdrawn_by(month)
    plan_finish_label = _date_label(agreed.plan_finish, agreed.plan_finish_text)
    report_item = ReportItem(
        kind=kind,
        pk=item.pk,
        action_pk=action.pk,
        number=number,
        success_criteria=agreed.success_criteria,
        plan_start=agreed.plan_start,
        plan_finish=agreed.plan_finish,
        actual_finish=finish,
        plan_start_label=_date_label(agreed.plan_start, agreed.plan_start_text),
        plan_finish_label=plan_finish_label,
        plan_finish_text=agreed.plan_finish_text,
        actual_finish_label=finish_label,
        chief_officers=action_agreed.chief_officers,
        recommendations=shared.recommendations,
        this_month=this,
        last_month=last,
        url=shared.url,
        plan_start_revised=_revised(
            record, "plan_start", item, agreed.plan_start, month
        ),
        plan_finish_revised=_revised(
            record, "plan_finish", item, agreed.plan_finish, month
        ),
        finish_moved=_finish_moved_reason(record, item, month, plan_finish_label),
        changed=_changed_since_baseline(record, item, agreed, month, shared.people),
        is_withdrawn=withdrawn,
        merged_into=shared.merged_into if withdrawn else "",
        is_exempt=item.not_for_publication or action.not_for_publication,
        **values,
    )
    dates = report_item.dates
    report_item.is_complete = dates.is_complete(on=period.last_day, status=this_status)
    report_item.is_overdue = dates.is_overdue(on=period.last_day, status=this_status)
    report_item.reasons = _exception_reasons(report_item)
    return report_item


def _action_contexts(rows: _PlanRows, plan_slug: str) -> list[_ActionContext]:
    """What every month's rows of each action share, built once per report."""
    numbers = {action.pk: action.number for action in rows.actions}
    return [
        _ActionContext(
            action=action,
            recommendations=[
                RecommendationRef(
                    number=rec.number, text=rec.text, theme=_theme_ref(rec.theme)
                )
                for rec in action.recommendations.all()
            ],
            cross_references=[
                CrossRef(
                    number=other.number,
                    url=reverse(
                        "actionplans:action_detail", args=[plan_slug, other.pk]
                    ),
                )
                for other in action.cross_references.all()
            ],
            leads=[_person(officer) for officer in action.leads.all()],
            chief_officers=[_person(o) for o in action.chief_officers.all()],
            url=reverse("actionplans:action_detail", args=[plan_slug, action.pk]),
            milestone_leads={
                milestone.pk: [_person(officer) for officer in milestone.leads.all()]
                for milestone in action.milestones.all()
            },
            record=rows.record("action", action.pk),
            milestone_records={
                milestone.pk: rows.record("milestone", milestone.pk)
                for milestone in action.milestones.all()
            },
            people=rows.people,
            merged_into=numbers.get(action.superseded_by_id, ""),
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
    """The month's action blocks: the items added to the plan by then, as agreed."""
    blocks = []
    month = period.month
    for shared in contexts or _action_contexts(rows, plan_slug):
        action = shared.action
        if not action.is_added_by(month):
            continue
        action_agreed = _agreed_at(
            action,
            shared.record,
            month,
            shared.people,
            leads=shared.leads,
            chief_officers=shared.chief_officers,
        )
        milestones = [
            _report_item(
                milestone, "milestone", shared, action_agreed, updates, period, previous
            )
            for milestone in action.milestones.all()
            if milestone.is_added_by(month)
        ]
        action_item = _report_item(
            action, "action", shared, action_agreed, updates, period, previous
        )
        if milestones:
            # The milestones are the dated units: the action row is their heading, and
            # is an exception only through them (its own dates span theirs).
            action_item.reasons = []
        blocks.append(
            ActionBlock(
                action=action_item,
                milestones=milestones,
                has_milestones=bool(milestones),
            )
        )
    return blocks


_DETERIORATING = Direction.DETERIORATING
_DETERIORATING_REASON = f"{_DETERIORATING.words.capitalize()} {_DETERIORATING.arrow}"


def _exception_reasons(item: ReportItem) -> list[str]:
    """Why the item belongs in the exceptions report (empty when it does not)."""
    if item.is_withdrawn:
        return []
    reasons = []
    status = item.status
    if status is not None and status.is_exception:
        reasons.append(status.label)
    if item.is_overdue:
        reasons.append("Overdue")
    if item.this_month and item.this_month.direction == _DETERIORATING:
        reasons.append(_DETERIORATING_REASON)
    last = item.last_month.status if item.last_month else None
    if status_has_slipped(last=last, now=status):
        reasons.append(f"Slipped from {last.label}")
    if item.finish_moved:
        reasons.append(item.finish_moved)
    return reasons
