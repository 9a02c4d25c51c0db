"""The public month page is cached whole: a hit costs a fixed, small number of queries,
and any change to what it shows gives a new key, never a stale page."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db


def _url(plan) -> str:
    return reverse("publishing:public_month", args=[plan.slug, "2009-08"])


def test_a_cached_hit_costs_three_queries_whatever_the_plan(
    client, published, django_assert_num_queries
):
    """The plan, the month, and the stamp of the rows the month reads."""
    first = client.get(_url(published.plan)).content
    with django_assert_num_queries(3):
        second = client.get(_url(published.plan)).content
    assert second == first
    # Ten more actions do not change the count.
    for number in range(2, 12):
        factories.make_action(published.plan, f"2.{number}")
    client.get(_url(published.plan))
    with django_assert_num_queries(3):
        client.get(_url(published.plan))


def test_a_new_progress_narrative_in_the_closed_month_shows(client, published):
    """A correction of a closed month (its history changes) is served at once."""
    assert (
        "Partners met in August." in client.get(_url(published.plan)).content.decode()
    )
    update = published.a11.updates.get(period=published.august)
    update.progress = "Corrected: partners met twice in August."
    update.save()
    page = client.get(_url(published.plan)).content.decode()
    assert "Corrected: partners met twice in August." in page


def test_republishing_changes_the_date_shown(client, published):
    client.get(_url(published.plan))
    plan = published.plan
    plan.published_at = timezone.make_aware(timezone.datetime(2026, 11, 23, 12))
    plan.save()
    assert "Published 23 November 2026." in client.get(_url(plan)).content.decode()
