"""Writes of evidence: attach a file or a link to a month's update, or remove it.

Evidence changes only while its update can: in the open month, before the update is
approved. Files are stored once per content (by their SHA-256) and never deleted here:
another row, or an earlier version in the history, may name the same file.
"""

import datetime

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction

from actionplans.models import Evidence, ProgressUpdate, ReportingPeriod
from actionplans.services import WorkflowError
from lib.uploads import CheckedUpload


class EvidenceRefused(WorkflowError):
    """The update's evidence cannot change now; nothing was written."""


def evidence_refusal(*, update: ProgressUpdate) -> str:
    """Why the update's evidence cannot change now ("" when it can).

    The one rule the pages (read-only or not) and the writes share.
    """
    period = update.period
    item = update.action or update.milestone
    if period.is_closed:
        return f"{period} is closed: its evidence can no longer be changed."
    if update.is_approved:
        return (
            f"The {period} update of {item.number} is approved: approved updates are "
            "final; ask the chief officer to return it."
        )
    if not item.is_in_plan(period.month):
        return f"{item.number} is withdrawn: it has no updates."
    return ""


def _lock_changeable(update: ProgressUpdate) -> ProgressUpdate:
    """The update, locked with its month so that neither a close nor an approval can
    happen in the middle of the write; EvidenceRefused when its evidence is frozen."""
    period = ReportingPeriod.objects.select_for_update().get(pk=update.period_id)
    update = (
        ProgressUpdate.objects.select_for_update(of=("self",))
        .select_related("action", "milestone__action")
        .get(pk=update.pk)
    )
    update.period = period
    refusal = evidence_refusal(update=update)
    if refusal:
        raise EvidenceRefused(refusal)
    return update


def _store(name: str, upload: CheckedUpload) -> None:
    """Store the file under its checksum unless a copy is already there."""
    if default_storage.exists(name):
        return
    upload.file.seek(0)
    saved = default_storage.save(name, File(upload.file))
    if saved != name:
        # The same content was stored by another request in the meantime: its copy
        # serves both, and this one would never be read.
        default_storage.delete(saved)


@transaction.atomic
def evidence_add(
    *,
    update: ProgressUpdate,
    user,
    title: str,
    refers_to: datetime.date,
    upload: CheckedUpload | None = None,
    url: str = "",
) -> Evidence:
    """Attach a checked file (lib.uploads.upload_check) or a link to a month's update.

    Refused (EvidenceRefused) once the month is closed or the update approved. The file
    is stored before the row is written; should the row then fail, the file stays, as
    an unreferenced copy, rather than risk deleting one another row has just named.
    """
    if (upload is None) == (not url):
        raise ValueError("Evidence is a file or a link: give exactly one.")
    update = _lock_changeable(update)
    evidence = Evidence(
        update=update, title=title.strip(), refers_to=refers_to, url=url, added_by=user
    )
    if upload is not None:
        evidence.file_name = upload.name
        evidence.sha256 = upload.sha256
        evidence.size = upload.size
        evidence.content_type = upload.content_type
    evidence.full_clean()
    if upload is not None:
        _store(evidence.storage_name, upload)
    evidence._history_user = user
    evidence.save()
    return evidence


@transaction.atomic
def evidence_remove(*, evidence: Evidence, user, reason: str = "") -> None:
    """Remove evidence from an open month's update that is not yet approved.

    The row goes; its history records who removed it and why ("Evidence removed:
    <title>"). The stored file stays: the history, or another row, may name it.
    """
    _lock_changeable(evidence.update)
    try:
        evidence = Evidence.objects.select_for_update().get(pk=evidence.pk)
    except Evidence.DoesNotExist:
        return  # removed by someone else meanwhile: the outcome asked for
    change = f"Evidence removed: {evidence.title}"
    evidence._change_reason = (
        f"{change} ({reason.strip()})" if reason.strip() else change
    )
    evidence._history_user = user
    evidence.delete()
