"""evidence_add and evidence_remove: one stored copy per content, a recorded removal,
and nothing changed once the month is closed or the update approved."""

import io

import pytest
from django.urls import reverse

from actionplans.models import Evidence
from evidence.services import EvidenceRefused, evidence_add, evidence_remove
from lib.uploads import upload_check
from tests import factories

from .conftest import JULY_30, PDF, make_evidence, upload

pytestmark = pytest.mark.django_db


def _checked(content: bytes = PDF, name: str = "minutes.pdf"):
    return upload_check(io.BytesIO(content), name=name, max_bytes=1024 * 1024)


def _add(update, user, **fields):
    values = {"title": "Minutes", "refers_to": JULY_30, "upload": _checked()}
    return evidence_add(update=update, user=user, **(values | fields))


def test_the_same_content_twice_is_stored_once(client, month, stored):
    """Two rows (two items, two names) name one stored copy."""
    client.force_login(month.cycle.lead)
    month.add(client, file=upload("minutes.pdf"))
    month.add(client, month.milestone_b, file=upload("board-minutes-july.pdf"))
    first, second = Evidence.objects.order_by("pk")
    assert first.sha256 == second.sha256
    assert (first.file_name, second.file_name) == (
        "minutes.pdf",
        "board-minutes-july.pdf",
    )
    assert stored.names() == [first.storage_name]


def test_a_file_is_stored_under_its_checksum(month, stored):
    evidence = _add(month.action, month.cycle.lead)
    assert evidence.storage_name == f"evidence/{evidence.sha256[:2]}/{evidence.sha256}"
    assert (stored.root / evidence.storage_name).read_bytes() == PDF
    assert evidence.history.get().history_user == month.cycle.lead


def test_a_link_is_stored_as_a_link(month, stored):
    evidence = evidence_add(
        update=month.action,
        user=month.cycle.lead,
        title=" Published report ",
        refers_to=JULY_30,
        url="https://www.leeds.gov.uk/report",
    )
    assert (evidence.title, evidence.is_file) == ("Published report", False)
    assert stored.files() == []


def test_a_file_and_a_link_together_are_a_programming_error(month):
    with pytest.raises(ValueError):
        _add(month.action, month.cycle.lead, url="https://www.leeds.gov.uk/")
    with pytest.raises(ValueError):
        _add(month.action, month.cycle.lead, upload=None)


def test_removal_is_recorded_in_the_history_and_keeps_the_file(month, stored):
    evidence = _add(month.action, month.cycle.lead)
    evidence_remove(evidence=evidence, user=month.cycle.chief)
    assert not Evidence.objects.exists()
    added, removed = Evidence.history.order_by("history_id")
    assert (added.history_type, removed.history_type) == ("+", "-")
    assert removed.history_change_reason == "Evidence removed: Minutes"
    assert removed.history_user == month.cycle.chief
    assert removed.sha256 == evidence.sha256
    assert stored.names() == [evidence.storage_name]


def test_removing_evidence_already_removed_does_nothing(month):
    evidence = _add(month.action, month.cycle.lead)
    Evidence.objects.filter(pk=evidence.pk).delete()
    evidence_remove(evidence=evidence, user=month.cycle.lead)
    assert not Evidence.history.filter(history_change_reason__isnull=False).exists()


def test_a_closed_month_refuses_additions_and_removals(month, stored):
    august = month.cycle.august.updates.get(action=month.cycle.action)
    kept = make_evidence(august)
    with pytest.raises(EvidenceRefused, match="August 2009 is closed"):
        _add(august, month.cycle.coordinator)
    with pytest.raises(EvidenceRefused, match="August 2009 is closed"):
        evidence_remove(evidence=kept, user=month.cycle.coordinator)
    assert list(Evidence.objects.all()) == [kept]
    assert stored.files() == []


def test_a_month_closed_after_the_page_was_read_refuses(month, stored):
    """The service reads the month again, locked: a page's view of it is not enough."""
    page_view = month.action
    month.cycle.september.state = "closed"
    month.cycle.september.save()
    with pytest.raises(EvidenceRefused, match="September 2009 is closed"):
        _add(page_view, month.cycle.lead)
    assert not Evidence.objects.exists() and stored.files() == []


def test_an_approved_update_refuses_until_returned(month, stored):
    evidence = make_evidence(month.action)
    month.action.workflow_state = "approved"
    month.action.save()
    final = (
        "The September 2009 update of 1.8 is approved: approved updates are final; "
        "ask the chief officer to return it."
    )
    with pytest.raises(EvidenceRefused) as refused:
        _add(month.action, month.cycle.lead)
    assert str(refused.value) == final
    with pytest.raises(EvidenceRefused):
        evidence_remove(evidence=evidence, user=month.cycle.lead)
    assert list(Evidence.objects.all()) == [evidence]
    month.action.workflow_state = "returned"
    month.action.save()
    _add(month.action, month.cycle.lead)


def test_a_withdrawn_item_refuses(month, cycle):
    cycle.milestone_a.withdrawn_in = cycle.september.month
    cycle.milestone_a.save()
    with pytest.raises(EvidenceRefused, match=r"1.8 \(a\) is withdrawn"):
        _add(month.milestone_a, cycle.lead)


def test_a_closed_months_page_is_read_only_and_refuses_posts(client, month, stored):
    august = month.cycle.august.updates.get(action=month.cycle.action)
    kept = make_evidence(august, title="July board minutes")
    url = reverse("evidence:item", args=[month.cycle.plan.slug, august.pk])
    client.force_login(month.cycle.lead)
    page = client.get(url).content.decode()
    assert "July board minutes" in page
    assert "August 2009 is closed: its evidence can no longer be changed." in page
    assert "Add evidence" not in page and "Remove" not in page

    added = month.add(client, august)
    assert added.status_code == 409
    assert "Nothing was added" in added.content.decode()
    removed = client.post(reverse("evidence:remove", args=[kept.pk]), follow=True)
    assert "“July board minutes” was not removed: August 2009 is closed" in (
        removed.content.decode()
    )
    assert list(Evidence.objects.all()) == [kept]
    assert stored.files() == []


def test_an_approved_updates_page_says_how_to_change_it(client, month):
    month.action.workflow_state = "approved"
    month.action.save()
    client.force_login(month.cycle.lead)
    page = client.get(month.page()).content.decode()
    assert "approved updates are final; ask the chief officer to return it." in page
    assert "Add evidence" not in page
    assert month.add(client).status_code == 409
    assert not Evidence.objects.exists()


def test_a_closed_month_is_read_only_for_a_viewer_too(client, month):
    """A viewer never had a form; the closed month's notice is for those who had."""
    august = month.cycle.august.updates.get(action=month.cycle.action)
    client.force_login(month.cycle.viewer)
    url = reverse("evidence:item", args=[month.cycle.plan.slug, august.pk])
    page = client.get(url).content.decode()
    assert "is closed" not in page and "Add evidence" not in page


def test_evidence_in_object_storage(client, month, s3):
    """Stored once in the bucket, private, and downloaded through the app."""
    client.force_login(month.cycle.lead)
    month.add(client)
    month.add(client, month.milestone_b)
    first, second = Evidence.objects.order_by("pk")
    assert s3.keys() == [first.storage_name] == [second.storage_name]
    assert s3.body(first.storage_name) == PDF
    assert s3.http_status(f"{s3.endpoint}/{s3.name}/{first.storage_name}") == 403
    response = client.get(reverse("evidence:download", args=[first.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"] == 'attachment; filename="minutes.pdf"'

    client.post(reverse("evidence:remove", args=[first.pk]))
    assert s3.keys() == [first.storage_name]


def test_another_councils_plan_is_never_written(client, month):
    """An update id of another council's plan, under a plan the user may see, is 404."""
    dudley = factories.make_organisation("Dudley MBC")
    plan = factories.make_plan(
        inspection=factories.make_inspection(organisation=dudley)
    )
    update = factories.make_update(
        factories.make_period(plan, 2009, 9), action=factories.make_action(plan)
    )
    client.force_login(month.cycle.lead)
    url = reverse("evidence:item", args=[month.cycle.plan.slug, update.pk])
    assert (
        client.post(url, {"title": "x", "refers_to": "30/07/2009"}).status_code == 404
    )
    assert not Evidence.objects.exists()


def test_an_upload_spooled_to_disk_is_stored_the_same(client, month, stored, settings):
    """Big uploads reach the form as temporary files, not in memory."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    client.force_login(month.cycle.lead)
    assert month.add(client).status_code == 302
    evidence = Evidence.objects.get()
    assert (stored.root / evidence.storage_name).read_bytes() == PDF
