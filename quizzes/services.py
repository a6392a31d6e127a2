"""Practice writes: showing and rating questions, bookmarks, notes, and moving or queueing
practice for other apps (a merge in the bank, an interview's weak questions).

Writes are keyword-only and run in one transaction each. The queue and decks are in
``quizzes.queue``, the dashboard's figures in ``quizzes.progress``, the learner's cached state
on a question page in ``quizzes.state``.
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from interviewprep.errors import Conflict, DomainError
from interviewprep.models import User
from questions.models import Question

from . import scheduling, stats
from .models import LEECH_AGAIN_COUNT, Bookmark, Card, Note, Rating, Review

MAX_ATTEMPT_LENGTH = 10_000


class PracticeError(DomainError):
    """Input the learner can correct; the message is shown to them as it is."""


class AlreadyRated(PracticeError, Conflict):
    """The card was rated in the meantime (a double submit or a second tab)."""

    code = "already_rated"


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


@transaction.atomic
def add_bookmark(*, user: User, question: Question) -> tuple[Bookmark, bool]:
    """Bookmark ``question`` (idempotent); returns the bookmark and whether it is new."""
    bookmark = Bookmark.objects.get_or_create(user=user, question=question)
    return bookmark


@transaction.atomic
def remove_bookmark(*, user: User, question: Question) -> None:
    Bookmark.objects.filter(user=user, question=question).delete()


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
        return None
    note, _created = Note.objects.update_or_create(
        user=user, question=question, defaults={"text": text, "updated_at": timezone.now()}
    )
    return note


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
