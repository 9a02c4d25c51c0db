"""An uploaded spreadsheet kept between its preview and the confirmed import."""

import datetime
import hashlib
import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils import timezone

from actionplans.models import ActionPlan

# An upload previewed but never confirmed is deleted after this long (delete_stale_uploads).
UPLOAD_LIFETIME = datetime.timedelta(days=1)
# The storage folder that holds uploads' files, and nothing else.
UPLOAD_FOLDER = "uploads"


class UploadChanged(Exception):
    """The stored file is gone, or is not the one that was previewed."""


def upload_path(upload: "Upload", filename: str) -> str:
    """uploads/2026/11/<upload id>.xlsx: named by the upload's random id, never by the
    uploader's file name, so that no stored name can be guessed or chosen by a user."""
    suffix = PurePath(filename).suffix.lower()
    return f"{UPLOAD_FOLDER}/{timezone.now():%Y/%m}/{upload.id}{suffix}"


class UploadQuerySet(models.QuerySet):
    def stale(
        self, *, now: datetime.datetime, lifetime: datetime.timedelta = UPLOAD_LIFETIME
    ):
        """Uploads created more than `lifetime` before `now`."""
        return self.filter(created_at__lt=now - lifetime)


class Upload(models.Model):
    """The file and the choices made on the import page, owned by the user who uploaded it.

    The file is kept in the default storage (a folder, or the object store every app server
    shares) and is never given a URL: nobody downloads it. Confirming reads it again and
    checks it against `sha256`, so the import is exactly what was previewed; only its owner
    can confirm it, and it is deleted with its file once imported (services.upload_delete),
    or by the delete_stale_uploads command once it is older than UPLOAD_LIFETIME.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    filename = models.CharField(max_length=255)
    file = models.FileField(upload_to=upload_path)
    sha256 = models.CharField(max_length=64)
    # The form's choices: layout, this month, close month, and a new plan's details.
    options = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UploadQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.user})"

    def read(self) -> bytes:
        """The stored file, exactly as previewed. Raises UploadChanged if it is missing or
        differs from the file the preview read."""
        try:
            with self.file.open("rb") as stored:
                content = stored.read()
        except FileNotFoundError as error:
            raise UploadChanged("The uploaded file is no longer stored.") from error
        if hashlib.sha256(content).hexdigest() != self.sha256:
            raise UploadChanged("The stored file differs from the one previewed.")
        return content
