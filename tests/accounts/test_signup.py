import pytest
from django.test import Client
from django.urls import reverse

from interviewprep.models import User

pytestmark = pytest.mark.django_db


def signup(client, email, password, **extra):
    return client.post(
        reverse("signup"), {"email": email, "password1": password, "password2": password, **extra}
    )


def test_signup_creates_a_learner_and_logs_them_in(client, password):
    response = signup(client, "new.person@Example.ORG", password)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    user = User.objects.get(email__iexact="new.person@example.org")
    assert user.check_password(password)
    assert not user.is_staff
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get(reverse("profile")).status_code == 200


def test_signup_rotates_the_session_key(client, password):
    session = client.session
    session["before"] = True
    session.save()
    anonymous_key = session.session_key

    signup(client, "new.person@example.org", password)

    assert client.session.session_key != anonymous_key


def test_duplicate_email_in_another_case_is_refused_with_a_clear_message(client, user, password):
    response = signup(client, "ALICE@example.org", password)

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "An account with this email address already exists."
    ]
    assert "An account with this email address already exists." in response.content.decode()
    assert User.objects.filter(email__iexact="alice@example.org").count() == 1
    assert "_auth_user_id" not in client.session


def test_duplicate_email_message_is_translated_by_default(user, password):
    response = signup(Client(), "ALICE@example.org", password)

    assert "此电子邮件地址已注册账号。" in response.content.decode()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("password123", "This password is too common."),
        ("a1b2c3d4e5", "This password is too short. It must contain at least 12 characters."),
        ("8675309112358", "This password is entirely numeric."),
    ],
)
def test_weak_passwords_are_refused(client, password, message):
    response = signup(client, "new.person@example.org", password)

    assert response.status_code == 200
    assert message in response.context["form"].errors["password2"]
    assert not User.objects.filter(email="new.person@example.org").exists()


def test_mismatched_passwords_are_refused(client, password):
    response = client.post(
        reverse("signup"),
        {"email": "new.person@example.org", "password1": password, "password2": password + "x"},
    )

    assert response.status_code == 200
    assert not User.objects.exists()


def test_signup_follows_a_safe_next_only(client, password):
    ok = signup(client, "one@example.org", password, next="/accounts/profile/")
    client.post(reverse("logout"))
    evil = signup(client, "two@example.org", password, next="https://evil.example/")

    assert ok["Location"] == "/accounts/profile/"
    assert evil["Location"] == reverse("home")
