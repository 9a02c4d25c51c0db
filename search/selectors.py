"""Finding actions and milestones by number, words, lead or chief officer, across the plans
a user may see.

A query is read two ways. If it looks like a number ("2.1", "2.1 (b)", "2.1b"), the item
with that number is found exactly and listed first. Then, as words, every word must occur
(AND, case-insensitive) somewhere in the item: its text, its success criteria, its
action's text for a milestone, or the name or role of one of its leads or chief officers.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.query import prefetch_related_objects

from actionplans.models import (
    Action,
    ActionPlan,
    Milestone,
    Officer,
    ProgressUpdate,
    ReportingPeriod,
)
from actionplans.selectors import plans_for_user
from recommendations.numbering import number_sort_key

# Enough for a page a person reads; a longer list wants more words, not paging.
RESULTS_LIMIT = 50
# Every word adds subqueries to one SQL statement: a pasted paragraph must not make a
# statement of hundreds of them.
WORDS_LIMIT = 8
QUERY_MAX_LENGTH = 200

# Digits first, then only dots, brackets, spaces and a short label: "2.1", "4.2 (a)",
# "2.1b", "12.3(ii)". "24 hours" is words, not a number.
_NUMBER = re.compile(
    r"\d+(?:\s*\.\s*\d+)*\s*(?:\(\s*[a-z0-9]{1,4}\s*\)|[a-z]{1,4})?", re.I
)
# Quotes and punctuation around a word are not part of what is looked for.
_WORD_EDGES = "\"'“”‘’.,;:!?()[]"


@dataclass(frozen=True)
class TextPart:
    """A run of text, marked when it is one of the words searched for."""

    text: str
    matched: bool


@dataclass
class Hit:
    """One action or milestone found, as the results page shows it."""

    number: str
    url: str
    text: list[TextPart]
    success_criteria: list[TextPart]
    # A milestone's action ("2.1") and its text, which the milestone is read under.
    action_number: str
    action_text: list[TextPart]
    leads: list[list[TextPart]]
    chief_officers: list[list[TextPart]]
    update: ProgressUpdate | None
    withdrawn: bool
    exact: bool


@dataclass
class PlanHits:
    plan: ActionPlan
    period: ReportingPeriod | None  # the month whose statuses are shown
    hits: list[Hit] = field(default_factory=list)


@dataclass
class SearchResults:
    query: str
    plans: list[PlanHits]
    count: int
    more: bool  # more than RESULTS_LIMIT items matched: only the first are listed


def search_query_clean(query: str) -> str:
    """The query as searched: spaces collapsed, cut to a length a person types."""
    return " ".join(query.split())[:QUERY_MAX_LENGTH]


def search_words(query: str) -> list[str]:
    """The distinct words of a query, without the punctuation around them."""
    words = []
    for word in query.split():
        word = word.strip(_WORD_EDGES)
        if word and word.lower() not in {w.lower() for w in words}:
            words.append(word)
    return words[:WORDS_LIMIT]


def search_number_key(query: str) -> str | None:
    """The number's sort key when the whole query is an item number, else None.

    The sort key ignores spaces, dots and brackets and lower-cases letters, so "2.1 (b)",
    "2.1(b)" and "2.1B" all find 2.1 (b).
    """
    if not _NUMBER.fullmatch(query.strip()):
        return None
    return number_sort_key(query)


def search_marked(text: str, words: Iterable[str]) -> list[TextPart]:
    """The text split into parts, with every occurrence of a searched word marked."""
    words = sorted({w for w in words if w}, key=len, reverse=True)
    if not text:
        return []
    if not words:
        return [TextPart(text, False)]
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    parts, start = [], 0
    for found in pattern.finditer(text):
        if found.start() > start:
            parts.append(TextPart(text[start : found.start()], False))
        parts.append(TextPart(found.group(), True))
        start = found.end()
    if start < len(text):
        parts.append(TextPart(text[start:], False))
    return parts


def _is_marked(parts: list[TextPart]) -> bool:
    return any(part.matched for part in parts)


# --- Matching in the database ---------------------------------------------------------------


def _officer_matches(word: str, **link) -> Exists:
    return Exists(
        Officer.objects.filter(
            Q(name__icontains=word) | Q(role_title__icontains=word), **link
        )
    )


def _action_word(word: str) -> Q:
    return (
        Q(text__icontains=word)
        | Q(success_criteria__icontains=word)
        | _officer_matches(word, led_actions=OuterRef("pk"))
        | _officer_matches(word, accountable_actions=OuterRef("pk"))
    )


def _milestone_word(word: str) -> Q:
    # A milestone's leads are its own where it names any, else its action's: the ones
    # its row shows.
    own_leads = Exists(Officer.objects.filter(led_milestones=OuterRef("pk")))
    return (
        Q(text__icontains=word)
        | Q(success_criteria__icontains=word)
        | Q(action__text__icontains=word)
        | _officer_matches(word, led_milestones=OuterRef("pk"))
        | (~own_leads & _officer_matches(word, led_actions=OuterRef("action_id")))
        | _officer_matches(word, accountable_actions=OuterRef("action_id"))
    )


# Withdrawn items list after the others. An item is withdrawn once an approved amendment
# has withdrawn it, even from a month not yet open, as the plan and action pages mark it.
_WITHDRAWN = Case(
    When(withdrawn_in__isnull=False, then=Value(1)),
    default=Value(0),
    output_field=IntegerField(),
)


def _action_order(action: Action) -> tuple:
    return (action.plan_id, action.is_withdrawn, action.sort_key, action.pk, -1, 0)


def _milestone_order(milestone: Milestone) -> tuple:
    action = milestone.action
    return (
        action.plan_id,
        milestone.is_withdrawn,
        action.sort_key,
        action.pk,
        milestone.order,
        milestone.pk,
    )


def _word_matches(
    words: list[str], plans: QuerySet, *, exclude: tuple[set[int], set[int]], limit: int
) -> tuple[list[Action], list[Milestone], bool]:
    """The first `limit` items in every word, in plan and reading order, and whether there
    are more. Actions and milestones are fetched in the same order and merged, so the
    first `limit` of both together are among the first `limit` of each."""
    if not words or limit <= 0:
        return [], [], False
    action_match = Q()
    milestone_match = Q()
    for word in words:
        action_match &= _action_word(word)
        milestone_match &= _milestone_word(word)
    actions = list(
        Action.objects.filter(action_match, plan__in=plans)
        .exclude(pk__in=exclude[0])
        .annotate(is_withdrawn=_WITHDRAWN)
        .select_related("plan")
        .order_by("plan_id", "is_withdrawn", "sort_key", "pk")[: limit + 1]
    )
    milestones = list(
        Milestone.objects.filter(milestone_match, action__plan__in=plans)
        .exclude(pk__in=exclude[1])
        .annotate(is_withdrawn=_WITHDRAWN)
        .select_related("action__plan")
        .order_by(
            "action__plan_id",
            "is_withdrawn",
            "action__sort_key",
            "action_id",
            "order",
            "pk",
        )[: limit + 1]
    )
    items = sorted(
        [(_action_order(a), a) for a in actions]
        + [(_milestone_order(m), m) for m in milestones],
        key=lambda pair: pair[0],
    )
    kept = [item for _, item in items[:limit]]
    return (
        [item for item in kept if isinstance(item, Action)],
        [item for item in kept if isinstance(item, Milestone)],
        len(items) > limit,
    )


def _number_matches(key: str, plans: QuerySet) -> tuple[list[Action], list[Milestone]]:
    """The actions and milestones whose number is the query's number."""
    actions = list(
        Action.objects.filter(sort_key=key, plan__in=plans)
        .annotate(is_withdrawn=_WITHDRAWN)
        .select_related("plan")
    )
    # A milestone's number is its action's and its label ("2.1" and "(b)"): its key
    # starts with the action's key. Labels are compared as the number key reads them.
    parts = key.split(".")
    action_keys = {".".join(parts[:n]): n for n in range(1, len(parts))}
    candidates = (
        Milestone.objects.filter(
            action__sort_key__in=action_keys, action__plan__in=plans
        )
        .annotate(is_withdrawn=_WITHDRAWN)
        .select_related("action__plan")
    )
    milestones = [
        milestone
        for milestone in candidates
        if number_sort_key(milestone.label)
        == ".".join(parts[action_keys[milestone.action.sort_key] :])
    ]
    return actions, milestones


# --- What the page shows --------------------------------------------------------------------


def _current_periods(plan_ids: set[int]) -> dict[int, ReportingPeriod | None]:
    """Each plan's month being worked on (the plan page's), keyed by plan id."""
    by_plan: dict[int, list[ReportingPeriod]] = {pk: [] for pk in plan_ids}
    for period in ReportingPeriod.objects.filter(plan_id__in=plan_ids):
        by_plan[period.plan_id].append(period)
    return {
        pk: ReportingPeriod.pick_current(periods) for pk, periods in by_plan.items()
    }


def _updates(
    periods: Iterable[ReportingPeriod | None],
    actions: list[Action],
    milestones: list[Milestone],
) -> dict[tuple[str, int], ProgressUpdate]:
    period_ids = [period.pk for period in periods if period is not None]
    if not period_ids:
        return {}
    updates = ProgressUpdate.objects.filter(
        Q(action__in=[a.pk for a in actions])
        | Q(milestone__in=[m.pk for m in milestones]),
        period_id__in=period_ids,
    ).select_related("status")
    return {
        ("action", u.action_id) if u.action_id else ("milestone", u.milestone_id): u
        for u in updates
    }


def _officers(officers, words: list[str]) -> list[list[TextPart]]:
    return [search_marked(str(officer), words) for officer in officers]


def _action_hit(action: Action, words, update, *, exact: bool) -> Hit:
    criteria = search_marked(action.success_criteria, words)
    return Hit(
        number=action.number,
        url=action.get_absolute_url(),
        text=search_marked(action.text, words),
        # Long, and mostly not what was searched for: shown only when it holds a word.
        success_criteria=criteria if _is_marked(criteria) else [],
        action_number="",
        action_text=[],
        leads=_officers(action.leads.all(), words),
        chief_officers=_officers(action.chief_officers.all(), words),
        update=update,
        withdrawn=bool(action.is_withdrawn),
        exact=exact,
    )


def _milestone_hit(milestone: Milestone, words, update, *, exact: bool) -> Hit:
    action = milestone.action
    action_text = search_marked(action.text, words)
    return Hit(
        number=milestone.number,
        # The action's page lists its milestones: there is no page of one milestone.
        url=action.get_absolute_url(),
        text=search_marked(milestone.text, words),
        success_criteria=search_marked(milestone.success_criteria, words),
        action_number=action.number,
        # Only when it holds a word: it is on the action's own row and page.
        action_text=action_text if _is_marked(action_text) else [],
        leads=_officers(milestone.leads.all() or action.leads.all(), words),
        chief_officers=_officers(action.chief_officers.all(), words),
        update=update,
        withdrawn=bool(milestone.is_withdrawn),
        exact=exact,
    )


def search_results(*, user: AbstractBaseUser, query: str) -> SearchResults:
    """The actions and milestones a query finds in the plans the user may see, grouped
    by plan: exact number matches first, then the items in every word in reading order,
    withdrawn items last. A fixed number of queries, however many items match."""
    query = search_query_clean(query)
    words = search_words(query)
    plans = plans_for_user(user=user).values("pk")
    key = search_number_key(query)
    exact_actions, exact_milestones = _number_matches(key, plans) if key else ([], [])
    # A number is looked for as it is written too (cross-references: "See 2.1").
    found_actions, found_milestones, more = _word_matches(
        [query] if key else words,
        plans,
        exclude=({a.pk for a in exact_actions}, {m.pk for m in exact_milestones}),
        limit=RESULTS_LIMIT - len(exact_actions) - len(exact_milestones),
    )
    actions = exact_actions + found_actions
    milestones = exact_milestones + found_milestones
    # Milestones show their action's chief officers, and its leads when they have none.
    if actions or milestones:
        prefetch_related_objects(
            actions + [m.action for m in milestones], "leads", "chief_officers"
        )
    if milestones:
        prefetch_related_objects(milestones, "leads")

    plan_ids = {a.plan_id for a in actions} | {m.action.plan_id for m in milestones}
    periods = _current_periods(plan_ids) if plan_ids else {}
    updates = _updates(periods.values(), actions, milestones)
    marked = [query] if key else words
    hits = [
        (
            _action_order(action),
            action.plan,
            _action_hit(
                action,
                marked,
                updates.get(("action", action.pk)),
                exact=action in exact_actions,
            ),
        )
        for action in actions
    ] + [
        (
            _milestone_order(milestone),
            milestone.action.plan,
            _milestone_hit(
                milestone,
                marked,
                updates.get(("milestone", milestone.pk)),
                exact=milestone in exact_milestones,
            ),
        )
        for milestone in milestones
    ]
    groups: dict[int, PlanHits] = {}
    for _, plan, hit in sorted(hits, key=lambda h: (not h[2].exact, h[0])):
        group = groups.setdefault(plan.pk, PlanHits(plan, periods.get(plan.pk)))
        group.hits.append(hit)
    return SearchResults(
        query=query,
        # Plans with the number asked for first, then by title.
        plans=sorted(
            groups.values(),
            key=lambda g: (not g.hits[0].exact, g.plan.title.lower(), g.plan.pk),
        ),
        count=len(hits),
        more=more,
    )
