"""Revision drafts: started and saved by editors, sent to review, reviewed by someone else."""

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from interviewprep.errors import Conflict, NotPermitted
from interviewprep.roles import Role, has_role

from ..grading import KeyPointSyntaxError, parse_key_points_text
from ..models import AuditEntry, EditorialFlag, Question, RevisionDraft, Tag
from . import EditorialError, audit, require


class DraftConflict(EditorialError, Conflict):
    """The draft changed since the editor loaded it; ``current`` is what is saved now."""

    code = "draft_changed"

    def __init__(self, current: RevisionDraft, message: str | None = None) -> None:
        super().__init__(
            message
            or _(
                "Someone else saved this draft since you opened it. Your text was not saved; "
                "compare it with theirs below, then save again to replace theirs."
            )
        )
        self.current = current


def _clean_content(
    *, title: str, body_markdown: str, tag_slugs: Iterable[str], difficulty: str
) -> tuple[str, str, list[str], str]:
    title = title.strip()
    if not title:
        raise EditorialError(_("The title cannot be empty."))
    if len(title) > 300:
        raise EditorialError(_("The title is too long (300 characters at most)."))
    if difficulty not in Question.Difficulty.values:
        raise EditorialError(_("Choose a difficulty: easy, medium or hard."))
    slugs = sorted({slug.strip() for slug in tag_slugs if slug.strip()})
    known = set(Tag.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    unknown = [slug for slug in slugs if slug not in known]
    if unknown:
        raise EditorialError(_("Unknown tags: %(tags)s") % {"tags": ", ".join(unknown)})
    return title, body_markdown.replace("\r\n", "\n"), slugs, difficulty


@transaction.atomic
def start_draft(*, question: Question, editor: Any) -> RevisionDraft:
    """The question's active draft, created from the published version if there is none."""
    require(editor, Role.EDITOR)
    question = Question.objects.get(pk=question.pk)  # the caller's copy may be stale
    if question.duplicate_of_id is not None:
        raise EditorialError(_("This question was merged into another one."))
    existing = RevisionDraft.objects.active().filter(question=question).first()
    if existing:
        return existing
    live = question.live_revision
    try:
        with transaction.atomic():
            draft = RevisionDraft.objects.create(
                question=question,
                base_revision_id=question.live_revision_id,
                title=question.title,
                body_markdown=question.body_markdown,
                tag_slugs=sorted(question.tags.values_list("slug", flat=True)),
                difficulty=question.difficulty,
                key_points=live.key_points if live else [],
                follow_ups=live.follow_ups if live else [],
                author=editor,
                edited_by=editor,
            )
    except IntegrityError:
        # Another editor started one at the same moment: use theirs.
        return RevisionDraft.objects.active().get(question=question)
    audit(editor, AuditEntry.Action.DRAFT_STARTED, question)
    return draft


@transaction.atomic
def save_draft(
    *,
    draft_id: int,
    editor: Any,
    seen_version: int,
    title: str,
    body_markdown: str,
    tag_slugs: Iterable[str],
    difficulty: str,
    key_points_text: str | None = None,
) -> RevisionDraft:
    """Save an editor's text if nobody saved the draft since they loaded ``seen_version``.

    ``key_points_text`` is the key points in the editors' text form
    (:func:`questions.grading.format_key_points`); ``None`` keeps the draft's. Raises
    :class:`DraftConflict` (carrying what is saved now) otherwise; nothing is written.
    """
    require(editor, Role.EDITOR)
    title, body_markdown, slugs, difficulty = _clean_content(
        title=title, body_markdown=body_markdown, tag_slugs=tag_slugs, difficulty=difficulty
    )
    extra: dict[str, Any] = {}
    if key_points_text is not None:
        try:
            extra["key_points"] = parse_key_points_text(key_points_text)
        except KeyPointSyntaxError as error:
            raise EditorialError(
                _("Key points, line %(line)d: %(problem)s")
                % {"line": error.line, "problem": error.problem}
            ) from None
    done = RevisionDraft.objects.filter(
        pk=draft_id, version=seen_version, state__in=RevisionDraft.EDITABLE_STATES
    ).update(
        title=title,
        body_markdown=body_markdown,
        tag_slugs=slugs,
        difficulty=difficulty,
        edited_by=editor,
        updated_at=timezone.now(),
        version=F("version") + 1,
        **extra,
    )
    current = RevisionDraft.objects.select_related("question", "edited_by").get(pk=draft_id)
    if not done:
        if current.state not in RevisionDraft.EDITABLE_STATES:
            raise EditorialError(
                _("This draft is %(state)s and can no longer be edited.")
                % {"state": current.get_state_display()}
            )
        raise DraftConflict(current)
    return current


@transaction.atomic
def submit_draft(
    *, draft_id: int, editor: Any, seen_version: int, summary: str, resolves: Iterable[int]
) -> RevisionDraft:
    """Send a draft to review with a change summary and the open flags it resolves."""
    require(editor, Role.EDITOR)
    summary = summary.strip()
    if not summary:
        raise EditorialError(_("Write a change summary: readers will see it."))
    if len(summary) > 300:
        raise EditorialError(_("The summary is too long (300 characters at most)."))
    draft = RevisionDraft.objects.get(pk=draft_id)
    flag_ids = set(resolves)
    flags = list(EditorialFlag.objects.open().filter(pk__in=flag_ids, question=draft.question_id))
    if len(flags) != len(flag_ids):
        raise EditorialError(_("Only open reports on this question can be resolved."))
    done = RevisionDraft.objects.filter(
        pk=draft_id, version=seen_version, state__in=RevisionDraft.EDITABLE_STATES
    ).update(
        state=RevisionDraft.State.SUBMITTED,
        summary=summary,
        submitted_at=timezone.now(),
        edited_by=editor,
        version=F("version") + 1,
    )
    if not done:
        current = RevisionDraft.objects.select_related("question", "edited_by").get(pk=draft_id)
        if current.editable:
            raise DraftConflict(current)
        raise EditorialError(_("This draft was already submitted."))
    draft.refresh_from_db()
    draft.resolves.set(flags)
    audit(editor, AuditEntry.Action.DRAFT_SUBMITTED, draft.question, summary)
    return draft


def can_review(user: Any, draft: RevisionDraft) -> bool:
    """Whether ``user`` may approve or send back ``draft``: a reviewer who neither wrote it
    nor last edited it (:func:`check_reviewer` refuses everyone else)."""
    return has_role(user, Role.REVIEWER) and user.pk not in (draft.author_id, draft.edited_by_id)


def check_reviewer(draft: RevisionDraft, reviewer: Any) -> None:
    """Refuse (:class:`NotPermitted`) anyone :func:`can_review` says may not review ``draft``,
    naming the rule that applies to them."""
    require(reviewer, Role.REVIEWER)
    if reviewer.pk == draft.author_id:
        raise NotPermitted(
            _("You started this draft: another reviewer, who did not edit it, must review it.")
        )
    if reviewer.pk == draft.edited_by_id:
        raise NotPermitted(
            _(
                "You saved this draft last: another reviewer, who did not edit it, must review "
                "it. Withdraw it to edit it further, or ask an administrator to reassign it."
            )
        )


@transaction.atomic
def withdraw_draft(*, draft_id: int, editor: Any) -> RevisionDraft:
    """Take a submitted draft back out of review so that it can be edited again.

    Its author or its last editor may: a draft whose only possible reviewer edited it last
    would otherwise stay submitted for ever.
    """
    require(editor, Role.EDITOR)
    draft = RevisionDraft.objects.select_related("question").get(pk=draft_id)
    if editor.pk not in (draft.author_id, draft.edited_by_id):
        raise NotPermitted(_("Only the draft's author or its last editor can withdraw it."))
    done = RevisionDraft.objects.filter(pk=draft_id, state=RevisionDraft.State.SUBMITTED).update(
        state=RevisionDraft.State.DRAFT, version=F("version") + 1
    )
    if not done:
        raise EditorialError(_("Only a draft submitted for review can be withdrawn."))
    audit(editor, AuditEntry.Action.DRAFT_WITHDRAWN, draft.question)
    draft.refresh_from_db()
    return draft


@transaction.atomic
def reassign_draft(*, draft_id: int, admin: Any, editor: Any) -> RevisionDraft:
    """An administrator (staff) hands an active draft to ``editor``, who becomes its author
    and last editor; whoever had it may then review it."""
    if not admin.is_staff:
        raise NotPermitted(_("Only an administrator can reassign a draft."))
    if not has_role(editor, Role.EDITOR):
        raise EditorialError(_("A draft can only be assigned to an editor."))
    draft = RevisionDraft.objects.select_related("question").get(pk=draft_id)
    previous = draft.author
    done = RevisionDraft.objects.filter(pk=draft_id, state__in=RevisionDraft.ACTIVE_STATES).update(
        author=editor, edited_by=editor, version=F("version") + 1
    )
    if not done:
        raise EditorialError(_("Only an active draft can be reassigned."))
    audit(
        admin,
        AuditEntry.Action.DRAFT_REASSIGNED,
        draft.question,
        f"{previous.public_name} -> {editor.public_name}",
    )
    draft.refresh_from_db()
    return draft


@transaction.atomic
def request_changes(*, draft_id: int, reviewer: Any, comment: str) -> RevisionDraft:
    """Send a submitted draft back to its author with a comment."""
    draft = RevisionDraft.objects.select_related("question").get(pk=draft_id)
    check_reviewer(draft, reviewer)
    comment = comment.strip()
    if not comment:
        raise EditorialError(_("Tell the author what to change."))
    done = RevisionDraft.objects.filter(pk=draft_id, state=RevisionDraft.State.SUBMITTED).update(
        state=RevisionDraft.State.CHANGES_REQUESTED,
        reviewer=reviewer,
        review_comment=comment,
        version=F("version") + 1,
    )
    if not done:
        raise EditorialError(_("Only a submitted draft can be sent back."))
    audit(reviewer, AuditEntry.Action.CHANGES_REQUESTED, draft.question, comment)
    draft.refresh_from_db()
    return draft
