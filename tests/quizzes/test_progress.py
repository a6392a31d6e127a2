"""The dashboard's figures from a known review history (pages and API agree)."""

from datetime import date, timedelta

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse
from django.utils.html import escape

from questions.models import Question
from quizzes.models import LEECH_AGAIN_COUNT, CardState, Rating
from tests.factories import CardFactory, QuestionFactory, ReviewFactory, TagFactory

from .conftest import local, publish

pytestmark = pytest.mark.django_db
NOW = local(2025, 3, 10, 12, 0)  # Asia/Shanghai, the site's time zone
TODAY = date(2025, 3, 10)


@pytest.fixture
def history(learner, other):
    """Cards with known due dates and eight reviews at known local times.

    Due today: A (an hour ago), E (23:00 tonight), F (due in 20 days but its answer changed).
    Due in the next seven days: B (tomorrow), C (in three days). D: in ten days.
    Reviews: today 3 (one just after midnight: still "yesterday" in UTC), yesterday 2 (one at
    23:30), two days ago 1, four days ago 1, ten days ago 1; 6 of 8 Good or Easy.
    """
    tag = TagFactory()
    tagged = [QuestionFactory() for _ in range(4)]
    for question in tagged:
        question.tags.add(tag)
    QuestionFactory(has_answer=False).tags.add(tag)  # not practicable: not counted
    others = list(Question.objects.practicable().order_by("id")[:3])
    a = CardFactory(user=learner, question=tagged[0], due=NOW - timedelta(hours=1), stability=30.0)
    b = CardFactory(user=learner, question=tagged[1], due=local(2025, 3, 11, 9, 0), stability=25.0)
    c = CardFactory(user=learner, question=tagged[2], due=NOW + timedelta(days=3), stability=5.0)
    d = CardFactory(user=learner, question=others[0], due=NOW + timedelta(days=10))
    e = CardFactory(user=learner, question=others[1], due=local(2025, 3, 10, 23, 0))
    seen = others[2].live_revision.number
    f = CardFactory(
        user=learner, question=others[2], due=NOW + timedelta(days=20), seen_revision=seen
    )
    publish(others[2], "新的答案")
    CardFactory(  # another learner's card and reviews never count
        user=other,
        question=tagged[3],
        due=NOW - timedelta(days=1),
        again_count=LEECH_AGAIN_COUNT,
        leeched_at=NOW,
    )
    leech = CardFactory(
        user=learner,
        question=tagged[3],
        due=NOW + timedelta(days=30),
        state=CardState.RELEARNING,
        again_count=LEECH_AGAIN_COUNT,
        leeched_at=NOW - timedelta(days=4),
    )
    reviews = [
        (a, local(2025, 3, 10, 0, 30), Rating.GOOD, 30),
        (b, local(2025, 3, 10, 9, 0), Rating.EASY, 40),
        (c, local(2025, 3, 10, 11, 0), Rating.AGAIN, 50),
        (d, local(2025, 3, 9, 23, 30), Rating.GOOD, 60),
        (e, local(2025, 3, 9, 8, 0), Rating.GOOD, 20),
        (f, local(2025, 3, 8, 8, 0), Rating.GOOD, 10),
        (leech, local(2025, 3, 6, 8, 0), Rating.AGAIN, 100),
        (a, local(2025, 2, 28, 8, 0), Rating.GOOD, 5),
    ]
    for card, at, rating, seconds in reviews:
        ReviewFactory(card=card, reviewed_at=at, rating=rating, duration_seconds=seconds)
    other_card = CardFactory(user=other, question=others[0], due=NOW)
    ReviewFactory(
        card=other_card,
        reviewed_at=NOW - timedelta(hours=1),
        rating=Rating.AGAIN,
        duration_seconds=99,
    )
    return {"tag": tag, "leech": leech}


EXPECTED = {
    "today": "2025-03-10",
    "due_today": 3,
    "due_week": 2,
    "reviews_today": 3,
    "total_reviews": 8,
    "retention": 75,
    "streak": 3,
    "seconds_today": 120,
    "seconds_week": 310,
    "seconds_total": 315,
}


@time_machine.travel(NOW, tick=False)
def test_progress_api_figures(client, learner, history, settings):
    settings.PRACTICE_STREAK_MIN_REVIEWS = 1
    client.force_login(learner)
    data = client.get(reverse("practice-api:progress")).json()
    assert list(data) == [*EXPECTED, "reviews_per_day", "tags", "leeches"]
    assert {key: data[key] for key in EXPECTED} == EXPECTED
    assert data["reviews_per_day"] == [
        {"day": "2025-02-28", "reviews": 1, "seconds": 5},
        {"day": "2025-03-06", "reviews": 1, "seconds": 100},
        {"day": "2025-03-08", "reviews": 1, "seconds": 10},
        {"day": "2025-03-09", "reviews": 2, "seconds": 80},
        {"day": "2025-03-10", "reviews": 3, "seconds": 120},
    ]
    # Tag: four practicable questions, four studied (A, B, C, the leech), two mastered
    # (Review state, stability of three weeks or more: A and B).
    assert {"tag": history["tag"].slug, "total": 4, "studied": 4, "mastered": 2, "percent": 50} in (
        data["tags"]
    )
    assert data["leeches"] == [history["leech"].question_id]


@time_machine.travel(NOW, tick=False)
def test_dashboard_page_shows_the_same_figures_and_draws_svg(client, learner, history, settings):
    settings.PRACTICE_STREAK_MIN_REVIEWS = 1
    client.force_login(learner)
    response = client.get(reverse("practice:dashboard"))
    html = response.content.decode()
    progress = response.context["progress"]
    assert (progress.due_today, progress.due_week, progress.reviews_today) == (3, 2, 3)
    assert (progress.retention, progress.streak) == (75, 3)
    assert (progress.seconds_today, progress.seconds_week, progress.seconds_total) == (
        120,
        310,
        315,
    )
    assert [count for _day, count in progress.forecast] == [1, 0, 1, 0, 0, 0, 0]
    assert '<dd id="due-today">3</dd>' in html
    assert '<dd id="retention">75%</dd>' in html
    assert '<dd id="time-today">2:00</dd>' in html
    assert "5:10" in html
    assert "5:15" in html
    assert 'data-day="2025-03-10" data-count="3"' in html
    assert 'data-day="2025-03-09" data-count="2"' in html
    assert "<svg" in html
    assert "style=" not in html  # CSP: no inline styles
    assert escape(history["leech"].question.title) in html
    assert "4/4" in html  # mastered/studied/total for the tag: 2/4/4
    assert "50% (2/4/4)" in html


@time_machine.travel(NOW, tick=False)
def test_a_new_learner_has_an_empty_dashboard(client, other):
    client.force_login(other)
    data = client.get(reverse("practice-api:progress")).json()
    assert (data["total_reviews"], data["retention"], data["streak"]) == (0, None, 0)
    assert client.get(reverse("practice:dashboard")).status_code == 200


@time_machine.travel(NOW, tick=False)
def test_a_day_counts_toward_the_streak_only_with_enough_reviews(client, learner, history):
    # The history has 3 reviews today, 2 yesterday, 1 the day before: at the default of 5,
    # no day counts; at 2, today and yesterday do.
    client.force_login(learner)
    assert client.get(reverse("practice-api:progress")).json()["streak"] == 0
    with override_settings(PRACTICE_STREAK_MIN_REVIEWS=2):
        assert client.get(reverse("practice-api:progress")).json()["streak"] == 2
