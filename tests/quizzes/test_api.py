"""The practice API: queue, reviews, progress, bookmarks and notes."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from questions.models import Question
from quizzes.models import Bookmark, Card, Note, Rating, Review
from tests.factories import CardFactory, QuestionFactory
from tests.queries import count_queries

pytestmark = pytest.mark.django_db
QUEUE = reverse("practice-api:queue")
REVIEWS = reverse("practice-api:reviews")
BOOKMARKS = reverse("practice-api:bookmark-list")
NOTES = reverse("practice-api:notes")
NOW = datetime(2025, 3, 10, 4, 0, tzinfo=UTC)


def practicable(n: int) -> list[Question]:
    return list(Question.objects.practicable().order_by("id")[:n])


def note_url(question: Question) -> str:
    return reverse("practice-api:note", args=[question.pk])


@time_machine.travel(NOW, tick=False)
def test_queue_then_review_then_progress(client, learner):
    learner.daily_goal = 2
    learner.save()
    due_question, *_ = practicable(3)
    CardFactory(user=learner, question=due_question, due=NOW - timedelta(hours=2))
    client.force_login(learner)
    data = client.get(QUEUE).json()
    assert (data["due_count"], data["new_count"], data["count"]) == (1, 2, 3)
    assert [item["kind"] for item in data["results"]] == ["review", "new", "new"]
    head = data["results"][0]
    assert head["question"]["id"] == due_question.pk
    assert head["due"] == "2025-03-10T10:00:00+08:00"  # two hours before noon

    with time_machine.travel(NOW + timedelta(seconds=25), tick=False):
        response = client.post(
            REVIEWS,
            {"question": due_question.pk, "rating": Rating.AGAIN, "attempt": "不记得"},
            content_type="application/json",
        )
    assert response.status_code == 201
    body = response.json()
    assert body["duration_seconds"] == 25  # timed from the queue request that presented it
    assert body["attempt"] == "不记得"
    assert body["card"]["reps"] == 2
    assert body["card"]["again_count"] == 1
    assert client.get(reverse("practice-api:progress")).json()["reviews_today"] == 1


def test_review_input_errors_are_clear(client, learner):
    client.force_login(learner)
    question = practicable(1)[0]
    cases = [
        ({"question": question.pk, "rating": 9}, "rating"),
        ({"question": QuestionFactory(has_answer=False).pk, "rating": 3}, "question"),
        ({"rating": 3}, "question"),
    ]
    for payload, field in cases:
        response = client.post(REVIEWS, payload, content_type="application/json")
        assert response.status_code == 400
        assert field in response.json()
    payload = {"question": question.pk, "rating": 3, "expected_reps": 0}
    assert client.post(REVIEWS, payload, content_type="application/json").status_code == 201
    again = client.post(REVIEWS, payload, content_type="application/json")
    assert (again.status_code, again.json()["code"]) == (409, "already_rated")
    assert Review.objects.count() == 1


def test_bookmarks_list_create_delete(client, learner):
    client.force_login(learner)
    question = practicable(1)[0]
    created = client.post(BOOKMARKS, {"question": question.pk}, content_type="application/json")
    assert created.status_code == 201
    again = client.post(BOOKMARKS, {"question": question.pk}, content_type="application/json")
    assert again.status_code == 200
    assert again.json()["id"] == created.json()["id"]
    listing = client.get(BOOKMARKS).json()
    assert [(b["question"], b["title"]) for b in listing["results"]] == [
        (question.pk, question.title)
    ]
    detail = reverse("practice-api:bookmark-detail", args=[created.json()["id"]])
    assert client.delete(detail).status_code == 204
    assert not Bookmark.objects.exists()
    bad = client.post(BOOKMARKS, {"question": 10**9}, content_type="application/json")
    assert bad.status_code == 400


def test_note_get_put_delete(client, learner):
    client.force_login(learner)
    question = practicable(1)[0]
    assert client.get(note_url(question)).status_code == 404
    response = client.put(note_url(question), {"text": "要点"}, content_type="application/json")
    assert response.status_code == 200
    assert client.get(note_url(question)).json()["text"] == "要点"
    too_long = {"text": "x" * (Note.MAX_LENGTH + 1)}
    response = client.put(note_url(question), too_long, content_type="application/json")
    assert response.status_code == 400
    assert "text" in response.json()
    assert Note.objects.get().text == "要点"
    assert [n["question"] for n in client.get(NOTES).json()["results"]] == [question.pk]
    assert client.delete(note_url(question)).status_code == 204
    assert not Note.objects.exists()


def test_anonymous_clients_are_refused(client):
    question = practicable(1)[0]
    for url in (QUEUE, BOOKMARKS, NOTES, note_url(question), reverse("practice-api:progress")):
        assert client.get(url).status_code == 401
    response = client.post(REVIEWS, {"question": question.pk, "rating": 3})
    assert response.status_code == 401
    assert not Card.objects.exists()


# --- query counts: the same at 1 and at 50 rows --------------------------------------------


@pytest.mark.parametrize("url", [QUEUE, BOOKMARKS, NOTES], ids=["queue", "bookmarks", "notes"])
def test_api_lists_query_count_does_not_grow(client, learner, other, url):
    for user, n in ((learner, 1), (other, 50)):
        user.daily_goal = 1
        user.save()
        for question in practicable(n):
            CardFactory(user=user, question=question, due=NOW)
            Bookmark.objects.create(user=user, question=question)
            Note.objects.create(user=user, question=question, text="笔记")
    client.force_login(learner)
    one = count_queries(client, url)
    client.force_login(other)
    assert count_queries(client, url) == one
    # The queue also offers the one new question the daily goal allows.
    assert client.get(url).json()["count"] == (51 if url == QUEUE else 50)
