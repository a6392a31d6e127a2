"""Saving the learner's answers during an interview (autosave): one row per question, written
by an upsert whose SELECT checks, in the same statement, that the attempt is still running,
its deadline (plus ``SAVE_GRACE``) is not over and the question is one of its slots.

The autosave endpoint is the hottest write of the site (a class of learners typing at once):
:func:`save_own_answer` stores the usual save in that one statement, the attempt's owner
checked inside it too, and reads the attempt only when the save did not go through.
"""

import math
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from interviewprep import sql

from .access import get_attempt_for_user
from .models import MAX_ANSWER_CHARS, SAVE_GRACE, Answer, Attempt, AttemptQuestion
from .services import AnswerChanged, AttemptClosed, InterviewError, NotInAttempt, expire_if_due


@dataclass(frozen=True)
class SavedAnswer:
    question_id: int
    saved_at: datetime
    saves: int


@cache
def _upsert_sql(vendor: str, *, owned: bool) -> str:
    """The upsert, for the database ``vendor``; ``owned``: the attempt must also belong to a
    given user (one more parameter, after the question)."""
    answer = Answer._meta.db_table
    slot = AttemptQuestion._meta.db_table
    attempt = Attempt._meta.db_table
    # PostgreSQL: FOR SHARE makes a save that races a submit wait for it and then see the
    # new state (SQLite runs one write transaction at a time, so it needs no lock clause).
    lock = " FOR SHARE OF a" if vendor == "postgresql" else ""
    owner = " AND a.user_id = %s" if owned else ""
    total = "(a.duration_seconds + a.extra_seconds)"
    # Only table names (constants) are formatted in; every value is a parameter.
    return (
        f"INSERT INTO {answer} "  # noqa: S608
        "(attempt_id, question_id, text, marked, seconds_spent, saves, saved_at) "
        "SELECT s.attempt_id, s.question_id, COALESCE(%s, ''), COALESCE(%s, %s), "
        # The time spent since the last save, at most the attempt's whole length.
        f"CASE WHEN %s < {total} THEN %s ELSE {total} END, 1, %s "
        f"FROM {slot} s INNER JOIN {attempt} a ON a.id = s.attempt_id "
        f"WHERE s.attempt_id = %s AND s.question_id = %s{owner} "
        "AND a.state = %s AND a.deadline >= %s"
        f"{lock} "
        "ON CONFLICT (attempt_id, question_id) DO UPDATE SET "
        f"text = COALESCE(%s, {answer}.text), "
        f"marked = COALESCE(%s, {answer}.marked), "
        f"seconds_spent = {answer}.seconds_spent + EXCLUDED.seconds_spent, "
        f"saves = {answer}.saves + 1, "
        "saved_at = EXCLUDED.saved_at "
        # The page's last known count of saves, if it sent one: another save since, from
        # another window, leaves the row as it is (save_answer reports it).
        f"WHERE {answer}.saves = COALESCE(%s, {answer}.saves) "
        f"RETURNING saves, (SELECT deadline FROM {attempt} WHERE id = {answer}.attempt_id)"
    )


def _check_length(text: str | None, attempt: Attempt | None = None) -> None:
    if text is not None and len(text) > MAX_ANSWER_CHARS:
        raise InterviewError(
            _("An answer can be at most %(max)d characters long; this one has %(length)d.")
            % {"max": MAX_ANSWER_CHARS, "length": len(text)},
            attempt=attempt,
        )


def _upsert(
    *,
    attempt_id: int,
    question_id: int,
    user_id: int | None,
    text: str | None,
    marked: bool | None,
    seconds: int,
    base_saves: int | None,
    now: datetime,
) -> tuple[int, datetime] | None:
    """Run the upsert (``user_id``: the attempt must be theirs); ``(saves, the attempt's
    deadline)`` when it stored the answer, None when it did not.

    One statement, atomic by itself (autocommit): an explicit transaction around it cost a
    BEGIN and a COMMIT round trip on every autosave. Not one transaction around the callers'
    refusals either: they must not roll back the expiry they record."""
    ops = connection.ops
    seconds = max(0, int(seconds))
    owner = [] if user_id is None else [user_id]
    params = [
        text,
        marked,
        False,
        seconds,
        seconds,
        ops.adapt_datetimefield_value(now),
        attempt_id,
        question_id,
        *owner,
        Attempt.State.STARTED,
        ops.adapt_datetimefield_value(now - SAVE_GRACE),
        text,
        marked,
        base_saves,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_upsert_sql(connection.vendor, owned=user_id is not None), params)
        row = cursor.fetchone()
    if row is None:
        return None
    return int(row[0]), _deadline(row[1])


def _deadline(value: Any) -> datetime:
    """The deadline as the database returned it (SQLite: text), as a datetime."""
    return sql.field_value(Attempt, "deadline", value, connection)  # type: ignore[no-any-return]


def save_answer(
    *,
    attempt: Attempt,
    question_id: int,
    text: str | None = None,
    marked: bool | None = None,
    seconds: int = 0,
    base_saves: int | None = None,
    now: datetime | None = None,
) -> SavedAnswer:
    """Store the learner's answer (autosave): one row per question.

    ``text``/``marked`` left as ``None`` keep their stored value; ``seconds`` (time the
    learner spent on the question since the last save, as the page measured it) is added,
    capped at the attempt's length. ``base_saves`` is how many saves of this answer the
    sending page knows of (0 before the first): if there have been others since, made from
    another window, and ``text`` differs from the stored text, nothing is stored and
    ``AnswerChanged`` carries the stored answer, so that one window cannot silently replace
    what another saved. Without it the last write wins. Refused with ``AttemptClosed`` when
    the attempt ended or its deadline plus ``SAVE_GRACE`` is over (what was saved before
    stays), ``NotInAttempt`` for a question that is not part of the attempt,
    ``InterviewError`` for an oversized text.
    """
    _check_length(text, attempt)
    now = now or timezone.now()
    stored = _upsert(
        attempt_id=attempt.pk,
        question_id=question_id,
        user_id=None,
        text=text,
        marked=marked,
        seconds=seconds,
        base_saves=base_saves,
        now=now,
    )
    if stored is not None:
        return SavedAnswer(question_id=question_id, saved_at=now, saves=stored[0])
    attempt.refresh_from_db(fields=["state", "finished_at", "reviewed_at"])
    expire_if_due(attempt=attempt, now=now)
    if attempt.state == Attempt.State.EXPIRED:
        raise AttemptClosed(
            _(
                "Time is up: this change arrived after the deadline and was not saved. "
                "Everything saved before the deadline is kept."
            ),
            attempt=attempt,
        )
    if not attempt.is_open:
        raise AttemptClosed(
            _("This interview has ended; its answers can no longer be changed."), attempt=attempt
        )
    existing = Answer.objects.filter(attempt=attempt, question_id=question_id).first()
    if existing is not None:
        # The row exists and the attempt is open: only the page's count of saves stopped it.
        if text is None or text == existing.text:
            # No text of the other window's would be replaced: keep the mark and the time.
            return save_answer(
                attempt=attempt,
                question_id=question_id,
                text=text,
                marked=marked,
                seconds=seconds,
                now=now,
            )
        raise AnswerChanged(
            _(
                "This answer was saved from another window since this page last saved it. "
                "The text here was not saved: keep it, or use the other window's version."
            ),
            answer=existing,
            attempt=attempt,
        )
    raise NotInAttempt(_("This question is not part of this interview."), attempt=attempt)


def save_own_answer(
    *,
    user: Any,
    attempt_id: int,
    question_id: int,
    text: str | None = None,
    marked: bool | None = None,
    seconds: int = 0,
    base_saves: int | None = None,
    now: datetime | None = None,
) -> tuple[SavedAnswer, int]:
    """:func:`save_answer` into ``user``'s attempt ``attempt_id``, as the autosave endpoint
    receives it, and the whole seconds left before its deadline.

    The usual save (the attempt is the user's, running, and asks the question) is one
    statement. Otherwise the attempt is read as every request reads it (``Http404`` when it is
    not theirs; finished at its deadline when past due) and :func:`save_answer` stores the
    answer or says why it cannot.
    """
    _check_length(text)
    now = now or timezone.now()
    sent: dict[str, Any] = {
        "text": text,
        "marked": marked,
        "seconds": seconds,
        "base_saves": base_saves,
        "now": now,
    }
    stored = None
    if user.is_authenticated:
        stored = _upsert(attempt_id=attempt_id, question_id=question_id, user_id=user.pk, **sent)
    if stored is not None:
        saves, deadline = stored
        remaining = max(0, math.ceil((deadline - now).total_seconds()))
        return SavedAnswer(question_id=question_id, saved_at=now, saves=saves), remaining
    attempt = get_attempt_for_user(user, attempt_id, now=now)
    saved = save_answer(attempt=attempt, question_id=question_id, **sent)
    return saved, attempt.seconds_remaining(saved.saved_at)
