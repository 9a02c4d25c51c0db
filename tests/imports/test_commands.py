"""The import app's management commands."""

import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from actionplans.models import ActionPlan
from imports.models import Upload
from tests import factories

from .helpers import DATA, read

pytestmark = pytest.mark.django_db


def _upload(user, *, age: datetime.timedelta) -> Upload:
    upload = Upload.objects.create(
        user=user, filename="x.csv", file=ContentFile(b"", name="x.csv"), sha256=""
    )
    # created_at is set on creation; move it back to the age wanted.
    Upload.objects.filter(pk=upload.pk).update(created_at=timezone.now() - age)
    return upload


def _delete_stale(*args: str) -> str:
    out = io.StringIO()
    call_command("delete_stale_uploads", *args, stdout=out)
    return out.getvalue()


def test_stale_uploads_are_deleted_and_fresh_ones_kept():
    user = factories.make_user()
    old = _upload(user, age=datetime.timedelta(days=2))
    fresh = _upload(user, age=datetime.timedelta(hours=1))
    assert _delete_stale() == "Deleted 1 stale upload(s).\n"
    assert list(Upload.objects.all()) == [fresh]
    assert not Upload.objects.filter(pk=old.pk).exists()


def test_deleting_stale_uploads_twice_is_harmless():
    _upload(factories.make_user(), age=datetime.timedelta(days=2))
    _delete_stale()
    assert _delete_stale() == "Deleted 0 stale upload(s).\n"


def test_hours_choose_how_old_an_upload_must_be():
    user = factories.make_user()
    _upload(user, age=datetime.timedelta(hours=3))
    fresh = _upload(user, age=datetime.timedelta(minutes=5))
    assert _delete_stale("--hours", "2") == "Deleted 1 stale upload(s).\n"
    assert list(Upload.objects.all()) == [fresh]
    with pytest.raises(CommandError, match="0 or more"):
        _delete_stale("--hours", "-1")


def test_the_import_page_leaves_stale_uploads_to_the_command(client):
    admin = factories.make_user(is_superuser=True)
    old = _upload(admin, age=datetime.timedelta(days=2))
    client.force_login(admin)
    response = client.post(
        reverse("imports:plan_import_new"),
        {
            "title": "Dudley",
            "owner": "Dudley MBC",
            "organisation": "Dudley MBC",
            "inspectorate": "CQC",
            "file": SimpleUploadedFile("dudley-cqc.csv", read("dudley-cqc.csv")),
        },
    )
    assert response.status_code == 200
    assert Upload.objects.filter(pk=old.pk).exists()


def test_import_plan_explains_a_month_it_cannot_read():
    with pytest.raises(CommandError, match="for example August 2009"):
        call_command(
            "import_plan",
            str(DATA / "dudley-cqc.csv"),
            "--new-plan",
            "Dudley",
            "--month",
            "Summer 2009",
        )
    assert not ActionPlan.objects.exists()


def test_import_plan_reads_the_month_as_written():
    out = io.StringIO()
    call_command(
        "import_plan",
        str(DATA / "dudley-cqc.csv"),
        "--new-plan",
        "Dudley",
        "--month",
        "October 2009",
        "--dry-run",
        stdout=out,
    )
    assert "This month: October 2009" in out.getvalue()
