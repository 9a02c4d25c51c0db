"""The session keep-alive the update form posts to while its lead types."""

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db

URL = "/accounts/keepalive/"
# Any 32 letters and digits make a valid CSRF secret; the header may carry it as is.
CSRF_SECRET = "k" * 16 + "A1" * 8


def _session(client: Client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_the_url_is_named_session_keepalive():
    assert reverse("session_keepalive") == URL


def test_a_signed_in_user_gets_204_and_a_session_renewed_for_its_full_age(client):
    client.force_login(factories.make_user())
    # As if the form had been open, without a request, for 50 minutes.
    Session.objects.filter(pk=_session(client).pk).update(
        expire_date=timezone.now() + datetime.timedelta(minutes=10)
    )

    response = client.post(URL)

    assert response.status_code == 204
    assert response.content == b""
    expected = timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert abs(_session(client).expire_date - expected) < datetime.timedelta(minutes=1)


def test_an_anonymous_user_is_told_the_session_ended_not_sent_to_sign_in(client):
    """A 200 with the answer: an error status would be an error in the browser's console."""
    response = client.post(URL)

    assert response.status_code == 200
    assert "Location" not in response
    assert response.json() == {"signed_in": False, "login_url": reverse("login")}


def test_a_session_that_has_ended_is_told_so(client):
    """The case the form warns about: the session expired while the lead typed."""
    client.force_login(factories.make_user())
    Session.objects.filter(pk=_session(client).pk).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )

    assert client.post(URL).json()["signed_in"] is False


def test_a_deleted_session_is_told_so(client):
    client.force_login(factories.make_user())
    Session.objects.all().delete()

    assert client.post(URL).json()["signed_in"] is False


def test_get_is_refused_with_405(client):
    client.force_login(factories.make_user())

    assert client.get(URL).status_code == 405


def test_get_is_refused_with_405_when_signed_out(client):
    assert client.get(URL).status_code == 405


def test_a_post_without_the_csrf_token_is_refused():
    client = Client(enforce_csrf_checks=True)
    client.force_login(factories.make_user())

    assert client.post(URL).status_code == 403


def test_a_post_with_the_csrf_token_in_its_header_is_accepted():
    client = Client(enforce_csrf_checks=True)
    client.force_login(factories.make_user())
    client.cookies[settings.CSRF_COOKIE_NAME] = CSRF_SECRET

    response = client.post(URL, headers={"X-CSRFToken": CSRF_SECRET})

    assert response.status_code == 204
