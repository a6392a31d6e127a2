"""The bridge to the ``fsrs`` scheduler: our :class:`~quizzes.models.Card` <-> ``fsrs.Card``.

No database access here. Settings may tune the scheduler with ``PRACTICE_FSRS`` (keyword
arguments of ``fsrs.Scheduler``, e.g. ``{"desired_retention": 0.9, "enable_fuzzing": False}``).
"""

from dataclasses import dataclass
from datetime import UTC, datetime

import fsrs
from django.conf import settings


def get_scheduler() -> fsrs.Scheduler:
    return fsrs.Scheduler(**getattr(settings, "PRACTICE_FSRS", {}))


@dataclass(frozen=True)
class Schedule:
    """The card state fsrs computed after a review."""

    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime


def to_fsrs_card(
    *,
    card_id: int,
    state: int,
    step: int | None,
    stability: float | None,
    difficulty: float | None,
    due: datetime,
    last_review: datetime | None,
) -> fsrs.Card:
    """An ``fsrs.Card`` with our stored state (fsrs wants datetimes in UTC)."""
    return fsrs.Card(
        card_id=card_id,
        state=fsrs.State(state),
        step=step,
        stability=stability,
        difficulty=difficulty,
        due=due.astimezone(UTC),
        last_review=last_review.astimezone(UTC) if last_review else None,
    )


def review(
    card: fsrs.Card, *, rating: int, at: datetime, scheduler: fsrs.Scheduler | None = None
) -> Schedule:
    """Rate ``card`` at ``at`` with fsrs and return the new schedule."""
    scheduler = scheduler or get_scheduler()
    updated, _log = scheduler.review_card(card, fsrs.Rating(rating), at.astimezone(UTC))
    assert updated.last_review is not None
    return Schedule(
        state=int(updated.state),
        step=updated.step,
        stability=updated.stability,
        difficulty=updated.difficulty,
        due=updated.due,
        last_review=updated.last_review,
    )
