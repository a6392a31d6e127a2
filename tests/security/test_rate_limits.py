"""Rate limits on sign-up and password-reset requests, per account and per address, 429 with
Retry-After (issue 20.6). Reports: tests/security/test_report_flooding.py."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from interviewprep import ratelimit
from interviewprep.errors import RateLimited
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a long and unusual passphrase 7"
START = datetime(2026, 3, 2, 9, 0, 30, tzinfo=UTC)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


def _signup(client, n, ip):
    return client.post(
        reverse("signup"),
        {"email": f"new{n}@example.com", "password1": PASSWORD, "password2": PASSWORD},
        REMOTE_ADDR=ip,
    )


def test_signups_from_one_address_are_limited(client, settings, clock):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup": (2, 3, 3600)}
    statuses = []
    for n in range(4):
        client.logout()
        statuses.append(_signup(client, n, "192.0.2.1").status_code)
    assert statuses == [302, 302, 302, 429]
    client.logout()
    refused = _signup(client, 9, "192.0.2.1")
    assert refused.status_code == 429
    assert refused["Retry-After"] == str(3600 - 30)
    assert "Too many requests" in refused.content.decode() or "请求过于频繁" in (
        refused.content.decode()
    )
    client.logout()
    assert _signup(client, 10, "192.0.2.2").status_code == 302  # another address
    clock.shift(timedelta(hours=1))
    client.logout()
    assert _signup(client, 11, "192.0.2.1").status_code == 302  # the next window


def test_password_reset_requests_are_limited(client, settings, clock):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_reset": (5, 2, 3600)}
    UserFactory(email="someone@example.com")
    url = reverse("password_reset")
    statuses = [
        client.post(url, {"email": "someone@example.com"}, REMOTE_ADDR="192.0.2.5").status_code
        for _ in range(4)
    ]
    assert statuses == [302, 302, 429, 429]
    assert len(mail.outbox) == 2


def test_a_signed_in_account_is_limited_across_addresses(rf, settings, clock):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "grading": (2, 100, 60)}
    user = UserFactory()
    for n, address in enumerate(["192.0.2.10", "192.0.2.11", "192.0.2.12"]):
        request = rf.post("/", REMOTE_ADDR=address)
        request.user = user
        if n < 2:
            ratelimit.limit(request, "grading")
        else:
            with pytest.raises(RateLimited) as refused:
                ratelimit.limit(request, "grading")
            assert refused.value.retry_after == 30
            assert refused.value.status == 429
