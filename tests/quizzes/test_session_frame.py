"""The practice page kept around its card (quizzes.views._session_page): each learner gets the
page rendered whole would give them, with their own card, name, messages and token."""

import re

import pytest
from django.conf import settings
from django.core.cache import caches
from django.urls import reverse
from django.utils.html import escape

from questions import pages
from questions.models import Question
from quizzes import services
from quizzes.models import Rating
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SESSION = reverse("practice:session")


@pytest.fixture(autouse=True)
def _no_kept_frames():
    caches["frame"].clear()
    yield
    caches["frame"].clear()


def _comparable(html: str) -> str:
    """``html`` without what differs between two responses to the same reader: the CSRF
    token, masked anew each time, and the query string the language menu sends back."""
    html = re.sub(r'(csrfmiddlewaretoken" value=|"X-CSRFToken": )"[^"]+"', r"\1TOKEN", html)
    return html.replace("?whole=1", "")


def test_the_kept_page_is_the_page_rendered_whole_with_each_learners_own_parts(client, learner):
    first, second = Question.objects.practicable().order_by("id")[:2]
    other = UserFactory(display_name="Grace Hopper", daily_goal=5)
    services.record_review(user=other, question=first, rating=Rating.AGAIN)

    client.force_login(learner)
    kept = client.get(SESSION).content.decode()  # renders the frame and keeps it
    frame = caches["frame"].get(f"frame-page:quizzes/session.html:{SESSION}:zh-hans:learner")
    # The frame holds nothing of its first reader's: a placeholder for the token, holes.
    assert pages.CSRF_PLACEHOLDER in frame
    assert "\x00hole:card\x00" in frame
    assert "\x00hole:account\x00" in frame
    assert str(learner) in kept
    assert str(learner) not in frame
    assert escape(first.title) not in frame
    client.force_login(other)
    theirs = client.get(SESSION).content.decode()  # from the kept frame
    whole = client.get(f"{SESSION}?whole=1").content.decode()  # another query: rendered whole

    assert _comparable(theirs) == _comparable(whole)
    # Nothing of the first learner's page: the second has their own name, card and undo.
    assert "Grace Hopper" in theirs
    assert "Grace Hopper" not in kept
    assert escape(first.title) in kept
    assert escape(second.title) in theirs
    assert 'action="/practice/undo/"' in theirs
    assert 'action="/practice/undo/"' not in kept
    assert "\x00" not in theirs


def test_the_kept_page_shows_the_learners_messages_language_and_kind(client, learner, editor):
    question = Question.objects.practicable().order_by("id").first()
    services.record_review(user=learner, question=question, rating=Rating.GOOD)
    client.force_login(learner)
    client.get(SESSION)

    undone = client.post(reverse("practice:undo"), follow=True).content.decode()
    assert undone.count("已撤销评分") == 1  # the message, once, from the kept page's hole
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(SESSION).content.decode()
    assert '<h1 id="practice-heading">' in english
    assert 'lang="en"' in english
    assert "Question bank" in english
    assert "题库" not in english
    assert "Editorial" not in english

    client.force_login(editor)
    assert "Editorial" in client.get(SESSION).content.decode()
