"""The review and the report of a finished attempt, built from already-loaded rows.

Pass an attempt loaded with ``Attempt.objects.with_questions()``: nothing here queries.
"""

from dataclasses import dataclass, field
from typing import Any

from questions.models import Question, Tag

from .keypoints import Coverage, coverage
from .models import MAX_SELF_SCORE, Answer, Attempt, AttemptQuestion, FollowUp, score_percent
from .services import checklist_points, is_weak

WEAKEST_TOPICS = 3


@dataclass(frozen=True)
class AutoGrade:
    """The automatic grade of one answer as pages show it: "covers 3 of 5 key points"."""

    score: float
    covered: list[dict[str, Any]]
    missed: list[dict[str, Any]]

    @property
    def covered_count(self) -> int:
        return len(self.covered)

    @property
    def total(self) -> int:
        return len(self.covered) + len(self.missed)

    @property
    def percent(self) -> int:
        return round(100 * self.score)

    @classmethod
    def build(
        cls, score: float | None, covered: list[str], missed: list[str], points: list[dict]
    ) -> "AutoGrade | None":
        if score is None or not points:
            return None
        by_id = {point["id"]: point for point in points}

        def spelled(point_id: str) -> dict[str, Any]:
            point = by_id.get(point_id, {"id": point_id, "text": point_id})
            reference = point.get("source_sentence") or point.get("text", "")
            return {
                "id": point_id,
                "text": point.get("text", point_id),
                "reference": reference,
                "from_correction": bool(point.get("from_correction")),
            }

        return cls(
            score=score,
            covered=[spelled(point_id) for point_id in covered if point_id in by_id],
            missed=[spelled(point_id) for point_id in missed if point_id in by_id],
        )


@dataclass
class FollowUpItem:
    follow_up: FollowUp
    auto: AutoGrade | None


@dataclass
class ReviewItem:
    slot: AttemptQuestion
    answer: Answer | None
    points: list[str]
    coverage: Coverage
    auto: AutoGrade | None = None
    follow_ups: list[FollowUpItem] = field(default_factory=list)
    late_text: str = ""  # sent by a form after the deadline, so not saved

    @property
    def question(self) -> Question:
        return self.slot.question

    @property
    def text(self) -> str:
        return self.answer.text if self.answer else ""

    @property
    def answered(self) -> bool:
        return bool(self.text.strip())

    @property
    def seconds(self) -> int:
        return self.answer.seconds_spent if self.answer else 0

    @property
    def marked(self) -> bool:
        return bool(self.answer and self.answer.marked)

    @property
    def weak(self) -> bool:
        return is_weak(self.slot.self_score, self.answered)

    @property
    def checklist(self) -> list[tuple[int, str, bool, bool]]:
        """(index, point, ticked by the learner, its terms appear in the answer)."""
        ticked = set(self.slot.points_ticked)
        hits = self.coverage.points_hit
        return [(i, point, i in ticked, hits[i]) for i, point in enumerate(self.points)]


@dataclass
class TagRow:
    tag: Tag
    questions: int = 0
    scored: int = 0
    score_sum: int = 0
    auto_count: int = 0
    auto_sum: float = 0.0

    @property
    def percent(self) -> int | None:
        return score_percent(self.score_sum, self.scored)

    @property
    def auto_percent(self) -> int | None:
        """The automatic grade's mean over the tag's graded answers, in percent."""
        return round(100 * self.auto_sum / self.auto_count) if self.auto_count else None


@dataclass
class Report:
    attempt: Attempt
    items: list[ReviewItem]
    tags: list[TagRow] = field(default_factory=list)

    @property
    def scored(self) -> int:
        return sum(item.slot.self_score is not None for item in self.items)

    @property
    def score_sum(self) -> int:
        return sum(item.slot.self_score or 0 for item in self.items)

    @property
    def score_max(self) -> int:
        return MAX_SELF_SCORE * len(self.items)

    @property
    def percent(self) -> int | None:
        """Total self-assessed score in percent of the maximum; None before any scoring."""
        return score_percent(self.score_sum, len(self.items)) if self.scored else None

    @property
    def answered(self) -> int:
        return sum(item.answered for item in self.items)

    @property
    def seconds_on_questions(self) -> int:
        return sum(item.seconds for item in self.items)

    @property
    def weakest(self) -> list[TagRow]:
        rows = [row for row in self.tags if row.percent is not None and row.percent < 100]
        return sorted(rows, key=lambda row: (row.percent, -row.questions))[:WEAKEST_TOPICS]

    @property
    def weak_ids(self) -> list[int]:
        return [item.question.pk for item in self.items if item.weak]


def review_items(attempt: Attempt) -> list[ReviewItem]:
    answers = {answer.question_id: answer for answer in attempt.answers.all()}
    asked: dict[int, list[FollowUpItem]] = {}
    for follow_up in attempt.follow_ups.all():
        auto = AutoGrade.build(
            follow_up.auto_score,
            follow_up.covered_points,
            follow_up.missed_points,
            follow_up.points(),
        )
        asked.setdefault(follow_up.parent_id, []).append(FollowUpItem(follow_up, auto))
    items = []
    for slot in attempt.slots.all():
        points = checklist_points(slot.question)
        answer = answers.get(slot.question_id)
        revision = slot.question.live_revision
        items.append(
            ReviewItem(
                slot=slot,
                answer=answer,
                points=points,
                coverage=coverage(points, answer.text if answer else ""),
                auto=AutoGrade.build(
                    slot.auto_score,
                    slot.covered_points,
                    slot.missed_points,
                    revision.key_points if revision else [],
                ),
                follow_ups=asked.get(slot.pk, []),
            )
        )
    return items


def build_report(attempt: Attempt) -> Report:
    items = review_items(attempt)
    rows: dict[int, TagRow] = {}
    for item in items:
        for tag in item.question.tags.all():
            row = rows.setdefault(tag.pk, TagRow(tag=tag))
            row.questions += 1
            if item.slot.self_score is not None:
                row.scored += 1
                row.score_sum += item.slot.self_score
            if item.auto is not None:
                row.auto_count += 1
                row.auto_sum += item.auto.score
    tags = sorted(rows.values(), key=lambda row: (-row.questions, row.tag.slug))
    return Report(attempt=attempt, items=items, tags=tags)
