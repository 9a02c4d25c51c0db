"""The public month page is cached whole: a hit costs a fixed, small number of queries,
and any change to what it shows gives a new key, never a stale page. A page served in
the last PUBLIC_FRESH_SECONDS is served again as it was, with no query at all."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from publishing.selectors import public_recent_key
from tests import factories

pytestmark = pytest.mark.django_db


def _url(plan) -> str:
    return reverse("publishing:public_month", args=[plan.slug, "2009-08"])


def _fresh_window_passes(plan) -> None:
    """As if PUBLIC_FRESH_SECONDS had passed since the page was last served."""
    cache.delete(public_recent_key(slug=plan.slug, month_key="2009-08"))


def test_a_page_served_lately_is_served_again_with_no_query(
    client, published, django_assert_num_queries
):
    first = client.get(_url(published.plan)).content
    with django_assert_num_queries(0):
        assert client.get(_url(published.plan)).content == first


def test_a_cached_hit_costs_three_queries_whatever_the_plan(
    client, published, django_assert_num_queries
):
    """The plan, the month, and the stamp of the rows the month reads."""
    first = client.get(_url(published.plan)).content
    _fresh_window_passes(published.plan)
    with django_assert_num_queries(3):
        second = client.get(_url(published.plan)).content
    assert second == first
    # Ten more actions do not change the count.
    for number in range(2, 12):
        factories.make_action(published.plan, f"2.{number}")
    _fresh_window_passes(published.plan)
    client.get(_url(published.plan))
    _fresh_window_passes(published.plan)
    with django_assert_num_queries(3):
        client.get(_url(published.plan))


def test_a_new_progress_narrative_in_the_closed_month_shows(client, published):
    """A correction of a closed month (its history changes) is served once the page
    last served is no longer fresh (PUBLIC_FRESH_SECONDS)."""
    assert (
        "Partners met in August." in client.get(_url(published.plan)).content.decode()
    )
    update = published.a11.updates.get(period=published.august)
    update.progress = "Corrected: partners met twice in August."
    update.save()
    page = client.get(_url(published.plan)).content.decode()
    assert "Corrected: partners met twice in August." not in page  # still fresh
    _fresh_window_passes(published.plan)
    page = client.get(_url(published.plan)).content.decode()
    assert "Corrected: partners met twice in August." in page


def test_republishing_changes_the_date_shown(client, published):
    client.get(_url(published.plan))
    _fresh_window_passes(published.plan)
    plan = published.plan
    plan.published_at = timezone.make_aware(timezone.datetime(2026, 11, 23, 12))
    plan.save()
    assert "Published 23 November 2026." in client.get(_url(plan)).content.decode()


def test_unpublishing_takes_a_page_served_lately_down_at_once(client, published):
    from django.test import TestCase

    from publishing.services import plan_unpublish

    assert client.get(_url(published.plan)).status_code == 200
    with TestCase.captureOnCommitCallbacks(execute=True):
        plan_unpublish(plan=published.plan, user=published.coordinator)
    assert client.get(_url(published.plan)).status_code == 404


def test_the_public_plan_page_served_lately_is_served_again_with_no_query(
    client, published, django_assert_num_queries
):
    from django.test import TestCase

    from publishing.services import plan_unpublish

    url = reverse("publishing:public_plan", args=[published.plan.slug])
    first = client.get(url).content
    with django_assert_num_queries(0):
        assert client.get(url).content == first
    with TestCase.captureOnCommitCallbacks(execute=True):
        plan_unpublish(plan=published.plan, user=published.coordinator)
    assert client.get(url).status_code == 404
