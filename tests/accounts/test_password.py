import re

import pytest
from django.core import mail
from django.urls import reverse

from interviewprep.models import User

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new passphrase 99"


def login(client, email, password):
    return client.post(reverse("login"), {"username": email, "password": password})


def change_password(client, old_password, **extra):
    """Post the profile's password form, setting NEW_PASSWORD."""
    return client.post(
        reverse("password_change"),
        {
            "old_password": old_password,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
        **extra,
    )


def test_password_change_keeps_the_session_and_replaces_the_password(client, user, password):
    client.force_login(user)

    response = change_password(client, password)

    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert client.get(reverse("profile")).status_code == 200


def test_a_changed_password_is_reported_to_the_owner_by_email(
    client, user, password, django_capture_on_commit_callbacks
):
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        change_password(client, password, headers={"Accept-Language": "zh-CN"})

    [notice] = mail.outbox
    assert notice.to == ["alice@example.org"]
    assert notice.subject == "你的 InterviewPrep 密码已更改"
    assert "alice@example.org" in notice.body
    # A way back in for a person whose password someone else changed.
    assert "http://testserver/accounts/password/reset/" in notice.body


def test_the_notice_is_in_the_owners_chosen_language(
    client, user, password, django_capture_on_commit_callbacks
):
    user.ui_language = "en"
    user.save()
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        change_password(client, password, headers={"Accept-Language": "zh-CN"})

    # The saved choice wins over the browser's language.
    assert [message.subject for message in mail.outbox] == [
        "Your InterviewPrep password was changed"
    ]


def test_password_change_needs_the_old_password(client, user, django_capture_on_commit_callbacks):
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = change_password(client, "wrong")

    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    assert mail.outbox == []


def test_password_change_needs_login(client):
    response = client.get(reverse("password_change"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_password_reset_end_to_end(client, user, password, django_capture_on_commit_callbacks):
    response = client.post(reverse("password_reset"), {"email": "ALICE@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.org"]
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", message.body)
    assert link, message.body

    # Django swaps the token in the URL for one kept in the session, then shows the form.
    form_page = client.get(link.group(1), follow=True)
    assert form_page.context["validlink"] is True
    set_password_url = form_page.redirect_chain[-1][0]
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        )
    assert done["Location"] == reverse("password_reset_complete")
    # The owner hears of the new password too (whoever held the link).
    assert [(m.to, m.subject) for m in mail.outbox[1:]] == [
        (["alice@example.org"], "Your InterviewPrep password was changed")
    ]

    assert login(client, "alice@example.org", password).status_code == 200
    assert login(client, "alice@example.org", NEW_PASSWORD).status_code == 302
    # The link cannot be used twice.
    client.post(reverse("logout"))
    assert client.get(link.group(1), follow=True).context["validlink"] is False


def test_password_reset_does_not_reveal_whether_an_account_exists(client, user):
    known = client.post(reverse("password_reset"), {"email": "alice@example.org"})
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.org"})

    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert len(mail.outbox) == 1
    assert [message.to for message in mail.outbox] == [["alice@example.org"]]
    assert not User.objects.filter(email="nobody@example.org").exists()
