"""Giving an officer a sign-in: one step from their admin page.

An admin confirms the officer's email; a user is created with that address as its
username and no usable password, linked to the officer, and the officer is emailed a
link to choose a password. The link is a password reset link (Django's token), so the
reset confirm view at /accounts/reset/<uidb64>/<token>/ sets the password, and it is
built from SITE_URL as the throttled reset view builds its links.

No plan role is given: leads and chief officers see their plans through the actions and
milestones their officer record is named on (selectors.plans_for_user); PlanMembership
holds only coordinators and board viewers.
"""

import datetime
import re
from dataclasses import dataclass
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.timesince import timeuntil

from lib.tasks import enqueue

from .models import ActionPlan, Officer, PlanMembership
from .security import PasswordResetView

SUBJECT_TEMPLATE = "registration/account_created_subject.txt"
EMAIL_TEMPLATE = "registration/account_created_email.txt"

# What the username validator (UnicodeUsernameValidator) refuses, such as the
# apostrophe of o'shea@...: dropped from the username, kept in the email.
_NOT_IN_USERNAMES = re.compile(r"[^\w.@+-]")


@dataclass(frozen=True)
class OfficerAccount:
    """A created sign-in, and the plans it opens through the officer's actions."""

    user: AbstractBaseUser
    plans: list[ActionPlan]


# --- Reads -----------------------------------------------------------------------------


def councils_managed_by(user: AbstractBaseUser) -> set[int] | None:
    """Ids of the councils whose officers the user may give a sign-in; None for all.

    Admins (superusers) manage every council. Anyone else belongs to one council, as
    the models have it: their own officer record's, or, without one, the councils of
    the plans they coordinate. Staff with neither manage none.
    """
    if user.is_superuser:
        return None
    officer = Officer.objects.for_user(user)
    if officer is not None:
        return {officer.organisation_id}
    return set(
        PlanMembership.objects.filter(
            user=user, role=PlanMembership.Role.COORDINATOR
        ).values_list("plan__inspection__organisation_id", flat=True)
    )


def officer_plans(*, officer: Officer) -> list[ActionPlan]:
    """The plans an officer's sign-in will open: those with actions or milestones they
    lead or are accountable for, in their own council (as plans_for_user has it)."""
    named = (
        Q(actions__leads=officer)
        | Q(actions__chief_officers=officer)
        | Q(actions__milestones__leads=officer)
    )
    return list(
        ActionPlan.objects.filter(named)
        .in_organisation(officer.organisation_id)
        .distinct()
        .order_by("title")
    )


def officer_account_check(*, officer: Officer, by: AbstractBaseUser) -> None:
    """Raise ValidationError when `by` may not give this officer a sign-in at all,
    whatever email is entered: they have one, or are of a council `by` does not manage.
    """
    if officer.user_id is not None:
        raise ValidationError(
            f"{officer} already signs in as {officer.user.get_username()}.",
            code="already_linked",
        )
    councils = councils_managed_by(by)
    if councils is not None and officer.organisation_id not in councils:
        raise ValidationError(
            f"{officer} is an officer of {officer.organisation}: only that council's "
            "own administrators can create their sign-in.",
            code="other_council",
        )


# --- Writes ----------------------------------------------------------------------------


def _names(officer: Officer) -> tuple[str, str]:
    """First and last name from the officer's name: first word, then the rest
    ("Stuart", "Cameron-Strickland"). A role-only officer's role is not a name."""
    first, _, last = officer.name.strip().partition(" ")
    return first, last.strip()


def _email_taken(message: str) -> ValidationError:
    return ValidationError({"email": ValidationError(message, code="email_taken")})


@transaction.atomic
def officer_account_create(
    *, officer: Officer, email: str, by: AbstractBaseUser
) -> OfficerAccount:
    """Create the officer's user, link it, and email them a link to set a password.

    The username is the email address, lower-cased; first and last name come from the
    officer's name; the password is unusable until they choose one. The officer's
    email becomes the confirmed address, so that reminders go where the sign-in does.
    The email is queued once the transaction commits. Raises ValidationError (nothing
    written, nothing sent) for an invalid or already used address, an officer who
    already has a user, or an officer of a council `by` does not manage.
    """
    # Locked, so that two admins confirming at once cannot both link a user.
    officer = (
        Officer.objects.select_for_update(of=("self",))
        .select_related("organisation", "user")
        .get(pk=officer.pk)
    )
    officer_account_check(officer=officer, by=by)
    user_model = get_user_model()
    email = user_model.objects.normalize_email(email.strip())
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError({"email": error}) from error
    username = _NOT_IN_USERNAMES.sub("", email.lower())
    if len(username) > user_model._meta.get_field("username").max_length:
        raise ValidationError(
            {
                "email": ValidationError(
                    "This address is too long to be a username.", code="too_long"
                )
            }
        )
    taken = user_model.objects.filter(
        Q(email__iexact=email) | Q(username__iexact=username)
    ).first()
    if taken is not None:
        raise _email_taken(
            f"{email} is already used by the user {taken.get_username()}: link "
            "that user to the officer instead, or enter another address."
        )

    first_name, last_name = _names(officer)
    user = user_model(
        username=username, email=email, first_name=first_name, last_name=last_name
    )
    user.set_unusable_password()
    try:
        # Its own savepoint: a parallel create of the same username is refused by
        # the database, and reported as the check above would have.
        with transaction.atomic():
            user.save()
    except IntegrityError as error:
        raise _email_taken(f"{email} is already used by another user.") from error
    officer.user = user
    officer.email = email
    officer.save(update_fields=["user", "email"])
    enqueue(set_password_email_send, user.pk, run_here_if_broker_down=True)
    return OfficerAccount(user=user, plans=officer_plans(officer=officer))


def set_password_link_lifetime() -> str:
    """How long a set-password link works, in words ("3 days")."""
    now = timezone.now()
    lifetime = datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
    return timeuntil(now + lifetime, now).replace("\xa0", " ")


def _link_context(user: AbstractBaseUser) -> dict:
    # The reset view's scheme and host (from SITE_URL, never a request's), so that the
    # email's link is built exactly as a password reset email's is.
    return {
        **PasswordResetView().extra_email_context,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }


def set_password_email_deliver(*, user_id: int) -> bool:
    """Email a new user the link to choose their password: True if an email went.

    Nothing is sent to a user who has gone, been deactivated or already set a password
    (a retry after they used an earlier copy). A mail server error is raised, for the
    task to try again.
    """
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or user.has_usable_password() or not user.email:
        return False
    context = {
        **_link_context(user),
        "user": user,
        "name": user.get_full_name(),
        "site_url": settings.SITE_URL,
        "expires_in": set_password_link_lifetime(),
    }
    subject = "".join(render_to_string(SUBJECT_TEMPLATE, context).splitlines())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(EMAIL_TEMPLATE, context),
        to=[user.email],
    )
    message.send()
    return True


@shared_task(
    # As the reminders' digests: a mail server that is down or refuses for now is
    # tried again after 1, 2, 4 ... minutes, up to an hour apart.
    autoretry_for=(SMTPException, OSError),
    retry_backoff=60,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=6,
    acks_late=True,
    reject_on_worker_lost=True,
)
def set_password_email_send(user_id: int) -> bool:
    # Only the user's id crosses the broker: the token is made when the email is sent,
    # so it never sits in Redis and its lifetime starts when the officer can use it.
    return set_password_email_deliver(user_id=user_id)
