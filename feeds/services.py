"""Writes of the feeds app: making and revoking tokens, and logging each request."""

import secrets
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from actionplans.models import ActionPlan

from .models import FeedRequest, FeedToken, token_hash

# Recognisable in a config file or a leaked paste ("apf_…"), like GitHub's "ghp_".
TOKEN_START = "apf_"  # noqa: S105 (a marker, not a secret)
PREFIX_LENGTH = len(TOKEN_START) + 6


@dataclass(frozen=True)
class NewToken:
    """A token just made: `secret` exists only here, to be shown once."""

    token: FeedToken
    secret: str


@transaction.atomic
def feed_token_create(
    *,
    plan: ActionPlan,
    name: str,
    allows_internal: bool,
    user: AbstractBaseUser,
) -> NewToken:
    """Make a token for the plan's feeds. Only its hash and its first characters are
    stored; the token itself is returned once, for the coordinator to copy."""
    secret = TOKEN_START + secrets.token_urlsafe(32)
    token = FeedToken(
        plan=plan,
        name=name.strip(),
        token_hash=token_hash(secret),
        prefix=secret[:PREFIX_LENGTH],
        allows_internal=allows_internal,
        created_by=user,
    )
    token.full_clean()
    token.save()
    return NewToken(token=token, secret=secret)


@transaction.atomic
def feed_token_revoke(*, token: FeedToken, user: AbstractBaseUser) -> FeedToken:
    """Revoke the token: from now on every request with it is refused. Revoking a
    revoked token changes nothing (the first revocation is the one recorded)."""
    token = FeedToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = user
        token.save(update_fields=["revoked_at", "revoked_by"])
    return token


def feed_request_log(
    *,
    plan: ActionPlan | None,
    token: FeedToken | None,
    path: str,
    status_code: int,
    remote_addr: str | None,
    rows: int = 0,
) -> FeedRequest:
    """Record one request to a feed, and mark its token as used when it was answered."""
    with transaction.atomic():
        entry = FeedRequest.objects.create(
            plan=plan,
            token=token,
            path=path[:500],
            status_code=status_code,
            remote_addr=remote_addr or None,
            rows=rows,
        )
        if token is not None and status_code == 200:
            FeedToken.objects.filter(pk=token.pk).update(last_used_at=entry.at)
    return entry
