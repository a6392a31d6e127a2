"""The learner's own state on a question page (note, bookmark, practised, unread notices),
read in one query."""

from typing import Any

from django.contrib.auth.models import AnonymousUser

from interviewprep.models import User
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


def tools_state(user: User | AnonymousUser, question: Question) -> dict[str, Any]:
    """The context of the bookmark and note controls (``quizzes/question_tools.html``): the
    learner's state, read from the database (one query, not cached: the question page's
    public part is cached without it)."""
    if not isinstance(user, User):
        return {"question": question, "anonymous": True}
    return {"question": question, **question_state(user=user, question=question)}
