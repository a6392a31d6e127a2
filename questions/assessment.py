"""Grading answers against the live revision's key points, and contesting a grade.

The grader itself is pure (:mod:`questions.grading`); this module finds what to grade against
and stores a learner's objection. Practice and interviews (the apps above) call it.
"""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from interviewprep.errors import DomainError

__all__ = ["DomainError", "NotGradable", "contest_grade", "explain", "grade_answer"]

from . import grading
from .models import GradeDispute, Question, QuestionRevision

MAX_ANSWER_CHARS = grading.MAX_ANSWER_CHARS
MAX_COMMENT_CHARS = 2000


class NotGradable(DomainError):
    """The question has no key points to grade against."""

    code = "not_gradable"
    status = 422


def live_revision(question: Question) -> QuestionRevision:
    """The revision ``question``'s answers are graded against; ``NotGradable`` if none."""
    revision = question.live_revision
    if revision is None or not revision.key_points:
        raise NotGradable(_("This question has no key points yet, so it cannot be graded."))
    return revision


def grade_answer(*, question: Question, answer: str) -> grading.Grade:
    """``answer`` graded against the key points of ``question``'s live revision."""
    if len(answer) > MAX_ANSWER_CHARS:
        raise DomainError(
            _("An answer can be at most %(max)d characters long.") % {"max": MAX_ANSWER_CHARS}
        )
    return live_revision(question).grade(answer)


@transaction.atomic
def contest_grade(
    *, user: Any, question: Question, answer: str, claimed_score: int, comment: str = ""
) -> GradeDispute:
    """Store the learner's objection to the automatic grade of ``answer``.

    The grade is computed again here (what the learner saw, from the same revision), never
    taken from the request. ``claimed_score`` is the learner's own 0-3 score.
    """
    if not 0 <= claimed_score <= 3:
        raise DomainError(_("A score is 0, 1, 2 or 3."))
    if len(comment) > MAX_COMMENT_CHARS:
        raise DomainError(
            _("A comment can be at most %(max)d characters long.") % {"max": MAX_COMMENT_CHARS}
        )
    if not answer.strip():
        raise DomainError(_("There is no answer to contest the grade of."))
    result = grade_answer(question=question, answer=answer)
    return GradeDispute.objects.create(
        question=question,
        revision=live_revision(question),
        user=user,
        answer=answer,
        score=result.score,
        covered=result.covered,
        missed=result.missed,
        claimed_score=claimed_score,
        comment=comment.strip(),
    )


def dispute_as_calibration(dispute: GradeDispute) -> dict[str, Any]:
    """A dispute as an entry of ``tests/data/grading-calibration.json`` (the learner's score
    stands in for the hand score until an editor corrects it)."""
    source = dispute.question.sources.order_by("match", "file_name", "heading_line").first()
    key = (
        f"{source.file_name}:{source.heading_line}" if source else f"question:{dispute.question_id}"
    )
    latin = sum(char.isascii() and char.isalpha() for char in dispute.answer)
    chinese = len("".join(grading.CJK_RUN.findall(dispute.answer)))
    language = "en" if not chinese else "mixed" if latin > chinese else "zh"
    return {
        "question": key,
        "title": dispute.question.title,
        "kind": "contested",
        "language": language,
        "answer": dispute.answer,
        "score": dispute.claimed_score,
        "why": dispute.comment,
        "automatic_score": dispute.score,
    }


def explain(result: grading.Grade, revision: QuestionRevision) -> dict[str, Any]:
    """``result`` with its key points spelled out: what the API answers and pages show.

    ``covered`` and ``missed`` list ``{id, text, weight}``; a missed point adds ``reference``,
    the sentence of the reference answer that covers it; ``evidence`` pairs each covered point
    with the sentence of the answer that covers it.
    """
    points = revision.key_point_texts()

    def point(point_id: str) -> dict[str, Any]:
        stored = points[point_id]
        return {"id": point_id, "text": stored["text"], "weight": stored.get("weight", 1)}

    return {
        "score": result.score,
        "covered": [point(point_id) for point_id in result.covered],
        "missed": [
            {
                **point(point_id),
                # Where the reference answer is wrong, the point comes from the correction: the
                # point itself is then the reference.
                "reference": points[point_id].get("source_sentence") or points[point_id]["text"],
                "from_correction": bool(points[point_id].get("from_correction")),
            }
            for point_id in result.missed
        ],
        "evidence": [
            {"point": item.point, "sentence": item.sentence, "support": item.support}
            for item in result.evidence
        ],
        "covered_count": len(result.covered),
        "total": result.total,
    }
