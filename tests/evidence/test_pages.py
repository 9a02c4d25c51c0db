"""The evidence page, its download and its removal: who may see, add, remove and open."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplans.models import Evidence, PlanMembership
from tests import factories

from .conftest import PDF, make_evidence, upload

pytestmark = pytest.mark.django_db


def _download(evidence) -> str:
    return reverse("evidence:download", args=[evidence.pk])


def _remove(evidence) -> str:
    return reverse("evidence:remove", args=[evidence.pk])


def _added(client, month, update=None, **fields) -> Evidence:
    response = month.add(client, update, **fields)
    assert response.status_code == 302, response.content.decode()[:3000]
    return Evidence.objects.latest("pk")


def _other_council_lead():
    """A lead of Dudley's plan: no role of theirs opens a Leeds plan."""
    dudley = factories.make_organisation("Dudley MBC")
    plan = factories.make_plan(
        inspection=factories.make_inspection(organisation=dudley)
    )
    officer = factories.make_officer(organisation=dudley)
    factories.make_action(plan, "1.1", leads=[officer])
    user = factories.make_user()
    officer.user = user
    officer.save()
    return user


def test_the_lead_adds_a_file_and_is_sent_back_to_the_page(client, month, stored):
    client.force_login(month.cycle.lead)
    response = month.add(client)
    assert response.status_code == 302
    assert response.url == month.page()
    evidence = Evidence.objects.get()
    assert (evidence.update, evidence.title) == (month.action, "Board minutes")
    assert (evidence.file_name, evidence.size) == ("minutes.pdf", len(PDF))
    assert evidence.content_type == "application/pdf"
    assert evidence.added_by == month.cycle.lead
    assert stored.names() == [evidence.storage_name]
    assert (stored.root / evidence.storage_name).read_bytes() == PDF

    page = client.get(response.url).content.decode()
    assert "“Board minutes” is added to the September 2009 update of 1.8." in page
    assert "Back to the update form" in page
    assert (
        reverse(
            "actionplans:update_form",
            args=[month.cycle.plan.slug, month.cycle.action.pk],
        )
        in page
    )
    assert _download(evidence) in page
    assert "30 July 2009" in page and "Lead" in page


def test_the_lead_adds_a_link(client, month, stored):
    client.force_login(month.cycle.lead)
    evidence = _added(client, month, url="https://www.leeds.gov.uk/minutes")
    assert (evidence.url, evidence.sha256, evidence.file_name) == (
        "https://www.leeds.gov.uk/minutes",
        "",
        "",
    )
    assert stored.files() == []
    page = client.get(month.page()).content.decode()
    assert (
        '<a href="https://www.leeds.gov.uk/minutes" rel="noopener noreferrer">'
        "Board minutes</a>" in page
    )
    assert client.get(_download(evidence)).status_code == 404


@pytest.mark.parametrize("who", ["lead", "chief", "coordinator", "admin"])
def test_those_who_update_the_action_add_to_it(client, month, who):
    client.force_login(getattr(month.cycle, who))
    _added(client, month)


def test_a_milestone_lead_adds_to_their_milestone_only(client, month):
    """They see the plan, so other items' pages open for them read-only; a post to one
    is refused (403)."""
    client.force_login(month.cycle.milestone_lead)
    _added(client, month, month.milestone_b)
    for update in (month.action, month.milestone_a):
        page = client.get(month.page(update))
        assert page.status_code == 200
        assert b"Add evidence" not in page.content
        assert month.add(client, update).status_code == 403
    assert Evidence.objects.count() == 1


def test_a_viewer_sees_and_downloads_but_cannot_add_or_remove(client, month):
    client.force_login(month.cycle.lead)
    evidence = _added(client, month)
    client.force_login(month.cycle.viewer)
    page = client.get(month.page())
    assert page.status_code == 200
    assert b"Board minutes" in page.content
    assert b"Add evidence" not in page.content and b"Remove" not in page.content
    assert client.get(_download(evidence)).status_code == 200
    assert month.add(client).status_code == 403
    assert client.get(_remove(evidence)).status_code == 403
    assert client.post(_remove(evidence)).status_code == 403
    assert Evidence.objects.count() == 1


def test_the_chief_sees_and_downloads(client, month):
    client.force_login(month.cycle.lead)
    evidence = _added(client, month)
    client.force_login(month.cycle.chief)
    assert b"Board minutes" in client.get(month.page()).content
    response = client.get(_download(evidence))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize("who", ["outsider", "other_council"])
def test_a_user_who_cannot_see_the_plan_gets_404_everywhere(client, month, who):
    """Never 403: whether the plan or the evidence exists does not leak."""
    client.force_login(month.cycle.lead)
    evidence = _added(client, month)
    user = _other_council_lead() if who == "other_council" else month.cycle.outsider
    client.force_login(user)
    assert client.get(month.page()).status_code == 404
    assert month.add(client).status_code == 404
    assert client.get(_download(evidence)).status_code == 404
    assert client.get(_remove(evidence)).status_code == 404
    assert client.post(_remove(evidence)).status_code == 404
    assert Evidence.objects.count() == 1


def test_a_viewer_of_another_plan_gets_404(client, month):
    client.force_login(month.cycle.lead)
    evidence = _added(client, month)
    viewer = factories.make_user()
    factories.make_member(factories.make_plan(), viewer, PlanMembership.Role.VIEWER)
    client.force_login(viewer)
    assert client.get(month.page()).status_code == 404
    assert client.get(_download(evidence)).status_code == 404


def test_an_update_of_another_plan_under_this_plans_address_is_404(client, month):
    other = factories.make_plan()
    update = factories.make_update(
        factories.make_period(other, 2009, 9), action=factories.make_action(other)
    )
    client.force_login(month.cycle.admin)
    url = reverse("evidence:item", args=[month.cycle.plan.slug, update.pk])
    assert client.get(url).status_code == 404


def test_anonymous_users_are_sent_to_sign_in(client, month):
    evidence = make_evidence(month.action)
    for url in (month.page(), _download(evidence), _remove(evidence)):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302
            assert response.url.startswith(reverse("login"))
    assert Evidence.objects.count() == 1


def test_wrong_methods_are_refused(client, month):
    evidence = make_evidence(month.action)
    client.force_login(month.cycle.lead)
    assert client.post(_download(evidence)).status_code == 405
    assert client.put(month.page()).status_code == 405
    assert client.delete(_remove(evidence)).status_code == 405


def test_the_download_is_an_attachment_never_shown_or_cached(client, month):
    client.force_login(month.cycle.lead)
    evidence = _added(client, month)
    response = client.get(_download(evidence))
    assert response["Content-Disposition"] == 'attachment; filename="minutes.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private"
    assert b"".join(response.streaming_content) == PDF


def test_a_download_name_beyond_ascii_is_sent_encoded(client, month):
    client.force_login(month.cycle.lead)
    evidence = _added(client, month, file=upload("Protokoll – Juli.pdf"))
    response = client.get(_download(evidence))
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Protokoll%20%E2%80%93%20Juli.pdf"
    )


def test_text_is_served_with_its_encoding(client, month):
    client.force_login(month.cycle.lead)
    evidence = _added(
        client, month, file=upload("figures.csv", b"Month,Reviews\nJuly,76%\n")
    )
    response = client.get(_download(evidence))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="figures.csv"'


def test_stored_files_are_not_reachable_under_the_media_url(client, month, settings):
    """Only the permission-checked download serves them."""
    client.force_login(month.cycle.lead)
    evidence = _added(client, month)
    for path in (evidence.storage_name, f"evidence/{evidence.sha256[:2]}/"):
        assert client.get(f"/{settings.MEDIA_URL}{path}").status_code == 404


def test_a_file_missing_from_storage_is_404(client, month):
    client.force_login(month.cycle.lead)
    evidence = make_evidence(month.action)  # its file was never stored
    assert client.get(_download(evidence)).status_code == 404


def test_remove_asks_first_then_removes_and_keeps_the_file(client, month, stored):
    client.force_login(month.cycle.lead)
    evidence = _added(client, month)
    confirm = client.get(_remove(evidence))
    assert confirm.status_code == 200
    assert "Remove “Board minutes”?" in confirm.content.decode()
    assert Evidence.objects.exists()

    done = client.post(_remove(evidence), {"reason": "Wrong month's minutes."})
    assert done.status_code == 302 and done.url == month.page()
    assert not Evidence.objects.exists()
    assert stored.names() == [evidence.storage_name]
    page = client.get(done.url).content.decode()
    assert "“Board minutes” is removed." in page
    removal = Evidence.history.get(history_type="-")
    assert removal.history_change_reason == (
        "Evidence removed: Board minutes (Wrong month's minutes.)"
    )
    assert removal.history_user == month.cycle.lead


def test_a_milestone_lead_cannot_remove_the_actions_evidence(client, month):
    client.force_login(month.cycle.lead)
    evidence = _added(client, month)
    client.force_login(month.cycle.milestone_lead)
    assert client.post(_remove(evidence)).status_code == 403
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_earlier_months_evidence_is_shown_as_already_provided(client, month):
    august = month.cycle.august.updates.get(action=month.cycle.action)
    make_evidence(august, title="July board minutes")
    make_evidence(month.milestone_a, title="Not this item's")
    client.force_login(month.cycle.viewer)
    page = client.get(month.page()).content.decode()
    assert "Already provided in earlier months" in page
    assert "July board minutes" in page and "August 2009" in page
    assert "Not this item's" not in page


def test_the_chief_sees_and_opens_the_evidence_on_the_sign_off_page(client, month):
    august = month.cycle.august.updates.get(action=month.cycle.action)
    earlier = make_evidence(august, title="July board minutes")
    this = make_evidence(month.action, title="September audit")
    link = make_evidence(
        month.milestone_b, title="Published report", url="https://www.leeds.gov.uk/r"
    )
    month.action.workflow_state = "submitted"
    month.action.save()
    client.force_login(month.cycle.chief)
    url = reverse(
        "actionplans:signoff_decide",
        args=[month.cycle.plan.slug, month.cycle.action.pk],
    )
    page = client.get(url).content.decode()
    for evidence in (earlier, this):
        assert f'<a href="{_download(evidence)}">{evidence.title}</a>' in page
    assert "Already provided in earlier months" in page
    assert 'href="https://www.leeds.gov.uk/r" rel="noopener noreferrer"' in page
    assert link.title in page


def test_the_action_page_shows_each_months_evidence(client, month):
    august = month.cycle.august.updates.get(action=month.cycle.action)
    make_evidence(august, title="July board minutes")
    make_evidence(month.milestone_b, title="Monitoring report")
    client.force_login(month.cycle.lead)
    page = client.get(month.cycle.action.get_absolute_url()).content.decode()
    assert "July board minutes" in page and "Monitoring report" in page
    assert month.page() in page  # "Add or remove evidence" for the open month
    assert month.page(month.milestone_b) in page
    client.force_login(month.cycle.viewer)
    page = client.get(month.cycle.action.get_absolute_url()).content.decode()
    assert "July board minutes" in page and month.page() not in page


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_evidence_costs_the_action_page_one_query_however_much_there_is(client, month):
    client.force_login(month.cycle.coordinator)
    url = month.cycle.action.get_absolute_url()
    make_evidence(month.action)
    few = _queries(client, url)
    august = month.cycle.august.updates.get(action=month.cycle.action)
    for update in (august, month.action, month.milestone_a, month.milestone_b):
        for n in range(3):
            make_evidence(update, title=f"Report {n}")
    assert _queries(client, url) == few
