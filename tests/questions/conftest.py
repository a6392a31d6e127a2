"""People for the editorial tests besides tests/conftest.py's learner, editor and reviewer:
a second editor and staff."""

import pytest

from questions.models import Question
from tests.factories import UserFactory


@pytest.fixture
def editor2(db):
    return UserFactory(email="editor2@example.com", roles=["editor"])


@pytest.fixture
def staff(db):
    return UserFactory(email="staff@example.com", is_staff=True)


@pytest.fixture
def mqa(db) -> Question:
    """The Multi-query Attention question the editorial review found wrong."""
    return Question.objects.get(title__contains="Multi-query Attention")


def as_user(client, user):
    client.force_login(user)
    return client
