"""The summary, progress, chief officer and exceptions reports of one period."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from actionplans.models import ActionPlan, StatusOption
from lib import months
from recommendations.numbering import number_sort_key

from ..columns import Column, columns_in_use, plan_columns
from .items import (
    ActionBlock,
    Kind,
    OtherMonths,
    PeriodRef,
    Person,
    RecommendationGroup,
    RecommendationRef,
    ReportError,
    ReportFilters,
    ReportItem,
    ThemeRef,
    _items,
    _period_ref,
    _plan_rows,
    _PlanRows,
    _updates_for,
    other_months,
    period_for_plan,
    report_rows_stamp,
)
from .proof import MeasureRow, evidence_by_item, measure_rows
from .register import RegisterEntry, register_entries


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
class Section:
    """Consecutive recommendation groups under one section of the plan (its theme);
    `theme` None for recommendations in no section, or when the plan is not grouped."""

    theme: ThemeRef | None
    groups: list[RecommendationGroup]

    @property
    def heading(self) -> str:
        return str(self.theme) if self.theme else "Recommendations in no section"


def _group_theme(group: RecommendationGroup) -> ThemeRef | None:
    return next((rec.theme for rec in group.recommendations if rec.theme), None)


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
    # The month's register of amendments, as at the month's end.
    register: list[RegisterEntry] = field(default_factory=list)
    # What the rows read looked like (`report_rows_stamp`): part of a closed month's
    # storage key, so that any change to them makes the report again.
    rows_stamp: str = ""
    # The open month's draft and the latest closed month, where they are not this one.
    other_months: OtherMonths = field(default_factory=lambda: OtherMonths(None, None))
    # The plan's measures as at the month's end: the summary report's table.
    measures: list[MeasureRow] = field(default_factory=list)
    # The progress table's columns: the plan's layout, less those of fields no item of
    # the plan fills (reporting.columns).
    columns: list[Column] = field(default_factory=list)

    @property
    def by_section(self) -> bool:
        return self.plan.report_by_section

    @property
    def sections(self) -> list[Section]:
        """The groups under their sections when the plan groups by section, else all
        in one untitled section."""
        if not self.by_section:
            return [Section(theme=None, groups=self.groups)] if self.groups else []
        sections: list[Section] = []
        for group in self.groups:
            theme = _group_theme(group)
            if sections and sections[-1].theme == theme:
                sections[-1].groups.append(group)
            else:
                sections.append(Section(theme=theme, groups=[group]))
        return sections

    @property
    def group_heading_level(self) -> int:
        """A recommendation's heading: under its section's (h2) when grouped."""
        return 3 if self.by_section else 2

    @property
    def item_heading_level(self) -> int:
        return self.group_heading_level + 1

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
        """The dated units in the plan (the counts' and lists'): not those withdrawn."""
        return [unit for block in self.blocks for unit in block.units_in_plan]

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
# Building the period reports


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
    """The four lists of the summary report, over dated units, by the DatedUnit rules."""
    end = period.last_day
    return SummaryLists(
        completed=[u for u in units if u.dates.is_completed_in(period.month)],
        overdue=[u for u in units if u.is_overdue],
        due_next=[
            u for u in units if u.dates.is_due_in(next_month, on=end, status=u.status)
        ],
        commencing_next=[u for u in units if u.dates.is_commencing_in(next_month)],
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
    """The context of a period report: twelve queries whatever the size of the plan
    (one more to find the default month, and one more for any officers that only the
    plan's amendments name), and the proof each report shows: the summary's measures
    (four queries, one when the plan has none), the others' evidence (one query)."""
    if kind not in Kind.PERIOD_REPORTS:
        raise ReportError(f"Unknown report {kind!r}.")
    filters = filters or ReportFilters()
    if month is None:
        month = period_for_plan(plan=plan, month=None).month
    # Taken before the rows are read (see report_rows_stamp).
    stamp = report_rows_stamp(plan=plan, report_months=[month])
    # The summary lists no cross-references: it reads them not.
    rows = _plan_rows(plan, register_month=month, cross_references=kind != Kind.SUMMARY)
    period_row = period_for_plan(plan=plan, month=month, periods=rows.periods)
    period = _period_ref(period_row)
    previous_month = months.month_add(period.month, -1)
    previous_row = next((p for p in rows.periods if p.month == previous_month), None)
    previous = _period_ref(previous_row) if previous_row else None
    updates = _updates_for([p for p in (period_row, previous_row) if p], rows.statuses)
    all_blocks = _items(rows, updates, period, previous, plan.slug)
    measures = []
    if kind == Kind.SUMMARY:
        measures = measure_rows(plan=plan, period=period_row)
    else:
        evidence = evidence_by_item([period_row])
        for block in all_blocks:
            for item in [block.action, *block.milestones]:
                item.evidence = evidence.get((item.kind, item.pk), [])
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
    units = [unit for block in blocks for unit in block.units_in_plan]
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
        register=register_entries(rows, period),
        rows_stamp=stamp,
        other_months=other_months(rows.periods, shown=period.month),
        measures=measures,
        columns=columns_in_use(plan_columns(plan), all_blocks),
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
