"""Councils kept apart: one installation hosting Leeds and Dudley, each with a "Director of
Adult Social Services" (and a "Hilary Paxton"), must never mix their officers or access."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from actionplans.loading import plan_load_document
from actionplans.models import (
    Action,
    ActionPlan,
    Officer,
    PlanMembership,
    ProgressUpdate,
)
from imports.models import Upload
from tests import factories
from tests.imports.helpers import read

pytestmark = pytest.mark.django_db

DIRECTOR = "Director of Adult Social Services"


class TwoCouncils:
    """Leeds and Dudley, each with a plan, an action and officers of the same names; one
    user per role on each council."""

    def __init__(self):
        self.leeds = factories.make_organisation("Leeds City Council")
        self.dudley = factories.make_organisation("Dudley MBC")
        self.leeds_plan = self._plan(self.leeds, "leeds")
        self.dudley_plan = self._plan(self.dudley, "dudley")
        self.leeds_director = factories.make_officer(
            "", DIRECTOR, organisation=self.leeds
        )
        self.dudley_director = factories.make_officer(
            "", DIRECTOR, organisation=self.dudley
        )
        self.leeds_lead = factories.make_officer(
            "Hilary Paxton", "Head of Safeguarding", organisation=self.leeds
        )
        self.dudley_lead = factories.make_officer(
            "Hilary Paxton", "Head of Safeguarding", organisation=self.dudley
        )
        self.leeds_action = factories.make_action(
            self.leeds_plan,
            "1.1",
            leads=[self.leeds_lead],
            chief_officers=[self.leeds_director],
        )
        self.dudley_action = factories.make_action(
            self.dudley_plan,
            "1.1",
            leads=[self.dudley_lead],
            chief_officers=[self.dudley_director],
        )
        self.leeds_chief = self._user("leeds-chief", officer=self.leeds_director)
        self.leeds_lead_user = self._user("leeds-lead", officer=self.leeds_lead)
        self.dudley_coordinator = self._user("dudley-coordinator")
        PlanMembership.objects.create(
            plan=self.dudley_plan,
            user=self.dudley_coordinator,
            role=PlanMembership.Role.COORDINATOR,
        )

    def _plan(self, council, slug):
        inspection = factories.make_inspection(organisation=council)
        plan = factories.make_plan(
            slug=slug, title=f"{council} plan", inspection=inspection
        )
        factories.make_period(plan, 2009, 9)
        return plan

    def _user(self, username, *, officer=None):
        user = factories.make_user(username)
        if officer is not None:
            officer.user = user
            officer.save()
        return user


@pytest.fixture
def councils():
    return TwoCouncils()


def _dudley_pages(councils) -> list[str]:
    plan, action = councils.dudley_plan, councils.dudley_action
    return [
        reverse("actionplans:plan_detail", args=[plan.slug]),
        reverse("actionplans:action_detail", args=[plan.slug, action.pk]),
        reverse("actionplans:update_form", args=[plan.slug, action.pk]),
        reverse("actionplans:signoff_decide", args=[plan.slug, action.pk]),
        reverse("actionplans:period_list", args=[plan.slug]),
        reverse("reporting:index", args=[plan.slug]),
        reverse("imports:plan_import", args=[plan.slug]),
    ]


def _link_behind_the_guards(action: Action, officer: Officer) -> None:
    """A link made before councils were kept apart (bulk_create sends no signal)."""
    Action.chief_officers.through.objects.bulk_create(
        [Action.chief_officers.through(action=action, officer=officer)]
    )
    Action.leads.through.objects.bulk_create(
        [Action.leads.through(action=action, officer=officer)]
    )


def test_a_coordinators_import_matches_only_their_own_councils_officers(
    client, councils
):
    """The issue's case: a sheet naming the Director (and a Hilary Paxton), imported
    into Dudley's plan, links neither Leeds officer of those names."""
    Action.objects.filter(plan=councils.dudley_plan).delete()
    Officer.objects.filter(organisation=councils.dudley).delete()
    client.force_login(councils.dudley_coordinator)
    url = reverse("imports:plan_import", args=[councils.dudley_plan.slug])
    file = SimpleUploadedFile("actions.csv", read("leeds-iwc.csv"))
    preview = client.post(url, {"file": file})
    assert preview.status_code == 200, preview.content.decode()[:2000]
    upload = Upload.objects.get()
    done = client.post(reverse("imports:plan_import_confirm", args=[upload.pk]))
    assert done.status_code == 302
    messages = [str(m) for m in done.wsgi_request._messages]
    assert done.url == councils.dudley_plan.get_absolute_url(), messages

    directed = Action.objects.filter(chief_officers__role_title=DIRECTOR)
    assert directed.filter(plan=councils.dudley_plan).exists()
    for leeds_officer in (councils.leeds_director, councils.leeds_lead):
        assert set(leeds_officer.led_actions.all()) | set(
            leeds_officer.accountable_actions.all()
        ) == {councils.leeds_action}
    dudley_directors = Officer.objects.filter(
        organisation=councils.dudley, role_title=DIRECTOR, name=""
    )
    assert dudley_directors.count() == 1
    client.force_login(councils.leeds_chief)
    for url in _dudley_pages(councils):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("who", ["leeds_chief", "leeds_lead_user"])
def test_an_officer_linked_to_another_councils_action_gets_nothing_there(
    client, councils, who
):
    """Access never crosses councils, even over a link made before the guards existed."""
    officer = councils.leeds_director if who == "leeds_chief" else councils.leeds_lead
    _link_behind_the_guards(councils.dudley_action, officer)
    client.force_login(getattr(councils, who))
    for url in _dudley_pages(councils):
        assert client.get(url).status_code == 404, url
    home = client.get(reverse("home")).content.decode()
    assert "dudley" not in home.lower()
    assert reverse("actionplans:plan_detail", args=["leeds"]) in home
    factories.make_update(
        councils.dudley_plan.periods.get(),
        action=councils.dudley_action,
        status_label="Amber",
        workflow_state=ProgressUpdate.Workflow.SUBMITTED,
    )
    queue = client.get(reverse("actionplans:signoff_list")).content.decode()
    assert "dudley" not in queue.lower()


@pytest.mark.parametrize("role", list(PlanMembership.Role))
def test_a_membership_of_another_councils_plan_opens_nothing(client, councils, role):
    """A coordinator or viewer role given (wrongly) on Dudley to a Leeds officer."""
    PlanMembership.objects.create(
        plan=councils.dudley_plan, user=councils.leeds_lead_user, role=role
    )
    client.force_login(councils.leeds_lead_user)
    for url in _dudley_pages(councils):
        assert client.get(url).status_code == 404, url


def test_a_membership_across_councils_is_refused_with_a_reason(councils):
    membership = PlanMembership(
        plan=councils.dudley_plan,
        user=councils.leeds_lead_user,
        role=PlanMembership.Role.COORDINATOR,
    )
    with pytest.raises(ValidationError) as refused:
        membership.full_clean()
    assert "is an officer of Leeds City Council, not of Dudley MBC" in str(
        refused.value
    )
    second = PlanMembership(
        plan=councils.leeds_plan,
        user=councils.dudley_coordinator,
        role=PlanMembership.Role.VIEWER,
    )
    with pytest.raises(ValidationError, match="already has a role on Dudley MBC"):
        second.full_clean()


def test_a_coordinator_sees_only_their_own_councils_plan(client, councils):
    client.force_login(councils.dudley_coordinator)
    leeds = reverse("actionplans:plan_detail", args=["leeds"])
    assert client.get(leeds).status_code == 404
    assert (
        client.get(reverse("actionplans:period_list", args=["dudley"])).status_code
        == 200
    )


def test_linking_another_councils_officer_is_refused_in_code(councils):
    milestone = factories.make_milestone(councils.dudley_action)
    refused = "not an officer of this plan's council"
    attempts = [
        lambda: councils.dudley_action.chief_officers.add(councils.leeds_director),
        lambda: councils.leeds_director.accountable_actions.add(councils.dudley_action),
        lambda: milestone.leads.set([councils.leeds_lead]),
        lambda: councils.leeds_lead.led_milestones.add(milestone),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError, match=refused), transaction.atomic():
            attempt()
    assert not councils.dudley_action.chief_officers.filter(
        pk=councils.leeds_director.pk
    ).exists()
    assert not milestone.leads.exists()


def test_the_admin_offers_only_the_plans_councils_officers(client, councils):
    # A new action: an existing one's officers change only through an amendment.
    admin = factories.make_user("admin", is_superuser=True, is_staff=True)
    client.force_login(admin)
    plan = councils.dudley_action.plan
    url = reverse("admin:actionplans_action_add")
    form = {
        "plan": plan.pk,
        "number": "9.9",
        "text": "A new action.",
        "leads": [councils.dudley_lead.pk],
        "chief_officers": [councils.leeds_director.pk],
        "milestones-TOTAL_FORMS": 0,
        "milestones-INITIAL_FORMS": 0,
    }
    page = client.post(url, form)
    assert page.status_code == 200
    assert "Not an officer of Dudley MBC: Director of Adult Social Services" in (
        page.content.decode()
    )
    assert not plan.actions.filter(number="9.9").exists()
    form["chief_officers"] = [councils.dudley_director.pk]
    assert client.post(url, form).status_code == 302
    added = plan.actions.get(number="9.9")
    assert list(added.chief_officers.all()) == [councils.dudley_director]


def test_a_plan_document_cannot_move_a_plan_to_another_council(councils):
    plan_data = {
        "plan": {"slug": "dudley", "title": "Taken", "owner": "Leeds City Council"},
        "inspection": {
            "organisation": "Leeds City Council",
            "title": "Another inspection",
            "inspectorate": "CQC",
        },
        "periods": [],
    }
    actions = {"recommendations": [], "officers": [], "actions": []}
    with pytest.raises(ValidationError, match="belongs to another council's plan"):
        plan_load_document(plan_data=plan_data, actions_data=actions)
    councils.dudley_plan.refresh_from_db()
    assert councils.dudley_plan.organisation == councils.dudley


def test_officers_of_the_same_name_may_exist_in_two_councils(councils):
    assert Officer.objects.filter(name="Hilary Paxton").count() == 2
    twin = Officer(
        organisation=councils.leeds,
        name="Hilary Paxton",
        role_title="Head of Safeguarding",
    )
    with pytest.raises(ValidationError):
        twin.full_clean()


def test_the_admin_lists_and_searches_by_council(client, councils):
    client.force_login(factories.make_user("admin", is_superuser=True, is_staff=True))
    for model, query in [
        ("organisations_organisation", "?q=Dudley"),
        ("recommendations_inspection", "?q=Dudley"),
        (
            "actionplans_officer",
            f"?q=Dudley&organisation__id__exact={councils.dudley.pk}",
        ),
    ]:
        page = client.get(reverse(f"admin:{model}_changelist") + query)
        assert page.status_code == 200, model
        assert "Dudley MBC" in page.content.decode(), model


def test_a_new_plan_import_names_its_council_and_matches_only_its_officers(
    client, councils
):
    """Leeds's officers of the same names are never matched; "dudley mbc" is Dudley."""
    client.force_login(factories.make_user("admin", is_superuser=True, is_staff=True))
    url = reverse("imports:plan_import_new")
    page = client.get(url).content.decode()
    assert '<datalist id="councils">' in page and '<option value="Dudley MBC">' in page
    form = {
        "title": "Dudley again",
        "organisation": "  dudley  MBC ",
        "owner": "Dudley MBC, DACHS",
        "inspectorate": "CQC",
        "file": SimpleUploadedFile("actions.csv", read("leeds-iwc.csv")),
    }
    assert client.post(url, form).status_code == 200
    done = client.post(
        reverse("imports:plan_import_confirm", args=[Upload.objects.get().pk])
    )
    plan = ActionPlan.objects.get(title="Dudley again")
    assert done.url == plan.get_absolute_url()
    assert plan.organisation == councils.dudley
    linked = Officer.objects.filter(
        Q(led_actions__plan=plan) | Q(accountable_actions__plan=plan)
    ).distinct()
    assert linked.exists()
    assert set(linked.values_list("organisation", flat=True)) == {councils.dudley.pk}
    assert councils.leeds_director.accountable_actions.get() == councils.leeds_action
