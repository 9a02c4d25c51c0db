"""The feeds: who may read them, what they say, and the log of every request."""

import csv
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from feeds import services
from feeds.models import FeedRequest
from lib.spreadsheets import text_unguard
from tests import factories

from .conftest import (
    CHIEF,
    EVIDENCE,
    EXEMPT_ACTION,
    EXEMPT_MILESTONE,
    LEAD,
    OPEN_MONTH,
    RISK,
)

pytestmark = pytest.mark.django_db

INTERNAL_TEXT = [RISK, LEAD, CHIEF, EVIDENCE, EXEMPT_ACTION, EXEMPT_MILESTONE]


def _url(dataset="items", format="json", slug="leeds-feed"):
    return reverse(f"feeds:{dataset}_{format}", args=[slug])


def _csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


# --- Refusals -------------------------------------------------------------------------


@pytest.mark.parametrize("format", ["json", "csv"])
def test_without_a_token_is_401_and_says_so(feed_plan, feed_get, format):
    response = feed_get(_url(format=format))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="feeds"'
    assert "Missing token" in response.content.decode()


def test_an_unknown_token_is_401_and_says_unknown(feed_plan, public_token, feed_get):
    response = feed_get(_url(), public_token.secret[:-2] + "zz")
    assert response.status_code == 401
    assert response.json()["error"].startswith("Unknown token")


def test_another_scheme_is_not_a_token(feed_plan, public_token):
    response = Client().get(
        _url(), headers={"Authorization": f"Basic {public_token.secret}"}
    )
    assert response.status_code == 401
    assert "Missing token" in response.json()["error"]


@pytest.mark.parametrize("format", ["json", "csv"])
def test_a_revoked_token_is_401_and_says_revoked(
    feed_plan, public_token, feed_get, format
):
    assert feed_get(_url(format=format), public_token.secret).status_code == 200
    services.feed_token_revoke(token=public_token.token, user=feed_plan.coordinator)
    response = feed_get(_url(format=format), public_token.secret)
    assert response.status_code == 401
    assert "Revoked token" in response.content.decode()


def test_another_plans_token_is_404(feed_plan, other_council, public_token, feed_get):
    response = feed_get(_url(slug="dudley"), public_token.secret)
    assert response.status_code == 404
    assert response.json() == {"error": "No such feed."}
    # Nor does a plan that does not exist answer differently.
    assert feed_get(_url(slug="nowhere"), public_token.secret).json() == {
        "error": "No such feed."
    }


def test_a_session_is_not_enough(feed_plan, client):
    client.force_login(feed_plan.coordinator)
    assert client.get(_url()).status_code == 401


def test_post_is_405(feed_plan, public_token):
    response = Client().post(
        _url(), headers={"Authorization": f"Bearer {public_token.secret}"}
    )
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert FeedRequest.objects.get().status_code == 405


@pytest.mark.parametrize(
    "query, message",
    [
        ("from=2009-13", "from=2009-13 is not a month"),
        ("to=Aug-09", "to=Aug-09 is not a month"),
        ("from=2009-08&to=2009-07", "from is after to"),
        ("page=0", "page=0 is not a page number"),
        ("page=two", "page=two is not a page number"),
    ],
)
def test_bad_query_is_400_with_a_clear_message(
    feed_plan, public_token, feed_get, query, message
):
    response = feed_get(f"{_url()}?{query}", public_token.secret)
    assert response.status_code == 400
    assert message in response.json()["error"]
    csv_response = feed_get(f"{_url(format='csv')}?{query}", public_token.secret)
    assert csv_response.status_code == 400
    assert message in csv_response.content.decode()


def test_a_page_past_the_last_is_404(feed_plan, public_token, feed_get):
    response = feed_get(f"{_url()}?page=3", public_token.secret)
    assert response.status_code == 404
    assert "the feed has 2 pages" in response.json()["error"]


# --- What a token reads ---------------------------------------------------------------


@pytest.mark.parametrize("dataset", ["items", "measures"])
@pytest.mark.parametrize("format", ["json", "csv"])
def test_public_token_reads_nothing_internal_nor_exempt(
    feed_plan, public_token, feed_get, dataset, format
):
    for page in (1, 2):
        response = feed_get(f"{_url(dataset, format)}?page={page}", public_token.secret)
        assert response.status_code == 200
        body = response.content.decode()
        for text in [*INTERNAL_TEXT, "EXEMPTMEASURE", "not_for_publication"]:
            assert text not in body
    assert "Timely reviews" in body if dataset == "measures" else "1.1" in body


def test_internal_token_reads_everything(feed_plan, internal_token, feed_get):
    body = feed_get(f"{_url()}?page=2", internal_token.secret).content.decode()
    for text in INTERNAL_TEXT:
        assert text in body
    measures = feed_get(_url("measures") + "?page=2", internal_token.secret)
    assert "EXEMPTMEASURE" in measures.content.decode()


def test_a_plan_that_publishes_risks_gives_them_to_a_public_token(
    feed_plan, public_token, feed_get
):
    feed_plan.plan.public_shows_risks = True
    feed_plan.plan.save()
    results = feed_get(f"{_url()}?page=2", public_token.secret).json()["results"]
    assert "risk" in results[0] and "leads" not in results[0]
    assert RISK in {row["risk"] for row in results}
    assert EXEMPT_ACTION not in str(results)


def test_a_public_token_leaves_out_an_action_whose_milestones_are_all_exempt(
    feed_plan, public_token, internal_token, feed_get
):
    """The public pages' rule (publishable_blocks): such an action says nothing of its
    own. An internal token still reads it, flagged as publishable itself."""
    feed_plan.m21a.not_for_publication = True
    feed_plan.m21a.save()
    public = feed_get(f"{_url()}?page=2", public_token.secret).json()["results"]
    assert [row["number"] for row in public] == ["1.1"]
    internal = feed_get(f"{_url()}?page=2", internal_token.secret).json()["results"]
    flags = {row["number"]: row["not_for_publication"] for row in internal}
    assert flags["2.1"] is False and flags["2.1 (a)"] is True


def test_august_rows_read_as_the_progress_report(feed_plan, internal_token, feed_get):
    data = feed_get(f"{_url()}?page=2", internal_token.secret).json()
    assert data["plan"] == "leeds-feed"
    assert data["month"] == "2009-08"
    rows = {row["number"]: row for row in data["results"]}
    assert list(rows) == ["1.1", "1.2", "2.1", "2.1 (a)", "2.1 (b)"]
    a11 = rows["1.1"]
    assert (
        a11
        | {
            "month": "2009-08",
            "kind": "action",
            "action_number": "1.1",
            "status": "Amber",
            "status_colour": "amber",
            "status_counts_as_complete": False,
            "complete": False,
            "direction": "improving",
            "plan_start": "2009-06-01",
            "plan_finish": "2009-12-31",
            "actual_finish": None,
            "progress": "On track in August.",
            "risk": RISK,
            "leads": f"{LEAD} (Head of Adult Safeguarding)",
            "chief_officers": CHIEF,
            "evidence": f"{EVIDENCE} (14 Aug 2009)",
            "not_for_publication": False,
        }
        == a11
    )
    assert rows["2.1 (a)"]["status_counts_as_complete"] is True
    assert rows["2.1 (a)"]["action_number"] == "2.1"
    assert rows["2.1 (b)"]["not_for_publication"] is True
    assert rows["1.2"]["status"] == "No status"


@pytest.mark.parametrize("dataset", ["items", "measures"])
def test_csv_and_json_agree(feed_plan, internal_token, feed_get, dataset):
    for page in (1, 2):
        query = f"?page={page}"
        data = feed_get(_url(dataset) + query, internal_token.secret).json()
        rows = _csv(feed_get(_url(dataset, "csv") + query, internal_token.secret))
        assert rows
        assert len(rows) == len(data["results"])

        def as_text(value):
            if value is None:
                return ""
            if isinstance(value, bool):
                return "true" if value else "false"
            return str(value)

        for row, result in zip(rows, data["results"], strict=True):
            assert list(row) == list(result)
            assert {k: text_unguard(v) for k, v in row.items()} == {
                k: as_text(v) for k, v in result.items()
            }


def test_csv_keeps_formula_like_text_as_text(feed_plan, internal_token, feed_get):
    feed_plan.a21.text = '=HYPERLINK("http://evil")'
    feed_plan.a21.save()
    rows = _csv(feed_get(_url(format="csv"), internal_token.secret))
    assert '\'=HYPERLINK("http://evil")' in {row["text"] for row in rows}


def test_measures_as_at_each_month(feed_plan, public_token, feed_get):
    july, august = (
        feed_get(f"{_url('measures')}?page={n}", public_token.secret).json()
        for n in (1, 2)
    )
    [row] = august["results"]
    assert (
        row
        | {
            "month": "2009-08",
            "measure": "Timely reviews",
            "baseline": 63.0,
            "actual": 74.0,
            "actual_month": "2009-08",
            "target": "76% by March 2010",
            "items": "1.1",
        }
        == row
    )
    assert row["standing"]
    assert july["results"][0]["actual"] is None


def test_the_open_month_never_appears(feed_plan, internal_token, feed_get):
    data = feed_get(_url(), internal_token.secret).json()
    assert data["pages"] == 2
    for page in (1, 2):
        for format in ("json", "csv"):
            body = feed_get(
                f"{_url(format=format)}?page={page}", internal_token.secret
            ).content.decode()
            assert OPEN_MONTH not in body and "2009-09" not in body
    # Asked for by name, it is simply not there.
    empty = feed_get(f"{_url()}?from=2009-09", internal_token.secret).json()
    assert empty["pages"] == 0 and empty["results"] == []


# --- Pages ----------------------------------------------------------------------------


def test_a_page_per_closed_month_with_next_links(feed_plan, public_token, feed_get):
    first = feed_get(_url(), public_token.secret).json()
    assert (first["page"], first["pages"], first["month"]) == (1, 2, "2009-07")
    assert first["next"] == "http://testserver" + _url() + "?page=2"
    assert first["generated_at"]
    second = feed_get(first["next"], public_token.secret).json()
    assert (second["page"], second["month"], second["next"]) == (2, "2009-08", None)
    assert {row["month"] for row in second["results"]} == {"2009-08"}

    csv_first = feed_get(_url(format="csv"), public_token.secret)
    assert csv_first["Link"] == (
        f'<http://testserver{_url(format="csv")}?page=2>; rel="next"'
    )
    assert not feed_get(_url(format="csv") + "?page=2", public_token.secret).has_header(
        "Link"
    )


def test_from_and_to_choose_the_months(feed_plan, public_token, feed_get):
    factories.make_period(feed_plan.plan, 2009, 6, state="closed")
    data = feed_get(f"{_url()}?from=2009-07&to=2009-08", public_token.secret).json()
    assert (data["pages"], data["month"]) == (2, "2009-07")
    assert data["next"].endswith("?from=2009-07&to=2009-08&page=2")
    only = feed_get(f"{_url()}?to=2009-06", public_token.secret).json()
    assert (only["pages"], only["month"]) == (1, "2009-06")


def test_head_answers_as_get_and_is_logged(feed_plan, public_token):
    response = Client().head(
        _url(format="csv"), headers={"Authorization": f"Bearer {public_token.secret}"}
    )
    assert response.status_code == 200
    assert FeedRequest.objects.get().status_code == 200


def test_responses_are_not_cached(feed_plan, public_token, feed_get):
    assert feed_get(_url(), public_token.secret)["Cache-Control"] == "no-store"


# --- The log --------------------------------------------------------------------------


def test_every_request_is_logged_refused_ones_too(
    feed_plan, other_council, public_token, feed_get
):
    token = public_token.token
    feed_get(_url(), REMOTE_ADDR="10.1.1.1")
    feed_get(_url(), "apf_nonsense", REMOTE_ADDR="10.1.1.2")
    feed_get(_url() + "?page=2", public_token.secret, REMOTE_ADDR="10.1.1.3")
    feed_get(_url() + "?from=bad", public_token.secret, REMOTE_ADDR="10.1.1.4")
    feed_get(_url(slug="dudley"), public_token.secret, REMOTE_ADDR="10.1.1.5")
    logged = list(FeedRequest.objects.order_by("pk"))
    assert [
        (e.status_code, e.token, e.plan, e.remote_addr, e.path) for e in logged
    ] == [
        (401, None, feed_plan.plan, "10.1.1.1", _url()),
        (401, None, feed_plan.plan, "10.1.1.2", _url()),
        (200, token, feed_plan.plan, "10.1.1.3", _url() + "?page=2"),
        (400, token, feed_plan.plan, "10.1.1.4", _url() + "?from=bad"),
        # Against the plan named, without the other plan's token.
        (404, None, other_council.plan, "10.1.1.5", _url(slug="dudley")),
    ]
    assert logged[2].rows == 3  # 1.1, 2.1 and 2.1 (a): the exempt ones left out
    token.refresh_from_db()
    assert token.last_used_at == logged[2].at


# --- Queries --------------------------------------------------------------------------


def _grow(plan, n: int) -> None:
    officer = factories.make_officer(f"Officer {n}")
    for i in range(n):
        action = factories.make_action(
            plan, f"9.{i}", leads=[officer], chief_officers=[officer]
        )
        milestone = factories.make_milestone(action, "(a)")
        milestone.leads.add(officer)
        factories.make_update(plan.periods.get(month__month=8), action=action)


@pytest.mark.parametrize("dataset", ["items", "measures"])
def test_queries_of_a_page_do_not_grow_with_the_plan(
    feed_plan, internal_token, feed_get, dataset, django_assert_max_num_queries
):
    url = f"{_url(dataset)}?page=2"
    with CaptureQueriesContext(connection) as small:
        assert feed_get(url, internal_token.secret).status_code == 200
    _grow(feed_plan.plan, 20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = feed_get(url, internal_token.secret)
    assert response.status_code == 200
    if dataset == "items":
        assert len(response.json()["results"]) == 5 + 40
    print(dataset, len(small.captured_queries))
