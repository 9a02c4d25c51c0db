"""The update form's pieces: the error summary, the one list of reported fields, conflicts."""

import dataclasses
import datetime
import re

import pytest
from django.urls import reverse

from actionplans import services
from actionplans.forms import ItemUpdateForm
from actionplans.models import ProgressUpdate
from tests import factories
from tests.actionplans.test_update_cycle import action_data, form_url

pytestmark = pytest.mark.django_db

MISMATCH = (
    "An item with an actual finish is complete: choose Blue or Green, "
    "or clear the actual finish."
)


def test_the_error_summary_names_the_item_and_the_field(client, cycle):
    """Not "1.8 None: …": the status field has a label."""
    client.force_login(cycle.lead)
    data = action_data(cycle, status="Amber", actual_finish="2009-09-01")
    response = client.post(form_url(cycle), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert f'<a href="#id_action-status_0">1.8 Status: {MISMATCH}</a>' in page
    assert "None:" not in page


def test_a_milestones_error_names_the_milestone(client, cycle):
    client.force_login(cycle.lead)
    prefix = f"m{cycle.milestone_a.pk}"
    data = action_data(cycle) | {f"{prefix}-actual_finish": "2009-09-01"}
    response = client.post(form_url(cycle), data)
    assert response.status_code == 400
    summary = f'<a href="#id_{prefix}-status">1.8 (a) Status: {MISMATCH}</a>'
    assert summary in response.content.decode()


def test_the_amendment_error_summary_links_to_the_first_status(client, cycle):
    update = ProgressUpdate.objects.get(period=cycle.august, action=cycle.action)
    client.force_login(cycle.coordinator)
    response = client.post(
        reverse("actionplans:update_amend", args=[cycle.plan.slug, update.pk]),
        {
            "amend-status": cycle.status("Amber").pk,
            "amend-actual_finish": "01/08/2009",
            "amend-version": update.version,
            "reason": "Finished in August.",
        },
    )
    assert response.status_code == 400
    summary = f'<a href="#id_amend-status_0">1.8 Status: {MISMATCH}</a>'
    assert summary in response.content.decode()


def test_the_reported_fields_are_listed_once():
    """ItemValues lists them; the form and the model have a field for each."""
    assert [f.name for f in dataclasses.fields(services.ItemValues)] == [
        *services.UPDATE_FIELDS,
        "version",
    ]
    assert list(ItemUpdateForm.base_fields) == [*services.UPDATE_FIELDS, "version"]
    for name in services.UPDATE_FIELDS:
        assert ProgressUpdate._meta.get_field(name)


def test_a_form_started_from_an_update_gives_back_its_values(cycle):
    update = factories.make_update(
        cycle.september,
        action=cycle.action,
        status_label="Green",
        direction="improving",
        progress="All ten posts filled.",
        risk="Turnover.",
        actual_finish=datetime.date(2009, 9, 10),
        version=3,
    )
    kwargs = {
        "item": cycle.action,
        "period": cycle.september,
        "statuses": list(cycle.plan.statuses.all()),
        "prefix": "action",
    }
    shown = ItemUpdateForm(update=update, **kwargs)
    data = {shown.add_prefix(name): shown[name].value() for name in shown.fields}
    submitted = ItemUpdateForm(data, **kwargs)
    assert submitted.is_valid(), submitted.errors
    assert submitted.values() == services.ItemValues(
        cycle.status("Green"),
        "improving",
        "All ten posts filled.",
        "Turnover.",
        datetime.date(2009, 9, 10),
        3,
    )


def test_a_conflict_shows_each_changed_field_as_people_read_it(cycle):
    values = services.ItemValues(
        cycle.status("Green"),
        "improving",
        "Done.",
        "",
        datetime.date(2009, 9, 10),
        version=0,
    )
    save = {
        "action": cycle.action,
        "period": cycle.september,
        "action_values": values,
        "milestone_values": {},
        "submit": False,
    }
    services.update_save(user=cycle.lead, **save)
    with pytest.raises(services.UpdateConflict) as conflict:
        services.update_save(user=cycle.coordinator, **save)
    changes = {(c.field, c.old, c.new) for c in conflict.value.changes}
    assert {
        ("status", "", "Green"),
        ("direction", "", "↑ Improving"),
        ("actual finish", "", "10/09/2009"),
        ("workflow state", "", "Draft"),
    } <= changes


def test_every_description_a_field_points_at_is_on_the_page(client, cycle):
    """Screen readers read a field's hint: each aria-describedby id exists."""
    client.force_login(cycle.lead)
    data = action_data(cycle, status="Amber", actual_finish="2009-09-01")
    for response in (client.get(form_url(cycle)), client.post(form_url(cycle), data)):
        page = response.content.decode()
        described = re.findall(r'aria-describedby="([^"]+)"', page)
        assert described
        for name in " ".join(described).split():
            assert f'id="{name}"' in page, name
