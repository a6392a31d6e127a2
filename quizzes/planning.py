"""Planning toward the learner's interview date (pure: no database access).

Every question of the learner's topics should be seen and then reviewed at least twice, on
later days, before the date; reviews that would fall on or after the date are brought
forward to the day before. For each desired retention in ``RETENTIONS`` the plan spreads the
unseen questions evenly over the days that still leave room for two reviews, projects the
load per day (new questions plus reviews, rated Good), and keeps the retention with the
lowest peak day among those that cover everything (else the one that covers most).
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import fsrs

RETENTIONS = (0.80, 0.85, 0.90, 0.93, 0.95, 0.97)
REVIEWS_NEEDED = 2
MAX_NEW_PER_DAY = 200


@dataclass(frozen=True)
class Plan:
    today: date
    interview: date
    questions: int  # practicable questions of the topics
    unseen: int
    new_per_day: int
    desired_retention: float
    load: list[tuple[date, int]] = field(default_factory=list)  # each day until the date
    covered: int = 0  # questions seen and reviewed twice before the date, as projected

    @property
    def days(self) -> int:
        return (self.interview - self.today).days

    @property
    def coverage(self) -> int:
        return round(100 * self.covered / self.questions) if self.questions else 100

    @property
    def peak(self) -> int:
        return max((count for _day, count in self.load), default=0)


def good_offsets(scheduler: fsrs.Scheduler, *, limit_days: int) -> list[int]:
    """Days after the first look on which a question rated Good every time is reviewed
    (day-level reviews only; learning steps on the same day are not counted)."""
    at = datetime(2000, 1, 1, 9, tzinfo=UTC)
    card, _ = scheduler.review_card(fsrs.Card(), fsrs.Rating.Good, at)
    offsets: list[int] = []
    for _ in range(40):
        at = card.due
        day = (at.date() - datetime(2000, 1, 1).date()).days
        if day > limit_days:
            break
        if day > 0 and (not offsets or day > offsets[-1]):
            offsets.append(day)
        card, _ = scheduler.review_card(card, fsrs.Rating.Good, at)
    return offsets


def _review_days(start: int, offsets: Sequence[int], last: int) -> list[int]:
    """Review days of a question first seen on day ``start``; days after ``last`` are
    brought forward to ``last`` (one review there at most)."""
    days: list[int] = []
    for offset in offsets:
        day = min(start + offset, last)
        if days and day <= days[-1]:
            break
        days.append(day)
    return days


def project(
    *,
    today: date,
    interview: date,
    unseen: int,
    studied_due: Sequence[tuple[int, int]],
    offsets: Sequence[int],
    new_per_day: int,
) -> tuple[list[int], int]:
    """Load per day (index 0 = today) and questions covered, for one choice.

    ``studied_due``: per studied question, (day index it is due, capped at today, day-level
    reviews it has had); it continues on ``offsets`` from there.
    """
    days = (interview - today).days
    last = days - 1
    load = [0] * days
    covered = 0
    for index in range(unseen):
        start = index // new_per_day if new_per_day else days
        if start > last:
            break
        load[start] += 1
        reviews = _review_days(start, offsets, last)
        for day in reviews:
            load[day] += 1
        covered += len(reviews) >= REVIEWS_NEEDED
    for due, reviewed in studied_due:
        first = min(max(due, 0), last)
        reviews = [first, *(d for d in _review_days(first, offsets, last) if d > first)]
        for day in reviews:
            load[day] += 1
        covered += reviewed + len(reviews) >= REVIEWS_NEEDED
    return load, covered


def make_plan(
    *,
    today: date,
    interview: date,
    questions: int,
    unseen: int,
    studied_due: Sequence[tuple[int, int]],
    scheduler_for_retention: Callable[[float], fsrs.Scheduler],
) -> Plan:
    """The plan with the lowest peak day among those that cover every question."""
    days = (interview - today).days
    best: tuple[tuple[int, int], Plan] | None = None
    for retention in RETENTIONS:
        offsets = good_offsets(scheduler_for_retention(retention), limit_days=max(days, 1))
        first = offsets[0] if offsets else days
        window = max(1, days - 1 - first)  # days a question can be first seen and covered
        new_per_day = min(MAX_NEW_PER_DAY, max(1, math.ceil(unseen / window))) if unseen else 0
        load, covered = project(
            today=today,
            interview=interview,
            unseen=unseen,
            studied_due=studied_due,
            offsets=offsets,
            new_per_day=new_per_day,
        )
        plan = Plan(
            today=today,
            interview=interview,
            questions=questions,
            unseen=unseen,
            new_per_day=new_per_day,
            desired_retention=retention,
            load=[(today + timedelta(days=i), n) for i, n in enumerate(load)],
            covered=covered,
        )
        key = (-covered, plan.peak)
        if best is None or key < best[0]:
            best = (key, plan)
    assert best is not None
    return best[1]
