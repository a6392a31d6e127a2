"""Rating cards: the schedule is exactly what the fsrs package computes for the same card and
time; the clock is moved with time-machine."""

import random
from datetime import UTC, datetime, timedelta

import fsrs
import pytest
import time_machine

from questions.models import Question
from quizzes import services
from quizzes.models import LEECH_AGAIN_COUNT, Card, CardState, Rating, Review
from tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db
START = datetime(2025, 3, 10, 4, 0, tzinfo=UTC)


@pytest.fixture
def question():
    return Question.objects.practicable().order_by("id").first()


def assert_same_schedule(card: Card, expected: fsrs.Card) -> None:
    assert card.due == expected.due
    assert card.state == int(expected.state)
    assert card.step == expected.step
    assert card.stability == pytest.approx(expected.stability)
    assert card.difficulty == pytest.approx(expected.difficulty)
    assert card.last_review == expected.last_review


def test_good_on_a_new_card_is_scheduled_as_fsrs_does(learner, question):
    with time_machine.travel(START, tick=False):
        review = services.record_review(user=learner, question=question, rating=Rating.GOOD)
    card = Card.objects.get(user=learner, question=question)
    expected, _log = fsrs.Scheduler().review_card(
        fsrs.Card(card_id=card.pk, due=START), fsrs.Rating.Good, START
    )
    assert_same_schedule(card, expected)
    assert expected.due == START + timedelta(minutes=10)  # fsrs's second learning step
    assert (card.reps, card.last_rating, card.first_reviewed_at) == (1, Rating.GOOD, START)
    assert (review.rating, review.reviewed_at, review.due) == (Rating.GOOD, START, card.due)


@pytest.mark.parametrize("fuzz", [False, True])
def test_a_history_over_weeks_follows_fsrs_step_by_step(learner, question, settings, fuzz):
    settings.PRACTICE_FSRS = {"enable_fuzzing": fuzz}
    scheduler = fsrs.Scheduler(enable_fuzzing=fuzz)
    expected = None
    ratings = [Rating.GOOD, Rating.GOOD, Rating.GOOD, Rating.HARD, Rating.AGAIN, Rating.GOOD]
    now = START
    for n, rating in enumerate(ratings):
        with time_machine.travel(now, tick=False):
            random.seed(n)  # fuzzing draws from `random`; the same draw on both sides
            services.record_review(user=learner, question=question, rating=rating)
        card = Card.objects.get(user=learner, question=question)
        random.seed(n)
        expected, _log = scheduler.review_card(
            expected or fsrs.Card(card_id=card.pk, due=START), fsrs.Rating(rating), now
        )
        assert_same_schedule(card, expected)
        now = card.due  # the learner comes back exactly when the card is due
    assert card.state == CardState.REVIEW
    assert card.reps == len(ratings)
    assert card.again_count == 1
    assert Review.objects.filter(card=card).count() == len(ratings)


def test_again_brings_the_card_back_sooner_than_good(learner, other, question):
    for user in (learner, other):
        for day in range(3):
            with time_machine.travel(START + timedelta(days=day), tick=False):
                services.record_review(user=user, question=question, rating=Rating.GOOD)
    later = START + timedelta(days=20)
    with time_machine.travel(later, tick=False):
        services.record_review(user=learner, question=question, rating=Rating.AGAIN)
        services.record_review(user=other, question=question, rating=Rating.GOOD)
    forgot = Card.objects.get(user=learner, question=question)
    recalled = Card.objects.get(user=other, question=question)
    assert forgot.state == CardState.RELEARNING
    assert forgot.due == later + timedelta(minutes=10)  # fsrs's relearning step
    assert recalled.due - later > timedelta(days=1)
    assert forgot.due < recalled.due


def test_time_spent_is_measured_from_showing_to_rating_and_capped(learner):
    first, second, third = Question.objects.practicable().order_by("id")[:3]
    with time_machine.travel(START, tick=False) as clock:
        services.show_card(user=learner, question=first)
        clock.shift(20)
        services.show_card(user=learner, question=first)  # a reload keeps the first time
        clock.shift(22)
        quick = services.record_review(user=learner, question=first, rating=Rating.GOOD)
        services.show_card(user=learner, question=second)
        clock.shift(timedelta(hours=3))
        away = services.record_review(user=learner, question=second, rating=Rating.GOOD)
        unseen = services.record_review(user=learner, question=third, rating=Rating.GOOD)
    assert quick.duration_seconds == 42
    assert away.duration_seconds == 300
    assert unseen.duration_seconds == 0
    assert Card.objects.get(user=learner, question=first).shown_at is None


def test_review_keeps_the_attempt_and_the_revision_seen(learner, question):
    services.record_review(
        user=learner, question=question, rating=Rating.HARD, attempt="  KV cache 存的是 K 和 V "
    )
    review = Review.objects.get(user=learner)
    assert review.attempt == "  KV cache 存的是 K 和 V "
    assert review.revision_number == question.live_revision.number
    assert Card.objects.get(user=learner).seen_revision == question.live_revision.number


def test_a_double_submit_records_one_review(learner, question):
    services.record_review(user=learner, question=question, rating=Rating.GOOD, expected_reps=0)
    with pytest.raises(services.AlreadyRated):
        services.record_review(user=learner, question=question, rating=Rating.GOOD, expected_reps=0)
    assert Review.objects.filter(user=learner).count() == 1
    assert Card.objects.get(user=learner).reps == 1


def test_questions_without_an_answer_and_notes_cannot_be_rated(learner):
    unanswered = QuestionFactory(has_answer=False, body_markdown="")
    note = Question.objects.filter(kind=Question.Kind.NOTE).first()
    for question in (unanswered, note):
        with pytest.raises(services.PracticeError):
            services.record_review(user=learner, question=question, rating=Rating.GOOD)
    with pytest.raises(services.PracticeError):
        services.record_review(user=learner, question=QuestionFactory(), rating=7)
    assert not Card.objects.filter(user=learner).exists()


def test_a_card_answered_again_many_times_becomes_a_leech(learner, question):
    now = START
    for n in range(LEECH_AGAIN_COUNT):
        with time_machine.travel(now, tick=False):
            services.record_review(user=learner, question=question, rating=Rating.AGAIN)
        card = Card.objects.get(user=learner)
        assert card.is_leech == (n == LEECH_AGAIN_COUNT - 1)
        now += timedelta(hours=1)
    assert card.leeched_at == now - timedelta(hours=1)
    assert list(Card.objects.for_user(learner).leeches()) == [card]
