"""Practice pages through the test client: plain forms (POST, redirect, GET) and htmx."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from questions.editorial import notifications
from questions.models import Notification, Question
from quizzes.models import Bookmark, Card, Note, Rating, Review
from tests.factories import CardFactory, QuestionFactory, ReviewFactory, TagFactory
from tests.queries import count_queries

pytestmark = pytest.mark.django_db
SESSION = reverse("practice:session")
REVIEW = reverse("practice:review")
HTMX = {"HX-Request": "true"}


def practicable(n: int) -> list[Question]:
    return list(Question.objects.practicable().order_by("id")[:n])


def test_practice_without_javascript_posts_then_redirects_to_the_next_question(client, learner):
    first, second = practicable(2)
    client.force_login(learner)
    page = client.get(SESSION)
    html = page.content.decode()
    assert page.context["question"] == first
    assert '<details class="reveal" id="reveal">' in html  # the answer is one click away
    assert first.body_html in html
    assert 'src="/static/js/practice.js" defer' in html
    response = client.post(
        REVIEW,
        {"question": first.pk, "rating": Rating.GOOD, "attempt": "我的回答", "expected_reps": 0},
    )
    assert response.status_code == 302
    assert response["Location"] == SESSION
    review = Review.objects.get(user=learner)
    assert (review.question, review.rating, review.attempt) == (first, Rating.GOOD, "我的回答")
    assert client.get(SESSION).context["question"] == second


def test_htmx_rating_swaps_in_the_next_card(client, learner):
    first, second = practicable(2)
    client.force_login(learner)
    assert "HX-Request" in client.get(SESSION)["Vary"]
    partial = client.get(SESSION, headers=HTMX).content.decode()
    assert "<html" not in partial
    assert 'id="practice-card"' in partial
    response = client.post(
        REVIEW, {"question": first.pk, "rating": Rating.EASY, "expected_reps": 0}, headers=HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert response.context["question"] == second
    assert Card.objects.get(user=learner, question=first).reps == 1
    # The next card's timer started when it was sent.
    assert Card.objects.get(user=learner, question=second).shown_at is not None


def test_a_rating_missing_keeps_the_typed_attempt_and_records_nothing(client, learner):
    first = practicable(1)[0]
    client.force_login(learner)
    for headers in ({}, HTMX):
        response = client.post(
            REVIEW, {"question": first.pk, "attempt": "半句答案 <b>"}, headers=headers
        )
        html = response.content.decode()
        assert response.status_code == 400
        assert 'role="alert"' in html
        assert "半句答案 &lt;b&gt;</textarea>" in html
        assert '<details class="reveal" id="reveal" open>' in html
    assert not Review.objects.exists()


def test_a_double_submit_counts_once(client, learner):
    first = practicable(1)[0]
    client.force_login(learner)
    data = {"question": first.pk, "rating": Rating.GOOD, "expected_reps": 0}
    assert client.post(REVIEW, data).status_code == 302
    assert client.post(REVIEW, data).status_code == 302
    assert Review.objects.filter(user=learner).count() == 1


def test_unanswered_questions_cannot_be_rated(client, learner):
    client.force_login(learner)
    unanswered = QuestionFactory(has_answer=False)
    response = client.post(REVIEW, {"question": unanswered.pk, "rating": Rating.GOOD})
    assert response.status_code == 404
    assert not Review.objects.exists()


def test_a_deck_from_a_filter_is_practised_to_its_end(client, learner):
    tag = TagFactory()
    one, two = QuestionFactory(), QuestionFactory()
    for question in (one, two):
        question.tags.add(tag)
    client.force_login(learner)
    response = client.post(reverse("practice:deck"), {"tags": [tag.slug]})
    assert response["Location"] == f"{SESSION}?deck=1"
    page = client.get(f"{SESSION}?deck=1")
    assert (page.context["question"], page.context["deck_left"]) == (one, 2)
    client.post(REVIEW, {"question": one.pk, "rating": Rating.AGAIN, "deck": "1"})
    page = client.get(f"{SESSION}?deck=1")
    assert (page.context["question"], page.context["deck_left"]) == (two, 1)
    response = client.post(REVIEW, {"question": two.pk, "rating": Rating.GOOD, "deck": "1"})
    assert response["Location"] == f"{SESSION}?deck=1"
    page = client.get(f"{SESSION}?deck=1")
    assert "question" not in page.context
    assert page.context["deck_left"] == 0

    # A filter matching nothing says so and keeps the learner on the practice page.
    response = client.post(reverse("practice:deck"), {"bookmarked": "on"}, follow=True)
    assert response.redirect_chain == [(reverse("practice:home"), 302)]
    assert 'class="notice warning"' in response.content.decode()
    bad = client.post(reverse("practice:deck"), {"difficulty": "impossible"})
    assert bad.status_code == 400


def test_bookmark_and_note_controls_on_the_question_page(client, learner):
    question = practicable(1)[0]
    detail = question.get_absolute_url()
    client.force_login(learner)
    html = client.get(detail).content.decode()
    assert 'id="question-tools"' in html
    assert 'aria-pressed="false"' in html

    url = reverse("practice:bookmark", args=[question.pk])
    partial = client.post(url, {"action": "add"}, headers=HTMX).content.decode()
    assert "<html" not in partial
    assert 'aria-pressed="true"' in partial
    assert Bookmark.objects.filter(user=learner, question=question).exists()
    assert client.post(url, {"action": "remove"})["Location"] == detail
    assert not Bookmark.objects.filter(user=learner).exists()

    note_url = reverse("practice:note", args=[question.pk])
    partial = client.post(note_url, {"text": "记住：MQA 共享 K/V"}, headers=HTMX).content.decode()
    assert "记住：MQA 共享 K/V</textarea>" in partial
    too_long = "长" * (Note.MAX_LENGTH + 1)
    response = client.post(note_url, {"text": too_long}, headers=HTMX)
    assert response.status_code == 400
    assert too_long in response.content.decode()  # nothing typed is lost
    assert Note.objects.get(user=learner).text == "记住：MQA 共享 K/V"  # nothing saved is lost
    assert client.post(note_url, {"text": "  "})["Location"] == detail
    assert not Note.objects.filter(user=learner).exists()


def test_anonymous_readers_see_the_question_page_and_are_sent_to_sign_in(client, settings):
    settings.LOGIN_URL = "/login/"
    question = practicable(1)[0]
    response = client.get(question.get_absolute_url())
    assert response.status_code == 200
    assert 'id="question-tools"' in response.content.decode()
    for url in (SESSION, reverse("practice:home"), reverse("practice:dashboard")):
        assert client.get(url)["Location"].startswith("/login/?next=")
    response = client.post(reverse("practice:bookmark", args=[question.pk]))
    assert response["Location"].startswith("/login/")
    assert not Bookmark.objects.exists()


# --- query counts: the same at 1 and at 50 rows --------------------------------------------


def studied(user, n: int) -> list[Card]:
    now = timezone.now()
    cards = []
    for question in practicable(n):
        card = CardFactory(user=user, question=question, due=now)
        ReviewFactory(card=card, reviewed_at=now, rating=Rating.GOOD, duration_seconds=10)
        cards.append(card)
    return cards


@pytest.mark.parametrize(
    "url",
    [SESSION, reverse("practice:home"), reverse("practice:dashboard")],
    ids=["queue", "home", "dashboard"],
)
def test_practice_pages_query_count_does_not_grow(client, learner, other, url):
    client.force_login(learner)
    studied(learner, 1)
    one = count_queries(client, url)
    client.force_login(other)
    studied(other, 50)
    fifty = count_queries(client, url)
    assert one == fifty


def test_bookmarks_page_query_count_does_not_grow(client, learner, other):
    for user, n in ((learner, 1), (other, 50)):
        for question in practicable(n):
            Bookmark.objects.create(user=user, question=question)
            Note.objects.create(user=user, question=question, text="笔记")
    client.force_login(learner)
    client.get(reverse("profile"))  # the user is kept from here on (interviewprep.backends)
    one = count_queries(client, reverse("practice:bookmarks"))
    client.force_login(other)
    response = client.get(reverse("practice:bookmarks"))
    assert len(response.context["rows"]) == 50
    assert count_queries(client, reverse("practice:bookmarks")) == one


def test_the_question_page_shows_only_the_readers_own_state(client, learner, other, settings):
    """The state query (quizzes.state.question_state, written in SQL) tells apart each
    reader, question, studied and merely queued card, and read and unread notice."""
    settings.TIME_ZONE = "Asia/Shanghai"
    question, neighbour = practicable(2)
    saved = timezone.make_aware(timezone.datetime(2026, 3, 4, 23, 30), timezone.UTC)
    Note.objects.create(user=learner, question=question, text="只属于我", updated_at=saved)
    Note.objects.create(user=other, question=neighbour, text="别人的笔记")
    Bookmark.objects.create(user=other, question=question)
    CardFactory(user=learner, question=neighbour, due=timezone.now(), reps=1)
    CardFactory(
        user=learner, question=question, due=timezone.now(), reps=0
    )  # queued, never reviewed
    Notification.objects.create(user=other, question=question, kind="updated")
    Notification.objects.create(user=learner, question=neighbour, kind="updated")

    client.force_login(learner)
    html = client.get(question.get_absolute_url()).content.decode()
    assert "只属于我</textarea>" in html
    assert "2026-03-05 07:30" in html  # the saved time, in the site's time zone
    assert 'aria-pressed="false"' in html
    assert "已在练习中" not in html
    assert 'class="notice updated"' not in html

    html = client.get(neighbour.get_absolute_url()).content.decode()
    assert "别人的笔记" not in html
    empty_note = '<textarea id="note-text" name="text" rows="3" data-max-length="10000"></textarea>'
    assert empty_note in html
    assert "已在练习中" in html
    assert 'class="notice updated"' in html
    notifications.dismiss_notification(
        user=learner, notification_id=Notification.objects.get(user=learner).pk
    )
    with CaptureQueriesContext(connection) as queries:
        html = client.get(neighbour.get_absolute_url()).content.decode()
    assert 'class="notice updated"' not in html
    # Read notices are not fetched at all.
    assert not [q for q in queries.captured_queries if 'FROM "questions_notification"' in q["sql"]]

    client.force_login(other)
    html = client.get(question.get_absolute_url()).content.decode()
    assert 'aria-pressed="true"' in html
    assert "只属于我" not in html
    assert 'class="notice updated"' in html


def test_bookmarks_page_keeps_the_line_breaks_of_notes(client, learner):
    question = practicable(1)[0]
    Bookmark.objects.create(user=learner, question=question)
    Note.objects.create(user=learner, question=question, text="第一行\n第二行 <b>")
    client.force_login(learner)
    html = client.get(reverse("practice:bookmarks")).content.decode()
    assert "第一行<br>第二行 &lt;b&gt;" in html
