"""The review and the report of a finished attempt, built from already-loaded rows.

Pass an attempt loaded with ``Attempt.objects.with_questions()``: nothing here queries.
"""

from dataclasses import dataclass, field

from questions.models import Question, Tag

from .keypoints import Coverage, coverage, key_points
from .models import MAX_SELF_SCORE, Answer, Attempt, AttemptQuestion, score_percent
from .services import is_weak

WEAKEST_TOPICS = 3


@dataclass
class ReviewItem:
    slot: AttemptQuestion
    answer: Answer | None
    points: list[str]
    coverage: Coverage

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

    @property
    def percent(self) -> int | None:
        return score_percent(self.score_sum, self.scored)


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
    items = []
    for slot in attempt.slots.all():
        points = key_points(slot.question.body_html)
        answer = answers.get(slot.question_id)
        items.append(
            ReviewItem(
                slot=slot,
                answer=answer,
                points=points,
                coverage=coverage(points, answer.text if answer else ""),
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
    tags = sorted(rows.values(), key=lambda row: (-row.questions, row.tag.slug))
    return Report(attempt=attempt, items=items, tags=tags)
