"""Everything that writes interview data. Keyword-only, typed, one transaction each.

The rules that must hold under concurrency are enforced by the database, not by reading
first and writing after:

* an answer is one row per (attempt, question) (unique constraint), written by the upsert of
  ``interviews.answers`` whose SELECT checks, in the same statement, that the attempt is
  still running and its deadline (plus ``SAVE_GRACE``) is not over;
* every state change is a conditional UPDATE (``WHERE state IN (legal sources)``), so of
  two simultaneous submits exactly one wins and the other is told the attempt has ended.
"""

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F, Q, Window
from django.db.models.functions import Random, RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from interviewprep.errors import Conflict, DomainError, NotFound
from questions.models import Question, Tag
from quizzes.services import Requeued, requeue_questions

from . import drawing
from .keypoints import key_points
from .models import (
    MAX_DURATION_MINUTES,
    MAX_QUESTIONS,
    MAX_SELF_SCORE,
    SAVE_GRACE,
    Answer,
    Attempt,
    AttemptQuestion,
    ExtraTimeAllowance,
    InterviewTemplate,
    PracticeRequest,
)

# Questions from the learner's last few interviews are avoided when the bank allows.
RECENT_ATTEMPTS = 3
# An interview is drawn from at most this many random questions of each difficulty (of each
# difficulty and chosen topic): many times more than an interview asks (MAX_QUESTIONS).
POOL = 200


class InterviewError(DomainError):
    """An expected refusal; ``message`` is for the learner. ``attempt`` is the attempt it
    refused to change, if there is one, in the state the refusal left it."""

    def __init__(self, message: str, *, attempt: Attempt | None = None) -> None:
        super().__init__(message)
        self.attempt = attempt


class NothingAssessed(InterviewError):
    """A self-assessment with no score at all: storing it would say "saved" while the report
    still says "not assessed yet"."""

    code = "nothing_assessed"


class AttemptClosed(InterviewError, Conflict):
    """The attempt has ended (submitted, or its time ran out): nothing more can be saved."""

    code = "attempt_closed"


class IllegalTransition(InterviewError, Conflict):
    """The attempt is not in a state the requested move can start from."""

    code = "illegal_transition"


class NotInAttempt(InterviewError, NotFound):
    """The question is not one of the attempt's questions."""

    code = "not_in_attempt"


class AnswerChanged(InterviewError, Conflict):
    """The answer was saved from elsewhere (another window) since the sending page last saw
    it; ``answer`` is what is stored, unchanged."""

    code = "answer_changed"

    def __init__(self, message: str, *, answer: Answer, attempt: Attempt) -> None:
        super().__init__(message, attempt=attempt)
        self.answer = answer


@dataclass(frozen=True)
class Criteria:
    """What to draw an interview from; a template's settings or a learner's filter."""

    count: int
    minutes: int
    tag_slugs: tuple[str, ...] = ()
    difficulty_mix: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_template(cls, template: InterviewTemplate) -> "Criteria":
        return cls(
            count=template.question_count,
            minutes=template.duration_minutes,
            tag_slugs=tuple(tag.slug for tag in template.tags.all()),
            difficulty_mix=dict(template.difficulty_mix),
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "minutes": self.minutes,
            "tags": list(self.tag_slugs),
            "difficulty_mix": self.difficulty_mix,
        }


@dataclass(frozen=True)
class Assessment:
    """The learner's self-assessment of one answer: a 0-3 score and the key points ticked."""

    question_id: int
    score: int | None
    points: tuple[int, ...] = ()


def _candidates(criteria: Criteria) -> tuple[list[drawing.Candidate], list[int]]:
    """The questions an interview is drawn from: every answered question that fits
    ``criteria`` in a small bank; in a large one, at most POOL of them at random per difficulty
    (per difficulty and topic when topics are chosen), so that starting an interview reads a
    few hundred rows instead of the whole bank (about a second at 100,000 questions)."""
    questions = Question.objects.practicable()
    topic_ids: list[int] = []
    if criteria.tag_slugs:
        topic_ids = list(
            Tag.objects.filter(slug__in=criteria.tag_slugs).values_list("pk", flat=True)
        )
        topic_links = Question.tags.through.objects.filter(
            tag_id__in=topic_ids, question__in=questions
        ).annotate(
            draw=Window(
                RowNumber(),
                partition_by=[F("question__difficulty"), F("tag_id")],
                order_by=Random(),
            )
        )
        rows = list(
            dict.fromkeys(
                topic_links.filter(draw__lte=POOL).values_list(  # type: ignore[misc]  # draw is an annotation
                    "question_id", "question__difficulty"
                )
            )
        )
    else:
        drawn = questions.annotate(
            draw=Window(RowNumber(), partition_by=[F("difficulty")], order_by=Random())
        )
        rows = list(drawn.filter(draw__lte=POOL).values_list("pk", "difficulty"))
    # In bank order: the draw's own random choice (seeded in tests) does the shuffling.
    rows.sort()
    tags: dict[int, set[int]] = {pk: set() for pk, _difficulty in rows}
    links = Question.tags.through.objects.filter(question_id__in=tags).values_list(
        "question_id", "tag_id"
    )
    for question_id, tag_id in links:
        tags[question_id].add(tag_id)
    candidates = [drawing.Candidate(pk, difficulty, frozenset(tags[pk])) for pk, difficulty in rows]
    return candidates, topic_ids


def _validate(criteria: Criteria) -> None:
    if not 1 <= criteria.count <= MAX_QUESTIONS:
        raise InterviewError(
            _("An interview has from 1 to %(max)d questions.") % {"max": MAX_QUESTIONS}
        )
    if not 1 <= criteria.minutes <= MAX_DURATION_MINUTES:
        raise InterviewError(
            _("An interview lasts from 1 to %(max)d minutes.") % {"max": MAX_DURATION_MINUTES}
        )


@transaction.atomic
def start_attempt(
    *,
    user: Any,
    template: InterviewTemplate | None = None,
    criteria: Criteria | None = None,
    layout: str = Attempt.Layout.ONE,
    now: datetime | None = None,
    rng: random.Random | None = None,
) -> Attempt:
    """Draw the questions and start the clock: deadline = start + duration + allowance.

    Give a ``template`` or custom ``criteria``. Raises ``InterviewError`` when the criteria
    are out of range or no answered question matches them.
    """
    if criteria is None:
        if template is None:
            raise InterviewError(_("Choose an interview template or a filter."))
        criteria = Criteria.from_template(template)
    _validate(criteria)
    if layout not in Attempt.Layout.values:
        layout = Attempt.Layout.ONE
    now = now or timezone.now()
    candidates, topic_ids = _candidates(criteria)
    recent = AttemptQuestion.objects.filter(
        attempt__in=Attempt.objects.filter(user=user).order_by("-started_at")[:RECENT_ATTEMPTS]
    ).values_list("question_id", flat=True)
    chosen = drawing.draw(
        candidates,
        count=criteria.count,
        mix=criteria.difficulty_mix,
        topics=topic_ids,
        avoid=set(recent),
        rng=rng,
    )
    if not chosen:
        raise InterviewError(
            _("No answered question matches this choice of topics and difficulties.")
        )
    allowance = ExtraTimeAllowance.objects.filter(user=user).first()
    extra = timedelta(minutes=allowance.extra_minutes if allowance else 0)
    duration = timedelta(minutes=criteria.minutes)
    if template is not None:
        title = template.name
    else:
        title = _("Custom interview · %(minutes)d min · %(count)d questions") % {
            "minutes": criteria.minutes,
            "count": len(chosen),
        }
    attempt = Attempt.objects.create(
        user=user,
        template=template,
        title=title,
        criteria=criteria.as_json(),
        duration_seconds=int(duration.total_seconds()),
        extra_seconds=int(extra.total_seconds()),
        started_at=now,
        deadline=now + duration + extra,
        layout=layout,
    )
    AttemptQuestion.objects.bulk_create(
        AttemptQuestion(attempt=attempt, question_id=pk, position=i)
        for i, pk in enumerate(chosen, start=1)
    )
    return attempt


def _transition(attempt: Attempt, target: str, *, also: Q | None = None, **values: Any) -> bool:
    """Move ``attempt`` to ``target`` if its current state allows it (one conditional UPDATE).

    Returns whether this call made the move; ``attempt`` is refreshed either way.
    """
    sources = [source for source, targets in Attempt.TRANSITIONS.items() if target in targets]
    condition = Q(pk=attempt.pk, state__in=sources) & (also or Q())
    # An explicit transaction even for one statement: on SQLite it begins IMMEDIATE, so
    # concurrent writers wait on the busy timeout instead of failing with "locked".
    with transaction.atomic():
        moved = Attempt.objects.filter(condition).update(state=target, **values) == 1
        attempt.refresh_from_db(fields=["state", "finished_at", "reviewed_at"])
    return moved


def expire_if_due(*, attempt: Attempt, now: datetime | None = None) -> bool:
    """Finish a started attempt whose deadline and grace period are over; finish time = deadline.

    Every request on an attempt asks this: one that is not due opens no transaction."""
    now = now or timezone.now()
    if not attempt.is_past_due(now):
        return False
    return _transition(
        attempt,
        Attempt.State.EXPIRED,
        also=Q(deadline__lt=now - SAVE_GRACE),
        finished_at=F("deadline"),
    )


@transaction.atomic
def expire_due_attempts(*, now: datetime | None = None) -> int:
    """Finish every attempt nobody came back to after its deadline; returns how many."""
    now = now or timezone.now()
    return Attempt.objects.due(now).update(state=Attempt.State.EXPIRED, finished_at=F("deadline"))


def submit_attempt(*, attempt: Attempt, now: datetime | None = None) -> Attempt:
    """End the attempt at the learner's request; finish time = now (at most the deadline).

    Each step is one atomic statement; there is no outer transaction, so a refusal does not
    roll back the expiry it records.

    Raises ``AttemptClosed`` when time had already run out (the attempt is then expired,
    finished at its deadline) and ``IllegalTransition`` when it was already submitted.
    """
    now = now or timezone.now()
    if _transition(
        attempt,
        Attempt.State.SUBMITTED,
        also=Q(deadline__gte=now - SAVE_GRACE),
        finished_at=min(now, attempt.deadline),
    ):
        return attempt
    if attempt.is_open:
        expire_if_due(attempt=attempt, now=now)
        raise AttemptClosed(
            _("Time ran out before the interview was submitted; it ended at its deadline."),
            attempt=attempt,
        )
    if attempt.state == Attempt.State.EXPIRED:
        raise AttemptClosed(
            _("Time ran out; the interview ended at its deadline."), attempt=attempt
        )
    raise IllegalTransition(_("This interview was already submitted."), attempt=attempt)


@transaction.atomic
def record_review(
    *, attempt: Attempt, assessments: Sequence[Assessment], now: datetime | None = None
) -> Attempt:
    """Store the learner's self-assessment and mark the attempt reviewed.

    Allowed once the attempt has ended (submitted or expired), and again after (the learner
    may correct a score). Every value is checked before anything is written.
    """
    if attempt.state not in (
        Attempt.State.SUBMITTED,
        Attempt.State.EXPIRED,
        Attempt.State.REVIEWED,
    ):
        raise IllegalTransition(
            _("An interview can be reviewed once it has ended."), attempt=attempt
        )
    if all(item.score is None for item in assessments):
        raise NothingAssessed(
            _("Choose a score for at least one answer: nothing was saved."), attempt=attempt
        )
    slots = {
        slot.question_id: slot
        for slot in AttemptQuestion.objects.filter(attempt=attempt).select_related(
            "question__live_revision"
        )
    }
    changed = []
    for item in assessments:
        slot = slots.get(item.question_id)
        if slot is None:
            raise NotInAttempt(_("This question is not part of this interview."), attempt=attempt)
        if item.score is not None and not 0 <= item.score <= MAX_SELF_SCORE:
            raise InterviewError(_("A score is 0, 1, 2 or 3."), attempt=attempt)
        count = len(checklist_points(slot.question))
        if any(not 0 <= index < count for index in item.points):
            raise InterviewError(
                _("A ticked key point does not exist in the reference answer."), attempt=attempt
            )
        slot.self_score = item.score
        slot.points_ticked = sorted(set(item.points))
        changed.append(slot)
    AttemptQuestion.objects.bulk_update(changed, ["self_score", "points_ticked"])
    if attempt.state != Attempt.State.REVIEWED:
        _transition(attempt, Attempt.State.REVIEWED, reviewed_at=now or timezone.now())
    return attempt


@transaction.atomic
def set_layout(*, attempt: Attempt, layout: str) -> Attempt:
    if layout not in Attempt.Layout.values:
        raise InterviewError(_("Unknown layout."), attempt=attempt)
    Attempt.objects.filter(pk=attempt.pk).update(layout=layout)
    attempt.layout = layout
    return attempt


def checklist_points(question: Question) -> list[str]:
    """The key points the learner ticks in the review: the live revision's authored ones, else
    a checklist cut from the reference answer (``keypoints.key_points``)."""
    revision = question.live_revision
    if revision is not None and revision.key_points:
        return [point["text"] for point in revision.key_points]
    return key_points(question.body_html)


def is_weak(score: int | None, answered: bool) -> bool:
    """A question to practise again: self-scored 0-1, or left unanswered and unscored."""
    return score <= 1 if score is not None else not answered


def weak_question_ids(attempt: Attempt) -> list[int]:
    """The attempt's weak questions (see ``is_weak``), lowest score first, then in order."""
    answered = {
        question_id
        for question_id, text in Answer.objects.filter(attempt=attempt).values_list(
            "question_id", "text"
        )
        if text.strip()
    }
    slots = AttemptQuestion.objects.filter(attempt=attempt).values_list(
        "question_id", "self_score", "position"
    )
    weak = [
        (score if score is not None else -1, position, question_id)
        for question_id, score, position in slots
        if is_weak(score, question_id in answered)
    ]
    return [question_id for _score, _position, question_id in sorted(weak)]


@transaction.atomic
def send_to_practice(
    *, user: Any, question_ids: Iterable[int], attempt: Attempt | None = None
) -> Requeued:
    """Queue these questions in ``user``'s practice today; returns what was done with each.

    Each request is also kept as a ``PracticeRequest`` row (already consumed), so an attempt's
    report can show what was sent. Only practicable questions are queued.
    """
    result = requeue_questions(user=user, question_ids=question_ids)
    now = timezone.now()
    PracticeRequest.objects.bulk_create(
        [
            PracticeRequest(user=user, question_id=pk, attempt=attempt, consumed_at=now)
            for pk in result.ids
        ]
    )
    return result
