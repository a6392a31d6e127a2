"""Today's practice queue, decks built from a filter, and what changed in an answer since the
learner's last review. Days are calendar days in the site's time zone (``TIME_ZONE``)."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Exists, F, OuterRef, Prefetch, Subquery, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from interviewprep.models import User
from questions.diff import DiffLine, line_diff
from questions.models import Question, QuestionRevision, Tag

from . import stats
from .learner_scheduler import active_plan
from .models import Bookmark, Card
from .plan import topic_questions
from .services import PracticeError

DECK_SIZE = 50


@dataclass
class QueueItem:
    question: Question
    card: Card | None
    kind: str  # "review", "changed" (the answer changed since the last review) or "new"
    intervals: dict[int, timedelta] | None = None  # filled by who shows it (the API)

    @property
    def due(self) -> datetime | None:
        return getattr(self.card, "effective_due", None)


@dataclass
class Queue:
    items: list[QueueItem]
    due_count: int
    new_count: int
    requested_count: int  # of the new ones, those requested (beyond the daily limit)
    new_today: int
    new_limit: int

    @property
    def head(self) -> QueueItem | None:
        return self.items[0] if self.items else None


def _tags_prefetch(prefix: str = "") -> Prefetch:
    return Prefetch(f"{prefix}tags", queryset=Tag.objects.order_by("level", "slug"))


def todays_queue(*, user: User) -> Queue:
    """Due reviews first (by due date; a changed answer is due now), then every requested new
    question (see ``requeue_questions``), then new questions in bank order up to the
    learner's daily goal minus the new questions already started today (requested ones are
    not counted).

    At most six queries whatever the size of the queue and of the bank.
    """
    now = timezone.now()
    due_cards = list(
        Card.objects.for_user(user)  # type: ignore[misc]  # effective_due is an annotation
        .due_by(now)
        .with_effective_due(now)
        .select_related("question__live_revision")
        .prefetch_related(_tags_prefetch("question__"))
        .order_by("effective_due", "id")
    )
    new_today = (
        Card.objects.for_user(user)
        .counted_new_since(stats.start_of_day(stats.local_today(now)))
        .count()
    )
    # With an interview date, the plan sets the new questions per day and its topics.
    current = active_plan(user)
    new_limit = current.new_per_day if current is not None else user.daily_goal
    practicable = (
        topic_questions(user, current) if current is not None else Question.objects.practicable()
    ).select_related("live_revision")
    cards = Card.objects.for_user(user)
    # Requested questions (an interview's weak ones) all come first, beyond the daily limit.
    requested = list(
        Question.objects.practicable()
        .select_related("live_revision")
        .filter(pk__in=cards.requested_new().values("question"))
        .annotate(
            requested_at=Subquery(cards.filter(question=OuterRef("pk")).values("requested_at")[:1])
        )
        .order_by("requested_at", "id")
    )
    limit = max(0, new_limit - new_today)
    new_questions: list[Question] = []
    if limit:
        # Questions that already have a card but no review yet (shown before) come first,
        # oldest card first; then bank order. Two short queries: one query ordering every
        # practicable question by its card took 0.3-0.9 s at 100,000 questions.
        waiting = cards.filter(question=OuterRef("pk")).values("created_at")
        new_questions = list(
            practicable.filter(
                pk__in=cards.filter(reps=0, requested_at__isnull=True).values("question")
            )
            .annotate(waiting_since=Subquery(waiting[:1]))
            .order_by("waiting_since", "id")[:limit]
        )
        if len(new_questions) < limit:
            new_questions += practicable.exclude(pk__in=cards.values("question")).order_by("id")[
                : limit - len(new_questions)
            ]
    new_questions = requested + new_questions
    prefetch_related_objects(new_questions, _tags_prefetch())
    items = [
        QueueItem(
            question=card.question,
            card=card,
            kind="changed" if card.answer_changed else "review",  # type: ignore[attr-defined]
        )
        for card in due_cards
    ] + [QueueItem(question=question, card=None, kind="new") for question in new_questions]
    return Queue(
        items=items,
        due_count=len(due_cards),
        new_count=len(new_questions),
        requested_count=len(requested),
        new_today=new_today,
        new_limit=new_limit,
    )


def build_deck(
    *,
    user: User,
    tags: Sequence[str] = (),
    difficulty: str = "",
    bookmarked: bool = False,
    wrong: bool = False,
    limit: int = DECK_SIZE,
) -> list[int]:
    """The ids of up to ``limit`` practicable questions matching every filter given.

    ``tags``: any of these tag slugs; ``bookmarked``: the learner's bookmarks; ``wrong``:
    questions whose latest rating was "Again". Questions the learner studied come first,
    most overdue first, then the others in bank order.
    """
    if difficulty and difficulty not in Question.Difficulty.values:
        raise PracticeError(_("Unknown difficulty: %(value)s.") % {"value": difficulty})
    questions = Question.objects.practicable()
    if tags:
        tagged = Tag.questions.through.objects.filter(
            question_id=OuterRef("pk"), tag__slug__in=list(tags)
        )
        questions = questions.filter(Exists(tagged))
    if difficulty:
        questions = questions.filter(difficulty=difficulty)
    if bookmarked:
        questions = questions.filter(
            Exists(Bookmark.objects.filter(user=user, question=OuterRef("pk")))
        )
    if wrong:
        questions = questions.filter(
            Exists(Card.objects.for_user(user).wrong().filter(question=OuterRef("pk")))
        )
    card_due = Card.objects.for_user(user).studied().filter(question=OuterRef("pk")).values("due")
    ordered = questions.annotate(card_due=Subquery(card_due)).order_by(
        F("card_due").asc(nulls_last=True), "id"
    )
    return list(ordered.values_list("pk", flat=True)[:limit])


def deck_remaining(*, user: User, ids: Iterable[int], since: datetime) -> list[int]:
    """The deck's question ids not yet rated since ``since`` (when the deck was built)."""
    ids = list(ids)
    done = set(
        Card.objects.for_user(user)
        .filter(question_id__in=ids, last_review__gte=since)
        .values_list("question_id", flat=True)
    )
    return [pk for pk in ids if pk not in done]


@dataclass
class AnswerChange:
    old_number: int
    new_number: int
    diff: list[DiffLine]


def answer_change(*, card: Card | None, question: Question) -> AnswerChange | None:
    """How the published answer changed since the learner last reviewed it, if it did."""
    live = question.live_revision
    if card is None or card.seen_revision is None or live is None:
        return None
    if live.number <= card.seen_revision:
        return None
    old = QuestionRevision.objects.filter(question=question, number=card.seen_revision).first()
    old_text = old.body_markdown if old else ""
    return AnswerChange(
        old_number=card.seen_revision,
        new_number=live.number,
        diff=line_diff(old_text, live.body_markdown),
    )
