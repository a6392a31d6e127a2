"""Simulated learners, for the optimiser's bench and tests: no database, no Django.

A simulated learner's memory follows FSRS with its own "true" parameters (the defaults,
perturbed); the app schedules the learner's cards with the default parameters, and each
review's outcome is drawn from the true model's probability of recall at that moment. Fitting
parameters from such a history should recover a model closer to the true one than the
defaults are.
"""

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import fsrs

# Parameters that may move without breaking the model's shape (fsrs's own bounds apply).
_PERTURBED = range(21)


@dataclass(frozen=True)
class SimulatedReview:
    card: int
    rating: int
    at: datetime


def true_parameters(
    rng: random.Random, spread: float = 0.35, memory: float = 3.0
) -> tuple[float, ...]:
    """The defaults, each scaled by a random factor in ``[1 - spread, 1 + spread]``, the four
    initial stabilities together by a log-uniform factor in ``[1/memory, memory]`` (learners
    differ most in how long a first look lasts), all kept inside fsrs's bounds."""
    lower, upper = fsrs.scheduler.LOWER_BOUNDS_PARAMETERS, fsrs.scheduler.UPPER_BOUNDS_PARAMETERS
    params = list(fsrs.scheduler.DEFAULT_PARAMETERS)
    first_look = memory ** rng.uniform(-1, 1)
    for i in _PERTURBED:
        scaled = params[i] * rng.uniform(1 - spread, 1 + spread) * (first_look if i < 4 else 1)
        params[i] = min(max(scaled, lower[i]), upper[i])
    return tuple(params)


def simulate_learner(
    *,
    seed: int,
    cards: int = 150,
    days: int = 120,
    new_per_day: int = 10,
    start: datetime = datetime(2025, 1, 1, 8, tzinfo=UTC),
    truth: tuple[float, ...] | None = None,
) -> list[SimulatedReview]:
    """The review log of one learner who studies every day, scheduled with the defaults."""
    rng = random.Random(seed)  # noqa: S311 (a reproducible simulation, not a secret)
    truth = truth or true_parameters(rng)
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    memory = fsrs.Scheduler(parameters=truth, enable_fuzzing=False)
    shown: dict[int, fsrs.Card] = {}
    real: dict[int, fsrs.Card] = {}
    log: list[SimulatedReview] = []
    for day in range(days):
        today = start + timedelta(days=day)
        introduced = len(shown)
        for card_id in range(introduced, min(cards, introduced + new_per_day)):
            shown[card_id] = fsrs.Card(card_id=card_id, due=today)
            real[card_id] = fsrs.Card(card_id=card_id, due=today)
        # Within a day, repeat until nothing is due (learning steps are minutes apart).
        moment = today
        for _round in range(6):
            due = [cid for cid, card in shown.items() if card.due <= moment]
            if not due:
                break
            for card_id in due:
                recall = (
                    memory.get_card_retrievability(real[card_id], moment)
                    if real[card_id].last_review
                    else 0.7
                )
                if rng.random() < recall:
                    rating = rng.choices([2, 3, 4], weights=[0.15, 0.75, 0.10])[0]
                else:
                    rating = 1
                shown[card_id], _ = scheduler.review_card(
                    shown[card_id], fsrs.Rating(rating), moment
                )
                real[card_id], _ = memory.review_card(real[card_id], fsrs.Rating(rating), moment)
                log.append(SimulatedReview(card=card_id, rating=rating, at=moment))
                moment += timedelta(seconds=20)
            moment += timedelta(minutes=11)
    return log
