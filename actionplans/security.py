"""Audit log of security events: failed logins and permission refusals.

Each line names the user (or the username tried), the client address and the path; the
log handler adds the time. Councils feed this log to their monitoring.
"""

import logging

from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseForbidden
from django.template import loader

logger = logging.getLogger("actionplans.security")


def client_address(request: HttpRequest | None) -> str:
    return request.META.get("REMOTE_ADDR", "unknown") if request else "unknown"


@receiver(user_login_failed)
def log_failed_login(sender, credentials, request=None, **kwargs):
    logger.warning(
        "login failed: username=%r address=%s path=%s",
        credentials.get("username", ""),
        client_address(request),
        request.path if request else "",
    )


def permission_denied(request: HttpRequest, exception=None) -> HttpResponseForbidden:
    """The 403 page; every refusal is logged with who, where and what."""
    user = request.user.get_username() if request.user.is_authenticated else "anonymous"
    logger.warning(
        "permission refused: user=%r address=%s %s %s",
        user,
        client_address(request),
        request.method,
        request.path,
    )
    body = loader.render_to_string("403.html", {"exception": exception}, request)
    return HttpResponseForbidden(body)
