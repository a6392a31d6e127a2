"""Publishing: a reviewed draft, or an old version again (rollback), becomes the live answer."""

from typing import Any

from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from interviewprep.roles import Role

from ..figures import figures_for
from ..models import AuditEntry, EditorialFlag, Question, QuestionRevision, RevisionDraft, Tag
from ..rendering import render_answer
from ..search.tokens import search_fields
from . import EditorialError, audit, refresh_status, require
from .drafts import check_reviewer
from .notifications import notify_learners_of_update


def _publish_content(
    *,
    question: Question,
    base_revision_id: int | None,
    title: str,
    body_markdown: str,
    tag_slugs: list[str],
    difficulty: str,
    author: Any,
    reviewer: Any,
    summary: str,
    key_points: list[dict[str, Any]],
    follow_ups: list[dict[str, Any]],
    restored_number: int | None = None,
) -> QuestionRevision:
    """Make new content live (caller holds the transaction); see :func:`publish_revision`.
    With ``restored_number`` it is a rollback to that version: learners are not told of an
    update (the content is one they were shown before; an open finding it brings back shows
    the revision notice instead)."""
    now = timezone.now()
    html = render_answer(body_markdown, figures=figures_for(body_markdown))
    last = QuestionRevision.objects.filter(question=question).aggregate(n=Max("number"))["n"]
    revision = QuestionRevision.objects.create(
        question=question,
        number=(last or 0) + 1,
        origin=(
            QuestionRevision.Origin.EDITOR
            if restored_number is None
            else QuestionRevision.Origin.ROLLBACK
        ),
        restored_number=restored_number,
        title=title,
        body_markdown=body_markdown,
        body_html=html,
        tag_slugs=tag_slugs,
        difficulty=difficulty,
        summary=summary,
        key_points=key_points,
        follow_ups=follow_ups,
        author=author,
        reviewer=reviewer,
        created_at=now,
        published_at=now,
    )
    search_title, search_body = search_fields(title, body_markdown)
    done = Question.objects.filter(pk=question.pk, live_revision_id=base_revision_id).update(
        title=title,
        body_markdown=body_markdown,
        body_html=html,
        has_answer=bool(body_markdown.strip()),
        difficulty=difficulty,
        difficulty_overridden=True,
        tags_overridden=True,
        search_title=search_title,
        search_body=search_body,
        live_revision=revision,
        version=F("version") + 1,
        last_reviewed_at=now,
        updated_at=now,
    )
    if not done:
        raise EditorialError(
            _(
                "A newer version of this question was published after this draft was started; "
                "start a new draft from it."
            )
        )
    question.tags.set(Tag.objects.filter(slug__in=tag_slugs))
    refresh_status(question.pk, new_version=False)
    if restored_number is None:
        # Telling every learner who studied it can be thousands of rows: a background task.
        # With the database backend the task row commits (or not) with this publication.
        notify_learners_of_update.enqueue(question_id=question.pk, revision_id=revision.pk)
    return revision


@transaction.atomic
def publish_revision(*, draft_id: int, reviewer: Any) -> QuestionRevision:
    """Approve a submitted draft and make it the question's published version.

    In one transaction: refuses if ``reviewer`` lacks the reviewer role or wrote the draft, or
    if another version was published since the draft was started. Then creates an immutable
    :class:`QuestionRevision` (origin editor, author, reviewer, summary, published_at), makes
    it ``live_revision``, copies title/answer/tags/difficulty onto the question (re-rendered
    with ``render_answer`` and re-indexed with ``search_fields``; tags and difficulty marked as
    chosen by an editor so that imports keep them), bumps ``Question.version``, sets
    ``last_reviewed_at``, resolves the flags the draft lists, lifts the revision notice when no
    open high-severity flag remains and has everyone
    :func:`~questions.editorial.notifications.learners_who_studied` returns notified.
    """
    draft = RevisionDraft.objects.select_related("question").get(pk=draft_id)
    check_reviewer(draft, reviewer)
    claimed = RevisionDraft.objects.filter(pk=draft_id, state=RevisionDraft.State.SUBMITTED).update(
        state=RevisionDraft.State.PUBLISHED, reviewer=reviewer, version=F("version") + 1
    )
    if not claimed:
        raise EditorialError(_("Only a submitted draft can be published."))
    revision = _publish_content(
        question=draft.question,
        base_revision_id=draft.base_revision_id,
        title=draft.title,
        body_markdown=draft.body_markdown,
        tag_slugs=draft.tag_slugs,
        difficulty=draft.difficulty,
        author=draft.author,
        reviewer=reviewer,
        summary=draft.summary,
        key_points=draft.key_points,
        follow_ups=draft.follow_ups,
    )
    EditorialFlag.objects.filter(pk__in=draft.resolves.values("pk"), status="open").update(
        status=EditorialFlag.Status.RESOLVED,
        resolved_in=revision,
        handled_by=reviewer,
        handled_at=revision.published_at,
    )
    refresh_status(draft.question_id, new_version=False)
    RevisionDraft.objects.filter(pk=draft_id).update(published_revision=revision)
    audit(reviewer, AuditEntry.Action.PUBLISHED, draft.question, f"v{revision.number}")
    return revision


@transaction.atomic
def rollback_question(
    *, question: Question, to_number: int, reviewer: Any, summary: str = ""
) -> QuestionRevision:
    """Publish a new version equal to version ``to_number``; history only grows.

    Reviewer-only (it publishes without a second review). Open flags stay open; the findings
    that versions after ``to_number`` resolved open again, since their text is back (the
    revision notice returns with a high-severity one). The new version's origin is
    ``rollback`` with ``restored_number``; learners get no "updated" notice.
    """
    require(reviewer, Role.REVIEWER)
    question = Question.objects.get(pk=question.pk)  # the caller's copy may be stale
    try:
        old = QuestionRevision.objects.get(question=question, number=to_number)
    except QuestionRevision.DoesNotExist:
        raise EditorialError(_("There is no version %(n)s.") % {"n": to_number}) from None
    if old.pk == question.live_revision_id:
        raise EditorialError(_("That version is already the published one."))
    tag_slugs = old.tag_slugs or sorted(question.tags.values_list("slug", flat=True))
    text = _("Rolled back to version %(n)s") % {"n": to_number}
    revision = _publish_content(
        question=question,
        base_revision_id=question.live_revision_id,
        title=old.title,
        body_markdown=old.body_markdown,
        tag_slugs=tag_slugs,
        difficulty=old.difficulty,
        author=reviewer,
        reviewer=reviewer,
        summary=f"{text}: {summary.strip()}" if summary.strip() else text,
        key_points=old.key_points,
        follow_ups=old.follow_ups,
        restored_number=to_number,
    )
    reopened = _reopen_findings_undone(question, after_number=to_number)
    refresh_status(question.pk)
    audit(
        reviewer,
        AuditEntry.Action.ROLLED_BACK,
        question,
        f"v{to_number} -> v{revision.number}; {reopened} finding(s) reopened",
    )
    return revision


def _reopen_findings_undone(question: Question, *, after_number: int) -> int:
    """Open again the findings resolved by versions after ``after_number``; returns how many.

    A learner's finding is left resolved where the same learner has since opened another of
    the same reason (one open report per learner, question and reason): that one stands.
    """
    already_open = EditorialFlag.objects.open().filter(
        question=question, reporter=OuterRef("reporter"), reason=OuterRef("reason")
    )
    return (
        EditorialFlag.objects.filter(
            question=question,
            status=EditorialFlag.Status.RESOLVED,
            resolved_in__number__gt=after_number,
        )
        .exclude(Q(reporter__isnull=False) & Exists(already_open))
        .update(
            status=EditorialFlag.Status.OPEN, resolved_in=None, handled_by=None, handled_at=None
        )
    )
