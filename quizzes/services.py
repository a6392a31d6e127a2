"""Practice: showing and rating questions, today's queue, decks, bookmarks, notes, progress.

Writes are keyword-only and run in one transaction each. Days ("today", reviews per day,
streaks) are calendar days in the site's time zone (``TIME_ZONE``).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from uuid import uuid4

from django.core.cache import cache
from django.db import transaction
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    prefetch_related_objects,
)
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from interviewprep.errors import Conflict, DomainError
from interviewprep.models import User
from questions.models import Notification, Question, QuestionRevision, Tag

from . import scheduling, stats
from .models import LEECH_AGAIN_COUNT, Bookmark, Card, CardState, Note, Rating, Review

# A card counts as mastered once fsrs expects it to be remembered for three weeks (the
# "mature" threshold Anki uses for intervals).
MASTERED_STABILITY_DAYS = 21
DECK_SIZE = 50
MAX_ATTEMPT_LENGTH = 10_000


class PracticeError(DomainError):
    """Input the learner can correct; the message is shown to them as it is."""


class AlreadyRated(PracticeError, Conflict):
    """The card was rated in the meantime (a double submit or a second tab)."""

    code = "already_rated"


# --- days ---------------------------------------------------------------------------------


def local_today(now: datetime) -> date:
    return timezone.localtime(now).date()


def start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


# --- showing and rating -------------------------------------------------------------------


@transaction.atomic
def show_card(*, user: User, question: Question) -> Card:
    """Record that ``question`` is in front of the learner now: the review timer starts.

    Showing it again before it is rated keeps the first time (a reload is not a fresh look),
    unless that was longer ago than a review can count for.
    """
    now = timezone.now()
    card, created = Card.objects.get_or_create(
        user=user, question=question, defaults={"due": now, "shown_at": now, "created_at": now}
    )
    stale = card.shown_at is None or stats.review_seconds(card.shown_at, now) >= (
        stats.MAX_REVIEW_SECONDS
    )
    if not created and stale:
        card.shown_at = now
        card.save(update_fields=["shown_at"])
    return card


@transaction.atomic
def record_review(
    *,
    user: User,
    question: Question,
    rating: int,
    attempt: str = "",
    expected_reps: int | None = None,
) -> Review:
    """Rate the learner's recall of ``question`` now and schedule the card with fsrs.

    ``expected_reps`` is the number of reviews the card had when the learner saw it; a
    different number means it was rated in the meantime and :class:`AlreadyRated` is raised,
    so a double submit records one review. Seconds spent are measured from
    :func:`show_card`. The card remembers the answer revision seen, becomes a leech after
    ``LEECH_AGAIN_COUNT`` "Again" ratings, and is due when fsrs says.
    """
    if rating not in Rating.values:
        raise PracticeError(_("Rate your recall: Again, Hard, Good or Easy."))
    if len(attempt) > MAX_ATTEMPT_LENGTH:
        raise PracticeError(
            _("Your attempt is too long (at most %(max)d characters).")
            % {"max": MAX_ATTEMPT_LENGTH}
        )
    live = (
        Question.objects.practicable()
        .select_related("live_revision")
        .filter(pk=question.pk)
        .first()
    )
    if live is None:
        raise PracticeError(_("This question cannot be practised."))
    now = timezone.now()
    card, _created = Card.objects.get_or_create(
        user=user, question=live, defaults={"due": now, "created_at": now}
    )
    if expected_reps is not None and card.reps != expected_reps:
        raise AlreadyRated(_("You have already rated this question."))

    schedule = scheduling.review(
        scheduling.to_fsrs_card(
            card_id=card.pk,
            state=card.state,
            step=card.step,
            stability=card.stability,
            difficulty=card.difficulty,
            due=card.due,
            last_review=card.last_review,
        ),
        rating=rating,
        at=now,
    )
    again_count = card.again_count + (rating == Rating.AGAIN)
    leeched_at = card.leeched_at or (now if again_count >= LEECH_AGAIN_COUNT else None)
    revision = live.live_revision.number if live.live_revision else None
    # Conditional UPDATE on the review count: of two concurrent ratings only one applies.
    updated = Card.objects.filter(pk=card.pk, reps=card.reps).update(
        state=schedule.state,
        step=schedule.step,
        stability=schedule.stability,
        difficulty=schedule.difficulty,
        due=schedule.due,
        last_review=schedule.last_review,
        reps=F("reps") + 1,
        again_count=again_count,
        last_rating=rating,
        leeched_at=leeched_at,
        seen_revision=revision,
        shown_at=None,
        first_reviewed_at=card.first_reviewed_at or now,
    )
    if not updated:
        raise AlreadyRated(_("You have already rated this question."))
    learner_state_changed(user.pk)
    return Review.objects.create(
        card=card,
        user=user,
        question=live,
        rating=rating,
        reviewed_at=now,
        duration_seconds=stats.review_seconds(card.shown_at, now),
        attempt=attempt,
        revision_number=revision,
        state=schedule.state,
        stability=schedule.stability,
        difficulty=schedule.difficulty,
        due=schedule.due,
    )


# --- today's queue and decks --------------------------------------------------------------


@dataclass
class QueueItem:
    question: Question
    card: Card | None
    kind: str  # "review", "changed" (the answer changed since the last review) or "new"

    @property
    def due(self) -> datetime | None:
        return getattr(self.card, "effective_due", None)


@dataclass
class Queue:
    items: list[QueueItem]
    due_count: int
    new_count: int
    new_today: int
    new_limit: int

    @property
    def head(self) -> QueueItem | None:
        return self.items[0] if self.items else None


def _tags_prefetch(prefix: str = "") -> Prefetch:
    return Prefetch(f"{prefix}tags", queryset=Tag.objects.order_by("level", "slug"))


def question_state(*, user: User, question: Question) -> dict[str, object]:
    """The learner's own ``note`` (or None), whether they ``bookmarked`` and ``studied``
    (reviewed at least once) ``question``, and whether it ``has_updates``: "answer updated"
    notices they have not dismissed. One query.

    Every signed-in view of a question page asks this, so it is written in SQL: composed with
    the ORM (Exists and Subquery) it cost 1.5 ms of Python a view against 0.35 ms for running
    it (PostgreSQL, bench bank). ``Note.objects.raw`` still converts the note's columns.
    """
    params = {"user": user.pk, "question": question.pk, "updated": Notification.Kind.UPDATED.value}
    row: Any = next(iter(Note.objects.raw(_STATE_SQL, params)), None)  # with its annotations
    if row is None:  # no such question
        return {"note": None, "bookmarked": False, "studied": False, "has_updates": False}
    state: dict[str, object] = {
        "note": None,
        "bookmarked": bool(row.bookmarked),
        "studied": bool(row.studied),
        "has_updates": bool(row.has_updates),
    }
    if row.pk is not None:
        row.user, row.question = user, question
        state["note"] = row
    return state


_STATE_SQL = f"""
    SELECT n.id, n.text, n.updated_at,
        EXISTS(SELECT 1 FROM {Bookmark._meta.db_table} b
               WHERE b.user_id = %(user)s AND b.question_id = q.id) AS bookmarked,
        EXISTS(SELECT 1 FROM {Card._meta.db_table} c
               WHERE c.user_id = %(user)s AND c.question_id = q.id AND c.reps > 0) AS studied,
        EXISTS(SELECT 1 FROM {Notification._meta.db_table} u
               WHERE u.user_id = %(user)s AND u.question_id = q.id
               AND u.kind = %(updated)s AND u.read_at IS NULL) AS has_updates
    FROM {Question._meta.db_table} q
    LEFT JOIN {Note._meta.db_table} n ON n.question_id = q.id AND n.user_id = %(user)s
    WHERE q.id = %(question)s
"""  # noqa: S608  (table names only; every value is a parameter)


# The question page reads the learner's state from the cache, with the page itself
# (questions.views.question_detail), kept under the question's version (its stamp, replaced
# by every editorial write, questions/caches.py) and the learner's own version, replaced by
# each of their writes that the state shows: learner_state_changed().
STATE_TIMEOUT = 3600
# Longer than STATE_TIMEOUT: a version must outlive every state kept under it.
LEARNER_VERSION_TIMEOUT = 24 * 3600


def question_state_keys(*, user_id: int, question_id: int) -> list[str]:
    """The cache keys :func:`cached_question_state` reads (fetch them with the page's)."""
    return [_learner_version_key(user_id), _state_key(user_id, question_id)]


def cached_question_state(
    *, user: User, question: Question, question_version: str, found: dict[str, Any]
) -> dict[str, object]:
    """:func:`question_state` from ``found`` (the cache's values of
    :func:`question_state_keys`) if it was kept under ``question_version`` and the learner's
    current version; otherwise read, and kept for the next view."""
    version_key, state_key = question_state_keys(user_id=user.pk, question_id=question.pk)
    learner_version = found.get(version_key)
    if learner_version is None:
        # add(), not set(): a write replacing it meanwhile wins.
        cache.add(version_key, uuid4().hex, LEARNER_VERSION_TIMEOUT)
        learner_version = cache.get(version_key, "")
    version = f"{question_version}:{learner_version}"
    kept = found.get(state_key)
    if kept is not None and kept[0] == version:
        state = dict(kept[1])
        if state["note"] is not None:
            pk, text, updated_at = state["note"]
            state["note"] = Note(
                pk=pk, user=user, question=question, text=text, updated_at=updated_at
            )
        return state
    state = question_state(user=user, question=question)
    note = state["note"]
    plain = {
        **state,
        "note": None if note is None else (note.pk, note.text, note.updated_at),  # type: ignore[attr-defined]
    }
    cache.set(state_key, (version, plain), STATE_TIMEOUT)
    return state


def learner_state_changed(*user_ids: int) -> None:
    """Drop the question states kept for ``user_ids`` (a write changed their note, bookmark,
    practice or notices): each gets a new version now, for reads later in this transaction,
    and again once it commits, so that a state read before the commit is never used."""
    keys = [_learner_version_key(pk) for pk in user_ids]

    def new_versions() -> None:
        cache.set_many({key: uuid4().hex for key in keys}, LEARNER_VERSION_TIMEOUT)

    if keys:
        new_versions()
        transaction.on_commit(new_versions)


def _learner_version_key(user_id: int) -> str:
    return f"quizzes:learner-version:{user_id}"


def _state_key(user_id: int, question_id: int) -> str:
    return f"quizzes:question-state:{user_id}:{question_id}"


def todays_queue(*, user: User) -> Queue:
    """Due reviews first (by due date; a changed answer is due now), then new questions in
    bank order up to the learner's daily goal minus the new questions already started today.

    At most five queries whatever the size of the queue and of the bank.
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
        .filter(first_reviewed_at__gte=start_of_day(local_today(now)))
        .count()
    )
    limit = max(0, user.daily_goal - new_today)
    new_questions: list[Question] = []
    if limit:
        cards = Card.objects.for_user(user)
        practicable = Question.objects.practicable().select_related("live_revision")
        # Questions that already have a card but no review yet (shown before, or sent here
        # from an interview's report) come first, oldest card first; then bank order. Two
        # short queries: one query ordering every practicable question by its card took
        # 0.3-0.9 s at 100,000 questions.
        waiting = cards.filter(question=OuterRef("pk")).values("created_at")
        new_questions = list(
            practicable.filter(pk__in=cards.filter(reps=0).values("question"))
            .annotate(waiting_since=Subquery(waiting[:1]))
            .order_by("waiting_since", "id")[:limit]
        )
        if len(new_questions) < limit:
            new_questions += practicable.exclude(pk__in=cards.values("question")).order_by("id")[
                : limit - len(new_questions)
            ]
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
        new_today=new_today,
        new_limit=user.daily_goal,
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
    diff: list[stats.DiffLine]


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
        diff=stats.answer_diff(old_text, live.body_markdown),
    )


# --- bookmarks and notes ------------------------------------------------------------------


@transaction.atomic
def add_bookmark(*, user: User, question: Question) -> tuple[Bookmark, bool]:
    """Bookmark ``question`` (idempotent); returns the bookmark and whether it is new."""
    bookmark = Bookmark.objects.get_or_create(user=user, question=question)
    learner_state_changed(user.pk)
    return bookmark


@transaction.atomic
def remove_bookmark(*, user: User, question: Question) -> None:
    Bookmark.objects.filter(user=user, question=question).delete()
    learner_state_changed(user.pk)


@transaction.atomic
def save_note(*, user: User, question: Question, text: str) -> Note | None:
    """Save the learner's private note on ``question``; empty text deletes it."""
    text = text.strip()
    if len(text) > Note.MAX_LENGTH:
        raise PracticeError(
            _("Your note is too long (at most %(max)d characters).") % {"max": Note.MAX_LENGTH}
        )
    if not text:
        Note.objects.filter(user=user, question=question).delete()
        learner_state_changed(user.pk)
        return None
    note, _created = Note.objects.update_or_create(
        user=user, question=question, defaults={"text": text, "updated_at": timezone.now()}
    )
    learner_state_changed(user.pk)
    return note


# --- progress -----------------------------------------------------------------------------


@dataclass
class TagMastery:
    tag: Tag
    total: int  # practicable questions with the tag
    studied: int
    mastered: int

    @property
    def percent(self) -> int:
        return stats.percent(self.mastered, self.total) or 0


@dataclass(frozen=True)
class DayCount:
    day: date
    reviews: int
    seconds: int


@dataclass
class Progress:
    today: date
    due_today: int
    due_week: int  # due after today, within the next seven days
    forecast: list[tuple[date, int]]  # the next seven days
    reviews_by_day: dict[date, int]
    seconds_by_day: dict[date, int]
    total_reviews: int
    recalled: int  # reviews rated Good or Easy
    seconds_total: int
    streak: int
    tags: list[TagMastery]
    leeches: list[Card] = field(default_factory=list)

    @property
    def reviews_today(self) -> int:
        return self.reviews_by_day.get(self.today, 0)

    @property
    def seconds_today(self) -> int:
        return self.seconds_by_day.get(self.today, 0)

    @property
    def seconds_week(self) -> int:
        """Seconds spent today and the six days before."""
        first = self.today - timedelta(days=6)
        return sum(s for day, s in self.seconds_by_day.items() if first <= day <= self.today)

    @property
    def days(self) -> list[DayCount]:
        """Each day with reviews, in order."""
        return [
            DayCount(day, reviews, self.seconds_by_day.get(day, 0))
            for day, reviews in sorted(self.reviews_by_day.items())
        ]

    @property
    def retention(self) -> int | None:
        """Percentage of reviews rated Good or Easy (``None`` before the first review)."""
        return stats.percent(self.recalled, self.total_reviews)


def progress(*, user: User) -> Progress:
    """The learner's dashboard figures, in five queries."""
    now = timezone.now()
    today = local_today(now)
    day_ends = [start_of_day(today + timedelta(days=n + 1)) for n in range(8)]
    due_counts = (
        Card.objects.for_user(user)
        .studied()
        .with_effective_due(now)
        .aggregate(
            **{
                f"by{n}": Count("pk", filter=Q(effective_due__lt=end))
                for n, end in enumerate(day_ends)
            }
        )
    )
    cumulative = [due_counts[f"by{n}"] for n in range(8)]
    forecast = [(today + timedelta(days=n), cumulative[n] - cumulative[n - 1]) for n in range(1, 8)]

    per_day = (
        Review.objects.filter(user=user)
        .annotate(day=TruncDate("reviewed_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(
            n=Count("pk"),
            good=Count("pk", filter=Q(rating__gte=Rating.GOOD)),
            seconds=Sum("duration_seconds"),
        )
        .order_by("day")
    )
    reviews_by_day: dict[date, int] = {}
    seconds_by_day: dict[date, int] = {}
    recalled = 0
    for row in per_day:
        reviews_by_day[row["day"]] = row["n"]
        seconds_by_day[row["day"]] = row["seconds"] or 0
        recalled += row["good"]

    return Progress(
        today=today,
        due_today=cumulative[0],
        due_week=cumulative[7] - cumulative[0],
        forecast=forecast,
        reviews_by_day=reviews_by_day,
        seconds_by_day=seconds_by_day,
        total_reviews=sum(reviews_by_day.values()),
        recalled=recalled,
        seconds_total=sum(seconds_by_day.values()),
        streak=stats.streak(reviews_by_day, today),
        tags=tag_mastery(user=user),
        leeches=list(
            Card.objects.for_user(user)
            .leeches()
            .select_related("question")
            .order_by("-again_count")
        ),
    )


def tag_mastery(*, user: User) -> list[TagMastery]:
    """Per tag the learner studied: practicable questions, studied and mastered cards."""
    practicable = Q(
        questions__kind=Question.Kind.QUESTION,
        questions__has_answer=True,
        questions__duplicate_of__isnull=True,
    )
    rows = (
        Card.objects.for_user(user)
        .studied()
        .filter(question__tags__isnull=False)
        .values("question__tags")
        .annotate(
            studied=Count("pk"),
            mastered=Count(
                "pk",
                filter=Q(state=CardState.REVIEW, stability__gte=MASTERED_STABILITY_DAYS),
            ),
        )
        .order_by()
    )
    by_tag = {row["question__tags"]: row for row in rows}
    if not by_tag:
        return []
    tags = Tag.objects.filter(pk__in=by_tag).annotate(total=Count("questions", filter=practicable))
    mastery = [
        TagMastery(
            tag=tag,
            total=tag.total,  # type: ignore[attr-defined]
            studied=by_tag[tag.pk]["studied"],
            mastered=by_tag[tag.pk]["mastered"],
        )
        for tag in tags
    ]
    return sorted(mastery, key=lambda m: (-m.percent, -m.studied, m.tag.slug))


def learners_of(question: Question) -> QuerySet[User]:
    """Learners who studied ``question``: they have a card for it or bookmarked it."""
    studied = Q(Exists(Card.objects.filter(user=OuterRef("pk"), question=question))) | Q(
        Exists(Bookmark.objects.filter(user=OuterRef("pk"), question=question))
    )
    return User.objects.filter(studied)


@transaction.atomic
def move_practice(*, duplicate: Question, kept: Question) -> None:
    """Move learners' cards, bookmarks and notes from a merged ``duplicate`` to ``kept``.

    A learner who has both keeps the kept question's card, with the duplicate card's reviews
    added to its history (reviews are never deleted), one bookmark, and one note holding both
    texts. Reviews keep pointing at the question that was actually shown.
    """
    kept_cards = {card.user_id: card for card in Card.objects.filter(question=kept)}
    for card in Card.objects.filter(question=duplicate):
        target = kept_cards.get(card.user_id)
        if target is None:
            Card.objects.filter(pk=card.pk).update(question=kept)
        else:
            Review.objects.filter(card=card).update(card=target)
            card.delete()
    Bookmark.objects.filter(
        question=duplicate,
        user_id__in=Bookmark.objects.filter(question=kept).values("user_id"),
    ).delete()
    Bookmark.objects.filter(question=duplicate).update(question=kept)
    kept_notes = {note.user_id: note for note in Note.objects.filter(question=kept)}
    for note in Note.objects.filter(question=duplicate):
        existing = kept_notes.get(note.user_id)
        if existing is None:
            Note.objects.filter(pk=note.pk).update(question=kept)
        else:
            Note.objects.filter(pk=existing.pk).update(text=f"{existing.text}\n\n{note.text}")
            note.delete()


@transaction.atomic
def requeue_questions(*, user: User, question_ids: Iterable[int]) -> list[int]:
    """Make these questions due now in ``user``'s practice (e.g. an interview's weak ones).

    A card not yet due is brought forward; a question never practised gets a card, which puts
    it first among today's new questions. Returns the ids of the practicable questions queued.
    """
    now = timezone.now()
    ids = list(
        Question.objects.practicable()
        .filter(pk__in=list(question_ids))
        .values_list("pk", flat=True)
    )
    Card.objects.filter(user=user, question_id__in=ids, due__gt=now).update(due=now)
    Card.objects.bulk_create(
        [Card(user=user, question_id=pk, due=now, created_at=now) for pk in ids],
        ignore_conflicts=True,  # the (user, question) constraint skips the ones that exist
    )
    return ids
