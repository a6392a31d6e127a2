import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def save_profile(client, **fields):
    data = {"display_name": "Alice", "ui_language": "en", "daily_goal": 10, **fields}
    return client.post(reverse("profile"), data, follow=True)


def test_profile_needs_login(client):
    response = client.get(reverse("profile"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={reverse('profile')}"


def test_profile_update_saves_the_fields(client, user):
    client.force_login(user)

    response = save_profile(client, display_name="艾丽丝", daily_goal=35)

    assert response.status_code == 200
    user.refresh_from_db()
    assert (user.display_name, user.ui_language, user.daily_goal) == ("艾丽丝", "en", 35)


def test_switching_the_language_switches_the_ui(client, user):
    client.force_login(user)

    to_chinese = save_profile(client, ui_language="zh-hans")
    # The test client sends Accept-Language: en; the saved choice wins over it.
    assert '<html lang="zh-hans">' in to_chinese.content.decode()
    assert "你的资料已保存。" in to_chinese.content.decode()

    to_english = save_profile(client, ui_language="en")
    assert '<html lang="en">' in to_english.content.decode()
    assert "Your profile has been saved." in to_english.content.decode()
    assert '<html lang="en">' in client.get(reverse("profile")).content.decode()


@pytest.mark.parametrize("goal", [0, 201, -3])
def test_daily_goal_must_be_between_1_and_200(client, user, goal):
    client.force_login(user)

    response = save_profile(client, daily_goal=goal)

    assert response.status_code == 200
    assert "daily_goal" in response.context["form"].errors
    user.refresh_from_db()
    assert user.daily_goal == 10


@pytest.mark.parametrize("goal", [1, 200])
def test_daily_goal_bounds_are_accepted(client, user, goal):
    client.force_login(user)

    save_profile(client, daily_goal=goal)

    user.refresh_from_db()
    assert user.daily_goal == goal


def test_unknown_language_is_refused(client, user):
    client.force_login(user)

    response = save_profile(client, ui_language="fr")

    assert "ui_language" in response.context["form"].errors
