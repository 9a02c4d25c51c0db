"""Tokens that let a program read a plan's closed months, and the log of their use.

Only a hash of a token is stored: the coordinator sees the token once, when it is made.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from actionplans.models import ActionPlan


def token_hash(token: str) -> str:
    """The stored form of a token: tokens are long and random, so sha256 suffices."""
    return hashlib.sha256(token.encode()).hexdigest()


class FeedTokenQuerySet(models.QuerySet):
    def active(self) -> "FeedTokenQuerySet":
        return self.filter(revoked_at__isnull=True)


class FeedToken(models.Model):
    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="feed_tokens"
    )
    name = models.CharField(
        max_length=100,
        help_text='What it is for, e.g. "Power BI: DMT dashboard".',
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The token's first characters: not secret, enough to recognise it in a config.
    prefix = models.CharField(max_length=16, editable=False)
    allows_internal = models.BooleanField(
        "internal fields",
        default=False,
        help_text="Also risk narratives, officers, evidence and items not for "
        "publication. Off: only what the public may see.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = FeedTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True)
                | Q(revoked_at__gte=F("created_at")),
                name="feed_token_revoked_after_created",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def access_label(self) -> str:
        return "Internal" if self.allows_internal else "Public"


class FeedRequest(models.Model):
    """One request to a feed, answered or refused."""

    token = models.ForeignKey(
        FeedToken,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requests",
    )
    # Null when the address names no plan.
    plan = models.ForeignKey(
        ActionPlan,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="feed_requests",
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    path = models.CharField(max_length=500)  # with the query string
    status_code = models.PositiveSmallIntegerField()
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.status_code} {self.path}"
