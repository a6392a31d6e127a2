"""Parallel saves and submits from real threads, each with its own database connection."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from interviews import answers, services
from interviews.models import Answer, Attempt

from .conftest import T0

THREADS = 20


def run_in_threads(work, count=THREADS):
    """Run ``work(i)`` in ``count`` threads released at once; returns results or exceptions."""
    barrier = threading.Barrier(count)

    def task(i):
        barrier.wait()
        try:
            return work(i)
        except Exception as error:  # the test inspects every outcome
            return error
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(task, range(count)))


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_identical_saves_store_one_answer(loaded_bank, learner, start):
    # T0 is the attempt's start; the saves use the real clock, so start it "now".
    attempt = start(learner, count=2, minutes=30, now=services.timezone.now())
    question = attempt.slots.order_by("position").first().question_id

    def save(i):
        return answers.save_answer(
            attempt=Attempt.objects.get(pk=attempt.pk),
            question_id=question,
            text="并发保存的同一个答案",
            seconds=1,
        )

    results = run_in_threads(save)
    errors = [r for r in results if isinstance(r, Exception)]
    # On SQLite the writers queue on the busy timeout (IMMEDIATE transactions): no
    # "database is locked" reaches the caller.
    assert errors == []
    rows = Answer.objects.filter(attempt=attempt)
    assert rows.count() == 1
    answer = rows.get()
    assert answer.text == "并发保存的同一个答案"
    assert answer.saves == THREADS
    assert answer.seconds_spent == THREADS
    assert sorted(r.saves for r in results) == list(range(1, THREADS + 1))


@pytest.mark.django_db(transaction=True)
def test_parallel_submits_one_wins(loaded_bank, learner, start):
    attempt = start(learner, count=1, minutes=30, now=services.timezone.now())

    def submit(i):
        return services.submit_attempt(attempt=Attempt.objects.get(pk=attempt.pk))

    results = run_in_threads(submit, count=8)
    wins = [r for r in results if isinstance(r, Attempt)]
    refusals = [r for r in results if isinstance(r, services.IllegalTransition)]
    assert len(wins) == 1, results
    assert len(refusals) == 7, results
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED
    assert T0 < attempt.finished_at <= attempt.deadline
