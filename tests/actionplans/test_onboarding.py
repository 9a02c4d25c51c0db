"""Giving an officer a sign-in from their admin page (actionplans.onboarding)."""

import re

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actionplans import onboarding
from actionplans.models import Officer, PlanMembership
from actionplans.selectors import plans_for_user
from tests import factories

pytestmark = pytest.mark.django_db

User = get_user_model()
SITE_URL = "https://actionplans.example.gov.uk"
LINK = re.compile(re.escape(SITE_URL) + r"/accounts/reset/[^/\s]+/[^/\s]+/")


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE_URL


class Council:
    """Leeds, with a lead (no sign-in yet) named on an action of one plan and on a
    milestone of another, a chief officer who signs in already, and Dudley's lead."""

    def __init__(self):
        self.leeds = factories.make_organisation("Leeds City Council")
        self.dudley = factories.make_organisation("Dudley MBC")
        self.plan = factories.make_plan(title="Leeds IWC")
        self.other_plan = factories.make_plan(title="Leeds carers")
        self.officer = factories.make_officer(
            "Jane Moran", "Service Delivery Manager", email="Jane.Moran@Leeds.example"
        )
        self.chief_officer = factories.make_officer("", "Deputy Director")
        factories.make_action(
            self.plan, "1.1", leads=[self.officer], chief_officers=[self.chief_officer]
        )
        factories.make_action(self.plan, "1.2")  # someone else's
        factories.make_milestone(
            factories.make_action(self.other_plan, "3.1")
        ).leads.add(self.officer)
        self.chief = factories.make_user("chief", email="chief@leeds.example")
        self.chief_officer.user = self.chief
        self.chief_officer.save()
        dudley_plan = factories.make_plan(
            title="Dudley CQC",
            inspection=factories.make_inspection(organisation=self.dudley),
        )
        self.dudley_officer = factories.make_officer(
            "Ann Hall", "Head of Safeguarding", organisation=self.dudley
        )
        factories.make_action(dudley_plan, "1.1", leads=[self.dudley_officer])
        self.admin = factories.make_user("admin", is_superuser=True, is_staff=True)


@pytest.fixture
def council():
    return Council()


def staff(username: str, *codenames: str, officer: Officer | None = None):
    """A staff user (not a superuser) with only the given permissions."""
    user = factories.make_user(username, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    if officer is not None:
        officer.user = user
        officer.save()
    return User.objects.get(pk=user.pk)  # without the permission cache


def create(council, django_capture_on_commit_callbacks, **kwargs):
    values = {
        "officer": council.officer,
        "email": "jane.moran@leeds.example",
        "by": council.admin,
    }
    with django_capture_on_commit_callbacks(execute=True):
        return onboarding.officer_account_create(**(values | kwargs))


# --- The service ---------------------------------------------------------------------


def test_a_user_is_created_and_linked_to_the_officer(
    council, django_capture_on_commit_callbacks
):
    account = create(council, django_capture_on_commit_callbacks)
    user = User.objects.get(username="jane.moran@leeds.example")
    assert account.user == user
    assert (user.email, user.first_name, user.last_name) == (
        "jane.moran@leeds.example",
        "Jane",
        "Moran",
    )
    assert not user.has_usable_password()
    assert user.is_active and not user.is_staff and not user.is_superuser
    council.officer.refresh_from_db()
    assert council.officer.user == user
    assert council.officer.email == "jane.moran@leeds.example"


def test_a_role_only_officer_gets_no_name_and_an_apostrophe_leaves_the_username(
    council, django_capture_on_commit_callbacks
):
    """The role is not a name; an apostrophe is kept in the email, not the username."""
    officer = factories.make_officer("", "Director of Adult Social Services")
    account = create(
        council,
        django_capture_on_commit_callbacks,
        officer=officer,
        email="Tim.O'Shea@leeds.example",
    )
    assert account.user.username == "tim.oshea@leeds.example"
    assert account.user.email == "Tim.O'Shea@leeds.example"
    assert (account.user.first_name, account.user.last_name) == ("", "")


def test_no_plan_role_is_given_the_plans_open_through_the_actions(
    council, django_capture_on_commit_callbacks
):
    account = create(council, django_capture_on_commit_callbacks)
    assert not PlanMembership.objects.exists()
    assert [p.title for p in account.plans] == ["Leeds IWC", "Leeds carers"]
    assert set(plans_for_user(user=account.user)) == set(account.plans)


def test_the_email_link_sets_a_password_and_the_officer_signs_in(
    council, django_capture_on_commit_callbacks, mailoutbox
):
    create(council, django_capture_on_commit_callbacks)
    [email] = mailoutbox
    assert email.to == ["jane.moran@leeds.example"]
    assert email.subject == "Your Actionplans sign-in: choose a password"
    assert "Dear Jane Moran" in email.body
    assert "Your username is: jane.moran@leeds.example" in email.body
    assert "works once, for 3 days" in email.body
    link = LINK.search(email.body).group()

    browser = Client()
    page = browser.get(link.removeprefix(SITE_URL))
    assert page.status_code == 302  # to the token-free address, as Django does
    form = browser.get(page.url)
    assert form.context["validlink"]
    new_password = "Several-Long-Words-9"
    done = browser.post(
        page.url, {"new_password1": new_password, "new_password2": new_password}
    )
    assert done.url == reverse("password_reset_complete")
    assert User.objects.get(email="jane.moran@leeds.example").check_password(
        new_password
    )
    signed_in = Client().post(
        reverse("login"),
        {"username": "jane.moran@leeds.example", "password": new_password},
    )
    assert signed_in.status_code == 302 and signed_in.url == reverse("home")
    # Used once: the same link no longer works.
    again = Client().get(link.removeprefix(SITE_URL), follow=True)
    assert not again.context["validlink"]


def test_the_email_is_sent_only_once_the_transaction_commits(
    council, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks() as callbacks:
        onboarding.officer_account_create(
            officer=council.officer, email="jane@leeds.example", by=council.admin
        )
    assert mailoutbox == []
    for callback in callbacks:
        callback()
    assert [m.to for m in mailoutbox] == [["jane@leeds.example"]]


def test_no_email_goes_to_a_user_who_has_set_a_password_meanwhile(
    council, django_capture_on_commit_callbacks, mailoutbox
):
    """A retried task after the officer used an earlier copy sends nothing."""
    with django_capture_on_commit_callbacks() as callbacks:
        account = onboarding.officer_account_create(
            officer=council.officer, email="jane@leeds.example", by=council.admin
        )
    account.user.set_password("Several-Long-Words-9")
    account.user.save()
    for callback in callbacks:
        callback()
    assert mailoutbox == []


def _unchanged(council, users_before: int, mailoutbox) -> None:
    assert User.objects.count() == users_before
    council.officer.refresh_from_db()
    assert council.officer.user is None
    assert council.officer.email == "Jane.Moran@Leeds.example"
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("email", "code"),
    [
        ("chief@leeds.example", "email_taken"),
        ("CHIEF@leeds.EXAMPLE", "email_taken"),
        ("Old.Account@leeds.example", "email_taken"),  # a username, with no email
        ("not an address", "invalid"),
        ("", "invalid"),
        ("a" * 140 + "@leeds.example", "too_long"),
    ],
)
def test_a_bad_email_writes_and_sends_nothing(
    council, django_capture_on_commit_callbacks, mailoutbox, email, code
):
    factories.make_user("old.account@leeds.example")
    before = User.objects.count()
    with pytest.raises(ValidationError) as error:
        create(council, django_capture_on_commit_callbacks, email=email)
    assert error.value.error_dict["email"][0].code == code
    _unchanged(council, before, mailoutbox)


def test_an_officer_who_signs_in_already_is_refused(
    council, django_capture_on_commit_callbacks, mailoutbox
):
    before = User.objects.count()
    with pytest.raises(ValidationError, match="already signs in as chief") as error:
        create(
            council,
            django_capture_on_commit_callbacks,
            officer=council.chief_officer,
            email="deputy@leeds.example",
        )
    assert error.value.code == "already_linked"
    assert User.objects.count() == before
    assert mailoutbox == []


def test_an_officer_of_another_council_is_refused(
    council, django_capture_on_commit_callbacks, mailoutbox
):
    leeds_admin = staff(
        "leeds-admin",
        "add_user",
        "change_officer",
        officer=factories.make_officer("Ada Admin", "Systems administrator"),
    )
    before = User.objects.count()
    with pytest.raises(ValidationError, match="officer of Dudley MBC") as error:
        create(
            council,
            django_capture_on_commit_callbacks,
            officer=council.dudley_officer,
            email="ann@dudley.example",
            by=leeds_admin,
        )
    assert error.value.code == "other_council"
    assert User.objects.count() == before
    assert Officer.objects.get(pk=council.dudley_officer.pk).user is None
    assert mailoutbox == []


def test_a_failure_after_the_user_is_saved_leaves_nothing(
    council, django_capture_on_commit_callbacks, mailoutbox, monkeypatch
):
    """One transaction: a user is never left behind without its officer link."""

    def broken_save(self, *args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Officer, "save", broken_save)
    before = User.objects.count()
    with pytest.raises(RuntimeError):
        create(council, django_capture_on_commit_callbacks)
    monkeypatch.undo()
    _unchanged(council, before, mailoutbox)


def test_councils_managed_by_each_kind_of_staff(council):
    assert onboarding.councils_managed_by(council.admin) is None
    officer_staff = staff("o", officer=factories.make_officer("Ada", "Admin"))
    assert onboarding.councils_managed_by(officer_staff) == {council.leeds.pk}
    coordinator = staff("c")
    factories.make_member(council.plan, coordinator, PlanMembership.Role.COORDINATOR)
    assert onboarding.councils_managed_by(coordinator) == {council.leeds.pk}
    viewer = staff("v")
    factories.make_member(council.plan, viewer, PlanMembership.Role.VIEWER)
    assert onboarding.councils_managed_by(viewer) == set()


# --- The admin -------------------------------------------------------------------------


def change_url(officer: Officer) -> str:
    return reverse("admin:actionplans_officer_change", args=[officer.pk])


def create_url(officer: Officer) -> str:
    return reverse("admin:actionplans_officer_account_create", args=[officer.pk])


BUTTON = "Create sign-in account"


def test_the_officer_page_offers_the_button_only_without_a_sign_in(client, council):
    client.force_login(council.admin)
    page = client.get(change_url(council.officer)).content.decode()
    assert BUTTON in page and f'href="{create_url(council.officer)}"' in page
    linked = client.get(change_url(council.chief_officer)).content.decode()
    assert BUTTON not in linked
    user_url = reverse("admin:auth_user_change", args=[council.chief.pk])
    assert f'<a href="{user_url}">Signs in as chief</a>' in linked


def test_the_button_is_hidden_from_staff_who_may_not_use_it(client, council):
    """Without permission to add users, and for another council's officer."""
    client.force_login(staff("clerk", "view_officer", "change_officer"))
    assert BUTTON not in client.get(change_url(council.officer)).content.decode()
    client.force_login(
        staff(
            "leeds-admin",
            "add_user",
            "change_officer",
            officer=factories.make_officer("Ada Admin", "Systems administrator"),
        )
    )
    assert BUTTON in client.get(change_url(council.officer)).content.decode()
    page = client.get(change_url(council.dudley_officer)).content.decode()
    assert BUTTON not in page


def test_the_page_prefills_the_email_and_names_the_plans(client, council):
    client.force_login(council.admin)
    page = client.get(create_url(council.officer))
    assert page.status_code == 200
    assert page.context["form"]["email"].value() == "Jane.Moran@Leeds.example"
    body = page.content.decode()
    assert "They will see 2 plans" in body
    assert "<li>Leeds IWC</li>" in body and "<li>Leeds carers</li>" in body
    assert "Dudley CQC" not in body


def test_confirming_creates_the_sign_in_and_sends_the_email(
    client, council, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(council.admin)
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            create_url(council.officer), {"email": "jane.moran@leeds.example"}
        )
    assert done.status_code == 302 and done.url == change_url(council.officer)
    user = Officer.objects.get(pk=council.officer.pk).user
    assert user.username == "jane.moran@leeds.example"
    assert [m.to for m in mailoutbox] == [["jane.moran@leeds.example"]]
    assert LogEntry.objects.get(object_id=str(council.officer.pk)).change_message == (
        "Created sign-in account jane.moran@leeds.example."
    )
    page = client.get(done.url).content.decode()
    assert "now signs in as jane.moran@leeds.example" in page
    assert BUTTON not in page


def test_a_used_email_is_shown_on_the_page_and_nothing_is_written(
    client, council, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(council.admin)
    before = User.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            create_url(council.officer), {"email": "chief@leeds.example"}
        )
    assert page.status_code == 200
    assert "is already used by the user chief" in page.content.decode()
    _unchanged(council, before, mailoutbox)


def test_an_officer_who_signs_in_already_gets_a_message_and_no_form(client, council):
    client.force_login(council.admin)
    page = client.post(
        create_url(council.chief_officer), {"email": "deputy@leeds.example"}
    )
    assert page.status_code == 200
    assert page.context["form"] is None
    assert "already signs in as chief" in page.content.decode()


def test_another_councils_admin_gets_a_message_and_no_form(client, council, mailoutbox):
    client.force_login(
        staff(
            "leeds-admin",
            "add_user",
            "change_officer",
            officer=factories.make_officer("Ada Admin", "Systems administrator"),
        )
    )
    before = User.objects.count()
    page = client.post(
        create_url(council.dudley_officer), {"email": "a@dudley.example"}
    )
    assert page.status_code == 200 and page.context["form"] is None
    assert "own administrators can create their sign-in" in page.content.decode()
    assert User.objects.count() == before


@pytest.mark.parametrize(
    "codenames",
    [
        ("view_officer", "change_officer"),  # may not add users
        ("view_officer", "add_user"),  # may not change officers
    ],
)
def test_staff_without_both_permissions_are_refused(client, council, codenames):
    client.force_login(staff("clerk", *codenames))
    before = User.objects.count()
    assert client.get(create_url(council.officer)).status_code == 403
    page = client.post(create_url(council.officer), {"email": "jane@leeds.example"})
    assert page.status_code == 403
    assert User.objects.count() == before
    assert Officer.objects.get(pk=council.officer.pk).user is None


def test_non_staff_and_anonymous_users_are_sent_to_sign_in(client, council):
    before = User.objects.count()
    post = {"email": "jane@leeds.example"}
    anonymous = client.post(create_url(council.officer), post)
    assert anonymous.status_code == 302 and "login" in anonymous.url
    client.force_login(council.chief)  # signs in, but not to the admin
    page = client.post(create_url(council.officer), post)
    assert page.status_code == 302
    assert page.url.startswith(reverse("admin:login"))
    assert User.objects.count() == before


def test_the_page_takes_only_get_and_post(client, council):
    client.force_login(council.admin)
    assert client.put(create_url(council.officer)).status_code == 405
    assert client.delete(create_url(council.officer)).status_code == 405
    assert Officer.objects.get(pk=council.officer.pk).user is None


def test_an_unknown_officer_goes_back_to_the_admin(client, council):
    client.force_login(council.admin)
    assert client.get(create_url(Officer(pk=999_999))).status_code == 302


def test_an_officer_whose_link_expired_asks_for_another_from_the_sign_in_page(
    client, settings
):
    """A new account has no password yet: "Forgotten your password?" still sends it a
    link (Django's own form would skip it), until the officer first signs in."""
    user = factories.make_user("new.lead@council.example")
    user.email = "new.lead@council.example"
    user.set_unusable_password()
    user.save()
    reset = reverse("password_reset")
    client.post(reset, {"email": "New.Lead@council.example"})
    assert [m.to for m in mail.outbox] == [["new.lead@council.example"]]

    # Once they have signed in, an account without a password is one set so on purpose.
    user.last_login = timezone.now()
    user.save()
    mail.outbox.clear()
    client.post(reset, {"email": "new.lead@council.example"})
    assert mail.outbox == []
