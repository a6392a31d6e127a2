"""Follow-up questions (追问) in an interview and the automatic grades of its answers.

A question's live revision may carry authored follow-ups, each attached to one of its key
points (``after``). When the learner leaves an answered question (or submits), the answer is
graded; the first follow-up whose key point it missed is asked (every answer's first
follow-up when the template says "always", none when it says "never"), at most one per
question. It is answered inside the attempt's clock: the save is one conditional UPDATE that
checks the attempt is running and its deadline (plus ``SAVE_GRACE``) is not over.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from questions import grading
from questions.models import Question

from .models import (
    MAX_ANSWER_CHARS,
    SAVE_GRACE,
    Answer,
    Attempt,
    AttemptQuestion,
    FollowUp,
    InterviewTemplate,
)
from .services import AttemptClosed, InterviewError, NotInAttempt, expire_if_due


def _mode(attempt: Attempt) -> str:
    template = attempt.template
    return template.follow_ups if template is not None else InterviewTemplate.FollowUps.MISSED


def _choose(follow_ups: list[dict[str, Any]], missed: list[str], mode: str) -> dict | None:
    if mode == InterviewTemplate.FollowUps.NEVER or not follow_ups:
        return None
    if mode == InterviewTemplate.FollowUps.ALWAYS:
        return follow_ups[0]
    missed_set = set(missed)
    for item in follow_ups:
        if not item.get("after") or item["after"] in missed_set:
            return item
    return None


@transaction.atomic
def ask_follow_ups(
    *, attempt: Attempt, question_ids: Iterable[int], now: datetime | None = None
) -> list[FollowUp]:
    """Grade the answers to ``question_ids`` and ask the follow-ups they call for.

    Returns the follow-ups asked by this call (none for an ended attempt, an unanswered
    question or one already followed up). Idempotent: a question is followed up once.
    """
    now = now or timezone.now()
    if not attempt.is_open or attempt.is_past_due(now):
        return []
    ids = set(question_ids)
    slots = list(
        AttemptQuestion.objects.filter(attempt=attempt, question_id__in=ids)
        .exclude(follow_ups__isnull=False)
        .select_related("question__live_revision")
    )
    texts = dict(
        Answer.objects.filter(attempt=attempt, question_id__in=ids).values_list(
            "question_id", "text"
        )
    )
    mode = _mode(attempt)
    chosen: list[tuple[AttemptQuestion, dict[str, Any]]] = []
    for slot in slots:
        revision = slot.question.live_revision
        text = texts.get(slot.question_id, "")
        if revision is None or not revision.follow_ups or not text.strip():
            continue
        missed = revision.grade(text).missed if revision.key_points else []
        item = _choose(list(revision.follow_ups), missed, mode)
        if item is not None:
            chosen.append((slot, item))
    bank = Question.objects.practicable().in_bulk(
        [item["question_id"] for _slot, item in chosen if item.get("question_id")]
    )
    rows = []
    for slot, item in chosen:
        question = bank.get(item.get("question_id") or 0)
        if item.get("question_id") and question is None:
            continue  # the bank question was merged away or lost its answer
        rows.append(
            FollowUp(
                attempt=attempt,
                parent=slot,
                authored_id=item["id"],
                after=item.get("after", ""),
                question=question,
                prompt=item.get("prompt", ""),
                reference=item.get("reference", ""),
                key_points=item.get("key_points", []),
                asked_at=now,
            )
        )
    return FollowUp.objects.bulk_create(rows, ignore_conflicts=True)


def save_follow_up(
    *, attempt: Attempt, follow_up_id: int, text: str, now: datetime | None = None
) -> FollowUp:
    """Store the answer to a follow-up, inside the attempt's clock (see the module)."""
    if len(text) > MAX_ANSWER_CHARS:
        raise InterviewError(
            _("An answer can be at most %(max)d characters long; this one has %(length)d.")
            % {"max": MAX_ANSWER_CHARS, "length": len(text)},
            attempt=attempt,
        )
    now = now or timezone.now()
    with transaction.atomic():
        done = FollowUp.objects.filter(
            pk=follow_up_id,
            attempt=attempt,
            attempt__state=Attempt.State.STARTED,
            attempt__deadline__gte=now - SAVE_GRACE,
        ).update(text=text, saved_at=now)
    if done:
        return FollowUp.objects.get(pk=follow_up_id)
    if not FollowUp.objects.filter(pk=follow_up_id, attempt=attempt).exists():
        raise NotInAttempt(_("This follow-up is not part of this interview."), attempt=attempt)
    attempt.refresh_from_db(fields=["state", "finished_at", "reviewed_at"])
    expire_if_due(attempt=attempt, now=now)
    raise AttemptClosed(
        _("This interview has ended; its answers can no longer be changed."), attempt=attempt
    )


@transaction.atomic
def grade_attempt(*, attempt: Attempt) -> int:
    """Store the automatic grade of every answer and follow-up answer of an ended attempt
    that has none yet; returns how many were graded. Runs once per answer: the first review
    or report of the attempt grades it against the key points live at that moment."""
    if attempt.is_open:
        return 0
    texts = dict(Answer.objects.filter(attempt=attempt).values_list("question_id", "text"))
    slots = list(
        AttemptQuestion.objects.filter(attempt=attempt, auto_score__isnull=True).select_related(
            "question__live_revision"
        )
    )
    graded_slots = []
    for slot in slots:
        revision = slot.question.live_revision
        if revision is None or not revision.key_points:
            continue
        result = revision.grade(texts.get(slot.question_id, ""))
        slot.auto_score, slot.covered_points, slot.missed_points = (
            result.score,
            result.covered,
            result.missed,
        )
        graded_slots.append(slot)
    AttemptQuestion.objects.bulk_update(
        graded_slots, ["auto_score", "covered_points", "missed_points"]
    )
    follow_ups = list(
        FollowUp.objects.filter(attempt=attempt, auto_score__isnull=True).select_related(
            "question__live_revision"
        )
    )
    graded_follow_ups = []
    for follow_up in follow_ups:
        points = follow_up.points()
        if not points:
            continue
        result = grading.grade(grading.parse_key_points(points), follow_up.text)
        follow_up.auto_score, follow_up.covered_points, follow_up.missed_points = (
            result.score,
            result.covered,
            result.missed,
        )
        graded_follow_ups.append(follow_up)
    FollowUp.objects.bulk_update(
        graded_follow_ups, ["auto_score", "covered_points", "missed_points"]
    )
    return len(graded_slots) + len(graded_follow_ups)
