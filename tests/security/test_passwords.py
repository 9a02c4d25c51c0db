"""Passwords are stored with Argon2id; older hashes still sign in and are upgraded."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.test import override_settings
from django.urls import reverse

from config import settings as production

pytestmark = pytest.mark.django_db


@override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS)
def test_a_pbkdf2_password_signs_in_and_is_stored_again_with_argon2id(client):
    user = get_user_model().objects.create(
        username="lead",
        password=make_password("pw-for-tests-1", hasher="pbkdf2_sha256"),
    )
    assert user.password.startswith("pbkdf2_sha256$")

    response = client.post(
        reverse("login"), {"username": "lead", "password": "pw-for-tests-1"}
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password("pw-for-tests-1")


@override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS)
def test_a_new_password_is_hashed_with_argon2id():
    user = get_user_model().objects.create_user("chief", password="pw-for-tests-2")
    assert user.password.startswith("argon2$argon2id$")
    assert not user.check_password("wrong")
