from datetime import datetime

import pytest
from django.utils import timezone

from questions.models import Question, QuestionRevision
from questions.rendering import render_answer
from tests.factories import UserFactory


@pytest.fixture
def other(db):
    return UserFactory(daily_goal=5)


def local(*args: int) -> datetime:
    """An aware datetime in the site's time zone (Asia/Shanghai)."""
    return timezone.make_aware(datetime(*args))


def publish(question: Question, body: str) -> QuestionRevision:
    """A new live revision of the answer, as the editorial workflow publishes it."""
    revision = QuestionRevision.objects.create(
        question=question,
        number=question.live_revision.number + 1,
        origin=QuestionRevision.Origin.EDITOR,
        title=question.title,
        body_markdown=body,
        body_html=render_answer(body),
        difficulty=question.difficulty,
    )
    question.live_revision = revision
    question.body_markdown, question.body_html = body, revision.body_html
    question.save()
    return revision
