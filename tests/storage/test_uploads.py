"""Uploaded spreadsheets in object storage: kept from the preview to the import, private,
and deleted with their upload."""

import datetime
import io
import logging
import os
import re

import pytest
from botocore.exceptions import EndpointConnectionError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from storages.backends.s3 import S3Storage

from actionplans.models import ActionPlan
from imports.models import Upload
from tests import factories
from tests.imports.helpers import read

pytestmark = pytest.mark.django_db

SHEET = "dudley-cqc.csv"


@pytest.fixture
def admin(client):
    user = factories.make_user(is_superuser=True)
    client.force_login(user)
    return user


def _preview(client):
    response = client.post(
        reverse("imports:plan_import_new"),
        {
            "title": "Dudley",
            "owner": "Dudley MBC",
            "organisation": "Dudley MBC",
            "inspectorate": "CQC",
            "file": SimpleUploadedFile(SHEET, read(SHEET)),
        },
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    return response


def _confirm(client, upload: Upload):
    return client.post(reverse("imports:plan_import_confirm", args=[upload.pk]))


def _delete_stale(*args: str) -> str:
    out = io.StringIO()
    call_command("delete_stale_uploads", *args, stdout=out)
    return out.getvalue()


def test_an_upload_is_in_the_bucket_from_its_preview_until_its_import(
    s3, client, admin
):
    _preview(client)
    upload = Upload.objects.get()
    assert re.fullmatch(rf"uploads/\d{{4}}/\d{{2}}/{upload.pk}\.csv", upload.file.name)
    assert s3.keys() == [upload.file.name]
    assert s3.body(upload.file.name) == read(SHEET)

    done = _confirm(client, upload)
    assert done.status_code == 302
    assert ActionPlan.objects.get().actions.exists()
    assert not Upload.objects.exists()
    assert s3.keys() == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("replace", "The stored file differs from the one previewed."),
        ("delete", "The uploaded file is no longer stored."),
    ],
)
def test_a_file_changed_or_lost_after_its_preview_is_not_imported(
    s3, client, admin, change, message
):
    _preview(client)
    upload = Upload.objects.get()
    if change == "replace":
        edited = read(SHEET).replace(b"Completed", b"Not started")
        s3.client.put_object(Bucket=s3.name, Key=upload.file.name, Body=edited)
    else:
        s3.client.delete_object(Bucket=s3.name, Key=upload.file.name)

    response = _confirm(client, upload)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ActionPlan.objects.exists()
    assert not Upload.objects.exists()
    assert s3.keys() == []


def test_a_file_that_cannot_be_deleted_does_not_stop_the_import(
    s3, client, admin, monkeypatch, caplog
):
    """It is logged, and delete_stale_uploads deletes it once it is old enough."""
    _preview(client)
    upload = Upload.objects.get()

    def unreachable(storage, name):
        raise EndpointConnectionError(endpoint_url=s3.endpoint)

    monkeypatch.setattr(S3Storage, "delete", unreachable)
    with caplog.at_level(logging.ERROR, logger="imports.services"):
        done = _confirm(client, upload)
    assert done.status_code == 302
    assert ActionPlan.objects.exists() and not Upload.objects.exists()
    assert f"Could not delete the uploaded file {upload.file.name}." in caplog.text
    assert s3.keys() == [upload.file.name]

    monkeypatch.undo()
    assert _delete_stale() == "Deleted 0 stale upload(s).\n"
    assert s3.keys() == [upload.file.name]  # too new to be told from a preview's
    assert _delete_stale("--hours", "0") == (
        "Deleted 0 stale upload(s).\nDeleted 1 stored file(s) that no upload named.\n"
    )
    assert s3.keys() == []


def test_delete_stale_uploads_deletes_their_files(s3):
    user = factories.make_user()
    old, fresh = (
        Upload.objects.create(
            user=user, filename="x.csv", file=ContentFile(b"1.1,Act", "x.csv")
        )
        for _ in range(2)
    )
    Upload.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=2)
    )
    assert s3.keys() == sorted([old.file.name, fresh.file.name])
    assert _delete_stale() == "Deleted 1 stale upload(s).\n"
    assert list(Upload.objects.all()) == [fresh]
    assert s3.keys() == [fresh.file.name]


def test_uploaded_files_are_private(s3, client, admin):
    """No page names the stored file, and the bucket refuses a request without a
    signature; a signed one works, so the refusal is not a wrong address."""
    page = _preview(client).content.decode()
    name = Upload.objects.get().file.name
    assert name not in page and s3.endpoint not in page
    assert s3.http_status(f"{s3.endpoint}/{s3.name}/{name}") == 403
    assert s3.http_status(Upload.objects.get().file.url) == 200


def test_files_no_upload_names_are_deleted_once_old_on_disk(settings, tmp_path):
    """The same sweep on the default filesystem storage, with a file's real age."""
    settings.MEDIA_ROOT = tmp_path
    folder = tmp_path / "uploads" / "2026" / "01"
    folder.mkdir(parents=True)
    old, new = folder / "old.csv", folder / "new.csv"
    for path in (old, new):
        path.write_bytes(b"1.1,Act")
    two_days_ago = (timezone.now() - datetime.timedelta(days=2)).timestamp()
    os.utime(old, (two_days_ago, two_days_ago))
    assert _delete_stale().endswith("Deleted 1 stored file(s) that no upload named.\n")
    assert not old.exists() and new.exists()
