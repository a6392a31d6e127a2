"""Reports of problems (learners) and their triage (editors)."""

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from interviewprep.errors import Conflict, NotPermitted
from interviewprep.roles import Role

from ..models import AuditEntry, EditorialFlag, Notification, Question
from . import EditorialError, audit, refresh_status, require

#: What a learner may report (the editorial import also uses "misleading" and "incomplete").
LEARNER_REASONS = (
    EditorialFlag.Reason.WRONG,
    EditorialFlag.Reason.OUTDATED,
    EditorialFlag.Reason.UNCLEAR,
    EditorialFlag.Reason.TYPO,
    EditorialFlag.Reason.DUPLICATE,
    EditorialFlag.Reason.OTHER,
)
COMMENT_MAX = 2000


class AlreadyReported(EditorialError, Conflict):
    """The learner has an open report of this question for this reason."""

    code = "already_reported"


@transaction.atomic
def report_problem(
    *, question: Question, reporter: Any, reason: str, comment: str
) -> EditorialFlag:
    """A signed-in learner reports a problem; editors see it in their queue."""
    if not reporter.is_authenticated:
        raise NotPermitted(_("Sign in to report a problem."))
    if reason not in LEARNER_REASONS:
        raise EditorialError(_("Choose what is wrong with this answer."))
    comment = comment.strip()
    if not comment:
        raise EditorialError(_("Describe the problem so that an editor can fix it."))
    if len(comment) > COMMENT_MAX:
        raise EditorialError(_("The description is too long (2000 characters at most)."))
    if question.duplicate_of_id is not None:
        raise EditorialError(_("This question was merged into another one; report it there."))
    severity = (
        EditorialFlag.Severity.MEDIUM
        if reason in (EditorialFlag.Reason.WRONG, EditorialFlag.Reason.OUTDATED)
        else EditorialFlag.Severity.LOW
    )
    repeated = AlreadyReported(
        _(
            "You have already reported this problem with this answer; editors will look at "
            "it. You can follow it under My reports."
        )
    )
    if (
        EditorialFlag.objects.open()
        .filter(reporter=reporter, question=question, reason=reason)
        .exists()
    ):
        raise repeated
    try:
        with transaction.atomic():  # a double submit racing this one
            flag = EditorialFlag.objects.create(
                question=question,
                reporter=reporter,
                reason=reason,
                severity=severity,
                problem=comment,
            )
    except IntegrityError:
        raise repeated from None
    refresh_status(question.pk)  # the page lists the open flags of its answer
    return flag


def _claim_open_flag(flag_id: int, editor: Any, **changes: Any) -> EditorialFlag:
    now = timezone.now()
    done = EditorialFlag.objects.filter(pk=flag_id, status=EditorialFlag.Status.OPEN).update(
        handled_by=editor, handled_at=now, **changes
    )
    if not done:
        raise EditorialError(_("This report was already handled."))
    return EditorialFlag.objects.select_related("question").get(pk=flag_id)


@transaction.atomic
def decline_flag(*, flag_id: int, editor: Any, reason: str) -> EditorialFlag:
    """Decline a report with a reason its reporter will read; may lift the revision notice."""
    require(editor, Role.EDITOR)
    reason = reason.strip()
    if not reason:
        raise EditorialError(_("Say why the report is declined: the reporter will read it."))
    flag = _claim_open_flag(
        flag_id, editor, status=EditorialFlag.Status.DECLINED, decline_reason=reason
    )
    if flag.reporter_id:
        Notification.objects.create(
            user_id=flag.reporter_id, question=flag.question, kind=Notification.Kind.FLAG_DECLINED
        )
    refresh_status(flag.question_id)
    audit(editor, AuditEntry.Action.FLAG_DECLINED, flag.question, reason)
    return flag


@transaction.atomic
def mark_needs_revision(*, flag_id: int, editor: Any) -> EditorialFlag:
    """Confirm a report (the answer is wrong or outdated): readers see the revision notice.

    The flag stays open, raised to high severity, until a published revision resolves it.
    """
    require(editor, Role.EDITOR)
    flag = _claim_open_flag(flag_id, editor, severity=EditorialFlag.Severity.HIGH)
    refresh_status(flag.question_id)
    audit(editor, AuditEntry.Action.MARKED_FOR_REVISION, flag.question, flag.problem[:200])
    return flag


@transaction.atomic
def save_flag(*, flag: EditorialFlag, editor: Any, moved_from: int | None = None) -> EditorialFlag:
    """Save ``flag`` as staff changed it in the admin (any field; ``moved_from`` is the
    question it was on before, if it moved), then apply the rule to the questions concerned:
    under revision exactly while an open high-severity flag remains."""
    require(editor, Role.EDITOR)
    flag.save()
    _refresh(flag.question_id, moved_from)
    return flag


@transaction.atomic
def delete_flags(*, flags: Iterable[EditorialFlag], editor: Any) -> None:
    """Delete flags staff deleted in the admin, then apply the rule to their questions."""
    require(editor, Role.EDITOR)
    flags = list(flags)
    EditorialFlag.objects.filter(pk__in=[flag.pk for flag in flags]).delete()
    _refresh(*(flag.question_id for flag in flags))


def _refresh(*question_ids: int | None) -> None:
    """:func:`refresh_status` for each question."""
    for pk in {pk for pk in question_ids if pk is not None}:
        refresh_status(pk)
