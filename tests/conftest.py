import os
from pathlib import Path

import hypothesis
import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from questions.importing import pipeline
from tests.factories import UserFactory

# Property tests explore new random examples on developers' machines and replay a fixed set
# in CI (the CI runner sets CI=true), so a CI run is repeatable.
hypothesis.settings.register_profile("ci", derandomize=True)
hypothesis.settings.load_profile("ci" if os.environ.get("CI") else "default")

FIXTURES_DIR = Path(settings.QUESTION_FIXTURES_DIR)
_loaded: dict[str, pipeline.ImportReport] = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real question bank once per test database.

    Tests that use ``db`` run inside a transaction on top of it and see a fresh bank each
    time. Transactional tests (the browser ones) empty the database afterwards, so they ask
    for ``loaded_bank``, which loads it again when it is gone.
    """
    with django_db_blocker.unblock():
        _loaded["report"] = pipeline.import_bank(fixtures_dir=FIXTURES_DIR)


@pytest.fixture(autouse=True)
def default_language():
    # A request leaves its language active in the thread (LocaleMiddleware does not reset
    # it); start every test from the site's default so no test depends on the one before.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Argon2 (the production hasher, see test_deployment.py) takes most of a second per user.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def learner(db):
    """A signed-up learner with no role (a daily goal of 5 new questions)."""
    return UserFactory(email="learner@example.com", daily_goal=5)


@pytest.fixture
def editor(db):
    return UserFactory(email="editor@example.com", roles=["editor"])


@pytest.fixture
def reviewer(db):
    """A reviewer who is also an editor, as the editorial team's reviewers are."""
    return UserFactory(email="reviewer@example.com", roles=["reviewer", "editor"])


@pytest.fixture
def bank_report() -> pipeline.ImportReport:
    """The report of the first load of the real bank into the test database."""
    return _loaded["report"]


@pytest.fixture
def loaded_bank(transactional_db) -> None:
    from questions.models import Question

    if not Question.objects.exists():
        pipeline.import_bank(fixtures_dir=FIXTURES_DIR)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the list page's sidebar is cached)."""
    cache.clear()
