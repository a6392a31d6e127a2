"""The server's clock, expiry, late saves and the attempt's state machine."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import translation

from interviews import answers, services
from interviews.access import get_attempt_for_user
from interviews.models import SAVE_GRACE, Answer, Attempt, ExtraTimeAllowance

from .conftest import T0

pytestmark = pytest.mark.django_db


def first_question(attempt):
    return attempt.slots.order_by("position").first().question_id


def test_deadline_and_remaining_time_follow_the_server_clock(learner, start):
    with time_machine.travel(T0, tick=False) as clock:
        attempt = start(learner, minutes=10)
        assert attempt.deadline == T0 + timedelta(minutes=10)
        assert attempt.seconds_remaining(T0) == 600
        clock.shift(timedelta(minutes=8))
        fresh = get_attempt_for_user(learner, attempt.pk)
        assert fresh.seconds_remaining(services.timezone.now()) == 120
        assert fresh.warning_level(services.timezone.now()) == 20
        clock.shift(timedelta(seconds=91))
        assert fresh.seconds_remaining(services.timezone.now()) == 29
        assert fresh.warning_level(services.timezone.now()) == 5


def test_the_page_carries_the_clocks_warnings_and_shows_the_current_one(client, learner, start):
    """The shares of the time the clock warns at live in interviews.models: the page hands
    them and their messages to its script, and shows the current warning itself."""
    with time_machine.travel(T0, tick=False) as clock:
        attempt = start(learner, minutes=10)
        client.force_login(learner)
        page = client.get(attempt.get_absolute_url()).content.decode()
        assert 'data-warnings="20 5"' in page
        assert 'data-msg-warn20="剩余时间只有 20%。"' in page
        assert 'data-msg-warn5="只剩 5% 的时间了！"' in page
        assert '<p id="clock-warning" class="clock-warning" aria-live="assertive"></p>' in page
        clock.shift(timedelta(minutes=9, seconds=31))
        page = client.get(attempt.get_absolute_url()).content.decode()
    assert 'class="clock warn-5"' in page
    assert 'aria-live="assertive">只剩 5% 的时间了！</p>' in page


def test_extra_time_allowance_extends_the_deadline(learner, other_learner, start):
    ExtraTimeAllowance.objects.create(user=learner, extra_minutes=15, reason="accessibility")
    with_allowance = start(learner, minutes=30)
    without = start(other_learner, minutes=30)
    assert with_allowance.deadline - with_allowance.started_at == timedelta(minutes=45)
    assert without.deadline - without.started_at == timedelta(minutes=30)
    assert with_allowance.total_seconds == 45 * 60


def test_expiry_on_read_finishes_at_the_deadline_not_when_noticed(learner, start):
    attempt = start(learner, minutes=10)
    answers.save_answer(attempt=attempt, question_id=first_question(attempt), text="答案", now=T0)
    # Within the grace period the attempt is still running (a save may be on its way).
    read_in_grace = T0 + timedelta(minutes=10) + SAVE_GRACE
    assert get_attempt_for_user(learner, attempt.pk, now=read_in_grace).state == "started"
    later = T0 + timedelta(hours=3)
    seen = get_attempt_for_user(learner, attempt.pk, now=later)
    assert seen.state == Attempt.State.EXPIRED
    assert seen.finished_at == attempt.deadline
    assert Answer.objects.get(attempt=attempt).text == "答案"


def test_expire_command_finishes_forgotten_attempts_only(learner, other_learner, start):
    forgotten = start(learner, minutes=10)
    running = start(other_learner, minutes=60)
    with time_machine.travel(T0 + timedelta(minutes=30), tick=False):
        call_command("expire_attempts", verbosity=0)
    forgotten.refresh_from_db()
    running.refresh_from_db()
    assert forgotten.state == Attempt.State.EXPIRED
    assert forgotten.finished_at == forgotten.deadline
    assert running.state == Attempt.State.STARTED
    assert running.finished_at is None


def test_late_save_is_refused_and_the_earlier_answer_kept(learner, start):
    attempt = start(learner, minutes=10)
    question = first_question(attempt)
    answers.save_answer(attempt=attempt, question_id=question, text="before", now=T0)
    deadline = attempt.deadline
    # A save delayed by the network, arriving inside the grace period, is accepted.
    answers.save_answer(
        attempt=attempt, question_id=question, text="just in time", now=deadline + SAVE_GRACE
    )
    with (
        translation.override("en"),
        pytest.raises(services.AttemptClosed, match="after the deadline"),
    ):
        answers.save_answer(
            attempt=attempt,
            question_id=question,
            text="too late",
            now=deadline + SAVE_GRACE + timedelta(seconds=1),
        )
    assert Answer.objects.get(attempt=attempt, question_id=question).text == "just in time"
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.EXPIRED
    assert attempt.finished_at == deadline


def test_submit_moves_to_submitted_once(learner, start):
    attempt = start(learner, minutes=10)
    at = T0 + timedelta(minutes=4)
    services.submit_attempt(attempt=attempt, now=at)
    assert attempt.state == Attempt.State.SUBMITTED
    assert attempt.finished_at == at
    with pytest.raises(services.IllegalTransition):
        services.submit_attempt(attempt=attempt, now=at + timedelta(seconds=1))
    attempt.refresh_from_db()
    assert attempt.finished_at == at
    with pytest.raises(services.AttemptClosed):
        answers.save_answer(attempt=attempt, question_id=first_question(attempt), text="x", now=at)


def test_submit_after_the_deadline_expires_instead(learner, start):
    attempt = start(learner, minutes=10)
    with pytest.raises(services.AttemptClosed):
        services.submit_attempt(attempt=attempt, now=T0 + timedelta(minutes=11))
    assert attempt.state == Attempt.State.EXPIRED
    assert attempt.finished_at == attempt.deadline


def test_state_machine_refuses_illegal_moves(learner, start):
    attempt = start(learner, minutes=10)
    question = first_question(attempt)
    assessment = [services.Assessment(question_id=question, score=2)]
    with pytest.raises(services.IllegalTransition):
        services.record_review(attempt=attempt, assessments=assessment)
    services.submit_attempt(attempt=attempt, now=T0 + timedelta(minutes=1))
    services.record_review(attempt=attempt, assessments=assessment)
    assert attempt.state == Attempt.State.REVIEWED
    assert attempt.reviewed_at is not None
    # Reviewed is final: no submit, no expiry, no save.
    with pytest.raises(services.InterviewError):
        services.submit_attempt(attempt=attempt, now=T0 + timedelta(minutes=2))
    assert services.expire_due_attempts(now=T0 + timedelta(days=1)) == 0
    assert not services._transition(attempt, Attempt.State.STARTED)
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.REVIEWED


def test_database_refuses_inconsistent_states(learner, start):
    attempt = start(learner, minutes=10)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.filter(pk=attempt.pk).update(state="submitted")  # no finish time
    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.filter(pk=attempt.pk).update(
            state="submitted", finished_at=attempt.deadline + timedelta(seconds=1)
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.bulk_create(
            [
                Answer(attempt=attempt, question_id=first_question(attempt), saved_at=T0)
                for _ in range(2)
            ]
        )


def test_save_is_an_upsert_keeping_one_row(learner, start):
    attempt = start(learner, minutes=10)
    question = first_question(attempt)
    for i, text in enumerate(["一", "一二", "一二三"]):
        saved = answers.save_answer(
            attempt=attempt,
            question_id=question,
            text=text,
            seconds=10,
            now=T0 + timedelta(seconds=i),
        )
    assert saved.saves == 3
    answers.save_answer(attempt=attempt, question_id=question, marked=True, now=T0)
    row = Answer.objects.get(attempt=attempt, question_id=question)
    assert (row.text, row.marked, row.seconds_spent, row.saves) == ("一二三", True, 30, 4)


def test_saving_a_question_not_in_the_attempt_or_too_long_is_refused(learner, start):
    attempt = start(learner, count=1, minutes=10)
    question = first_question(attempt)
    with pytest.raises(services.NotInAttempt):
        answers.save_answer(attempt=attempt, question_id=question + 100_000, text="x", now=T0)
    answers.save_answer(attempt=attempt, question_id=question, text="kept", now=T0)
    with pytest.raises(services.InterviewError, match="20000"):
        answers.save_answer(attempt=attempt, question_id=question, text="x" * 20_001, now=T0)
    assert Answer.objects.get().text == "kept"
