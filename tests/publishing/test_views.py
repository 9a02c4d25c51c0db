"""The publishing page and the public pages: who may see and do what."""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def _settings_url(plan) -> str:
    return reverse("publishing:settings", args=[plan.slug])


def _month_url(plan, month: str = "2009-08") -> str:
    return reverse("publishing:public_month", args=[plan.slug, month])


def _plan_url(plan) -> str:
    return reverse("publishing:public_plan", args=[plan.slug])


def _form(published, **changes) -> dict:
    return {"exempt_milestone": [published.m12b.pk]} | changes


# --- The coordinator's page -----------------------------------------------------------


def test_coordinator_sees_what_the_public_will_see(client, published):
    client.force_login(published.coordinator)
    response = client.get(_settings_url(published.plan))
    page = response.content.decode()
    assert response.status_code == 200
    assert "What the public sees" in page
    assert "Risk narratives: <strong>not published</strong>" in page
    assert "1 action</strong>" in page
    assert (
        f'value="{published.a13.pk}" id="exempt-action-{published.a13.pk}" checked'
        in page
    )
    assert _plan_url(published.plan) in page


def test_plan_page_links_coordinators_to_publishing(client, published):
    client.force_login(published.coordinator)
    page = client.get(published.plan.get_absolute_url()).content.decode()
    assert _settings_url(published.plan) in page


def test_coordinator_saves_settings(client, published):
    client.force_login(published.coordinator)
    response = client.post(
        _settings_url(published.plan),
        _form(published, shows_officers="on", exempt_action=[published.a11.pk]),
        follow=True,
    )
    assert "Publication settings saved." in response.content.decode()
    published.plan.refresh_from_db()
    published.a11.refresh_from_db()
    published.a13.refresh_from_db()
    assert published.plan.public_shows_officers
    assert published.a11.not_for_publication
    assert not published.a13.not_for_publication


def test_an_unknown_item_is_refused_with_a_message(client, published):
    client.force_login(published.coordinator)
    response = client.post(
        _settings_url(published.plan),
        {"exempt_action": [999999], "shows_risks": "on"},
    )
    assert response.status_code == 200
    assert "That action is not in this plan" in response.content.decode()
    published.plan.refresh_from_db()
    assert not published.plan.public_shows_risks


def test_settings_page_refuses_other_methods(client, published):
    client.force_login(published.coordinator)
    assert client.put(_settings_url(published.plan)).status_code == 405


def test_settings_page_sends_anonymous_users_to_sign_in(client, published):
    response = client.get(_settings_url(published.plan))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_viewer_may_not_change_publication(client, published, viewer):
    client.force_login(viewer)
    assert client.get(_settings_url(published.plan)).status_code == 403
    assert (
        client.post(_settings_url(published.plan), {"shows_risks": "on"}).status_code
        == 403
    )
    url = reverse("publishing:unpublish", args=[published.plan.slug])
    assert client.post(url).status_code == 403
    published.plan.refresh_from_db()
    assert published.plan.is_published
    assert not published.plan.public_shows_risks


def test_another_councils_coordinator_gets_404(client, published, other_coordinator):
    client.force_login(other_coordinator)
    assert client.get(_settings_url(published.plan)).status_code == 404
    url = reverse("publishing:unpublish", args=[published.plan.slug])
    assert client.post(url).status_code == 404


def test_publish_needs_the_confirmation(client, published):
    client.force_login(published.coordinator)
    client.post(reverse("publishing:unpublish", args=[published.plan.slug]))
    url = reverse("publishing:publish", args=[published.plan.slug])
    response = client.post(url, {})
    assert response.status_code == 400
    assert "Confirm that you have checked" in response.content.decode()
    published.plan.refresh_from_db()
    assert not published.plan.is_published
    response = client.post(url, {"confirm": "on"}, follow=True)
    assert "Published: its closed months" in response.content.decode()
    published.plan.refresh_from_db()
    assert published.plan.published_by == published.coordinator


def test_publish_and_unpublish_take_only_post(client, published):
    client.force_login(published.coordinator)
    for name in ["publishing:publish", "publishing:unpublish"]:
        assert client.get(reverse(name, args=[published.plan.slug])).status_code == 405


def test_publish_sends_anonymous_users_to_sign_in(client, published):
    url = reverse("publishing:unpublish", args=[published.plan.slug])
    assert client.post(url).status_code == 302
    published.plan.refresh_from_db()
    assert published.plan.is_published


def test_unpublish_takes_the_public_pages_down(client, published):
    client.force_login(published.coordinator)
    response = client.post(
        reverse("publishing:unpublish", args=[published.plan.slug]), follow=True
    )
    assert "Unpublished" in response.content.decode()
    client.logout()
    assert client.get(_plan_url(published.plan)).status_code == 404
    assert client.get(_month_url(published.plan)).status_code == 404


# --- The public pages -----------------------------------------------------------------


def test_anyone_reads_the_public_plan(client, published):
    response = client.get(_plan_url(published.plan))
    page = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=300"
    assert f"Published {published.plan.published_at:%-d %B %Y}" in page
    assert _month_url(published.plan, "2009-07") in page
    assert _month_url(published.plan, "2009-08") in page
    assert "2009-09" not in page
    assert "Sign out" not in page


def test_the_public_month_carries_its_month_and_publication_date(client, published):
    response = client.get(_month_url(published.plan))
    page = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=300"
    assert "Progress as at the end of August 2009." in page
    assert f"Published {published.plan.published_at:%-d %B %Y}." in page
    assert '<span class="tag tag--amber">Amber</span>' in page
    assert "improving" in page


def test_a_signed_in_user_reads_the_same_public_page(client, published):
    client.force_login(published.coordinator)
    page = client.get(_month_url(published.plan)).content.decode()
    assert "Sign out" not in page
    assert "csrfmiddlewaretoken" not in page


def test_the_open_month_is_never_public(client, published):
    assert client.get(_month_url(published.plan, "2009-09")).status_code == 404
    url = reverse("publishing:public_month_pdf", args=[published.plan.slug, "2009-09"])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("month", ["2009-06", "2009-13", "august", "2009-8"])
def test_an_unknown_month_is_404(client, published, month):
    assert client.get(_month_url(published.plan, month)).status_code == 404


def test_an_unpublished_plan_is_404_even_for_its_coordinator(client, published):
    plan = factories.make_plan()
    factories.make_period(plan, 2009, 8, state="closed")
    client.force_login(published.coordinator)
    assert client.get(_plan_url(plan)).status_code == 404
    assert client.get(_month_url(plan)).status_code == 404
    url = reverse("publishing:public_month_pdf", args=[plan.slug, "2009-08"])
    assert client.get(url).status_code == 404


def test_public_pages_take_only_get_and_head(client, published):
    for url in [
        _plan_url(published.plan),
        _month_url(published.plan),
        reverse("publishing:public_month_pdf", args=[published.plan.slug, "2009-08"]),
    ]:
        assert client.post(url).status_code == 405, url


def test_public_pages_set_no_cookie(client, published):
    """Nothing of the reader is kept: no session, no CSRF cookie."""
    for url in [_plan_url(published.plan), _month_url(published.plan)]:
        response = client.get(url)
        assert not response.cookies, url
