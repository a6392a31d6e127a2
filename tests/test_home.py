"""The home page: what a visitor reads first, and what a signed-in learner does next."""

import pytest
from django.test import Client

from interviews import services as interviews
from quizzes import services as practice
from quizzes.queue import todays_queue
from tests.factories import QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db


def home(client: Client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_visitor_reads_what_practice_and_interviews_are(client):
    html = home(client)
    assert 'data-testid="how-it-works"' in html
    assert "home-due" not in html


def test_a_new_learner_sees_todays_cards_and_the_way_in(client):
    QuestionFactory.create_batch(3)
    learner = UserFactory(daily_goal=2)
    client.force_login(learner)
    html = home(client)
    assert 'data-testid="home-new">2<' in html
    assert 'data-testid="home-due">0<' in html
    assert 'data-testid="home-streak">0<' in html
    assert "开始练习" in html
    assert 'data-testid="how-it-works"' in html  # never practised yet
    assert "还没有面试记录" in html


def test_a_returning_learner_sees_the_streak_and_the_next_step(client):
    QuestionFactory.create_batch(3)
    learner = UserFactory()
    question = todays_queue(user=learner).items[0].question
    practice.record_review(user=learner, question=question, rating=3)
    attempt = interviews.start_attempt(
        user=learner, criteria=interviews.Criteria(count=2, minutes=10)
    )
    client.force_login(learner)
    html = home(client)
    assert 'data-testid="home-streak">1<' in html
    assert 'data-testid="how-it-works"' not in html
    assert attempt.get_absolute_url() in html  # go on answering
    interviews.submit_attempt(attempt=attempt)
    assert f"/interviews/{attempt.pk}/review/" in home(client)  # review it (复盘)


@pytest.mark.parametrize("questions", [1, 50])
def test_signed_in_home_queries_do_not_grow(client, django_assert_num_queries, questions):
    QuestionFactory.create_batch(questions)
    learner = UserFactory()
    client.force_login(learner)
    home(client)
    with django_assert_num_queries(12):  # the queue also reads the study plan
        home(client)
