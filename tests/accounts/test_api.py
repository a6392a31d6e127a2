from datetime import timedelta

import pytest
import time_machine
from django.apps import apps
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
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
    token = AuthToken.objects.get(user=user)
    key = response.json()["token"]
    assert response.json()["expires"] == token.expiry.isoformat()
    assert token.expiry - token.created == pytest.approx(
        timedelta(days=30), abs=timedelta(seconds=5)
    )
    # Only a hash is stored, never the token itself.
    assert key not in (token.digest, token.token_key)
    assert len(token.digest) == 128
    user.refresh_from_db()
    assert user.last_login is not None


def test_a_token_expires_and_signing_in_again_gives_a_new_one(client, user, password):
    first = obtain(client, "alice@example.org", password).json()["token"]
    auth = {"HTTP_AUTHORIZATION": f"Token {first}"}
    with time_machine.travel(timezone.now() + timedelta(days=29, hours=23)):
        assert client.get("/api/me/", **auth).status_code == 200
        # Signing in again gives a second token; the first still works for other clients.
        second = obtain(client, "alice@example.org", password).json()["token"]
        assert second != first
        assert client.get("/api/me/", **auth).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=30, minutes=1)):
        expired = client.get("/api/me/", **auth)
        assert expired.status_code == 401
        assert "已过期" in expired.json()["detail"] or "expired" in expired.json()["detail"]
        assert AuthToken.objects.filter(user=user).count() == 1  # the expired one is gone
        renewed = obtain(client, "alice@example.org", password).json()
        new_auth = {"HTTP_AUTHORIZATION": f"Token {renewed['token']}"}
        assert client.get("/api/me/", **new_auth).status_code == 200


def test_existing_authtoken_tokens_keep_working_after_the_move_to_knox(client, user):
    old = Token.objects.create(user=user)
    auth = {"HTTP_AUTHORIZATION": f"Token {old.key}"}
    assert client.get("/api/me/", **auth).status_code == 401  # not moved yet

    migration = __import__(
        "interviewprep.migrations.0007_move_tokens_to_knox", fromlist=["move_tokens"]
    )
    migration.move_tokens(apps, connection.schema_editor())

    assert not Token.objects.exists()  # no plain-text token left
    moved = AuthToken.objects.get(user=user)
    assert moved.created == old.created
    assert moved.expiry == old.created + timedelta(days=30)
    assert old.key not in moved.digest
    assert client.get("/api/me/", **auth).status_code == 200


@pytest.mark.parametrize(
    "body", [{"email": "alice@example.org", "password": "wrong"}, {"email": "alice@example.org"}]
)
def test_obtain_token_refuses_bad_credentials(client, user, body):
    response = client.post("/api/auth/token/", body, content_type="application/json")

    assert response.status_code == 400
    assert not AuthToken.objects.exists()


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
    assert not AuthToken.objects.filter(user=user).exists()
    assert client.get("/api/me/", **auth).status_code == 401


def test_logout_needs_authentication(client):
    assert client.post("/api/auth/logout/").status_code == 401
