"""The publishing services: publish, unpublish, and the publication settings."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from actionplans.models import Action, Milestone
from publishing.services import (
    plan_publish,
    plan_unpublish,
    publication_settings_save,
)
from tests import factories

pytestmark = pytest.mark.django_db


def _settings(published, **changes):
    values = {
        "plan": published.plan,
        "user": published.coordinator,
        "shows_risks": False,
        "shows_officers": False,
        "shows_evidence": False,
        "exempt_action_ids": [],
        "exempt_milestone_ids": [],
    }
    return publication_settings_save(**(values | changes))


def test_unpublish_then_publish_records_who_and_when(published):
    plan = plan_unpublish(plan=published.plan, user=published.coordinator)
    assert not plan.is_published
    assert plan.published_by is None
    plan = plan_publish(plan=plan, user=published.coordinator)
    plan.refresh_from_db()
    assert plan.is_published
    assert plan.published_by == published.coordinator


def test_publishing_twice_is_refused(published):
    with pytest.raises(ValidationError) as error:
        plan_publish(plan=published.plan, user=published.coordinator)
    assert error.value.code == "already_published"


def test_unpublishing_an_unpublished_plan_is_refused(published):
    plan_unpublish(plan=published.plan, user=published.coordinator)
    with pytest.raises(ValidationError) as error:
        plan_unpublish(plan=published.plan, user=published.coordinator)
    assert error.value.code == "not_published"


def test_only_a_coordinator_may_publish(published, viewer):
    with pytest.raises(PermissionDenied):
        plan_unpublish(plan=published.plan, user=viewer)
    with pytest.raises(PermissionDenied):
        _settings(published, user=viewer, shows_risks=True)
    published.plan.refresh_from_db()
    assert published.plan.is_published
    assert not published.plan.public_shows_risks


def test_settings_save_the_visibility_and_the_exempt_items(published):
    plan = _settings(
        published,
        shows_risks=True,
        shows_evidence=True,
        exempt_action_ids=[published.a11.pk],
        exempt_milestone_ids=[published.m12a.pk],
    )
    assert plan.internal_fields() == frozenset({"officers"})
    assert set(
        Action.objects.filter(not_for_publication=True).values_list("pk", flat=True)
    ) == {published.a11.pk}
    # What is not ticked is published again (1.3 and 1.2 (b) were exempt).
    assert set(
        Milestone.objects.filter(not_for_publication=True).values_list("pk", flat=True)
    ) == {published.m12a.pk}


def test_a_change_leaves_a_history_row_for_the_cache_keys(published):
    """The public pages' keys read the rows' history, so `update()` would not do."""
    before = published.m12a.history.count()
    _settings(published, exempt_milestone_ids=[published.m12a.pk])
    assert published.m12a.history.count() == before + 1


def test_an_item_of_another_plan_refuses_the_whole_save(published):
    other = factories.make_action(factories.make_plan(), "1.1")
    with pytest.raises(ValidationError) as error:
        _settings(
            published, shows_risks=True, exempt_action_ids=[published.a11.pk, other.pk]
        )
    assert error.value.code == "unknown_item"
    published.plan.refresh_from_db()
    published.a11.refresh_from_db()
    assert not published.plan.public_shows_risks
    assert not published.a11.not_for_publication
