"""Reporting's writes: committee reports and the rows of their cover."""

import datetime

from django.db import transaction

from actionplans.models import ActionPlan

from .models import CommitteeContact, CommitteeMeeting, CommitteeReport


@transaction.atomic
def committee_report_create(
    *,
    plan: ActionPlan,
    first_month: datetime.date,
    last_month: datetime.date,
    user,
) -> CommitteeReport:
    """A committee report of the months from `first_month` to `last_month`, with an
    empty cover. Raises ValidationError when the range is taken or backwards."""
    committee = CommitteeReport(
        plan=plan, first_month=first_month, last_month=last_month, updated_by=user
    )
    committee.full_clean()
    committee.save()
    return committee


@transaction.atomic
def committee_report_update(
    *,
    committee: CommitteeReport,
    cover: dict,
    meetings: list[dict],
    contacts: list[dict],
    user,
) -> CommitteeReport:
    """Save the cover's fields and replace its meetings and contacts by `meetings` and
    `contacts` (rows of field values, in the order printed), all or nothing.

    Saving the report itself every time bumps `updated_at`, which names its stored PDF,
    so a change to a meeting or contact alone also gives a new PDF.
    """
    for name, value in cover.items():
        setattr(committee, name, value)
    committee.updated_by = user
    committee.full_clean()
    committee.save()
    committee.meetings.all().delete()
    committee.contacts.all().delete()
    meeting_rows = [
        CommitteeMeeting(report=committee, order=order, **row)
        for order, row in enumerate(meetings)
    ]
    contact_rows = [
        CommitteeContact(report=committee, order=order, **row)
        for order, row in enumerate(contacts)
    ]
    for row in [*meeting_rows, *contact_rows]:
        row.full_clean(exclude=["report"])
    CommitteeMeeting.objects.bulk_create(meeting_rows)
    CommitteeContact.objects.bulk_create(contact_rows)
    return committee
