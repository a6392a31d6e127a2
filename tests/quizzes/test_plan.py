"""A plan to the interview date: profile field, the plan's numbers, the queue and due dates."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from questions.models import Question, Tag
from quizzes import planning, scheduling, services
from quizzes.models import Card, Rating
from quizzes.queue import todays_queue
from tests.factories import CardFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2025, 3, 10, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai
TODAY = date(2025, 3, 10)


@time_machine.travel(NOW, tick=False)
def test_the_interview_date_is_a_profile_field_of_the_api(client, learner):
    client.force_login(learner)
    assert client.get("/api/me/").json()["interview_date"] is None
    for bad in ("2025-03-10", "2025-03-01", "2030-01-01", "not a date"):
        response = client.patch(
            "/api/me/", {"interview_date": bad}, content_type="application/json"
        )
        assert response.status_code == 400, bad
        assert "interview_date" in response.json()
    ok = client.patch("/api/me/", {"interview_date": "2025-04-09"}, content_type="application/json")
    assert ok.status_code == 200
    assert client.get("/api/me/").json()["interview_date"] == "2025-04-09"
    learner.refresh_from_db()
    assert learner.interview_date == date(2025, 4, 9)
    # The profile page saves it too, and refuses a past date with a form error.
    page = client.post(
        reverse("profile"),
        {
            "display_name": "",
            "ui_language": "zh-hans",
            "daily_goal": 5,
            "interview_date": "2025-03-01",
        },
    )
    assert page.status_code == 200
    assert "请选择今天之后的面试日期" in page.content.decode()


def test_the_plan_covers_every_question_twice_before_the_date():
    for days, unseen in ((10, 40), (30, 110), (60, 500), (5, 30)):
        result = planning.make_plan(
            today=TODAY,
            interview=TODAY + timedelta(days=days),
            questions=unseen,
            unseen=unseen,
            studied_due=[],
            scheduler_for_retention=lambda r: scheduling.get_scheduler(
                desired_retention=r, fuzz=False
            ),
        )
        assert (result.covered, result.coverage) == (unseen, 100), days
        assert len(result.load) == days
        # Each question once new and at least twice reviewed, all before the date.
        assert sum(n for _day, n in result.load) >= 3 * unseen
        assert result.load[-1][0] == TODAY + timedelta(days=days - 1)
        assert result.desired_retention in planning.RETENTIONS
    # Too little time: the plan says how much it can cover.
    short = planning.make_plan(
        today=TODAY,
        interview=TODAY + timedelta(days=2),
        questions=10,
        unseen=10,
        studied_due=[],
        scheduler_for_retention=lambda r: scheduling.get_scheduler(desired_retention=r, fuzz=False),
    )
    assert short.coverage < 100


@time_machine.travel(NOW, tick=False)
def test_with_a_date_the_queue_takes_the_plans_new_questions_of_its_topics(client, learner):
    tag = Tag.objects.filter(questions__in=Question.objects.practicable()).distinct().first()
    topic = Question.objects.practicable().filter(tags=tag).distinct()
    n = topic.count()
    assert n > 0
    learner.interview_date = TODAY + timedelta(days=20)
    learner.save()
    client.force_login(learner)
    client.post(reverse("practice:plan-topics"), {"tags": [tag.slug]})
    page = client.get(reverse("practice:dashboard")).content.decode()
    plan = client.get(reverse("practice:dashboard")).context["plan"]
    assert plan.questions == n
    assert plan.coverage == 100
    assert 'id="plan-coverage"' in page
    assert "100%" in page.split('id="plan-coverage"')[1].split("</p>")[0]
    assert page.count('class="bar" data-day=') == 20
    queue = todays_queue(user=learner)
    assert queue.new_limit == plan.new_per_day
    assert {item.question.pk for item in queue.items} <= set(topic.values_list("pk", flat=True))
    assert queue.new_count == min(n, plan.new_per_day)


@time_machine.travel(NOW, tick=False)
def test_reviews_that_would_fall_after_the_date_are_brought_forward(learner):
    first, second = Question.objects.practicable().order_by("id")[:2]
    far = CardFactory(user=learner, question=second, due=NOW + timedelta(days=40))
    learner.interview_date = TODAY + timedelta(days=5)
    learner.save()
    CardFactory(
        user=learner, question=first, due=NOW, stability=200.0
    )  # Good: months at any retention
    services.record_review(user=learner, question=first, rating=Rating.GOOD)
    day_before = datetime(2025, 3, 14, 0, 0, tzinfo=UTC) - timedelta(hours=8)  # Shanghai midnight
    assert Card.objects.get(user=learner, question=first).due == day_before
    # The plan brings the learner's existing cards forward too.
    todays_queue(user=learner)
    far.refresh_from_db()
    assert far.due == day_before
