"""Practice: "check my answer" grades the attempt before the answer is revealed."""

import pytest
from django.urls import reverse

from questions.models import GradeDispute, Question, QuestionSource
from quizzes.models import Review
from tests.questions.test_grading import OFF_TOPIC, SOUND

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def lora():
    return QuestionSource.objects.get(
        file_name="001_aa609879d3a6dfb9.txt", heading_line=164
    ).question


def test_check_my_answer_is_an_htmx_fragment_that_reveals_nothing_but_the_grade(
    client, learner, lora
):
    client.force_login(learner)
    url = reverse("practice:check", args=[lora.pk])
    good = client.post(url, {"attempt": SOUND}, headers=HTMX)
    assert good.status_code == 200
    html = good.content.decode()
    assert html.lstrip().startswith('<div id="check-result"')
    assert "<html" not in html
    total = len(lora.live_revision.key_points)
    assert f"/{total} 个要点" in html  # "覆盖 5/6 个要点"
    # The reference answer itself is not shown: only the key points missed, by statement.
    assert lora.body_html[:80] not in html
    off = client.post(url, {"attempt": OFF_TOPIC}, headers=HTMX).content.decode()
    assert off.count('data-testid="missed-point"') >= total - 1
    assert f"覆盖 0/{total}" in off or f"覆盖 1/{total}" in off
    # Checking is not rating: no review is recorded.
    assert not Review.objects.exists()


def test_check_without_javascript_is_a_page_and_bad_input_is_refused(client, learner, lora):
    client.force_login(learner)
    url = reverse("practice:check", args=[lora.pk])
    page = client.post(url, {"attempt": SOUND})
    assert page.status_code == 200
    assert "<html" in page.content.decode()
    too_long = client.post(url, {"attempt": "字" * 10_001})
    assert too_long.status_code == 400
    unknown = client.post(reverse("practice:check", args=[999999]), {"attempt": "x"})
    assert unknown.status_code == 404


def test_the_session_card_offers_the_check_before_the_reveal(client, learner):
    client.force_login(learner)
    html = client.get(reverse("practice:session")).content.decode()
    assert 'data-testid="check-answer"' in html
    assert html.index('data-testid="check-answer"') < html.index('id="reveal"')


def test_a_question_without_key_points_says_so(client, learner):
    question = Question.objects.practicable().select_related("live_revision").first()
    question.live_revision.key_points = []  # as an editor may publish it
    question.live_revision.save(update_fields=["key_points"])
    client.force_login(learner)
    url = reverse("practice:check", args=[question.pk])
    fragment = client.post(url, {"attempt": "x"}, headers=HTMX)
    assert fragment.status_code == 200
    assert "无法自动评分" in fragment.content.decode()
    assert client.post(url, {"attempt": "x"}).status_code == 422


def test_contesting_a_practice_grade(client, learner, lora):
    client.force_login(learner)
    url = reverse("practice:contest", args=[lora.pk])
    sent = client.post(url, {"attempt": OFF_TOPIC, "score": "1", "comment": "部分对"}, headers=HTMX)
    assert sent.status_code == 200
    assert "编辑会查看" in sent.content.decode()
    dispute = GradeDispute.objects.get()
    assert (dispute.user, dispute.claimed_score, dispute.answer) == (learner, 1, OFF_TOPIC)
