"""The bridge to the ``fsrs`` scheduler: our :class:`~quizzes.models.Card` <-> ``fsrs.Card``.

No database access here. Settings may tune the scheduler with ``PRACTICE_FSRS`` (keyword
arguments of ``fsrs.Scheduler``, e.g. ``{"desired_retention": 0.9, "enable_fuzzing": False}``).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import fsrs
from django.conf import settings
from django.utils.translation import gettext as _


def get_scheduler(
    *,
    parameters: Sequence[float] | None = None,
    desired_retention: float | None = None,
    fuzz: bool | None = None,
) -> fsrs.Scheduler:
    """The site's scheduler (``PRACTICE_FSRS``), with a learner's own fitted ``parameters``
    and ``desired_retention`` when given; ``fuzz=False`` for exact previews."""
    options: dict[str, Any] = dict(getattr(settings, "PRACTICE_FSRS", {}))
    if parameters:
        options["parameters"] = tuple(parameters)
    if desired_retention is not None:
        options["desired_retention"] = desired_retention
    if fuzz is not None:
        options["enable_fuzzing"] = fuzz
    return fsrs.Scheduler(**options)


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


def preview(
    card: fsrs.Card, *, at: datetime, scheduler: fsrs.Scheduler | None = None
) -> dict[int, timedelta]:
    """The interval each rating (1-4) would give ``card`` at ``at``, without fuzz (what Anki
    shows on its buttons; the real review may add fsrs's small random fuzz)."""
    base = scheduler or get_scheduler()
    exact = (
        fsrs.Scheduler.from_dict({**base.to_dict(), "enable_fuzzing": False})
        if base.enable_fuzzing
        else base
    )
    at = at.astimezone(UTC)
    return {int(rating): exact.review_card(card, rating, at)[0].due - at for rating in fsrs.Rating}


def format_interval(interval: timedelta) -> str:
    """A short interval as Anki writes it: "10m", "3h", "1d", "8d", "1.5mo", "2y"."""
    minutes = max(1, round(interval.total_seconds() / 60))
    if minutes < 60:
        return _("%(n)dm") % {"n": minutes}
    hours = minutes / 60
    if hours < 24:
        return _("%(n)dh") % {"n": round(hours)}
    days = hours / 24
    if days < 30:
        return _("%(n)dd") % {"n": round(days)}
    if days < 365:
        return _("%(n)smo") % {"n": f"{days / 30:.1f}".removesuffix(".0")}
    return _("%(n)sy") % {"n": f"{days / 365:.1f}".removesuffix(".0")}
