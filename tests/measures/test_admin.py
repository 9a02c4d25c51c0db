"""The measures in Django's admin: defined there too; actuals only read."""

import datetime

from django.urls import reverse

from .conftest import make_measure, make_value


def test_the_admin_lists_and_changes_measures_with_their_targets(client, cycle):
    measure = make_measure(
        cycle.plan, targets=[("Year 1", "76", datetime.date(2010, 3, 31))]
    )
    client.force_login(cycle.admin)
    listing = client.get(
        reverse("admin:actionplans_measure_changelist"), {"q": "timely"}
    )
    assert listing.status_code == 200
    assert "Timely reviews" in listing.content.decode()
    filtered = client.get(
        reverse("admin:actionplans_measure_changelist"), {"plan__id__exact": 0}
    )
    assert "Timely reviews" not in filtered.content.decode()
    page = client.get(reverse("admin:actionplans_measure_change", args=[measure.pk]))
    assert page.status_code == 200
    assert 'name="targets-0-label" value="Year 1"' in page.content.decode()


def test_the_admin_shows_actuals_but_does_not_change_them(client, cycle):
    value = make_value(make_measure(cycle.plan), cycle.august, "70")
    client.force_login(cycle.admin)
    listing = client.get(reverse("admin:actionplans_measurevalue_changelist"))
    assert listing.status_code == 200
    assert "70" in listing.content.decode()
    assert client.get(reverse("admin:actionplans_measurevalue_add")).status_code == 403
    url = reverse("admin:actionplans_measurevalue_change", args=[value.pk])
    assert client.get(url).status_code == 200  # read only
    assert client.post(url, {"value": "99"}).status_code == 403
    value.refresh_from_db()
    assert value.value == 70
