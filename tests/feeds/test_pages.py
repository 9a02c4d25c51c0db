"""The coordinator's pages: list, make and revoke tokens, and read the request log."""

import pytest
from django.test import Client
from django.urls import reverse

from feeds import services
from feeds.models import FeedRequest, FeedToken

pytestmark = pytest.mark.django_db


def _list_url():
    return reverse("feeds:token_list", args=["leeds-feed"])


def _create_url():
    return reverse("feeds:token_create", args=["leeds-feed"])


def _revoke_url(token):
    return reverse("feeds:token_revoke", args=["leeds-feed", token.pk])


# --- The list -------------------------------------------------------------------------


def test_list_shows_tokens_addresses_and_the_log(
    feed_plan, public_token, internal_token, client, feed_get
):
    services.feed_token_revoke(token=internal_token.token, user=feed_plan.coordinator)
    feed_get(reverse("feeds:items_json", args=["leeds-feed"]), public_token.secret)
    client.force_login(feed_plan.coordinator)
    response = client.get(_list_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Public dashboard" in page and "Power BI: DMT" in page
    assert public_token.token.prefix in page
    assert public_token.secret not in page and internal_token.secret not in page
    assert "Public fields only" in page and "Internal fields" in page
    assert "Revoked" in page
    assert "http://testserver/feeds/leeds-feed/items.csv" in page
    assert "/feeds/leeds-feed/items.json" in page and "200 OK" in page


def test_the_plan_page_links_to_the_feeds_for_coordinators_only(feed_plan, client):
    client.force_login(feed_plan.coordinator)
    plan_page = client.get(feed_plan.plan.get_absolute_url()).content.decode()
    assert _list_url() in plan_page
    client.force_login(feed_plan.viewer)
    assert (
        _list_url()
        not in client.get(feed_plan.plan.get_absolute_url()).content.decode()
    )


def test_the_log_shows_only_this_plans_requests(
    feed_plan, other_council, public_token, client
):
    FeedRequest.objects.create(
        plan=other_council.plan, path="/feeds/dudley/secret.json", status_code=401
    )
    client.force_login(feed_plan.coordinator)
    assert "/feeds/dudley/" not in client.get(_list_url()).content.decode()


@pytest.mark.parametrize(
    "url",
    [_list_url, _create_url],
)
def test_pages_refuse_anonymous_viewer_and_other_council(
    feed_plan, other_council, client, url
):
    assert client.get(url()).status_code == 302  # to sign in
    client.force_login(feed_plan.viewer)
    assert client.get(url()).status_code == 403
    client.force_login(other_council.user)
    assert client.get(url()).status_code == 404


def test_list_refuses_post(feed_plan, client):
    client.force_login(feed_plan.coordinator)
    assert client.post(_list_url()).status_code == 405


# --- Making a token -------------------------------------------------------------------


def test_make_a_token_shows_it_once(feed_plan, client):
    client.force_login(feed_plan.coordinator)
    assert client.get(_create_url()).status_code == 200
    response = client.post(_create_url(), {"name": "Power BI", "allows_internal": "on"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    secret = response.context["secret"]
    page = response.content.decode()
    assert secret in page and "the only time it is shown" in page
    token = FeedToken.objects.get()
    assert token.allows_internal and token.name == "Power BI"
    assert token.created_by == feed_plan.coordinator
    # Never again: not in the list, and the feed reads with it.
    assert secret not in client.get(_list_url()).content.decode()
    feed = Client().get(
        reverse("feeds:items_json", args=["leeds-feed"]),
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert feed.status_code == 200


def test_make_a_token_needs_a_name_not_in_use(feed_plan, public_token, client):
    client.force_login(feed_plan.coordinator)
    response = client.post(_create_url(), {"name": "  "})
    assert response.status_code == 200
    assert response.context["form"].has_error("name")
    response = client.post(_create_url(), {"name": "Public dashboard"})
    assert response.context["form"].has_error("name", "duplicate_name")
    assert "There is a problem" in response.content.decode()
    assert FeedToken.objects.count() == 1


def test_make_a_token_refuses_viewer_other_council_and_anonymous(
    feed_plan, other_council, client
):
    assert client.post(_create_url(), {"name": "x"}).status_code == 302
    client.force_login(feed_plan.viewer)
    assert client.post(_create_url(), {"name": "x"}).status_code == 403
    client.force_login(other_council.user)
    assert client.post(_create_url(), {"name": "x"}).status_code == 404
    assert not FeedToken.objects.exists()


def test_make_a_token_refuses_put(feed_plan, client):
    client.force_login(feed_plan.coordinator)
    assert client.put(_create_url()).status_code == 405


# --- Revoking -------------------------------------------------------------------------


def test_revoke_asks_then_revokes(feed_plan, public_token, client):
    client.force_login(feed_plan.coordinator)
    token = public_token.token
    confirm = client.get(_revoke_url(token))
    assert confirm.status_code == 200
    assert "Revoke the token" in confirm.content.decode()
    token.refresh_from_db()
    assert not token.is_revoked
    response = client.post(_revoke_url(token), follow=True)
    assert response.redirect_chain[-1][0] == _list_url()
    assert "requests with it are now refused" in response.content.decode()
    token.refresh_from_db()
    assert token.is_revoked and token.revoked_by == feed_plan.coordinator
    again = client.post(_revoke_url(token), follow=True)
    assert "was already revoked" in again.content.decode()


def test_revoke_refuses_viewer_other_council_and_anonymous(
    feed_plan, other_council, public_token, client
):
    url = _revoke_url(public_token.token)
    assert client.post(url).status_code == 302
    client.force_login(feed_plan.viewer)
    assert client.post(url).status_code == 403
    client.force_login(other_council.user)
    assert client.post(url).status_code == 404
    public_token.token.refresh_from_db()
    assert not public_token.token.is_revoked


def test_revoke_only_this_plans_tokens(feed_plan, other_council, client):
    theirs = services.feed_token_create(
        plan=other_council.plan,
        name="Theirs",
        allows_internal=False,
        user=other_council.user,
    ).token
    client.force_login(feed_plan.coordinator)
    assert client.post(_revoke_url(theirs)).status_code == 404
    theirs.refresh_from_db()
    assert not theirs.is_revoked


def test_revoke_refuses_put(feed_plan, public_token, client):
    client.force_login(feed_plan.coordinator)
    assert client.put(_revoke_url(public_token.token)).status_code == 405
