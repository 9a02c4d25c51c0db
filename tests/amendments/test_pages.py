"""The register's pages, used as a lead and a coordinator would."""

import datetime

import pytest
from django.urls import reverse

from actionplans.models import Amendment

Decision = Amendment.Decision


def _new_url(cycle, **params):
    url = reverse("amendments:amendment_new", args=[cycle.plan.slug, cycle.action.pk])
    return url + "?" + "&".join(f"{k}={v}" for k, v in params.items())


def test_a_lead_requests_a_new_date_and_a_coordinator_approves_it(client, cycle):
    milestone = cycle.milestone_a
    client.force_login(cycle.lead)
    url = _new_url(cycle, kind="dates", item=milestone.pk)
    page = client.get(url)
    assert page.status_code == 200
    assert "Request a new date: 1.8 (a)" in page.content.decode()
    response = client.post(
        url,
        {
            "plan_start": "01/10/2008",
            "plan_finish": "31/12/2009",
            "reason": "NHS Leeds governance delayed the protocol.",
        },
    )
    assert response.status_code == 302
    request = Amendment.objects.get()
    assert request.proposed == {"plan_finish": "2009-12-31"}  # only what changes
    assert request.requested_by == cycle.lead

    client.force_login(cycle.coordinator)
    register = reverse("amendments:month_register", args=[cycle.plan.slug])
    page = client.get(register).content.decode()
    assert "Jan 2009 → Dec 2009" in page
    response = client.post(
        register,
        {
            "amendment": [request.pk],
            f"version-{request.pk}": request.version,
            "decision": Decision.APPROVED,
            "board": "DMT performance board",
            "decided_on": "12/09/2009",
        },
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.plan_finish == datetime.date(2009, 12, 31)

    action_page = client.get(cycle.action.get_absolute_url()).content.decode()
    assert "was Jan 2009; revised once" in action_page


def test_bad_input_is_named_next_to_its_field_and_nothing_is_recorded(client, cycle):
    client.force_login(cycle.lead)
    response = client.post(
        _new_url(cycle, kind="dates", item=cycle.milestone_a.pk),
        {"plan_start": "01/10/2008", "plan_finish": "15/08/2009", "reason": ""},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Give the reason for the change." in page
    response = client.post(
        _new_url(cycle, kind="dates", item=cycle.milestone_a.pk),
        {"plan_start": "01/10/2008", "plan_finish": "15/08/2009", "reason": "Late."},
    )
    assert "August 2009 is closed" in response.content.decode()
    assert not Amendment.objects.exists()


def test_a_lead_cannot_request_changes_to_others_items(client, cycle):
    client.force_login(cycle.milestone_lead)  # leads 1.8 (b) only
    assert (
        client.get(_new_url(cycle, kind="dates", item=cycle.milestone_a.pk)).status_code
        == 403
    )
    assert (
        client.get(_new_url(cycle, kind="dates", item=cycle.milestone_b.pk)).status_code
        == 200
    )


@pytest.mark.parametrize("who", ["lead", "chief", "viewer"])
def test_only_coordinators_decide(client, cycle, who):
    request = Amendment.objects.create(
        plan=cycle.plan,
        period=cycle.september,
        kind=Amendment.Kind.WITHDRAW,
        action=cycle.other_action,
        reason="Done elsewhere.",
    )
    client.force_login(getattr(cycle, who))
    url = reverse("amendments:amendment_detail", args=[cycle.plan.slug, request.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "version": 1,
            "decision": "approved",
            "board": "DMT",
            "decided_on": "12/09/2009",
        },
    )
    assert response.status_code == 403
    request.refresh_from_db()
    assert request.decision == Decision.PENDING


def test_another_councils_user_sees_nothing(client, cycle):
    client.force_login(cycle.outsider)
    urls = [
        reverse("amendments:month_register", args=[cycle.plan.slug]),
        reverse(
            "amendments:action_amendments", args=[cycle.plan.slug, cycle.action.pk]
        ),
        _new_url(cycle, kind="dates"),
        reverse("amendments:amendment_new_action", args=[cycle.plan.slug]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    for url in [urls[0], *urls[2:]]:  # the action's list is only read
        assert client.post(url, {}).status_code == 404, url


def test_a_bulk_decision_is_all_or_nothing(client, cycle):
    from amendments import services

    requests = [
        services.amendment_request(
            plan=cycle.plan,
            user=cycle.lead,
            kind=Amendment.Kind.DATES,
            item=item,
            proposed={"plan_finish": datetime.date(2009, 12, 31)},
            reason="Delayed.",
        )
        for item in (cycle.milestone_a, cycle.milestone_b)
    ]
    stale = requests[1].version
    services.amendment_decide(
        amendment=requests[1],
        user=cycle.admin,
        decision=Decision.DEFERRED,
        board="DMT",
        decided_on=datetime.date(2009, 9, 1),
        note="",
        version=stale,
    )
    client.force_login(cycle.coordinator)
    response = client.post(
        reverse("amendments:month_register", args=[cycle.plan.slug]),
        {
            "amendment": [r.pk for r in requests],
            **{f"version-{r.pk}": stale for r in requests},
            "decision": Decision.APPROVED,
            "board": "DMT performance board",
            "decided_on": "12/09/2009",
        },
    )
    assert response.status_code == 409
    assert "1.8 (b): The request for 1.8 (b) was decided (deferred)" in (
        response.content.decode()
    )
    cycle.milestone_a.refresh_from_db()
    assert cycle.milestone_a.plan_finish == datetime.date(2009, 1, 31)
    assert Amendment.objects.filter(decision=Decision.APPROVED).count() == 0


def test_a_withdrawn_item_takes_no_more_requests(client, cycle):
    cycle.other_action.withdrawn_in = cycle.september.month
    cycle.other_action.save()
    client.force_login(cycle.coordinator)
    url = reverse(
        "amendments:amendment_new", args=[cycle.plan.slug, cycle.other_action.pk]
    )
    response = client.post(url + "?kind=wording", {"text": "New.", "reason": "Why."})
    assert response.status_code == 400
    assert "2.1 is withdrawn: it can no longer be changed." in response.content.decode()
    assert not Amendment.objects.exists()


def test_the_admin_shows_agreed_values_without_editing_them(client, cycle):
    client.force_login(cycle.admin)
    page = client.get(
        reverse("admin:actionplans_action_change", args=[cycle.action.pk])
    ).content.decode()
    assert 'name="plan_finish"' not in page
    assert 'name="actual_finish"' in page


def test_the_register_says_when_no_request_is_ticked(client, cycle):
    client.force_login(cycle.coordinator)
    response = client.post(
        reverse("amendments:month_register", args=[cycle.plan.slug]),
        {"decision": "approved", "board": "DMT", "decided_on": "12/09/2009"},
    )
    assert response.status_code == 400
    assert "Tick the requests the decision applies to." in response.content.decode()


def test_requests_awaiting_a_decision_from_earlier_months_are_listed_now(client, cycle):
    from actionplans.services import period_close, period_open_next
    from amendments import services

    services.amendment_request(
        plan=cycle.plan,
        user=cycle.lead,
        kind=Amendment.Kind.WORDING,
        item=cycle.action,
        proposed={"text": "Establish 12 senior practitioner posts."},
        reason="Budget agreed for two more.",
    )
    period_close(period=cycle.september, user=cycle.coordinator)
    period_open_next(plan=cycle.plan, user=cycle.coordinator)
    client.force_login(cycle.coordinator)
    page = client.get(reverse("amendments:month_register", args=[cycle.plan.slug]))
    assert "Amendments register: October 2009" in page.content.decode()
    assert "Budget agreed for two more." in page.content.decode()


def test_a_milestones_success_criterion_is_reworded_without_wording_of_its_own(
    client, cycle
):
    client.force_login(cycle.lead)
    response = client.post(
        _new_url(cycle, kind="wording", item=cycle.milestone_a.pk),
        {"text": "", "success_criteria": "All ten posts filled.", "reason": "Clearer."},
    )
    assert response.status_code == 302
    assert Amendment.objects.get().proposed == {
        "success_criteria": "All ten posts filled."
    }


def test_the_action_page_names_the_lead_the_plan_first_had(client, cycle):
    from amendments import services

    request = services.amendment_request(
        plan=cycle.plan,
        user=cycle.coordinator,
        kind=Amendment.Kind.OFFICERS,
        item=cycle.action,
        proposed={"leads": [cycle.milestone_officer]},
        reason="Hilary moved to the Safeguarding Board.",
    )
    services.amendment_decide(
        amendment=request,
        user=cycle.coordinator,
        decision=Decision.APPROVED,
        board="DMT performance board",
        decided_on=datetime.date(2009, 9, 12),
        note="",
        version=request.version,
    )
    client.force_login(cycle.viewer)
    page = client.get(cycle.action.get_absolute_url()).content.decode()
    assert "(was Hilary Paxton (Head of Safeguarding); revised once)" in page
