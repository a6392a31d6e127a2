"""A rollback to a known-wrong version (issue 20.3): the findings its text brings back reopen,
the history says who rolled back to what, learners get no second "updated" notice, and the
API rolls back too."""

import pytest
from django.db.models import Max
from django.urls import reverse

from questions.editorial import revisions
from questions.models import EditorialFlag, Notification, Question
from quizzes import services
from quizzes.models import Card, Rating
from quizzes.queue import queue_head
from tests.factories import FlagFactory
from tests.questions.revisions import publish

pytestmark = pytest.mark.django_db

CORRECT = "MQA：所有查询头共享一个键/值头；GQA：每组查询头共享一个键/值头。"


@pytest.fixture
def fixed(mqa, learner, editor, reviewer):
    """MQA with a learner's high-severity finding, fixed and published in version 2."""
    finding = FlagFactory(
        question=mqa, reporter=learner, reason="wrong", severity=EditorialFlag.Severity.HIGH
    )
    open_before = list(mqa.flags.open().values_list("pk", flat=True))
    v2 = publish(mqa, editor, reviewer, CORRECT, resolves=open_before)
    mqa.refresh_from_db()
    assert mqa.status == Question.Status.PUBLISHED
    return finding, v2


def test_rolling_back_reopens_the_findings_the_old_text_brings_back(
    client, mqa, learner, reviewer, fixed
):
    finding, v2 = fixed
    original = mqa.revisions.get(number=v2.number - 1)
    updated_before = Notification.objects.filter(user=learner, kind="updated").count()
    assert updated_before == 1

    live = revisions.rollback_question(
        question=mqa, to_number=original.number, reviewer=reviewer, summary="误操作"
    )

    finding.refresh_from_db()
    mqa.refresh_from_db()
    assert finding.status == EditorialFlag.Status.OPEN
    assert finding.resolved_in is None
    assert mqa.status == Question.Status.NEEDS_REVISION  # the "under revision" notice is back
    assert Notification.objects.filter(user=learner, kind="updated").count() == updated_before
    assert live.origin == "rollback"
    assert live.restored_number == original.number

    client.force_login(learner)
    history = client.get(reverse("questions:history", args=[mqa.pk])).content.decode()
    assert f"回滚到版本 {original.number}，操作者 {reviewer.public_name}" in history
    reports = client.get(reverse("questions:my-reports")).content.decode()
    assert f"已在第 {v2.number} 版修正" not in reports


def test_rollback_through_the_api_is_for_reviewers(client, mqa, learner, editor, reviewer, fixed):
    _finding, v2 = fixed
    url = f"/api/questions/{mqa.pk}/rollback/"
    body = {"number": v2.number - 1, "summary": "回到原文"}
    assert client.post(url, body, content_type="application/json").status_code in {401, 403}
    for someone in (learner, editor):
        client.force_login(someone)
        assert client.post(url, body, content_type="application/json").status_code == 403
    client.force_login(reviewer)
    missing = client.post(url, {"number": 999}, content_type="application/json")
    assert missing.status_code == 400
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 201
    data = response.json()
    assert data["number"] == v2.number + 1
    assert data["origin"] == "rollback"
    assert data["restored_number"] == v2.number - 1
    assert "回到原文" in data["summary"]
    mqa.refresh_from_db()
    assert mqa.live_revision.number == v2.number + 1


def test_a_learner_who_reviewed_the_fix_has_the_rolled_back_answer_requeued(
    mqa, learner, reviewer, fixed
):
    """A rollback adds a version after every other, as publishing does: the practice queue,
    which looks for a version after the one a learner reviewed, shows the card again."""
    _finding, v2 = fixed
    services.record_review(user=learner, question=mqa, rating=Rating.GOOD)
    card = Card.objects.get(user=learner, question=mqa)
    assert card.seen_revision == v2.number
    assert queue_head(user=learner).card_id is None  # reviewed just now: not due

    revisions.rollback_question(question=mqa, to_number=v2.number - 1, reviewer=reviewer)

    mqa.refresh_from_db()
    latest = mqa.revisions.aggregate(latest=Max("number"))["latest"]
    assert mqa.live_revision.number == latest == v2.number + 1
    head = queue_head(user=learner)
    assert (head.due_count, head.card_id) == (1, card.pk)
