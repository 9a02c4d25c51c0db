"""The import pages: upload, preview, confirm; who may use them."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from actionplans.models import ActionPlan, PlanMembership, ReportingPeriod
from imports.exporting import plan_export_csv
from imports.models import Upload
from tests import factories

from .helpers import plan_in_use, read

pytestmark = pytest.mark.django_db


def _file(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, read(name) if content is None else content)


def _new_plan_form(name: str = "dudley-cqc.xlsx", **fields) -> dict:
    return {
        "title": "CQC Adult Social Care Inspection Action Plan",
        "owner": "Dudley MBC, DACHS",
        "organisation": "Dudley MBC",
        "inspectorate": "CQC",
        "file": _file(name),
    } | fields


@pytest.fixture
def admin_user():
    return factories.make_user("admin", is_superuser=True, is_staff=True)


def test_an_admin_imports_the_dudley_spreadsheet_previews_and_confirms(
    client, admin_user
):
    client.force_login(admin_user)
    page = client.get(reverse("imports:plan_import_new"))
    assert page.status_code == 200
    assert b'name="csrfmiddlewaretoken"' in page.content
    assert b'<label for="id_file">' in page.content

    preview = client.post(reverse("imports:plan_import_new"), _new_plan_form())
    assert preview.status_code == 200
    assert not ActionPlan.objects.exists()
    text = preview.content.decode()
    assert "Nothing has been saved yet" in text
    assert "<td>80</td>" in text  # 80 actions created
    assert 'name="csrfmiddlewaretoken"' in text
    upload = Upload.objects.get()

    done = client.post(reverse("imports:plan_import_confirm", args=[upload.pk]))
    plan = ActionPlan.objects.get()
    assert done.status_code == 302 and done.url == plan.get_absolute_url()
    assert plan.actions.count() == 80
    assert not Upload.objects.exists()
    assert b"80 actions" not in client.get(done.url).content  # the plan page shows
    assert client.get(done.url).status_code == 200

    # Re-importing the same file changes nothing.
    again = client.post(
        reverse("imports:plan_import", args=[plan.slug]),
        {"file": _file("dudley-cqc.xlsx")},
    )
    assert again.status_code == 200
    upload = Upload.objects.get()
    done = client.post(reverse("imports:plan_import_confirm", args=[upload.pk]))
    assert done.status_code == 302
    message = [m.message for m in done.wsgi_request._messages][0]
    assert "0 rows created, 0 changed" in message


def test_a_broken_file_is_explained_and_nothing_is_written(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("imports:plan_import_new"),
        _new_plan_form("broken/duplicate-numbers.xlsx"),
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "There is a problem" in text
    assert 'href="#error-1"' in text and 'id="error-1"' in text
    assert "Action 1.2 appears twice" in text and "row 6" in text
    assert not ActionPlan.objects.exists() and not Upload.objects.exists()


def test_form_errors_are_summarised_and_linked_to_their_fields(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("imports:plan_import_new"),
        {"owner": "", "this_month": "Summer", "file": _file("x.pdf", b"%PDF-1.4")},
    )
    assert response.status_code == 400
    text = response.content.decode()
    for field in (
        "id_title",
        "id_organisation",
        "id_owner",
        "id_this_month",
        "id_file",
    ):
        assert f'href="#{field}"' in text
    assert "must be an Excel workbook (.xlsx) or a CSV file" in text


def test_a_coordinator_imports_into_their_plan_but_not_a_new_one(client):
    plan = factories.make_plan()
    coordinator = factories.make_user()
    factories.make_member(plan, coordinator, PlanMembership.Role.COORDINATOR)
    client.force_login(coordinator)
    assert (
        client.get(reverse("imports:plan_import", args=[plan.slug])).status_code == 200
    )
    assert client.get(reverse("imports:plan_import_new")).status_code == 403


def test_a_viewer_is_forbidden_and_a_stranger_sees_no_plan(client):
    plan = factories.make_plan()
    viewer = factories.make_user()
    factories.make_member(plan, viewer, PlanMembership.Role.VIEWER)
    url = reverse("imports:plan_import", args=[plan.slug])
    client.force_login(viewer)
    assert client.get(url).status_code == 403
    assert client.post(url, {"file": _file("dudley-cqc.csv")}).status_code == 403
    client.force_login(factories.make_user())
    assert client.get(url).status_code == 404


def test_anonymous_users_are_sent_to_sign_in(client):
    plan = factories.make_plan()
    for url in [
        reverse("imports:plan_import_new"),
        reverse("imports:plan_import", args=[plan.slug]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_wrong_methods_are_refused(client, admin_user):
    plan = factories.make_plan()
    client.force_login(admin_user)
    assert (
        client.put(reverse("imports:plan_import", args=[plan.slug])).status_code == 405
    )
    assert client.delete(reverse("imports:plan_import_new")).status_code == 405
    upload = Upload.objects.create(
        user=admin_user,
        filename="x.csv",
        file=ContentFile(b"", name="x.csv"),
        sha256="",
    )
    url = reverse("imports:plan_import_confirm", args=[upload.pk])
    assert client.get(url).status_code == 405


def test_nobody_can_confirm_someone_elses_upload(client, admin_user):
    client.force_login(admin_user)
    client.post(reverse("imports:plan_import_new"), _new_plan_form())
    upload = Upload.objects.get()
    other_admin = factories.make_user(is_superuser=True)
    client.force_login(other_admin)
    url = reverse("imports:plan_import_confirm", args=[upload.pk])
    assert client.post(url).status_code == 404
    assert not ActionPlan.objects.exists()


def test_confirm_needs_the_csrf_token(admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    upload = Upload.objects.create(
        user=admin_user,
        filename="x.csv",
        file=ContentFile(b"", name="x.csv"),
        sha256="",
    )
    url = reverse("imports:plan_import_confirm", args=[upload.pk])
    assert client.post(url).status_code == 403
    assert Upload.objects.filter(pk=upload.pk).exists()


def test_the_preview_names_changed_fields_as_people_read_them(client, admin_user):
    client.force_login(admin_user)
    client.post(reverse("imports:plan_import_new"), _new_plan_form("dudley-cqc.csv"))
    client.post(reverse("imports:plan_import_confirm", args=[Upload.objects.get().pk]))
    plan = ActionPlan.objects.get()
    edited = read("dudley-cqc.csv").replace(
        b"Head of Safeguarding - AH,Completed,",
        b"Head of Safeguarding - AH,Complete,",
        1,
    )
    response = client.post(
        reverse("imports:plan_import", args=[plan.slug]),
        {"file": _file("dudley-cqc.csv", edited)},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Changed rows (1)" in text
    assert "plan finish (as written), actual finish (as written)" in text
    assert "_text" not in text


def test_a_refused_confirm_deletes_the_upload(client):
    """The page that explains the refusal offers another upload, not a second try."""
    plan = plan_in_use()
    coordinator = factories.make_user()
    factories.make_member(plan, coordinator, PlanMembership.Role.COORDINATOR)
    client.force_login(coordinator)
    edited = plan_export_csv(plan=plan).replace(b"Drafting.", b"Drafted.")
    preview = client.post(
        reverse("imports:plan_import", args=[plan.slug]),
        {"file": _file("plan.csv", edited)},
    )
    assert preview.status_code == 200
    # Someone closes August between the preview and the confirm.
    plan.periods.filter(month=datetime.date(2009, 8, 1)).update(
        state=ReportingPeriod.State.CLOSED
    )
    upload = Upload.objects.get()
    response = client.post(reverse("imports:plan_import_confirm", args=[upload.pk]))
    assert response.status_code == 400
    assert "August 2009 is closed" in response.content.decode()
    assert not Upload.objects.exists()
