"""Merging duplicates: an editor's merge, and the importer's near-duplicate candidates."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from interviewprep.roles import Role

from ..models import (
    AuditEntry,
    DuplicateCandidate,
    EditorialFlag,
    Notification,
    Question,
    RevisionDraft,
)
from ..signals import questions_merged
from . import EditorialError, audit, refresh_status, require


@transaction.atomic
def merge_question(*, duplicate: Question, kept: Question, editor: Any) -> None:
    """Merge ``duplicate`` into ``kept``: its address redirects there, its flags, notices and
    earlier merges move there, its active draft is discarded.

    Then, in the same transaction, :data:`questions.signals.questions_merged` lets the apps
    above move what they keep per question (learners' cards, bookmarks and notes).
    """
    require(editor, Role.EDITOR)
    if duplicate.pk == kept.pk:
        raise EditorialError(_("A question cannot be a duplicate of itself."))
    if Question.objects.filter(pk=kept.pk, duplicate_of__isnull=False).exists():
        raise EditorialError(_("The question to keep was itself merged into another one."))
    now = timezone.now()
    done = Question.objects.filter(pk=duplicate.pk, duplicate_of__isnull=True).bump_version(
        duplicate_of=kept, updated_at=now
    )
    if not done:
        raise EditorialError(_("This question was already merged."))
    Question.objects.filter(duplicate_of=duplicate).bump_version(duplicate_of=kept)
    EditorialFlag.objects.filter(question=duplicate).update(question=kept)
    Notification.objects.filter(question=duplicate).update(question=kept)
    questions_merged.send(sender=Question, duplicate=duplicate, kept=kept)
    RevisionDraft.objects.active().filter(question=duplicate).update(
        state=RevisionDraft.State.DISCARDED
    )
    low, high = sorted([duplicate.pk, kept.pk])
    DuplicateCandidate.objects.filter(question_id=low, other_id=high).update(
        status=DuplicateCandidate.Status.CONFIRMED
    )
    refresh_status(kept.pk)
    audit(editor, AuditEntry.Action.MERGED, kept, f"#{duplicate.pk} {duplicate.title}")


@transaction.atomic
def confirm_candidate(*, candidate_id: int, keep_id: int, editor: Any) -> DuplicateCandidate:
    """Merge the candidate pair, keeping the question ``keep_id`` (one of the two)."""
    candidate = DuplicateCandidate.objects.select_related("question", "other").get(pk=candidate_id)
    if candidate.status != DuplicateCandidate.Status.OPEN:
        raise EditorialError(_("This pair was already decided."))
    pair = {candidate.question.pk: candidate.question, candidate.other.pk: candidate.other}
    if keep_id not in pair:
        raise EditorialError(_("Keep one of the two questions of the pair."))
    kept = pair.pop(keep_id)
    (duplicate,) = pair.values()
    merge_question(duplicate=duplicate, kept=kept, editor=editor)
    candidate.refresh_from_db()
    return candidate


@transaction.atomic
def dismiss_candidate(*, candidate_id: int, editor: Any) -> DuplicateCandidate:
    """Record that the pair is not a duplicate."""
    require(editor, Role.EDITOR)
    candidate = DuplicateCandidate.objects.select_related("question").get(pk=candidate_id)
    done = DuplicateCandidate.objects.filter(
        pk=candidate_id, status=DuplicateCandidate.Status.OPEN
    ).update(status=DuplicateCandidate.Status.DISMISSED)
    if not done:
        raise EditorialError(_("This pair was already decided."))
    audit(
        editor,
        AuditEntry.Action.CANDIDATE_DISMISSED,
        candidate.question,
        f"#{candidate.question_id} ~ #{candidate.other_id}",
    )
    candidate.refresh_from_db()
    return candidate
