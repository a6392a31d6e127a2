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


def test_uploads_of_notes_are_limited_per_account(client, settings, clock, editor):
    """Issue 20.6: uploads (new in issue 15), page and API, share one limit per account."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "upload": (2, 10, 3600)}
    client.force_login(editor)
    note = {"name": "n.md", "text": "# 笔记\n\n## 1. 什么是温度采样？\n\n温度越高，分布越平。\n"}
    page = client.post(reverse("questions:imports"), note)
    api = client.post("/api/editorial/imports/", note)
    assert (page.status_code, api.status_code) == (302, 201)
    refused = client.post("/api/editorial/imports/", note)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["code"] == "rate_limited"
    assert client.post(reverse("questions:imports"), note).status_code == 429


def test_grading_is_limited_per_account(client, settings, clock, learner):
    """Issue 20.6: grading (new in issue 17), in practice and in the API, is limited."""
    from questions.models import Question

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "grading": (1, 10, 3600)}
    question = Question.objects.practicable().exclude(live_revision__key_points=[]).first()
    client.force_login(learner)
    url = f"/api/questions/{question.pk}/grade/"
    first = client.post(url, {"answer": "低秩分解"}, content_type="application/json")
    assert first.status_code == 200
    second = client.post(url, {"answer": "低秩分解"}, content_type="application/json")
    assert second.status_code == 429
    assert "Retry-After" in second
    check = client.post(reverse("practice:check", args=[question.pk]), {"attempt": "低秩"})
    assert check.status_code == 429
