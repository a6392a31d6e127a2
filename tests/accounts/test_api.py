from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db


def obtain(client, email, password):
    return client.post(
        "/api/auth/token/", {"email": email, "password": password}, content_type="application/json"
    )


@pytest.fixture
def auth(client, user, password):
    key = obtain(client, "alice@example.org", password).json()["token"]
    return {"HTTP_AUTHORIZATION": f"Token {key}"}


def test_obtain_token(client, user, password):
    response = obtain(client, "ALICE@example.org", password)

    assert response.status_code == 200
    token = Token.objects.get(user=user)
    assert response.json() == {
        "token": token.key,
        "expires": (token.created + timedelta(days=30)).isoformat(),
    }
    user.refresh_from_db()
    assert user.last_login is not None


def test_a_token_expires_and_signing_in_again_gives_a_new_one(client, user, password):
    first = obtain(client, "alice@example.org", password).json()["token"]
    auth = {"HTTP_AUTHORIZATION": f"Token {first}"}
    with time_machine.travel(timezone.now() + timedelta(days=29, hours=23)):
        assert client.get("/api/me/", **auth).status_code == 200
        # Signing in again within the 30 days gives the same token (other clients keep it).
        assert obtain(client, "alice@example.org", password).json()["token"] == first
    with time_machine.travel(timezone.now() + timedelta(days=30, minutes=1)):
        expired = client.get("/api/me/", **auth)
        assert expired.status_code == 401
        assert "has expired" in expired.json()["detail"]
        assert not Token.objects.filter(key=first).exists()
        renewed = obtain(client, "alice@example.org", password).json()
        assert renewed["token"] != first
        new_auth = {"HTTP_AUTHORIZATION": f"Token {renewed['token']}"}
        assert client.get("/api/me/", **new_auth).status_code == 200
    # An expired token left in the table (never presented since) is replaced at sign-in too.
    Token.objects.filter(user=user).update(created=timezone.now() - timedelta(days=31))
    assert obtain(client, "alice@example.org", password).json()["token"] != renewed["token"]


@pytest.mark.parametrize(
    "body", [{"email": "alice@example.org", "password": "wrong"}, {"email": "alice@example.org"}]
)
def test_obtain_token_refuses_bad_credentials(client, user, body):
    response = client.post("/api/auth/token/", body, content_type="application/json")

    assert response.status_code == 400
    assert not Token.objects.exists()


def test_me_needs_authentication(client):
    response = client.get("/api/me/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_me_with_a_token(client, user, auth):
    response = client.get("/api/me/", **auth)

    assert response.status_code == 200
    assert response.json() == {
        "email": "alice@example.org",
        "display_name": "Alice",
        "ui_language": "zh-hans",  # not chosen yet: the site's default
        "daily_goal": 10,
        "interview_date": None,
        "daily_reminder": False,
        "roles": ["learner"],
    }


def test_me_with_the_browser_session(client, user, password):
    client.post(reverse("login"), {"username": "alice@example.org", "password": password})

    response = client.get("/api/me/")

    assert response.status_code == 200
    assert response.json()["email"] == "alice@example.org"


def test_patch_me(client, user, auth):
    response = client.patch(
        "/api/me/",
        {"display_name": "A.", "ui_language": "en", "daily_goal": 200, "email": "x@example.org"},
        content_type="application/json",
        **auth,
    )

    assert response.status_code == 200
    assert response.json()["daily_goal"] == 200
    user.refresh_from_db()
    assert (user.email, user.display_name, user.ui_language, user.daily_goal) == (
        "alice@example.org",
        "A.",
        "en",
        200,
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [("daily_goal", 0), ("daily_goal", 201), ("daily_goal", "many"), ("ui_language", "fr")],
)
def test_patch_me_validation_errors_are_400(client, user, auth, field, value):
    response = client.patch("/api/me/", {field: value}, content_type="application/json", **auth)

    assert response.status_code == 400
    assert field in response.json()
    user.refresh_from_db()
    assert (user.daily_goal, user.ui_language) == (10, "")


def test_logout_deletes_the_token(client, user, auth):
    response = client.post("/api/auth/logout/", **auth)

    assert response.status_code == 204
    assert not Token.objects.filter(user=user).exists()
    assert client.get("/api/me/", **auth).status_code == 401


def test_logout_needs_authentication(client):
    assert client.post("/api/auth/logout/").status_code == 401
