from datetime import UTC, datetime

import pytest

from interviews import services
from interviews.models import Attempt
from tests.factories import UserFactory

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def other_learner():
    return UserFactory()


@pytest.fixture
def start():
    """Start an interview for ``user`` from a filter: ``start(user, count=3, minutes=10)``."""

    def start(user, *, count=3, minutes=10, now=T0, tags=(), mix=None, **kwargs) -> Attempt:
        criteria = services.Criteria(
            count=count, minutes=minutes, tag_slugs=tuple(tags), difficulty_mix=mix or {}
        )
        return services.start_attempt(user=user, criteria=criteria, now=now, **kwargs)

    return start
