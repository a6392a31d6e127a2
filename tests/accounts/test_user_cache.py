"""The signed-in user is kept in the cache between requests (interviewprep.backends), and
every change to them or their roles shows on their next request."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interviewprep.backends import RoleAwareModelBackend
from tests.factories import sign_in_to_admin

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

EDITOR_QUEUE = reverse("questions:editor-queue")


def signed_in(user) -> Client:
    browser = Client(headers={"accept-language": "en"})
    browser.force_login(user)
    return browser


def users_read(browser: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        browser.get(url)
    return sum("FROM interviewprep_user u" in query["sql"] for query in ctx.captured_queries)


def test_the_user_is_read_once_then_kept(make_user):
    browser = signed_in(make_user("kept@example.com", display_name="缓存的我"))
    assert users_read(browser, reverse("profile")) == 1
    assert users_read(browser, reverse("profile")) == 0
    assert "缓存的我" in browser.get(reverse("home")).content.decode()


def test_the_kept_copy_holds_no_password_hash(make_user):
    user = make_user("hash@example.com")
    RoleAwareModelBackend().get_user(user.pk)
    values, session_hash, roles = cache.get(f"auth:user:{user.pk}")
    assert user.password not in map(str, values)
    assert session_hash == user.get_session_auth_hash()
    assert roles == []
    kept = RoleAwareModelBackend().get_user(user.pk)
    assert kept.get_deferred_fields() == {"password"}
    assert kept.check_password(PASSWORD)  # read from the database when needed


def test_a_deactivated_user_is_signed_out_at_once(make_user):
    user = make_user("deactivated@example.com")
    browser = signed_in(user)
    assert browser.get(reverse("profile")).status_code == 200
    staff = sign_in_to_admin(
        Client(), make_user("staff@example.com", is_staff=True, is_superuser=True)
    )
    url = reverse("admin:interviewprep_user_change", args=[user.pk])
    form = staff.get(url).context["adminform"].form
    data = {name: value for name in form.fields if (value := form[name].value()) is not None}
    data |= {"is_active": "", "last_login_0": "", "last_login_1": ""}
    data |= {"date_joined_0": "2026-01-01", "date_joined_1": "08:00:00"}
    response = staff.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert browser.get(reverse("profile")).status_code == 302


def test_a_profile_change_shows_on_the_next_page(make_user):
    browser = signed_in(make_user("profile@example.com", display_name="旧名字"))
    assert "旧名字" in browser.get(reverse("home")).content.decode()
    response = browser.post(
        reverse("profile"),
        {"display_name": "新名字", "ui_language": "zh-hans", "daily_goal": 12},
    )
    assert response.status_code == 302
    assert "新名字" in browser.get(reverse("home")).content.decode()


def test_roles_granted_and_revoked_apply_on_the_next_request(make_user):
    user = make_user("roles@example.com")
    browser = signed_in(user)
    assert browser.get(EDITOR_QUEUE).status_code == 403
    call_command("grant_role", user.email, "editor")
    assert browser.get(EDITOR_QUEUE).status_code == 200

    editors = Group.objects.get(name="editor")
    editors.user_set.remove(user)  # from the group's side, as the admin's group page does
    assert browser.get(EDITOR_QUEUE).status_code == 403
    user.groups.add(editors)
    assert browser.get(EDITOR_QUEUE).status_code == 200
    editors.name = "former editors"  # a role is a group's name
    editors.save()
    assert browser.get(EDITOR_QUEUE).status_code == 403
