"""The opt-in daily reminder email and the streak it reports."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command

from questions.models import Question
from quizzes import services
from quizzes.models import Rating

pytestmark = pytest.mark.django_db
NOW = datetime(2025, 3, 10, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai


def review_on(user, day_offset: int, count: int) -> None:
    questions = Question.objects.practicable().order_by("id")[10 * (day_offset + 5) :][:count]
    with time_machine.travel(NOW - timedelta(days=day_offset), tick=False):
        for question in questions:
            services.record_review(user=user, question=question, rating=Rating.EASY)


def test_learners_who_opted_in_get_one_reminder_a_day(learner, other, mailoutbox, settings):
    settings.SITE_URL = "https://interviewprep.example"
    learner.daily_reminder = True
    learner.interview_date = date(2025, 3, 31)
    learner.save()
    review_on(learner, 2, 5)
    review_on(learner, 1, 5)
    review_on(learner, 0, 4)  # today: too few to count yet, yesterday's streak stands
    review_on(other, 0, 5)  # did not opt in
    with time_machine.travel(NOW, tick=False):
        call_command("send_reminders")
        call_command("send_reminders")  # cron ran twice: still one email
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [learner.email]
    assert mail.subject.startswith("InterviewPrep：今天有")
    assert "连续学习：2 天" in mail.body
    assert "2025-03-31" in mail.body
    assert "https://interviewprep.example/practice/session/" in mail.body
    # The next day, another one; in English for a learner who chose English.
    learner.ui_language = "en"
    learner.save()
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        call_command("send_reminders", "--enqueue")  # the immediate backend runs the task
    assert len(mailoutbox) == 2
    assert "Streak: 0 days" in mailoutbox[1].body  # the 4 reviews of the 10th fell short
