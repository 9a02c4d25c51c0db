"""Password reset: a few links an hour per address and per account, built from SITE_URL."""

import logging

import pytest
from django.core import mail
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

SITE = "https://actionplans.example.gov.uk"


@pytest.fixture
def hilary(db):
    return factories.make_user("hilary", email="hilary@example.org")


def _ask(client, email: str, **extra):
    return client.post(reverse("password_reset"), {"email": email}, **extra)


def test_fifteen_requests_in_a_row_send_at_most_three_emails(client, hilary, caplog):
    with caplog.at_level(logging.WARNING, logger="actionplans.security"):
        responses = [_ask(client, "hilary@example.org") for _ in range(15)]
    assert len(mail.outbox) == 3
    # The same answer every time, so the page never tells whether the limit was hit.
    assert {r.status_code for r in responses} == {302}
    assert {r["Location"] for r in responses} == {reverse("password_reset_done")}
    assert "password reset refused" in caplog.text
    assert "hilary@example.org" in caplog.text


def test_changing_the_letter_case_of_the_address_does_not_get_round_the_limit(
    client, hilary
):
    for email in ["hilary@example.org", "Hilary@example.org", "HILARY@EXAMPLE.ORG"]:
        _ask(client, email)
    _ask(client, "hilary@Example.org")
    assert len(mail.outbox) == 3


def test_the_limit_is_also_per_account_when_its_address_changes(client, hilary):
    for _ in range(3):
        _ask(client, "hilary@example.org")
    hilary.email = "h.paxton@example.org"
    hilary.save()
    _ask(client, "h.paxton@example.org")
    assert len(mail.outbox) == 3


def test_an_unknown_address_gets_the_same_page_and_no_email(client, hilary):
    response = _ask(client, "nobody@example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_one_address_at_its_limit_does_not_hold_up_another(client, hilary):
    factories.make_user("richard", email="richard@example.org")
    for _ in range(5):
        _ask(client, "hilary@example.org")
    _ask(client, "richard@example.org")
    assert [m.to for m in mail.outbox][-1] == ["richard@example.org"]
    assert len(mail.outbox) == 4


def test_the_limit_comes_from_the_settings(client, hilary, settings):
    settings.PASSWORD_RESET_LIMIT = 1
    for _ in range(3):
        _ask(client, "hilary@example.org")
    assert len(mail.outbox) == 1


def test_the_link_starts_with_site_url_whatever_host_and_port_the_request_used(
    client, hilary, settings
):
    settings.SITE_URL = SITE
    _ask(client, "hilary@example.org", HTTP_HOST="localhost:8000")
    _ask(client, "hilary@example.org", HTTP_HOST="127.0.0.1:8443", secure=True)
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        link = next(line for line in message.body.splitlines() if "/reset/" in line)
        assert link.startswith(f"{SITE}/accounts/reset/"), link


def test_the_link_from_site_url_opens_the_form_to_choose_a_new_password(
    client, hilary, settings
):
    settings.SITE_URL = SITE
    _ask(client, "hilary@example.org")
    link = next(line for line in mail.outbox[0].body.splitlines() if "/reset/" in line)
    page = client.get(link.removeprefix(SITE), follow=True)
    assert "Choose a new password" in page.content.decode()
