"""At the card: the interval each rating would give, and undoing the latest rating."""

from datetime import UTC, datetime, timedelta

import fsrs
import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from questions.models import Question
from quizzes import services
from quizzes.models import Card, CardState, Rating, Review
from tests.factories import CardFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2025, 3, 10, 4, 0, tzinfo=UTC)
SESSION = reverse("practice:session")
UNDO = reverse("practice:undo")
HTMX = {"HX-Request": "true"}


def practicable(n: int) -> list[Question]:
    return list(Question.objects.practicable().order_by("id")[:n])


def buttons(html: str) -> list[str]:
    """The interval shown on each rating button, in order."""
    parts = html.split('<small class="interval"')[1:]
    return [part.split(">", 1)[1].split("</small>", 1)[0] for part in parts]


@time_machine.travel(NOW, tick=False)
def test_each_rating_button_shows_the_interval_fsrs_would_give(client, learner):
    question = practicable(1)[0]
    client.force_login(learner)
    # A new card: fsrs's learning steps (1 and 10 minutes) and, for Easy, its first stability.
    assert buttons(client.get(SESSION).content.decode()) == ["1分钟", "6分钟", "10分钟", "8天"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert buttons(client.get(SESSION).content.decode()) == ["1m", "6m", "10m", "8d"]
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]

    # A review card: the intervals are fsrs's own for this state, computed without fuzz.
    Card.objects.filter(user=learner, question=question).delete()
    CardFactory(user=learner, question=question, due=NOW, stability=3.0, difficulty=5.0, reps=3)
    expected = []
    exact = fsrs.Scheduler(enable_fuzzing=False)
    card = fsrs.Card(
        state=fsrs.State.Review,
        stability=3.0,
        difficulty=5.0,
        due=NOW,
        last_review=NOW - timedelta(days=3),
        step=None,
    )
    for rating in fsrs.Rating:
        days = (exact.review_card(card, rating, NOW)[0].due - NOW).total_seconds() / 86400
        expected.append(f"{round(days * 24 * 60)}分钟" if days < 1 / 24 else f"{round(days)}天")
    shown = buttons(client.get(SESSION).content.decode())
    assert shown == expected
    assert shown[0] == "10分钟"
    assert all(label.endswith("天") for label in shown[1:])


@time_machine.travel(NOW, tick=False)
def test_the_api_queue_gives_each_item_its_next_intervals(client, learner):
    client.force_login(learner)
    head = client.get("/api/practice/queue/").json()["results"][0]
    assert [(i["rating"], i["seconds"]) for i in head["next_intervals"]] == [
        (1, 60),
        (2, 330),
        (3, 600),
        (4, 8 * 86400),
    ]


def test_undo_on_the_page_restores_the_card_and_deletes_the_review(client, learner):
    first, second = practicable(2)
    client.force_login(learner)
    with time_machine.travel(NOW, tick=False):
        client.get(SESSION)
        before = Card.objects.get(user=learner, question=first)
        client.post(reverse("practice:review"), {"question": first.pk, "rating": Rating.EASY})
    card = Card.objects.get(pk=before.pk)
    assert (card.reps, card.state) == (1, CardState.REVIEW)
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        page = client.get(SESSION).content.decode()
        assert page.count('action="/practice/undo/"') == 1
        assert first.title in page.split('action="/practice/undo/"')[1].split("</form>")[0]
        response = client.post(UNDO, headers=HTMX)
    assert response.status_code == 200
    assert response.context["question"] == first  # the same question again
    card = Card.objects.get(pk=before.pk)
    assert {f: getattr(card, f) for f in Card.REVIEWED_FIELDS} == {
        f: getattr(before, f) for f in Card.REVIEWED_FIELDS
    }
    assert not Review.objects.filter(user=learner).exists()
    assert 'action="/practice/undo/"' not in response.content.decode()
    # Nothing more to undo: a message, not an error page.
    response = client.post(UNDO, follow=True)
    assert response.status_code == 200
    assert "没有可以撤销的评分" in response.content.decode()
    assert second != first


def test_undo_in_the_api_goes_back_one_rating_at_a_time(client, learner, other):
    question = practicable(1)[0]
    client.force_login(learner)
    with time_machine.travel(NOW, tick=False):
        services.record_review(user=learner, question=question, rating=Rating.GOOD)
        services.record_review(user=other, question=question, rating=Rating.GOOD)
    after_first = Card.objects.get(user=learner, question=question)
    with time_machine.travel(NOW + timedelta(days=2), tick=False):
        services.record_review(user=learner, question=question, rating=Rating.AGAIN)
    assert Card.objects.get(pk=after_first.pk).again_count == 1

    undone = client.post("/api/practice/reviews/undo/")
    assert undone.status_code == 200
    assert undone.json()["question"] == question.pk
    card = Card.objects.get(pk=after_first.pk)
    assert (card.reps, card.again_count, card.due, card.last_review, card.stability) == (
        after_first.reps,
        0,
        after_first.due,
        after_first.last_review,
        after_first.stability,
    )
    assert Review.objects.filter(user=learner).count() == 1

    assert client.post("/api/practice/reviews/undo/").json()["card"]["reps"] == 0
    refused = client.post("/api/practice/reviews/undo/")
    assert refused.status_code == 409
    assert refused.json()["code"] == "nothing_to_undo"
    # The other learner's rating of the same question is untouched.
    assert Review.objects.filter(user=other).count() == 1
    assert Card.objects.get(user=other, question=question).reps == 1
    client.logout()
    assert client.post("/api/practice/reviews/undo/").status_code in (401, 403)
