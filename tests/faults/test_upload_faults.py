"""An import cut short, while previewing or while importing, leaves nothing behind: no
upload kept for confirming, and nothing half-written to the plan."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actionplans.models import PlanMembership
from imports import reading, services
from imports.exporting import plan_export_xlsx
from imports.models import Upload
from tests import factories
from tests.imports.helpers import SlowClock, plan_in_use, row_counts

pytestmark = pytest.mark.django_db


class Killed(Exception):
    """Stands for whatever can stop a worker mid-request."""


@pytest.fixture
def coordinator_client(client):
    plan = plan_in_use()
    user = factories.make_user()
    factories.make_member(plan, user, PlanMembership.Role.COORDINATOR)
    client.force_login(user)
    client.plan = plan
    return client


def _upload(client, content: bytes):
    url = reverse("imports:plan_import", args=[client.plan.slug])
    return client.post(url, {"file": SimpleUploadedFile("plan.xlsx", content)})


def _edited_export(plan) -> bytes:
    """The plan's export with this month's progress of every item rewritten, so that
    confirming it writes many rows."""
    workbook = openpyxl.load_workbook(io.BytesIO(plan_export_xlsx(plan=plan)))
    sheet = workbook.active
    for row in sheet.iter_rows(min_row=5):
        if row[11].value:
            row[11].value = f"{row[11].value} (edited)"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def test_a_preview_that_fails_unexpectedly_leaves_no_upload(
    coordinator_client, monkeypatch
):
    def crash(*args, **kwargs):
        raise Killed

    monkeypatch.setattr(services, "plan_parse", crash)
    before = row_counts()
    with pytest.raises(Killed):
        _upload(coordinator_client, plan_export_xlsx(plan=coordinator_client.plan))
    assert not Upload.objects.exists()
    assert row_counts() == before


def test_a_preview_stopped_by_the_time_limit_leaves_no_upload(
    coordinator_client, monkeypatch, settings
):
    settings.IMPORT_PARSE_TIMEOUT = 5
    monkeypatch.setattr(reading, "time", SlowClock())
    before = row_counts()
    response = _upload(
        coordinator_client, plan_export_xlsx(plan=coordinator_client.plan)
    )
    assert response.status_code == 400
    assert "Reading the file took more than 5 seconds" in response.content.decode()
    assert not Upload.objects.exists()
    assert row_counts() == before


def test_an_import_killed_part_way_leaves_nothing_half_written(
    coordinator_client, monkeypatch
):
    plan = coordinator_client.plan
    assert _upload(coordinator_client, _edited_export(plan)).status_code == 200
    upload = Upload.objects.get()
    before = row_counts()
    saves = []
    original = services._ImportLoader.save_row

    def save_then_die(loader, obj):
        original(loader, obj)
        saves.append(obj)
        if len(saves) == 3:
            raise Killed

    monkeypatch.setattr(services._ImportLoader, "save_row", save_then_die)
    with pytest.raises(Killed):
        coordinator_client.post(
            reverse("imports:plan_import_confirm", args=[upload.pk])
        )
    assert len(saves) == 3  # it did die part-way through the writes
    assert row_counts() == before | {"imports.Upload": 0}
    assert not plan.actions.filter(updates__progress__endswith="(edited)").exists()
