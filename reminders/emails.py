"""A digest as an email: a subject that says the plan, the month and what is asked, and
plain-text and HTML bodies (no images) from templates/reminders/email/."""

import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from .calendar import Step
from .selectors import Digest, Kind


def _day(day: datetime.date) -> str:
    return f"{day:%A} {day.day} {day:%B}"  # "Wednesday 7 October"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _due(deadline: datetime.date, on: datetime.date) -> str:
    if on < deadline:
        return f"are due by {_day(deadline)}"
    if on == deadline:
        return f"are due today, {_day(deadline)}"
    return f"were due by {_day(deadline)}"


def digest_subject(digest: Digest) -> str:
    """One line saying which plan and month, and what the recipient is asked to do."""
    sections = digest.sections
    first = sections[0]
    if len(sections) == 1:
        where, month = first.plan.title, f"{first.period} "
    else:
        where, month = f"{len(sections)} action plans", ""
    if digest.kind in (Kind.LEAD, Kind.MANUAL):
        deadline = min(s.schedule.deadline for s in sections)
        if len(sections) > 1:
            return f"Your updates for {where} {_due(deadline, digest.on)}"
        reminder = "reminder: " if first.step == Step.REMINDER else ""
        return f"{where}: {reminder}your {month}updates {_due(deadline, digest.on)}"
    awaiting = sum(len(s.awaiting) for s in sections)
    if digest.kind == Kind.CHIEF:
        missing = sum(len(s.missing) for s in sections)
        if not missing:
            verb = "awaits" if awaiting == 1 else "await"
            return (
                f"{where}: {_plural(awaiting, month + 'update')} {verb} your sign-off"
            )
        verb = "is" if missing == 1 else "are"
        asked = (
            f"{where}: {_plural(missing, month + 'return')} from your leads {verb} "
            "overdue"
        )
        if awaiting:
            asked += f", and {awaiting} awaiting your sign-off"
        return asked
    # An action with two leads is in two groups: count actions, not lines.
    missing = sum(
        len({i.number for g in s.by_lead for i in g.missing}) for s in sections
    )
    awaiting = sum(
        len({i.number for g in s.by_lead for i in g.awaiting}) for s in sections
    )
    return (
        f"{where}: {month}returns overdue – {missing} missing and "
        f"{awaiting} awaiting sign-off"
    )


def digest_message(digest: Digest) -> EmailMultiAlternatives:
    template = {
        Kind.LEAD: "lead",
        Kind.MANUAL: "lead",
        Kind.CHIEF: "chief",
        Kind.COORDINATOR: "coordinator",
    }[digest.kind]
    subject = digest_subject(digest)
    context = {
        "digest": digest,
        "subject": subject,
        "manual": digest.kind == Kind.MANUAL,
        "site_url": settings.SITE_URL,
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"reminders/email/{template}.txt", context),
        to=[digest.address],
    )
    message.attach_alternative(
        render_to_string(f"reminders/email/{template}.html", context), "text/html"
    )
    return message
