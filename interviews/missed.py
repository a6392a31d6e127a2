"""The key points a learner misses most across their interviews (read-only, two queries)."""

from collections import Counter
from dataclasses import dataclass
from typing import Any

from questions.models import Question

from .models import Attempt, AttemptQuestion

#: How many of the learner's latest interviews are counted, and how many points are listed.
RECENT_ATTEMPTS = 20
MOST_MISSED = 5


@dataclass(frozen=True)
class MissedPoint:
    question_id: int
    question_title: str
    point_id: str
    text: str
    reference: str
    misses: int


def most_missed(user: Any, *, limit: int = MOST_MISSED) -> list[MissedPoint]:
    """The key points most often missed by the automatic grade in ``user``'s latest
    ``RECENT_ATTEMPTS`` interviews, most missed first (at least twice, or once when nothing
    was missed twice), with the sentence of the reference answer covering each."""
    if not user.is_authenticated:
        return []
    recent = Attempt.objects.filter(user=user).order_by("-started_at").values("pk")
    rows = AttemptQuestion.objects.filter(
        attempt__in=recent[:RECENT_ATTEMPTS], auto_score__isnull=False
    ).values_list("question_id", "missed_points")
    counts: Counter[tuple[int, str]] = Counter()
    for question_id, missed in rows:
        counts.update((question_id, point_id) for point_id in missed)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if ranked and ranked[0][1] >= 2:
        ranked = [item for item in ranked if item[1] >= 2]
    ranked = ranked[:limit]
    questions = Question.objects.select_related("live_revision").in_bulk(
        {question_id for (question_id, _point), _n in ranked}
    )
    result = []
    for (question_id, point_id), misses in ranked:
        question = questions.get(question_id)
        revision = question.live_revision if question else None
        point = revision.key_point_texts().get(point_id) if revision else None
        if question is None or point is None:
            continue  # the point was edited away since
        result.append(
            MissedPoint(
                question_id=question_id,
                question_title=question.title,
                point_id=point_id,
                text=point["text"],
                reference=point.get("source_sentence") or point["text"],
                misses=misses,
            )
        )
    return result
