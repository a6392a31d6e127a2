"""Report flooding (issue 20.5): one open report per learner, question and reason; a rate
limit on reports."""

import pytest
from django.db import IntegrityError

from questions.editorial import flags
from questions.models import EditorialFlag, Question
from tests.factories import FlagFactory, UserFactory

pytestmark = pytest.mark.django_db

PAYLOAD = {"reason": "wrong", "comment": "MQA 与 GQA 说反了"}


@pytest.fixture
def question():
    return Question.objects.visible().first()


def test_the_same_report_twice_is_refused_clearly(client, question):
    learner = UserFactory()
    client.force_login(learner)
    url = f"/api/questions/{question.pk}/flags/"
    statuses = [
        client.post(url, PAYLOAD, content_type="application/json").status_code for _ in range(10)
    ]
    assert statuses == [201] + [409] * 9
    refused = client.post(url, PAYLOAD, content_type="application/json").json()
    assert refused["code"] == "already_reported"
    assert "已经报告" in refused["detail"]
    assert EditorialFlag.objects.filter(reporter=learner).count() == 1
    # Another reason, or the same once the first is handled, is a new report.
    other = {**PAYLOAD, "reason": "typo"}
    assert client.post(url, other, content_type="application/json").status_code == 201
    EditorialFlag.objects.filter(reporter=learner).update(status=EditorialFlag.Status.DECLINED)
    assert client.post(url, PAYLOAD, content_type="application/json").status_code == 201


def test_the_page_says_so_too(client, question):
    client.force_login(UserFactory())
    url = f"/questions/{question.pk}/report/"
    assert client.post(url, {**PAYLOAD, "comment": "first"}).status_code == 302
    again = client.post(url, {**PAYLOAD, "comment": "again"})
    assert again.status_code == 400
    assert "已经报告" in again.content.decode()


def test_the_database_refuses_a_second_open_report(question):
    learner = UserFactory()
    FlagFactory(question=question, reporter=learner, reason="wrong")
    with pytest.raises(IntegrityError):
        FlagFactory(question=question, reporter=learner, reason="wrong")


def test_the_service_refuses_a_racing_duplicate(question, monkeypatch):
    learner = UserFactory()
    FlagFactory(question=question, reporter=learner, reason="wrong")
    # The existence check missed it (a concurrent request): the constraint still holds.
    monkeypatch.setattr(EditorialFlag.objects.open().__class__, "exists", lambda self: False)
    with pytest.raises(flags.AlreadyReported):
        flags.report_problem(question=question, reporter=learner, reason="wrong", comment="x")


def test_reports_are_rate_limited_per_account(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report": (3, 100, 3600)}
    client.force_login(UserFactory())
    questions = Question.objects.visible()[:5]
    statuses = [
        client.post(
            f"/api/questions/{q.pk}/flags/", PAYLOAD, content_type="application/json"
        ).status_code
        for q in questions
    ]
    assert statuses == [201, 201, 201, 429, 429]
    refused = client.post(
        f"/api/questions/{questions[0].pk}/flags/", PAYLOAD, content_type="application/json"
    )
    assert refused.json()["code"] == "rate_limited"
    assert 0 < int(refused["Retry-After"]) <= 3600
    page = client.post(f"/questions/{questions[4].pk}/report/", PAYLOAD)
    assert page.status_code == 429
    assert int(page["Retry-After"]) > 0
    assert "请求过于频繁" in page.content.decode()
