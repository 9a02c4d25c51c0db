"""Audit log of security events, and the guards that write to it.

Failed logins, permission refusals, refused password resets and a database that cannot
be reached. Each line names the user (or the username or address tried), the client
address and the path; the log handler adds the time. Councils feed this log to their
monitoring.
"""

import hashlib
import logging
import sys
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import resolve_url
from django.template import loader
from django.views import defaults
from django.views.decorators.http import require_POST

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


# --- Sessions ------------------------------------------------------------------------


@login_not_required
@require_POST
def session_keepalive(request: HttpRequest) -> HttpResponse:
    """Renew a signed-in user's session (204); once it has ended, say so (not the sign-in
    page).

    The update form posts here while its lead types, since typing alone makes no request
    and a session ends after SESSION_COOKIE_AGE without one. The answer lets the page warn
    the lead while the text is still in front of them; the sign-in page's address comes
    with it, for a link to sign in again in another tab. An ended session is an answer to
    the question asked, not a failed request: a 200, so the browser's console (and
    Lighthouse) records no error each time the page asks.
    """
    if not request.user.is_authenticated:
        return JsonResponse(
            {"signed_in": False, "login_url": resolve_url(settings.LOGIN_URL)}
        )
    # Saved with a new expiry even where SESSION_SAVE_EVERY_REQUEST is off.
    request.session.modified = True
    return HttpResponse(status=204)


# --- Password reset ------------------------------------------------------------------


def _reset_slot_take(key: str) -> bool:
    """Take one of PASSWORD_RESET_LIMIT slots for `key`; False when all are taken.

    Each slot is a cache entry that expires a window after it was taken, so no more than
    the limit go out in any window. cache.add() is atomic, so parallel posts cannot both
    take the last slot; incr() would be too, but the database and file caches reset the
    entry's expiry on every incr().
    """
    window = settings.PASSWORD_RESET_WINDOW_MINUTES * 60
    return any(
        cache.add(f"password-reset:{key}:{slot}", True, timeout=window)
        for slot in range(settings.PASSWORD_RESET_LIMIT)
    )


def _reset_refused(who: str, request: HttpRequest | None) -> None:
    logger.warning(
        "password reset refused, too many in %s minutes: %s address=%s",
        settings.PASSWORD_RESET_WINDOW_MINUTES,
        who,
        client_address(request),
    )


class ThrottledPasswordResetForm(PasswordResetForm):
    """Django's reset form, sending at most PASSWORD_RESET_LIMIT links in a window to one
    email address and to one account.

    A refusal looks exactly like a send, so the page never tells whether an address has
    an account or has reached the limit.
    """

    request: HttpRequest | None = None

    def save(self, *args, request: HttpRequest | None = None, **kwargs) -> None:
        self.request = request
        email = self.cleaned_data["email"]
        # Hashed: a cache key must not carry whatever was typed into the form.
        digest = hashlib.sha256(email.strip().casefold().encode()).hexdigest()
        if not _reset_slot_take(f"email:{digest}"):
            _reset_refused(f"email={email!r}", request)
            return
        super().save(*args, request=request, **kwargs)

    def get_users(self, email: str):
        # Per account as well: an account whose address changed, or an address the
        # database matches in a way the digest above does not, still gets no more.
        for user in self._resettable_users(email):
            if _reset_slot_take(f"user:{user.pk}"):
                yield user
            else:
                _reset_refused(f"user={user.get_username()!r}", self.request)

    @staticmethod
    def _resettable_users(email: str):
        """Django's rule (active, with a password), and also an account made for an
        officer that has never signed in (onboarding): its set-password link may have
        expired, and asking here is how the officer gets a new one."""
        users = get_user_model()._default_manager.filter(
            email__iexact=email, is_active=True
        )
        for user in users:
            never_signed_in = user.last_login is None
            if user.email.casefold() == email.casefold() and (
                user.has_usable_password() or never_signed_in
            ):
                yield user


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, throttled, with the link built from SITE_URL."""

    form_class = ThrottledPasswordResetForm

    @property
    def extra_email_context(self) -> dict[str, str]:
        # Not the request's Host and port: behind a proxy those are the app server's.
        site = urlsplit(settings.SITE_URL)
        return {"protocol": site.scheme, "domain": site.netloc}


# --- A database that cannot be reached -----------------------------------------------

DATABASE_ERRORS = (OperationalError, InterfaceError)


def database_unavailable(
    request: HttpRequest, exception: BaseException
) -> HttpResponse:
    """The 503 page, rendered without the request so that nothing on it asks the
    database (no context processors, no signed-in user's menu)."""
    # The user is not named: finding out who they are would ask the database again.
    logger.error(
        "database unreachable: address=%s %s %s: %s",
        client_address(request),
        request.method,
        request.path,
        exception,
    )
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = "60"
    return response


class DatabaseUnavailableMiddleware:
    """A view whose query failed because the database could not be reached gets the 503
    page rather than a 500; the services' transaction has already rolled back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        if isinstance(exception, DATABASE_ERRORS):
            return database_unavailable(request, exception)
        return None


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page; the 503 page when the database failed before the view ran.

    Middleware errors (loading the session or the signed-in user) never reach
    process_exception: Django turns them into this handler's response.
    """
    exception = sys.exception()
    if isinstance(exception, DATABASE_ERRORS):
        return database_unavailable(request, exception)
    return defaults.server_error(request)
