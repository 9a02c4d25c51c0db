"""The search page: sign-in required, the empty form, results grouped by plan."""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

URL = reverse("search:search")


def test_anonymous_users_are_sent_to_sign_in(client, councils):
    response = client.get(URL, {"q": "recruitment"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_page_is_read_only(client, councils):
    client.force_login(councils.lead)
    assert client.post(URL, {"q": "recruitment"}).status_code == 405


def test_an_empty_query_shows_the_form_with_a_hint(client, councils):
    client.force_login(councils.lead)
    for params in ({}, {"q": "   "}):
        response = client.get(URL, params)
        assert response.status_code == 200
        page = response.content.decode()
        assert "<title>Search – Actionplans</title>" in page
        assert "For example 2.1, 2.1 (b), recruitment" in page
        assert 'id="search-q" name="q" value=""' in page
        assert "result" not in page


def test_results_are_listed_by_plan_with_the_words_marked(client, councils):
    factories.make_update(
        councils.september, action=councils.recruitment, status_label="Amber"
    )
    client.force_login(councils.lead)
    response = client.get(URL, {"q": "posts"})
    page = response.content.decode()
    assert "<title>Search results for “posts” – Actionplans</title>" in page
    assert "<h1>Search</h1>" in page
    assert 'id="search-q" name="q" value="posts"' in page
    assert "3 results for “posts”" in page
    assert '<h2><a href="/plans/leeds-iwc/">Leeds IWC</a></h2>' in page
    assert "Statuses for September 2009." in page
    assert "<mark>Posts</mark> filled by March 2009." in page
    assert "Richard Graham (QA Manager)" in page
    assert "Director of Adult Social Services" in page
    assert '<span class="tag tag--amber">Amber</span>' in page
    action_url = councils.recruitment.get_absolute_url()
    assert page.count(f'<a href="{action_url}">') == 3
    assert "Milestone </span>2.1 (b)</a>" in page


def test_one_result_and_none(client, councils):
    client.force_login(councils.lead)
    assert "1 result for “safeguarding procedures”" in client.get(
        URL, {"q": "safeguarding procedures"}
    ).content.decode("utf-8")
    assert (
        "No results for “dudley”" in client.get(URL, {"q": "dudley"}).content.decode()
    )


def test_another_councils_user_finds_only_their_own(client, councils):
    client.force_login(councils.dudley_user)
    page = client.get(URL, {"q": "senior practitioners"}).content.decode()
    assert "1 result for “senior practitioners”" in page
    assert "Dudley CQC" in page
    assert "Leeds IWC" not in page


def test_what_is_typed_is_escaped(client, councils):
    client.force_login(councils.lead)
    page = client.get(URL, {"q": "<script>x</script>"}).content.decode()
    assert "<script>x" not in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page


def test_the_header_has_a_search_box_for_signed_in_users_only(client, councils):
    assert 'role="search"' not in client.get(reverse("login")).content.decode()
    client.force_login(councils.viewer)
    page = client.get(reverse("home")).content.decode()
    assert f'action="{URL}" role="search"' in page
    assert '<label for="site-search-q"' in page
