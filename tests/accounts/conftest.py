"""Account tests.

django-axes keeps its failure counts in the database (AccessAttempt rows), so the ``db``
fixture's rollback gives every test a clean slate. Log users in with ``client.force_login``
or through the login page: ``client.login()`` calls ``authenticate()`` without a request,
which axes' backend refuses.
"""

import pytest

from interviewprep.models import User

PASSWORD = "correct horse battery staple 42"


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def user(db) -> User:
    return User.objects.create_user("alice@example.org", PASSWORD, display_name="Alice")


@pytest.fixture
def make_user(db):
    def make(email: str, **extra) -> User:
        return User.objects.create_user(email, PASSWORD, **extra)

    return make


@pytest.fixture
def client():
    """A browser that prefers English, so assertions can use the English msgids.

    Tests about the default language (简体中文) build their own client.
    """
    from django.test import Client

    return Client(headers={"accept-language": "en"})
