"""The learner's own scheduler: fitting FSRS parameters to their review log."""

from datetime import timedelta

import fsrs
import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from questions.models import Question
from quizzes import learner_scheduler, services
from quizzes.models import Card, Rating, Review, SchedulerProfile
from quizzes.optimizer import DEFAULT_PARAMETERS
from quizzes.simulation import simulate_learner

pytestmark = pytest.mark.django_db


DEFAULTS = tuple(fsrs.scheduler.DEFAULT_PARAMETERS)
# A learner whose first looks last a fifth of what the defaults expect.
FORGETFUL = tuple(w * 0.2 if i < 4 else w for i, w in enumerate(DEFAULTS))


def load_history(user, *, seed: int = 4, truth=FORGETFUL) -> tuple[int, object]:
    """A simulated learner's review log stored as the learner's cards and reviews; returns
    the number of reviews and the time of the last one. (With these seeds the fit wins for
    the forgetful learner and loses for one whose memory is the defaults; fsrs-rs trains
    with a fixed seed, so the outcome is fixed.)"""
    questions = list(Question.objects.practicable().order_by("id")[:60])
    log = simulate_learner(seed=seed, cards=60, days=60, new_per_day=6, truth=truth)
    cards = {}
    for review in log:
        question = questions[review.card]
        card = cards.get(review.card)
        if card is None:
            card = cards[review.card] = Card.objects.create(
                user=user, question=question, due=review.at, reps=0
            )
        card.reps += 1
        card.last_review = review.at
        Review.objects.create(
            card=card,
            user=user,
            question=question,
            rating=review.rating,
            reviewed_at=review.at,
            state=2,
            stability=1.0,
            difficulty=5.0,
            due=review.at,
        )
    for card in cards.values():
        card.state, card.stability, card.difficulty = 2, 1.0, 5.0
        card.first_reviewed_at = card.last_review
        card.due = card.last_review + timedelta(days=1)
        card.save()
    return len(log), log[-1].at


def test_too_few_reviews_keep_the_defaults_and_optimizing_says_why(client, learner, settings):
    settings.PRACTICE_OPTIMIZE_MIN_REVIEWS = 400
    client.force_login(learner)
    data = client.get("/api/me/scheduler/").json()
    assert data["fitted"] is False
    assert data["parameters"] == pytest.approx(list(DEFAULT_PARAMETERS), abs=1e-4)
    assert (data["reviews"], data["min_reviews"], data["desired_retention"]) == (0, 400, 0.9)
    refused = client.post("/api/me/scheduler/optimize/")
    assert refused.status_code == 409
    assert refused.json()["code"] == "not_enough_reviews"
    assert "400" in refused.json()["detail"]
    assert not SchedulerProfile.objects.exists()
    page = client.get(reverse("practice:dashboard")).content.decode()
    assert 'id="scheduler-line"' in page
    assert "400" in page.split('id="scheduler-line"')[1].split("</p>")[0]


def test_fitting_on_demand_scores_both_and_reschedules_the_cards(client, learner, settings):
    settings.PRACTICE_OPTIMIZE_MIN_REVIEWS = 400
    count, last = load_history(learner)
    assert count >= 400
    client.force_login(learner)
    with time_machine.travel(last + timedelta(hours=1), tick=False):
        response = client.post("/api/me/scheduler/optimize/")
    assert response.status_code == 202
    data = client.get("/api/me/scheduler/").json()
    assert data["fitted"] is True
    assert data["fitted_reviews"] == count
    assert len(data["parameters"]) == 21
    assert data["parameters"] != pytest.approx(list(DEFAULT_PARAMETERS), abs=1e-3)
    for scores in (data["default"], data["fitted_scores"]):
        assert 0 < scores["log_loss"] < 1
        assert 0 <= scores["rmse"] < 1
    # The fit predicted the later reviews better than the defaults, so it is in use.
    assert data["fitted_scores"]["log_loss"] < data["default"]["log_loss"]

    # Each card is rescheduled as if the fitted parameters had always been used.
    scheduler = fsrs.Scheduler(parameters=data["parameters"], enable_fuzzing=False)
    card = Card.objects.filter(user=learner).order_by("-reps").first()
    replayed = fsrs.Card(card_id=card.pk)
    for review in Review.objects.filter(card=card).order_by("reviewed_at"):
        replayed, _ = scheduler.review_card(
            replayed, fsrs.Rating(review.rating), review.reviewed_at
        )
    assert card.due == replayed.due
    assert card.stability == pytest.approx(replayed.stability)

    # New ratings use the learner's parameters.
    with time_machine.travel(card.due + timedelta(days=1), tick=False):
        services.record_review(user=learner, question=card.question, rating=Rating.GOOD)
        expected, _ = scheduler.review_card(
            replayed, fsrs.Rating.Good, card.due + timedelta(days=1)
        )
    card.refresh_from_db()
    assert card.stability == pytest.approx(expected.stability)

    page = client.get(reverse("practice:dashboard")).content.decode()
    line = page.split('id="scheduler-line"')[1].split("</p>")[0]
    assert f"{data['fitted_scores']['log_loss']:.3f}" in line
    assert f"{data['default']['log_loss']:.3f}" in line


def test_a_fit_that_predicts_worse_than_the_defaults_is_not_used(client, learner, settings):
    settings.PRACTICE_OPTIMIZE_MIN_REVIEWS = 400
    _count, last = load_history(learner, truth=DEFAULTS)
    dues = dict(Card.objects.filter(user=learner).values_list("pk", "due"))
    client.force_login(learner)
    with time_machine.travel(last + timedelta(hours=1), tick=False):
        assert client.post("/api/me/scheduler/optimize/").status_code == 202
    data = client.get("/api/me/scheduler/").json()
    assert data["fitted"] is False
    assert data["fitted_scores"]["log_loss"] > data["default"]["log_loss"]
    assert data["parameters"] == pytest.approx(list(DEFAULTS), abs=1e-4)
    assert dict(Card.objects.filter(user=learner).values_list("pk", "due")) == dues
    line = client.get(reverse("practice:dashboard")).content.decode()
    assert "默认参数对你较晚复习的预测更准" in line.split('id="scheduler-line"')[1].split("</p>")[0]


def test_the_weekly_refit_takes_learners_with_new_reviews_only(learner, other, settings):
    settings.PRACTICE_OPTIMIZE_MIN_REVIEWS = 400
    last = max(load_history(learner)[1], load_history(other, seed=5)[1])
    with time_machine.travel(last + timedelta(hours=1), tick=False):
        assert learner_scheduler.due_for_optimizing() == sorted([learner.pk, other.pk])
        call_command("optimize_schedulers")
        assert SchedulerProfile.objects.filter(fitted_at__isnull=False).count() == 2
        assert learner_scheduler.due_for_optimizing() == []
    week = last + timedelta(days=8)
    with time_machine.travel(week, tick=False):
        assert learner_scheduler.due_for_optimizing() == []  # nothing new to learn from
        question = Card.objects.filter(user=learner).first().question
        services.record_review(user=learner, question=question, rating=Rating.GOOD)
        assert learner_scheduler.due_for_optimizing() == [learner.pk]
        call_command("optimize_schedulers", "--enqueue")  # the immediate backend runs it
        assert learner_scheduler.due_for_optimizing() == []
