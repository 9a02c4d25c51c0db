"""search_results: numbers, words, people, councils kept apart, withdrawn items, limits."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from search import selectors
from search.selectors import (
    TextPart,
    search_marked,
    search_number_key,
    search_results,
    search_words,
)
from tests import factories

pytestmark = pytest.mark.django_db


def _numbers(results) -> list[tuple[str, str]]:
    """(plan slug, item number) of every hit, in the order the page lists them."""
    return [
        (group.plan.slug, hit.number) for group in results.plans for hit in group.hits
    ]


def _found(user, query: str) -> list[tuple[str, str]]:
    return _numbers(search_results(user=user, query=query))


@pytest.mark.parametrize("query", ["2.1 (b)", "2.1(b)", "2.1b", " 2.1 ( B ) "])
def test_a_milestone_is_found_by_its_number_however_it_is_written(councils, query):
    results = search_results(user=councils.lead, query=query)
    first = results.plans[0].hits[0]
    assert (first.number, first.exact) == ("2.1 (b)", True)
    assert first.url == councils.recruitment.get_absolute_url()


def test_an_action_number_finds_the_action_first_then_the_items_that_mention_it(
    councils,
):
    assert _found(councils.lead, "2.1") == [("leeds-iwc", "2.1"), ("leeds-iwc", "2.2")]


def test_an_action_numbered_with_a_letter_is_found_as_well_as_a_milestone(councils):
    lettered = factories.make_action(councils.plan, "2.1 (b)", text="Lettered.")
    hits = search_results(user=councils.lead, query="2.1b").plans[0].hits
    assert {(hit.number, hit.url) for hit in hits if hit.exact} == {
        ("2.1 (b)", lettered.get_absolute_url()),
        ("2.1 (b)", councils.recruitment.get_absolute_url()),
    }


def test_a_number_is_not_a_prefix(councils):
    factories.make_action(councils.plan, "12.1", text="Another.")
    factories.make_action(councils.plan, "2.10", text="Another.")
    exact = [
        hit.number
        for group in search_results(user=councils.lead, query="2.1").plans
        for hit in group.hits
        if hit.exact
    ]
    assert exact == ["2.1"]


def test_every_word_must_match_in_any_case(councils):
    assert _found(councils.lead, "SENIOR practitioners") == [
        ("leeds-iwc", "2.1"),
        ("leeds-iwc", "2.1 (a)"),
        ("leeds-iwc", "2.1 (b)"),
    ]
    assert _found(councils.lead, "senior induct") == []


def test_words_may_match_in_different_fields_and_people(councils):
    """ "filled" is in the success criteria, "Graham" a lead, "Director" a chief officer."""
    assert _found(councils.lead, "filled graham director") == [("leeds-iwc", "2.1")]


def test_a_lead_is_found_by_name_and_a_chief_officer_by_role(councils):
    assert _found(councils.lead, "paxton") == [
        ("leeds-iwc", "2.1 (b)"),
        ("leeds-iwc", "3.1"),
    ]
    assert _found(councils.lead, "adult social services") == [
        ("leeds-iwc", "2.1"),
        ("leeds-iwc", "2.1 (a)"),
        ("leeds-iwc", "2.1 (b)"),
        ("leeds-iwc", "3.1"),
    ]


def test_a_milestone_with_its_own_lead_is_not_found_by_its_actions_lead(councils):
    """2.1 (b) names Hilary Paxton, so its lead is not the action's Richard Graham."""
    assert _found(councils.lead, "Richard Graham") == [
        ("leeds-iwc", "2.1"),
        ("leeds-iwc", "2.1 (a)"),
    ]
    hits = search_results(user=councils.lead, query="graham").plans[0].hits
    assert [hit.leads for hit in hits][1] == [
        [
            TextPart("Richard ", False),
            TextPart("Graham", True),
            TextPart(" (QA Manager)", False),
        ]
    ]


def test_another_councils_items_are_never_found(councils):
    for query in ["recruitment", "2.1", "senior practitioners", "director"]:
        assert {slug for slug, _ in _found(councils.dudley_user, query)} <= {
            "dudley-cqc"
        }
        assert {slug for slug, _ in _found(councils.lead, query)} <= {"leeds-iwc"}
        assert {slug for slug, _ in _found(councils.viewer, query)} <= {"leeds-iwc"}
    assert _found(councils.dudley_user, "2.1") == [("dudley-cqc", "2.1")]


def test_a_plan_the_user_has_no_role_on_is_not_searched(councils):
    factories.make_action(factories.make_plan(), "2.1", text="Senior practitioners.")
    assert _found(councils.viewer, "2.1") == [
        ("leeds-iwc", "2.1"),
        ("leeds-iwc", "2.2"),
    ]


def test_an_admin_searches_every_plan_grouped_by_plan_title(councils):
    assert _found(councils.admin, "senior practitioners") == [
        ("dudley-cqc", "2.1"),
        ("leeds-iwc", "2.1"),
        ("leeds-iwc", "2.1 (a)"),
        ("leeds-iwc", "2.1 (b)"),
    ]


def test_withdrawn_items_are_listed_last_and_marked(councils):
    councils.recruitment.withdrawn_in = datetime.date(2009, 9, 1)
    councils.recruitment.save()
    councils.milestone_a.withdrawn_in = datetime.date(2009, 9, 1)
    councils.milestone_a.save()
    hits = search_results(user=councils.lead, query="practitioners").plans[0].hits
    assert [(hit.number, hit.withdrawn) for hit in hits] == [
        ("2.1 (b)", False),
        ("2.2", False),
        ("2.1", True),
        ("2.1 (a)", True),
    ]


def test_an_exact_number_comes_first_even_when_withdrawn(councils):
    councils.recruitment.withdrawn_in = datetime.date(2009, 9, 1)
    councils.recruitment.save()
    hits = search_results(user=councils.lead, query="2.1").plans[0].hits
    assert [(hit.number, hit.withdrawn) for hit in hits] == [
        ("2.1", True),
        ("2.2", False),
    ]


def test_the_status_shown_is_the_current_months(councils):
    factories.make_update(
        councils.august, action=councils.recruitment, status_label="Red"
    )
    factories.make_update(
        councils.september, action=councils.recruitment, status_label="Amber"
    )
    factories.make_update(
        councils.september, milestone=councils.milestone_b, status_label="Green"
    )
    group = search_results(user=councils.lead, query="2.1").plans[0]
    assert group.period == councils.september
    statuses = {
        hit.number: hit.update.status.label if hit.update else None
        for hit in search_results(user=councils.lead, query="posts").plans[0].hits
    }
    assert statuses == {"2.1": "Amber", "2.1 (a)": None, "2.1 (b)": "Green"}


def test_results_are_cut_at_the_limit_and_say_there_are_more(councils, monkeypatch):
    monkeypatch.setattr(selectors, "RESULTS_LIMIT", 3)
    for n in range(1, 4):
        factories.make_action(councils.plan, f"9.{n}", text="Senior practitioners.")
    results = search_results(user=councils.lead, query="senior practitioners")
    assert (results.count, results.more) == (3, True)
    assert _numbers(results) == [
        ("leeds-iwc", "2.1"),
        ("leeds-iwc", "2.1 (a)"),
        ("leeds-iwc", "2.1 (b)"),
    ]
    exactly = search_results(user=councils.lead, query="paxton")
    assert (exactly.count, exactly.more) == (2, False)


def test_marked_text_marks_every_word_in_any_case():
    assert search_marked("Recruit; RECRUITMENT.", ["recruit"]) == [
        TextPart("Recruit", True),
        TextPart("; ", False),
        TextPart("RECRUIT", True),
        TextPart("MENT.", False),
    ]
    assert search_marked("a+b (c)", ["+b", "(c"]) == [
        TextPart("a", False),
        TextPart("+b", True),
        TextPart(" ", False),
        TextPart("(c", True),
        TextPart(")", False),
    ]


def test_words_drop_punctuation_repeats_and_what_is_past_the_limit():
    assert search_words('"Senior", senior practitioners.') == [
        "Senior",
        "practitioners",
    ]
    assert len(search_words(" ".join(f"w{n}" for n in range(20)))) == (
        selectors.WORDS_LIMIT
    )


@pytest.mark.parametrize("query", ["recruitment", "24 hours", "2.1 senior", "X-ref"])
def test_words_are_not_numbers(query):
    assert search_number_key(query) is None


def _grow(councils, numbers) -> None:
    """More actions of both councils that mention "senior" and 2.1 (b), with people,
    milestones and statuses."""
    for number in numbers:
        action = factories.make_action(
            councils.plan,
            number,
            text="Senior practitioners (see 2.1 (b)).",
            leads=[councils.graham, factories.make_officer()],
            chief_officers=[councils.director],
        )
        milestone = factories.make_milestone(action, success_criteria="Posts.")
        milestone.leads.add(factories.make_officer())
        factories.make_update(councils.september, action=action, status_label="Amber")
        factories.make_update(
            councils.september, milestone=milestone, status_label="Green"
        )
        factories.make_action(councils.dudley_plan, number, text="Senior, as 2.1 (b).")


def _queries(user, query: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        search_results(user=user, query=query)
    return len(queries)


@pytest.mark.parametrize("query", ["senior", "2.1", "2.1 (b)"])
def test_a_search_makes_a_fixed_number_of_queries(councils, query):
    """However many actions and milestones match and are listed with their people and
    statuses. (With no action or no milestone found, the queries that would fetch their
    people and statuses are not made.)"""
    _grow(councils, ["9.1"])
    before = {who: _queries(who, query) for who in (councils.lead, councils.admin)}
    _grow(councils, [f"10.{n}" for n in range(1, 13)])
    after = {who: _queries(who, query) for who in (councils.lead, councils.admin)}
    assert after == before
    assert max(after.values()) <= 10
    assert search_results(user=councils.admin, query=query).count > 12
