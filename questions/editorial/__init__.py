"""Editorial curation: reports and triage (:mod:`.flags`), drafts and their review
(:mod:`.drafts`), publishing and rollback (:mod:`.revisions`), merging duplicates
(:mod:`.merging`), telling learners (:mod:`.notifications`), and notes editors import
(:mod:`.imports`, their images :mod:`.import_images`, parsed by :mod:`.parsing`).

Every write is one transaction, keyword-only and typed; views and the API call these and
nothing else. Lost updates are prevented by conditional UPDATEs on a version column (which
also works on SQLite, where select_for_update does nothing): 0 rows updated means somebody
else got there first. The reads are QuerySet methods of the models, the access functions in
``questions.access``.

This module holds what the writes share: the refusal, the role check, the audit trail and
the rule that ties a question's status to its flags.
"""

from typing import Any

from django.db.models import Case, Exists, OuterRef, Value, When
from django.utils.translation import gettext as _

from interviewprep.errors import DomainError, NotPermitted
from interviewprep.roles import Role, has_role

from ..models import AuditEntry, EditorialFlag, Question


class EditorialError(DomainError):
    """An editorial action refused, with a message for the person who tried it."""


def audit(actor: Any, action: str, question: Question | None, detail: str = "") -> None:
    """Record an editorial write."""
    AuditEntry.objects.create(actor=actor, action=action, question=question, detail=detail[:500])


def require(user: Any, *roles: Role) -> None:
    """Refuse (:class:`NotPermitted`) unless ``user`` holds one of ``roles``."""
    if not any(has_role(user, role) for role in roles):
        raise NotPermitted(_("You are not allowed to do this."))


def refresh_status(question_id: int, *, new_version: bool = True) -> None:
    """The rule: under revision exactly while an open high-severity flag remains (awaiting
    review until first published). Every write that opens, raises or closes a flag calls
    this: its one UPDATE sets the status and a new ``Question.version`` (the page lists the
    open flags), so the cached page is replaced when the write commits. ``new_version=False``
    when the caller's own UPDATE of the question in this transaction already set one
    (publishing)."""
    open_high = EditorialFlag.objects.open().high().filter(question_id=OuterRef("pk"))
    status = Case(
        When(Exists(open_high), then=Value(Question.Status.NEEDS_REVISION.value)),
        default=Value(Question.Status.PUBLISHED.value),
    )
    # A question awaiting review (written or imported by an editor) leaves that state when its
    # first revision is published, and not before.
    question = Question.objects.filter(pk=question_id).exclude(
        status=Question.Status.PENDING, live_revision__isnull=True
    )
    if new_version:
        question.bump_version(status=status)
    else:
        question.update(status=status)
