"""Session fixation: a session key planted before login never becomes an authenticated one.

Each test first gives the anonymous visitor a session (as an attacker could plant one), then
signs in, up or out, and checks the key the browser holds afterwards.
"""

from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"


def _store(key: str | None) -> SessionBase:
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)


def _planted(client: Client) -> str:
    """Give the anonymous client a stored session with some data and return its key."""
    session = client.session
    session["planted"] = True
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    assert session.session_key
    return session.session_key


@pytest.fixture
def client():
    return Client(headers={"accept-language": "en"})


@pytest.mark.django_db
def test_login_gives_a_new_session_key(client):
    user = UserFactory(email="fixation@example.com")
    planted = _planted(client)
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert key != planted
    assert _store(key).get(SESSION_KEY) == str(user.pk)
    assert SESSION_KEY not in _store(planted).load()


@pytest.mark.django_db
def test_failed_login_keeps_the_anonymous_session_anonymous(client):
    user = UserFactory(email="fixation@example.com")
    planted = _planted(client)
    response = client.post(reverse("login"), {"username": user.email, "password": "wrong"})
    assert response.status_code == 200
    assert SESSION_KEY not in _store(client.cookies[settings.SESSION_COOKIE_NAME].value).load()
    assert SESSION_KEY not in _store(planted).load()


@pytest.mark.django_db
def test_signup_gives_a_new_session_key(client):
    planted = _planted(client)
    password = "a long enough passphrase 9"
    response = client.post(
        reverse("signup"),
        {"email": "newcomer@example.com", "password1": password, "password2": password},
    )
    assert response.status_code == 302
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert key != planted
    assert _store(key).get(SESSION_KEY)
    assert SESSION_KEY not in _store(planted).load()


@pytest.mark.django_db
def test_logout_flushes_the_session(client):
    user = UserFactory(email="fixation@example.com")
    client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    signed_in = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert _store(signed_in).get(SESSION_KEY) == str(user.pk)

    response = client.post(reverse("logout"))
    assert response.status_code == 302
    # The old key is gone from the store: replaying a stolen cookie gets nothing.
    assert _store(signed_in).load() == {}
    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = signed_in
    assert thief.get(reverse("profile")).status_code == 302


@pytest.mark.django_db
def test_password_change_keeps_this_session_and_ends_the_others(client):
    user = UserFactory(email="fixation@example.com")
    other_device = Client()
    other_device.force_login(user)
    client.force_login(user)
    # Both have been seen, so the user is kept in the cache (interviewprep.backends).
    assert client.get(reverse("profile")).status_code == 200
    assert other_device.get(reverse("profile")).status_code == 200
    new = "another long passphrase 7"
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert client.get(reverse("profile")).status_code == 200
    assert other_device.get(reverse("profile")).status_code == 302


def test_session_cookie_flags(settings):
    assert settings.SESSION_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"
