"""People for the editorial tests: a learner, two editors, a reviewer, staff."""

import pytest
from django.contrib.auth.models import Group

from questions.models import Question
from tests.factories import UserFactory


def _member(email: str, *groups: str):
    user = UserFactory(email=email)
    for name in groups:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    return user


@pytest.fixture
def learner(db):
    return UserFactory(email="learner@example.com")


@pytest.fixture
def editor(db):
    return _member("editor@example.com", "editor")


@pytest.fixture
def editor2(db):
    return _member("editor2@example.com", "editor")


@pytest.fixture
def reviewer(db):
    return _member("reviewer@example.com", "reviewer", "editor")


@pytest.fixture
def staff(db):
    return UserFactory(email="staff@example.com", is_staff=True)


@pytest.fixture
def mqa(db) -> Question:
    """The Multi-query Attention question the editorial review found wrong."""
    return Question.objects.get(title__contains="Multi-query Attention")


@pytest.fixture
def login_url(settings) -> str:
    # The accounts branch provides the "login" URL; until it is merged, point at a path.
    settings.LOGIN_URL = "/login/"
    return "/login/"


def as_user(client, user):
    client.force_login(user)
    return client
