import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def login(client, email, password, **extra):
    return client.post(reverse("login"), {"username": email, "password": password, **extra})


def test_login_with_the_email_in_any_case(client, user, password):
    response = login(client, "Alice@Example.org", password)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_wrong_password_is_refused(client, user):
    response = login(client, "alice@example.org", "not the password")

    assert response.status_code == 200
    assert "Please enter a correct" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_rotates_the_session_key(client, user, password):
    session = client.session
    session["before"] = True
    session.save()
    anonymous_key = session.session_key

    login(client, "alice@example.org", password)

    assert client.session.session_key != anonymous_key
    assert not Session.objects.filter(session_key=anonymous_key).exists()


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/accounts/profile/", "/accounts/profile/"),
        ("https://evil.example/steal", "/"),
        ("//evil.example/", "/"),
    ],
)
def test_login_redirects_to_next_only_when_it_is_safe(client, user, password, next_url, expected):
    response = login(client, "alice@example.org", password, next=next_url)

    assert response.status_code == 302
    assert response["Location"] == expected


def test_login_switches_to_the_language_saved_in_the_profile(client, make_user):
    make_user("en@example.org", ui_language="en")

    response = login(client, "en@example.org", "correct horse battery staple 42")

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_logout_needs_post(client, user):
    client.force_login(user)

    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("profile")).status_code == 302


@pytest.mark.parametrize("name", ["login", "signup", "password_reset"])
def test_forms_are_csrf_protected(name):
    browser = Client(enforce_csrf_checks=True)

    page = browser.get(reverse(name))
    forged = browser.post(reverse(name), {"username": "x@example.org", "email": "x@example.org"})

    assert page.status_code == 200
    assert b'name="csrfmiddlewaretoken"' in page.content
    assert forged.status_code == 403
