"""An uploaded spreadsheet kept between its preview and the confirmed import."""

import datetime
import uuid

from django.conf import settings
from django.db import models

from actionplans.models import ActionPlan

# An upload previewed but never confirmed is deleted after this long (delete_stale_uploads).
UPLOAD_LIFETIME = datetime.timedelta(days=1)


class UploadQuerySet(models.QuerySet):
    def stale(
        self, *, now: datetime.datetime, lifetime: datetime.timedelta = UPLOAD_LIFETIME
    ):
        """Uploads created more than `lifetime` before `now`."""
        return self.filter(created_at__lt=now - lifetime)


class Upload(models.Model):
    """The file and the choices made on the import page, owned by the user who uploaded it.

    Confirming reads the file again from here, so the import is exactly what was previewed;
    only its owner can confirm it, and it is deleted once imported, or by the
    delete_stale_uploads command once it is older than UPLOAD_LIFETIME.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    filename = models.CharField(max_length=255)
    data = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    # The form's choices: layout, this month, close month, and a new plan's details.
    options = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UploadQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.user})"
