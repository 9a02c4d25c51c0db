"""Making and revoking feed tokens."""

import hashlib

import pytest

from feeds import services
from feeds.models import FeedToken
from feeds.selectors import feed_token_find

pytestmark = pytest.mark.django_db


def test_token_create_stores_only_a_hash_and_a_prefix(feed_plan):
    new = services.feed_token_create(
        plan=feed_plan.plan,
        name="  Power BI  ",
        allows_internal=True,
        user=feed_plan.coordinator,
    )
    token = FeedToken.objects.get()
    assert new.secret.startswith("apf_") and len(new.secret) > 40
    assert token.token_hash == hashlib.sha256(new.secret.encode()).hexdigest()
    assert token.prefix == new.secret[:10]
    assert token.name == "Power BI"
    assert token.allows_internal and token.created_by == feed_plan.coordinator
    stored = [str(getattr(token, f.attname)) for f in FeedToken._meta.concrete_fields]
    assert not any(new.secret in value for value in stored)


def test_tokens_differ_each_time(feed_plan):
    secrets = {
        services.feed_token_create(
            plan=feed_plan.plan,
            name=f"t{n}",
            allows_internal=False,
            user=feed_plan.coordinator,
        ).secret
        for n in range(5)
    }
    assert len(secrets) == 5


def test_token_find_by_secret(public_token):
    assert feed_token_find(secret=public_token.secret) == public_token.token
    assert feed_token_find(secret=public_token.secret + "x") is None
    assert feed_token_find(secret="") is None


def test_revoke_records_who_and_when_once(feed_plan, public_token):
    token = services.feed_token_revoke(
        token=public_token.token, user=feed_plan.coordinator
    )
    assert token.is_revoked and token.revoked_by == feed_plan.coordinator
    first = token.revoked_at
    again = services.feed_token_revoke(token=token, user=feed_plan.viewer)
    assert again.revoked_at == first and again.revoked_by == feed_plan.coordinator


def test_log_marks_the_token_used_only_when_answered(feed_plan, public_token):
    token = public_token.token
    services.feed_request_log(
        plan=feed_plan.plan,
        token=token,
        path="/x",
        status_code=400,
        remote_addr="10.0.0.1",
    )
    token.refresh_from_db()
    assert token.last_used_at is None
    entry = services.feed_request_log(
        plan=feed_plan.plan,
        token=token,
        path="/x",
        status_code=200,
        remote_addr="10.0.0.1",
        rows=3,
    )
    token.refresh_from_db()
    assert token.last_used_at == entry.at
