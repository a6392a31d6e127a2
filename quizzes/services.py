"""Practice writes: showing and rating questions, bookmarks, notes, and moving or queueing
practice for other apps (a merge in the bank, an interview's weak questions).

Writes are keyword-only and run in one transaction each. The queue and decks are in
``quizzes.queue``, the dashboard's figures in ``quizzes.progress``, the learner's cached state
on a question page in ``quizzes.state``.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

import fsrs
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from interviewprep import sql
from interviewprep.errors import Conflict, DomainError
from interviewprep.models import User
from questions.models import Question, Tag

from . import plan, scheduling, stats
from .learner_scheduler import scheduler_for
from .models import LEECH_AGAIN_COUNT, Bookmark, Card, Note, Rating, Review, StudyPlan

MAX_ATTEMPT_LENGTH = 10_000


class PracticeError(DomainError):
    """Input the learner can correct; the message is shown to them as it is."""


class NothingToUndo(PracticeError, Conflict):
    code = "nothing_to_undo"


class AlreadyRated(PracticeError, Conflict):
    """The card was rated in the meantime (a double submit or a second tab)."""

    code = "already_rated"


def show_card(
    *, user: User, question: Question, card: Card | None = None, unseen: bool = False
) -> Card:
    """Record that ``question`` is in front of the learner now: the review timer starts.
    Returns the learner's card of it (``card`` when the caller read it already), made now if
    they had none. ``unseen``: the caller found that they have none (the queue's next new
    question), so it is made without looking for one first, unless one was made meanwhile
    (a second tab).

    Showing it again before it is rated keeps the first time (a reload is not a fresh look),
    unless that was longer ago than a review can count for.
    """
    now = timezone.now()
    if card is None and unseen:
        try:
            with transaction.atomic():
                return Card.objects.create(
                    user=user, question=question, due=now, shown_at=now, created_at=now
                )
        except IntegrityError:
            pass  # made meanwhile: read below
    if card is None:
        card, created = Card.objects.get_or_create(
            user=user, question=question, defaults={"due": now, "shown_at": now, "created_at": now}
        )
        if created:
            return card
    if card.shown_at is None or stats.review_seconds(card.shown_at, now) >= (
        stats.MAX_REVIEW_SECONDS
    ):
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

    before = card.reviewed_fields()
    schedule = scheduling.review(
        card.to_fsrs(), rating=rating, at=now, scheduler=scheduler_for(user)
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
        due=plan.cap_due(user, schedule.due, now),
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
        due=plan.cap_due(user, schedule.due, now),
        card_before=before,
    )


def next_intervals(
    *, user: User, card: Card | None, scheduler: fsrs.Scheduler | None = None
) -> dict[int, timedelta]:
    """The interval each rating would give ``card`` (a new card when ``None``) now, with
    ``user``'s scheduler (pass it in when previewing many cards)."""
    return scheduling.preview(
        card.to_fsrs() if card is not None else fsrs.Card(),
        at=timezone.now(),
        scheduler=scheduler or scheduler_for(user),
    )


# The learner's latest review with its question's title (the practice card offers to undo it):
# composed once (interviewprep.sql), as the card reads it on every practice page.
_LATEST_REVIEW = sql.Statement(
    lambda user_id: (
        Review.objects.filter(user_id=user_id)
        .annotate(question_title=F("question__title"))
        .order_by("-reviewed_at", "-id")[:1]
    )
)


def last_undoable_review(*, user: User) -> Review | None:
    """The learner's latest review, if it can be undone (it saved the card's state). Of its
    question, only the title is read."""
    latest = next(iter(_LATEST_REVIEW(user.pk)), None)
    if latest is None or latest.card_before is None:
        return None
    latest.question = Question(pk=latest.question_id, title=latest.question_title)  # type: ignore[attr-defined]
    return latest


@transaction.atomic
def undo_last_review(*, user: User) -> Card:
    """Undo the learner's latest rating: the card returns to its state before it and the
    review is deleted from the log. Returns the restored card.

    Only the latest review can be undone, and only while the card has not changed since
    (a conditional UPDATE on its review count and time): undoing twice undoes the one before.
    """
    review = last_undoable_review(user=user)
    if review is None:
        raise NothingToUndo(_("There is no rating to undo."))
    assert review.card_before is not None
    restored = Card.objects.filter(
        pk=review.card_id, user=user, last_review=review.reviewed_at
    ).update(**Card.parse_reviewed_fields(review.card_before))
    if not restored:
        raise NothingToUndo(_("This rating can no longer be undone."))
    review.delete()
    return Card.objects.select_related("question").get(pk=review.card_id)


@transaction.atomic
def set_plan_topics(*, user: User, tags: Iterable[Tag]) -> StudyPlan:
    """Choose the topics of the learner's plan toward their interview date (none: the whole
    bank); the plan is computed again on its next use."""
    study_plan, _created = StudyPlan.objects.get_or_create(user=user)
    study_plan.tags.set(list(tags))
    StudyPlan.objects.filter(pk=study_plan.pk).update(planned_on=None)
    return study_plan


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


@dataclass(frozen=True)
class Requeued:
    """What :func:`requeue_questions` did with each question it was given."""

    new: list[int] = field(default_factory=list)
    brought_forward: list[int] = field(default_factory=list)
    already_due: list[int] = field(default_factory=list)
    skipped: int = 0

    @property
    def ids(self) -> list[int]:
        return [*self.new, *self.brought_forward, *self.already_due]

    def describe(self) -> str:
        """One sentence saying exactly what happened, for the learner."""
        parts = []
        if self.new:
            parts.append(
                ngettext(
                    "%(count)d new question is first in today's queue, beyond the daily limit "
                    "for new questions",
                    "%(count)d new questions are first in today's queue, beyond the daily "
                    "limit for new questions",
                    len(self.new),
                )
                % {"count": len(self.new)}
            )
        if self.brought_forward:
            parts.append(
                ngettext(
                    "%(count)d review was brought forward to today",
                    "%(count)d reviews were brought forward to today",
                    len(self.brought_forward),
                )
                % {"count": len(self.brought_forward)}
            )
        if self.already_due:
            parts.append(
                ngettext(
                    "%(count)d was already due today",
                    "%(count)d were already due today",
                    len(self.already_due),
                )
                % {"count": len(self.already_due)}
            )
        if self.skipped:
            parts.append(
                ngettext(
                    "%(count)d cannot be practised (no published answer)",
                    "%(count)d cannot be practised (no published answer)",
                    self.skipped,
                )
                % {"count": self.skipped}
            )
        if not parts:
            return _("No question was sent to practice.")
        return _("Sent to practice: %(what)s.") % {"what": _("; ").join(parts)}


@transaction.atomic
def requeue_questions(*, user: User, question_ids: Iterable[int]) -> Requeued:
    """Put these questions in ``user``'s practice today (e.g. an interview's weak ones).

    A question never reviewed is marked requested: it comes first among today's new
    questions and is offered beyond, and not counted in, the daily new limit. A studied card
    not yet due is brought forward to now. Questions that cannot be practised are skipped.
    """
    now = timezone.now()
    wanted = list(dict.fromkeys(question_ids))
    ids = set(Question.objects.practicable().filter(pk__in=wanted).values_list("pk", flat=True))
    cards = {
        card.question_id: card
        for card in Card.objects.filter(user=user, question_id__in=ids).only(
            "id", "question_id", "reps", "due", "requested_at"
        )
    }
    result = Requeued(skipped=len(wanted) - len(ids))
    for pk in (pk for pk in wanted if pk in ids):
        card = cards.get(pk)
        if card is None or card.reps == 0:
            result.new.append(pk)
        elif card.due > now:
            result.brought_forward.append(pk)
        else:
            result.already_due.append(pk)
    Card.objects.filter(user=user, question_id__in=result.brought_forward).update(due=now)
    # The queue offers requested questions by request time: a microsecond apart keeps the
    # order they were sent in (an interview sends its weakest first).
    requested = {pk: now + timedelta(microseconds=i) for i, pk in enumerate(result.new)}
    for pk, at in requested.items():
        if pk in cards and cards[pk].requested_at is None:
            Card.objects.filter(pk=cards[pk].pk).update(requested_at=at)
    Card.objects.bulk_create(
        [
            Card(user=user, question_id=pk, due=now, created_at=now, requested_at=at)
            for pk, at in requested.items()
            if pk not in cards
        ],
        ignore_conflicts=True,  # a concurrent request may have created it meanwhile
    )
    return result
