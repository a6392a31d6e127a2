"""Today's queue, decks, and what changed since the learner's last review."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape

from questions.models import EditorialFlag, Question
from quizzes import services
from quizzes.models import Bookmark, Card, Rating
from quizzes.queue import build_deck, todays_queue
from tests.factories import CardFactory, FlagFactory, QuestionFactory, TagFactory

from .conftest import publish

pytestmark = pytest.mark.django_db
NOW = datetime(2025, 3, 10, 4, 0, tzinfo=UTC)
SESSION = reverse("practice:session")


def practicable(n: int) -> list[Question]:
    return list(Question.objects.practicable().order_by("id")[:n])


@time_machine.travel(NOW, tick=False)
def test_due_reviews_come_first_by_due_date_then_new_up_to_the_daily_goal(learner):
    learner.daily_goal = 3
    learner.save()
    a, b, c, d = practicable(4)
    CardFactory(user=learner, question=a, due=NOW - timedelta(hours=1))
    CardFactory(user=learner, question=b, due=NOW - timedelta(days=2))
    CardFactory(user=learner, question=c, due=NOW - timedelta(minutes=5))
    CardFactory(user=learner, question=d, due=NOW + timedelta(hours=1))  # not due yet
    queue = todays_queue(user=learner)
    new = [q for q in practicable(10) if q not in (a, b, c, d)][:3]
    assert [(item.kind, item.question) for item in queue.items] == [
        ("review", b),
        ("review", a),
        ("review", c),
        *[("new", q) for q in new],
    ]
    assert (queue.due_count, queue.new_count) == (3, 3)
    assert queue.items[0].due == NOW - timedelta(days=2)


def test_new_questions_started_today_count_against_the_daily_goal(learner):
    learner.daily_goal = 3
    learner.save()
    with time_machine.travel(NOW, tick=False):
        first, second = practicable(2)
        services.record_review(user=learner, question=first, rating=Rating.EASY)
        services.record_review(user=learner, question=second, rating=Rating.EASY)
        queue = todays_queue(user=learner)
        assert (queue.new_today, queue.new_count) == (2, 1)
    # Tomorrow the goal is fresh.
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        assert todays_queue(user=learner).new_count == 3


def test_questions_without_an_answer_or_merged_or_notes_are_never_offered(learner):
    learner.daily_goal = 200  # the most a profile allows; more than the bank's questions
    learner.save()
    unanswered = QuestionFactory(has_answer=False, body_markdown="")
    assert Question.objects.practicable().count() < 200
    offered = {item.question.pk for item in todays_queue(user=learner).items}
    assert offered == set(Question.objects.practicable().values_list("pk", flat=True))
    assert unanswered.pk not in offered
    assert not offered & set(Question.objects.filter(kind="note").values_list("pk", flat=True))
    assert not offered & set(
        Question.objects.exclude(duplicate_of=None).values_list("pk", flat=True)
    )


def test_a_changed_answer_is_shown_with_its_diff_and_requeued(client, learner):
    question = practicable(1)[0]
    old_body = question.body_markdown
    with time_machine.travel(NOW, tick=False):
        services.record_review(user=learner, question=question, rating=Rating.EASY)
    card = Card.objects.get(user=learner, question=question)
    assert card.seen_revision == question.live_revision.number
    later = NOW + timedelta(days=1)
    assert card.due > later  # not due: only the change brings it back
    with time_machine.travel(later, tick=False):
        assert question not in [item.question for item in todays_queue(user=learner).items]
        publish(question, old_body + "\n\n补充：GQA 也能减小 KV cache。")
        queue = todays_queue(user=learner)
        reviews = [item for item in queue.items if item.kind != "new"]
        assert [(item.kind, item.question) for item in reviews] == [("changed", question)]
        assert reviews[0].due == later
        assert queue.items[0] == reviews[0]  # reviews come before new questions

        client.force_login(learner)
        html = client.get(SESSION).content.decode()
        assert 'class="notice changed"' in html
        assert 'class="diff-add">+ 补充：GQA 也能减小 KV cache。</span>' in html
        response = client.post(
            reverse("practice:review"), {"question": question.pk, "rating": Rating.GOOD}
        )
        assert response.status_code == 302
    card.refresh_from_db()
    assert card.seen_revision == question.live_revision.number
    with time_machine.travel(later, tick=False):
        assert question not in [item.question for item in todays_queue(user=learner).items]
        assert "diff-add" not in client.get(reverse("practice:home")).content.decode()


def test_a_question_under_revision_shows_its_notice_during_practice(client, learner):
    question = practicable(1)[0]
    question.status = Question.Status.NEEDS_REVISION
    question.save()
    FlagFactory(question=question, severity=EditorialFlag.Severity.HIGH, problem="公式写错了")
    client.force_login(learner)
    html = client.get(SESSION).content.decode()
    assert escape(question.title) in html
    assert 'class="notice revision"' in html
    assert "公式写错了" in html


def test_deck_from_tags_difficulty_bookmarks_and_mistakes(learner, other):
    tag = TagFactory()
    easy, hard, untagged = (
        QuestionFactory(difficulty="easy"),
        QuestionFactory(difficulty="hard"),
        QuestionFactory(),
    )
    easy.tags.add(tag)
    hard.tags.add(tag)
    unanswered = QuestionFactory(has_answer=False)
    unanswered.tags.add(tag)
    assert build_deck(user=learner, tags=[tag.slug]) == [easy.pk, hard.pk]
    assert build_deck(user=learner, tags=[tag.slug], difficulty="hard") == [hard.pk]

    Bookmark.objects.create(user=learner, question=untagged)
    Bookmark.objects.create(user=other, question=easy)
    assert build_deck(user=learner, bookmarked=True) == [untagged.pk]

    services.record_review(user=learner, question=hard, rating=Rating.AGAIN)
    services.record_review(user=learner, question=easy, rating=Rating.GOOD)
    services.record_review(user=other, question=untagged, rating=Rating.AGAIN)
    assert build_deck(user=learner, wrong=True) == [hard.pk]
    # Studied questions come first, the most overdue first.
    assert build_deck(user=learner, tags=[tag.slug]) == [hard.pk, easy.pk]
    with pytest.raises(services.PracticeError):
        build_deck(user=learner, difficulty="impossible")
