"""The learner's own state on a question page (note, bookmark, practised, unread notices),
read in one query and cached with the page (``questions.caches.read_question_page``)."""

from typing import Any
from uuid import uuid4

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import transaction

from interviewprep.models import User
from questions.caches import PageRead
from questions.models import Notification, Question

from .models import Bookmark, Card, Note


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


def tools_state(
    user: User | AnonymousUser, question: Question, read: PageRead | None = None
) -> dict[str, Any]:
    """The context of the bookmark and note controls (``quizzes/question_tools.html``): the
    learner's state, read from the database, or from the cache read of the question's page
    (``read``)."""
    if not isinstance(user, User):
        return {"question": question, "anonymous": True}
    if read is None:
        return {"question": question, **question_state(user=user, question=question)}
    state = cached_question_state(
        user=user, question=question, question_version=read.version, found=read.found
    )
    return {"question": question, **state}
