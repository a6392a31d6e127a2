"""Today's practice queue, decks built from a filter, and what changed in an answer since the
learner's last review. Days are calendar days in the site's time zone (``TIME_ZONE``)."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import fsrs
from django.db import connection
from django.db.models import Exists, F, OuterRef, Prefetch, Subquery, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from interviewprep import sql
from interviewprep.models import DAILY_GOAL_MAX, User
from questions.diff import DiffLine, line_diff
from questions.models import (
    Question,
    QuestionRevision,
    Tag,
    decode_tags,
    prefetch_open_flags,
    tag_rows,
)

from . import stats
from .learner_scheduler import active_plan, scheduler_with
from .models import Bookmark, Card, Note, Review, SchedulerProfile, StudyPlan
from .plan import topic_questions
from .planning import MAX_NEW_PER_DAY
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


@dataclass
class QueueHead:
    """Today's queue as the practice card shows it: its counts and its first item (the same
    as ``todays_queue(user=...).head``), without reading the items."""

    due_count: int
    new_count: int
    requested_count: int
    new_today: int
    new_limit: int
    card_id: int | None  # the first item's card, when it has one
    new_question_id: int | None  # the first item's question, when it has no card yet
    # Read with them, as the practice card shows them beside the head: the learner's latest
    # rating if it can be undone (``services.last_undoable_review``: its rating and question
    # title), and the scheduler that rates their cards (``learner_scheduler.scheduler_for``).
    undoable: Review | None
    scheduler: fsrs.Scheduler

    @property
    def empty(self) -> bool:
        return self.card_id is None and self.new_question_id is None


def queue_head(*, user: User) -> QueueHead:
    """The counts and the first item of :func:`todays_queue`, in one query whatever the size
    of the queue and of the bank: the practice card shows one question at a time, and listing
    every due card with its question was most of the card's cost. The same query reads the
    learner's latest rating and scheduler profile (two statements fewer a card, 5% of its
    time, bench bank).

    Written in SQL (as ``quizzes.state``): composed with the ORM, its nine subqueries took
    three times as long to compile as to run (PostgreSQL, bench bank). ``todays_queue`` is
    its specification: the tests compare the two on the same states.
    """
    now = timezone.now()
    current = active_plan(user)
    new_limit = current.new_per_day if current is not None else user.daily_goal
    ops = connection.ops
    params = {
        "user": user.pk,
        "now": ops.adapt_datetimefield_value(now),
        "day": ops.adapt_datetimefield_value(stats.start_of_day(stats.local_today(now))),
        "plan": current.pk if current is not None and current.pk else 0,
    }
    with connection.cursor() as cursor:
        cursor.execute(_HEAD_SQL[current is not None], params)
        columns = [column[0] for column in cursor.description]
        row = dict(zip(columns, cursor.fetchone(), strict=True))
    limit = max(0, new_limit - row["new_today"])
    waiting_offered = min(limit, row["waiting_count"])
    unseen_offered = min(limit - waiting_offered, row["unseen_count"])
    head_card: int | None = None
    head_question: int | None = None
    if row["due_count"]:
        head_card = row["due_card"]
    elif row["requested_count"]:
        head_card = row["requested_card"]
    elif waiting_offered:
        head_card = row["waiting_card"]
    elif unseen_offered:
        head_question = row["unseen_question"]
    undoable = None
    if row["latest_undoable"]:
        title = Question(pk=row["latest_question"], title=row["latest_title"])
        undoable = Review(pk=row["latest_review"], rating=row["latest_rating"], question=title)
    profile = SchedulerProfile(user_id=user.pk)
    if row["profile_id"] is not None:
        profile.pk, profile.in_use = row["profile_id"], bool(row["profile_in_use"])
        profile.desired_retention = row["profile_retention"]
        profile.parameters = sql.field_value(
            SchedulerProfile, "parameters", row["profile_parameters"], connection
        )
    return QueueHead(
        due_count=row["due_count"],
        new_count=row["requested_count"] + waiting_offered + unseen_offered,
        requested_count=row["requested_count"],
        new_today=row["new_today"],
        new_limit=new_limit,
        card_id=head_card,
        new_question_id=head_question,
        undoable=undoable,
        scheduler=scheduler_with(profile, current),
    )


# Practicable (``QuestionQuerySet.practicable``) and, for new questions, covered by the plan's
# topics (``plan.topic_questions``: any of its tags; a plan without tags covers the bank).
_PRACTICABLE = """{q}.duplicate_of_id IS NULL AND {q}.status <> '{pending}'
    AND {q}.kind = '{question}' AND {q}.has_answer"""
# At most this many unseen questions are ever offered in a day (the largest daily goal and the
# largest a plan sets): counting on would read the bank.
_UNSEEN_CAP = max(DAILY_GOAL_MAX, MAX_NEW_PER_DAY)
_IN_PLAN = """(NOT EXISTS (SELECT 1 FROM {plan_tags} pt WHERE pt.studyplan_id = %(plan)s)
    OR EXISTS (SELECT 1 FROM {plan_tags} pt JOIN {question_tags} qt ON qt.tag_id = pt.tag_id
               WHERE pt.studyplan_id = %(plan)s AND qt.question_id = {q}.id))"""


def _head_sql(*, planned: bool) -> str:
    """The statement for a learner with a plan toward an interview date (``planned``: new
    questions must be in its topics) or without one (planning the topics' subqueries was a
    third of the statement's time, PostgreSQL, bench bank)."""
    tables = {
        "card": Card._meta.db_table,
        "question": Question._meta.db_table,
        "revision": QuestionRevision._meta.db_table,
        "review": Review._meta.db_table,
        "profile": SchedulerProfile._meta.db_table,
        "plan_tags": StudyPlan.tags.through._meta.db_table,
        "question_tags": Question.tags.through._meta.db_table,
    }
    # The constants are written into the statement rather than passed (they are code's
    # identifiers, checked here): PostgreSQL then keeps one plan for the statement it prepares
    # instead of planning it again on every run, 2.2 -> 1.6 ms a run (bench bank).
    constants = {"pending": Question.Status.PENDING.value, "question": Question.Kind.QUESTION.value}
    assert all(value.isidentifier() for value in constants.values())
    practicable_mine = _PRACTICABLE.format(q="q", **constants)
    new_in_plan = _IN_PLAN.format(q="q", **tables) if planned else "TRUE"
    unseen = f"""SELECT q.id FROM {tables["question"]} q
        WHERE {practicable_mine} AND {new_in_plan}
        AND q.id NOT IN (SELECT c.question_id FROM {tables["card"]} c WHERE c.user_id = %(user)s)
        ORDER BY q.id"""  # noqa: S608  (table names only; every value is a parameter)
    # Unseen: NOT IN reads the learner's cards once, by user. As NOT EXISTS, PostgreSQL merged
    # the bank's ids with the index of every learner's cards by question, filtering by user:
    # for a learner whose cards all lay before the first unseen question (a new learner, who
    # goes in bank order), it walked every learner's cards, 19 ms at 60,000 cards (0.3 ms now).
    # The learner's cards with what the queue asks of each: studied and due (a changed answer
    # is due now), new and waiting or requested, first reviewed today.
    # Changed: the question has a version after the one reviewed (the live version is the
    # latest, QuestionRevision), looked up in the small index of versions after the first
    # (every real change is one). Joining each card to its question and live version cost
    # two thirds of the statement (1.8 -> 0.7 ms, PostgreSQL, bench bank). Offered: a card
    # never reviewed whose question can be practised (and, unless requested, is in the
    # plan's topics); only such cards read their question.
    return f"""
    WITH mine AS (
        SELECT c.id, c.reps, c.due, c.requested_at, c.created_at, c.first_reviewed_at,
            (c.reps > 0 AND EXISTS (SELECT 1 FROM {tables["revision"]} r
                WHERE r.question_id = c.question_id AND r.number > 1
                AND r.number > c.seen_revision)) AS changed,
            (c.reps = 0 AND EXISTS (SELECT 1 FROM {tables["question"]} q
                WHERE q.id = c.question_id AND {practicable_mine}
                AND (c.requested_at IS NOT NULL OR {new_in_plan}))) AS offered
        FROM {tables["card"]} c
        WHERE c.user_id = %(user)s
    ),
    due AS (SELECT * FROM mine WHERE reps > 0 AND (due <= %(now)s OR changed))
    SELECT
        (SELECT COUNT(*) FROM due) AS due_count,
        (SELECT id FROM due ORDER BY CASE WHEN changed THEN %(now)s ELSE due END, id
         LIMIT 1) AS due_card,
        (SELECT COUNT(*) FROM mine WHERE first_reviewed_at >= %(day)s
         AND NOT (requested_at IS NOT NULL AND requested_at <= first_reviewed_at)) AS new_today,
        (SELECT COUNT(*) FROM mine WHERE requested_at IS NOT NULL AND offered)
         AS requested_count,
        (SELECT id FROM mine WHERE requested_at IS NOT NULL AND offered
         ORDER BY requested_at, id LIMIT 1) AS requested_card,
        (SELECT COUNT(*) FROM mine WHERE requested_at IS NULL AND offered) AS waiting_count,
        (SELECT id FROM mine WHERE requested_at IS NULL AND offered
         ORDER BY created_at, id LIMIT 1) AS waiting_card,
        unseen.unseen_count, unseen.unseen_question,
        latest.id AS latest_review, latest.rating AS latest_rating,
        latest.question_id AS latest_question, latest.title AS latest_title,
        latest.undoable AS latest_undoable,
        profile.id AS profile_id, profile.parameters AS profile_parameters,
        profile.in_use AS profile_in_use, profile.desired_retention AS profile_retention
    FROM (SELECT COUNT(*) AS unseen_count, MIN(id) AS unseen_question
          FROM ({unseen} LIMIT {_UNSEEN_CAP}) o) unseen
    LEFT JOIN (SELECT rv.id, rv.rating, rv.question_id, rq.title,
                      rv.card_before IS NOT NULL AS undoable
               FROM {tables["review"]} rv JOIN {tables["question"]} rq ON rq.id = rv.question_id
               WHERE rv.user_id = %(user)s ORDER BY rv.reviewed_at DESC, rv.id DESC LIMIT 1)
        latest ON TRUE
    LEFT JOIN {tables["profile"]} profile ON profile.user_id = %(user)s
    """  # noqa: S608  (table names only; every value is a parameter)


_HEAD_SQL = {planned: _head_sql(planned=planned) for planned in (True, False)}


# What the practice card reads of a question: not its search text, nor the live revision's
# copies of the answer (only its number; answer_change reads the texts it compares).
_CARD_DEFERRED = (
    "search_title",
    "search_body",
    "body_markdown",
    "live_revision__title",
    "live_revision__body_markdown",
    "live_revision__body_html",
    "live_revision__summary",
    "live_revision__key_points",
)
# The question's columns the card shows, read with a due card (see _DUE_CARD).
_CARD_QUESTION = ("title", "kind", "difficulty", "status", "body_html", "live_revision_id")


def _note(user: Any, question: str) -> Subquery:
    """The text of the learner's note on the question ``OuterRef(question)``."""
    notes = Note.objects.filter(user=user, question=OuterRef(question)).order_by()
    return Subquery(notes.values("text")[:1])


# A card with its question's columns, tags, live revision number and the learner's note, in
# one statement composed once (interviewprep.sql: composing it cost more than running it).
_DUE_CARD = sql.Statement(
    lambda pk: (
        Card.objects.filter(pk=pk)
        .annotate(
            **{f"q_{name}": F(f"question__{name}") for name in _CARD_QUESTION},
            q_live_number=F("question__live_revision__number"),
            tag_rows=tag_rows("question_id"),
            note=_note(OuterRef("user_id"), "question_id"),
        )
        .order_by()
    )
)


@dataclass
class CardToShow:
    question: Question  # the columns the card shows, its live revision's number, open flags
    tags: list[Tag]  # the question's, in the order pages show them
    card: Card | None  # None when asked by question: ``services.show_card`` finds or makes it
    note: str  # the learner's note on it, or ""


def card_to_show(
    *, user: User, card_id: int | None = None, question_id: int | None = None
) -> CardToShow | None:
    """What the practice card shows of the learner's card ``card_id``, or of question
    ``question_id`` (the queue's or a deck's): one query, two when the answer is under
    revision. None if there is no such card or question (nor either asked for)."""
    card: Any = None
    if card_id is not None:
        card = next(iter(_DUE_CARD(card_id)), None)
        if card is None or card.user_id != user.pk:
            return None
        question = Question(
            pk=card.question_id,
            **{name: getattr(card, f"q_{name}") for name in _CARD_QUESTION},
        )
        card.question = question
        if card.q_live_revision_id is not None:
            question.live_revision = QuestionRevision(
                pk=card.q_live_revision_id, question=question, number=card.q_live_number
            )
        found: Any = card
    elif question_id is not None:
        found = (
            Question.objects.select_related("live_revision")
            .defer(*_CARD_DEFERRED)
            .annotate(note=_note(user, "pk"), tag_rows=tag_rows())
            .filter(pk=question_id)
            .first()
        )
        if found is None:
            return None
        question = found
    else:
        return None
    if question.under_revision:
        prefetch_related_objects([question], prefetch_open_flags())
    return CardToShow(
        question=question, tags=decode_tags(found.tag_rows), card=card, note=found.note or ""
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
    texts = dict(
        QuestionRevision.objects.filter(
            question_id=question.pk, number__in=[card.seen_revision, live.number]
        ).values_list("number", "body_markdown")
    )
    return AnswerChange(
        old_number=card.seen_revision,
        new_number=live.number,
        diff=line_diff(texts.get(card.seen_revision, ""), texts.get(live.number, "")),
    )
