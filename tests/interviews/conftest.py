from datetime import UTC, datetime

import pytest

from interviews.models import Attempt
from tests.factories import AttemptFactory, UserFactory

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def other_learner():
    return UserFactory()


@pytest.fixture
def start():
    """Start an interview for ``user`` from a filter: ``start(user, count=3, minutes=10)``."""

    def start(user, *, now=T0, **kwargs) -> Attempt:
        return AttemptFactory(user=user, now=now, **kwargs)

    return start
