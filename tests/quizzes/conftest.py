from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from questions.models import Question, QuestionRevision
from questions.rendering import render_answer
from quizzes.models import Card, CardState, Rating, Review
from tests.factories import UserFactory


@pytest.fixture
def learner(db):
    return UserFactory(daily_goal=5)


@pytest.fixture
def other(db):
    return UserFactory(daily_goal=5)


def make_card(user, question, *, due: datetime, reps: int = 1, **fields) -> Card:
    """A studied card in a known state (scheduling itself is tested against fsrs)."""
    fields.setdefault("state", CardState.REVIEW)
    fields.setdefault("stability", 5.0)
    fields.setdefault("difficulty", 5.0)
    fields.setdefault("step", None)
    fields.setdefault("last_review", due - timedelta(days=3))
    fields.setdefault("first_reviewed_at", fields["last_review"])
    return Card.objects.create(user=user, question=question, due=due, reps=reps, **fields)


def make_review(card: Card, *, at: datetime, rating: int = Rating.GOOD, seconds: int = 0) -> Review:
    return Review.objects.create(
        card=card,
        user=card.user,
        question=card.question,
        rating=rating,
        reviewed_at=at,
        duration_seconds=seconds,
        state=card.state,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
    )


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
