"""Display names cannot impersonate (issue 20.8): normalised, reserved names refused, unique
ignoring case and width."""

import pytest
from django.urls import reverse

from interviewprep.names import normalise
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def save_profile(client, name):
    return client.post(
        reverse("profile"), {"display_name": name, "ui_language": "zh-hans", "daily_goal": 10}
    )


def api_save(client, name):
    return client.patch("/api/me/", {"display_name": name}, content_type="application/json")


def test_names_are_normalised(client):
    user = UserFactory()
    client.force_login(user)
    save_profile(client, "  Ａｌｉｃｅ\u202e\u200b  \u2066Smith\u2069 ")
    user.refresh_from_db()
    assert user.display_name == "Alice Smith"
    assert normalise("a\u200db\u200fc\ufeff") == "abc"


@pytest.mark.parametrize(
    "name",
    ["编辑", "Editor", "ＥＤＩＴＯＲ", "ad\u200bmin", "管理员", "Moderator", "staff", "学习者 #12"],
)
def test_reserved_names_are_refused(client, name):
    user = UserFactory()
    client.force_login(user)
    page = save_profile(client, name)
    assert page.status_code == 200
    assert page.context["form"].has_error("display_name", "reserved")
    api = api_save(client, name)
    assert api.status_code == 400
    assert "display_name" in api.json()
    user.refresh_from_db()
    assert user.display_name == ""


def test_a_name_in_use_is_refused_ignoring_case_and_width(client):
    UserFactory(display_name="Alice")
    user = UserFactory()
    client.force_login(user)
    for name in ("alice", "ＡＬＩＣＥ", " Alice\u200b"):
        page = save_profile(client, name)
        assert page.context["form"].has_error("display_name", "taken"), name
        assert api_save(client, name).status_code == 400, name
    assert save_profile(client, "Alice B").status_code == 302
    # Keeping one's own name is no clash.
    assert save_profile(client, "ALICE B").status_code == 302
