"""Editorial curation: reports and triage (:mod:`.flags`), drafts and their review
(:mod:`.drafts`), publishing and rollback (:mod:`.revisions`), merging duplicates
(:mod:`.merging`) and telling learners (:mod:`.notifications`).

Every write is one transaction, keyword-only and typed; views and the API call these and
nothing else. Lost updates are prevented by conditional UPDATEs on a version column (which
also works on SQLite, where select_for_update does nothing): 0 rows updated means somebody
else got there first. The reads are QuerySet methods of the models, the access functions in
``questions.access``.

This module holds what the writes share: the refusal, the role check, the audit trail and
the rule that ties a question's status to its flags.
"""

from typing import Any

from django.utils.translation import gettext as _

from interviewprep.errors import DomainError, NotPermitted
from interviewprep.roles import Role, has_role

from .. import caches
from ..models import AuditEntry, EditorialFlag, Question


class EditorialError(DomainError):
    """An editorial action refused, with a message for the person who tried it."""


def audit(actor: Any, action: str, question: Question | None, detail: str = "") -> None:
    """Record an editorial write and drop the question's cached page (caches.forget_questions)."""
    if question is not None:
        caches.forget_questions(question.pk)
    AuditEntry.objects.create(actor=actor, action=action, question=question, detail=detail[:500])


def require(user: Any, *roles: Role) -> None:
    """Refuse (:class:`NotPermitted`) unless ``user`` holds one of ``roles``."""
    if not any(has_role(user, role) for role in roles):
        raise NotPermitted(_("You are not allowed to do this."))


def refresh_status(question_id: int) -> None:
    """The rule: under revision exactly while an open high-severity flag remains (awaiting
    review until first published). Every write
    that opens, raises or closes a flag calls this (and then audits the write, which drops the
    question's cached page)."""
    open_high = EditorialFlag.objects.open().high().filter(question_id=question_id).exists()
    status = Question.Status.NEEDS_REVISION if open_high else Question.Status.PUBLISHED
    # A question awaiting review (written or imported by an editor) leaves that state when its
    # first revision is published, and not before.
    Question.objects.filter(pk=question_id).exclude(status=status).exclude(
        status=Question.Status.PENDING, live_revision__isnull=True
    ).update(status=status)
