"""Editorial curation: reports, triage, drafts, review, publishing, rollback, merging.

Every write here is one transaction, keyword-only and typed; views and the API call these and
nothing else. Lost updates are prevented by conditional UPDATEs on a version column (which
also works on SQLite, where select_for_update does nothing): 0 rows updated means somebody
else got there first.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from interviewprep.roles import Role, has_role

from . import caches
from .models import (
    AuditEntry,
    DuplicateCandidate,
    EditorialFlag,
    Notification,
    Question,
    QuestionRevision,
    RevisionDraft,
    Tag,
)
from .rendering import render_answer
from .search.tokens import search_fields

#: Topics whose answers age fastest; the freshness list puts them first.
FAST_MOVING_TAGS = ("model-landscape", "llm-applications", "evaluation-benchmarks")
#: An answer not reviewed for this long is listed as stale.
STALE_AFTER = timedelta(days=180)
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


class EditorialError(Exception):
    """An editorial action refused, with a message for the person who tried it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotPermitted(EditorialError):
    """The action is not allowed for this user (maps to HTTP 403)."""


class DraftConflict(EditorialError):
    """The draft changed since the editor loaded it; ``current`` is what is saved now."""

    def __init__(self, current: RevisionDraft) -> None:
        super().__init__(
            _(
                "Someone else saved this draft since you opened it. Your text was not saved; "
                "compare it with theirs below, then save again to replace theirs."
            )
        )
        self.current = current


# --- reading -----------------------------------------------------------------------------


def learners_who_studied(question: Question) -> QuerySet[Any]:
    """Users to notify when ``question`` changes: everyone who reported a problem on it or
    studied it in practice (a card or a bookmark)."""
    from quizzes.services import learners_of

    reporters = get_user_model().objects.filter(flags__question=question)
    return get_user_model().objects.filter(
        Q(pk__in=reporters.values("pk")) | Q(pk__in=learners_of(question).values("pk"))
    )


def flag_queue(*, tag: str = "", reason: str = "", sort: str = "severity") -> QuerySet[Question]:
    """Questions with open flags, annotated for the review queue, with those flags prefetched.

    ``open_count``, ``top_rank`` (0 = high severity) and ``oldest`` consider only the flags
    matching ``reason``; ``sort`` is ``severity``, ``count`` or ``age`` (oldest first).
    """
    from django.db.models import Case, Prefetch, Value, When

    flag_filter = Q(flags__status=EditorialFlag.Status.OPEN)
    flags = EditorialFlag.objects.open().select_related("reporter").by_severity()
    if reason:
        flag_filter &= Q(flags__reason=reason)
        flags = flags.filter(reason=reason)
    rank = Case(
        When(flags__severity=EditorialFlag.Severity.HIGH, then=Value(0)),
        When(flags__severity=EditorialFlag.Severity.MEDIUM, then=Value(1)),
        default=Value(2),
    )
    questions = Question.objects.visible()
    if tag:
        questions = questions.filter(
            Exists(Question.tags.through.objects.filter(question=OuterRef("pk"), tag__slug=tag))
        )
    questions = (
        questions.annotate(
            open_count=Count("flags", filter=flag_filter),
            top_rank=Min(rank, filter=flag_filter),
            oldest=Min("flags__created_at", filter=flag_filter),
        )
        .filter(open_count__gt=0)
        .with_tags()
        .prefetch_related(Prefetch("flags", queryset=flags, to_attr="queue_flags"))
    )
    order = {
        "count": ["-open_count", "top_rank", "oldest", "id"],
        "age": ["oldest", "top_rank", "id"],
    }.get(sort, ["top_rank", "-open_count", "oldest", "id"])
    return questions.order_by(*order)


def stale_questions(*, now: datetime | None = None) -> QuerySet[Question]:
    """Visible questions not reviewed within :data:`STALE_AFTER`: fast-moving topics first,
    then the longest unreviewed (never reviewed counts as oldest)."""
    cutoff = (now or timezone.now()) - STALE_AFTER
    fast = Question.tags.through.objects.filter(
        question=OuterRef("pk"), tag__slug__in=FAST_MOVING_TAGS
    )
    return (
        Question.objects.visible()
        .filter(Q(last_reviewed_at__isnull=True) | Q(last_reviewed_at__lt=cutoff))
        .annotate(fast_moving=Exists(fast))
        .with_tags()
        .order_by(F("fast_moving").desc(), F("last_reviewed_at").asc(nulls_first=True), "id")
    )


def get_draft_for_editor(user: Any, pk: int) -> RevisionDraft:
    """A draft for editors and reviewers; Http404 when missing or the user may not see it."""
    if not (has_role(user, Role.EDITOR) or has_role(user, Role.REVIEWER)):
        raise Http404
    try:
        return RevisionDraft.objects.select_related(
            "question", "question__live_revision", "base_revision", "author", "edited_by"
        ).get(pk=pk)
    except RevisionDraft.DoesNotExist:
        raise Http404 from None


def unread_updates(user: Any, question: Question) -> list[Notification]:
    """The "answer updated" notices ``user`` has not dismissed for ``question``."""
    if not user.is_authenticated:
        return []
    return list(
        Notification.objects.filter(
            user=user, question=question, kind=Notification.Kind.UPDATED, read_at__isnull=True
        ).select_related("revision")
    )


# --- helpers -----------------------------------------------------------------------------


def _audit(actor: Any, action: str, question: Question | None, detail: str = "") -> None:
    """Record an editorial write and drop the question's cached page (caches.forget_questions)."""
    if question is not None:
        caches.forget_questions(question.pk)
    AuditEntry.objects.create(actor=actor, action=action, question=question, detail=detail[:500])


def _require(user: Any, *roles: str) -> None:
    if not any(has_role(user, role) for role in roles):
        raise NotPermitted(_("You are not allowed to do this."))


def _refresh_status(question_id: int) -> None:
    """Under revision exactly while an open high-severity flag remains (every caller then
    audits the write, which drops the question's cached page)."""
    open_high = EditorialFlag.objects.open().high().filter(question_id=question_id).exists()
    status = Question.Status.NEEDS_REVISION if open_high else Question.Status.PUBLISHED
    Question.objects.filter(pk=question_id).exclude(status=status).update(status=status)


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


# --- reports and triage ------------------------------------------------------------------


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
    # The page lists the open flags of its answer.
    caches.forget_questions(question.pk)
    return EditorialFlag.objects.create(
        question=question, reporter=reporter, reason=reason, severity=severity, problem=comment
    )


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
    _require(editor, Role.EDITOR)
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
    _refresh_status(flag.question_id)
    _audit(editor, AuditEntry.Action.FLAG_DECLINED, flag.question, reason)
    return flag


@transaction.atomic
def mark_needs_revision(*, flag_id: int, editor: Any) -> EditorialFlag:
    """Confirm a report (the answer is wrong or outdated): readers see the revision notice.

    The flag stays open, raised to high severity, until a published revision resolves it.
    """
    _require(editor, Role.EDITOR)
    flag = _claim_open_flag(flag_id, editor, severity=EditorialFlag.Severity.HIGH)
    Question.objects.filter(pk=flag.question_id).update(status=Question.Status.NEEDS_REVISION)
    _audit(editor, AuditEntry.Action.MARKED_FOR_REVISION, flag.question, flag.problem[:200])
    return flag


# --- drafts and review -------------------------------------------------------------------


@transaction.atomic
def start_draft(*, question: Question, editor: Any) -> RevisionDraft:
    """The question's active draft, created from the published version if there is none."""
    _require(editor, Role.EDITOR)
    question = Question.objects.get(pk=question.pk)  # the caller's copy may be stale
    if question.duplicate_of_id is not None:
        raise EditorialError(_("This question was merged into another one."))
    existing = RevisionDraft.objects.active().filter(question=question).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            draft = RevisionDraft.objects.create(
                question=question,
                base_revision_id=question.live_revision_id,
                title=question.title,
                body_markdown=question.body_markdown,
                tag_slugs=sorted(question.tags.values_list("slug", flat=True)),
                difficulty=question.difficulty,
                author=editor,
                edited_by=editor,
            )
    except IntegrityError:
        # Another editor started one at the same moment: use theirs.
        return RevisionDraft.objects.active().get(question=question)
    _audit(editor, AuditEntry.Action.DRAFT_STARTED, question)
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
) -> RevisionDraft:
    """Save an editor's text if nobody saved the draft since they loaded ``seen_version``.

    Raises :class:`DraftConflict` (carrying what is saved now) otherwise; nothing is written.
    """
    _require(editor, Role.EDITOR)
    title, body_markdown, slugs, difficulty = _clean_content(
        title=title, body_markdown=body_markdown, tag_slugs=tag_slugs, difficulty=difficulty
    )
    editable = (RevisionDraft.State.DRAFT, RevisionDraft.State.CHANGES_REQUESTED)
    done = RevisionDraft.objects.filter(
        pk=draft_id, version=seen_version, state__in=editable
    ).update(
        title=title,
        body_markdown=body_markdown,
        tag_slugs=slugs,
        difficulty=difficulty,
        edited_by=editor,
        updated_at=timezone.now(),
        version=F("version") + 1,
    )
    current = RevisionDraft.objects.select_related("question", "edited_by").get(pk=draft_id)
    if not done:
        if current.state not in editable:
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
    _require(editor, Role.EDITOR)
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
        pk=draft_id,
        version=seen_version,
        state__in=(RevisionDraft.State.DRAFT, RevisionDraft.State.CHANGES_REQUESTED),
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
    _audit(editor, AuditEntry.Action.DRAFT_SUBMITTED, draft.question, summary)
    return draft


def _check_reviewer(draft: RevisionDraft, reviewer: Any) -> None:
    _require(reviewer, Role.REVIEWER)
    if reviewer.pk in (draft.author_id, draft.edited_by_id):
        raise NotPermitted(_("A draft must be reviewed by someone other than its author."))


@transaction.atomic
def request_changes(*, draft_id: int, reviewer: Any, comment: str) -> RevisionDraft:
    """Send a submitted draft back to its author with a comment."""
    draft = RevisionDraft.objects.select_related("question").get(pk=draft_id)
    _check_reviewer(draft, reviewer)
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
    _audit(reviewer, AuditEntry.Action.CHANGES_REQUESTED, draft.question, comment)
    draft.refresh_from_db()
    return draft


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
) -> QuestionRevision:
    """Make new content live (caller holds the transaction); see :func:`publish_revision`."""
    now = timezone.now()
    html = render_answer(body_markdown)
    last = QuestionRevision.objects.filter(question=question).aggregate(n=Max("number"))["n"]
    revision = QuestionRevision.objects.create(
        question=question,
        number=(last or 0) + 1,
        origin=QuestionRevision.Origin.EDITOR,
        title=title,
        body_markdown=body_markdown,
        body_html=html,
        tag_slugs=tag_slugs,
        difficulty=difficulty,
        summary=summary,
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
    _refresh_status(question.pk)
    # Telling every learner who studied it can be thousands of rows: a background task. With
    # the database backend the task row commits (or not) with this publication.
    from .tasks import notify_learners_of_update

    notify_learners_of_update.enqueue(question_id=question.pk, revision_id=revision.pk)
    return revision


@transaction.atomic
def notify_update(*, question_id: int, revision_id: int) -> int:
    """Create an "answer updated" notification for everyone who studied the question (once
    per learner and revision); returns how many were created."""
    question = Question.objects.get(pk=question_id)
    told = Notification.objects.filter(
        user=OuterRef("pk"), revision_id=revision_id, kind=Notification.Kind.UPDATED
    )
    notifications = [
        Notification(
            user=user, question=question, kind=Notification.Kind.UPDATED, revision_id=revision_id
        )
        for user in learners_who_studied(question).exclude(Exists(told))
    ]
    # The unique constraint still guards against a concurrent run of the same task.
    Notification.objects.bulk_create(notifications, ignore_conflicts=True)
    # The learners' states on its page (quizzes.services.cached_question_state) now show the
    # notice: they are kept under the question's version, which this replaces.
    caches.forget_questions(question.pk)
    return len(notifications)


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
    open high-severity flag remains and notifies :func:`learners_who_studied`.
    """
    draft = RevisionDraft.objects.select_related("question").get(pk=draft_id)
    _check_reviewer(draft, reviewer)
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
    )
    EditorialFlag.objects.filter(pk__in=draft.resolves.values("pk"), status="open").update(
        status=EditorialFlag.Status.RESOLVED,
        resolved_in=revision,
        handled_by=reviewer,
        handled_at=revision.published_at,
    )
    _refresh_status(draft.question_id)
    RevisionDraft.objects.filter(pk=draft_id).update(published_revision=revision)
    _audit(reviewer, AuditEntry.Action.PUBLISHED, draft.question, f"v{revision.number}")
    return revision


@transaction.atomic
def rollback_question(
    *, question: Question, to_number: int, reviewer: Any, summary: str = ""
) -> QuestionRevision:
    """Publish a new version equal to version ``to_number``; history only grows.

    Reviewer-only (it publishes without a second review). Open flags stay open.
    """
    _require(reviewer, Role.REVIEWER)
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
    )
    _audit(reviewer, AuditEntry.Action.ROLLED_BACK, question, f"v{to_number} -> v{revision.number}")
    return revision


# --- duplicates --------------------------------------------------------------------------


@transaction.atomic
def merge_question(*, duplicate: Question, kept: Question, editor: Any) -> None:
    """Merge ``duplicate`` into ``kept``: its address redirects there, its flags, notices and
    earlier merges move there, its active draft is discarded.

    Learners' practice records (cards, bookmarks, notes) move there too.
    """
    from quizzes.services import move_practice

    _require(editor, Role.EDITOR)
    if duplicate.pk == kept.pk:
        raise EditorialError(_("A question cannot be a duplicate of itself."))
    if Question.objects.filter(pk=kept.pk, duplicate_of__isnull=False).exists():
        raise EditorialError(_("The question to keep was itself merged into another one."))
    now = timezone.now()
    done = Question.objects.filter(pk=duplicate.pk, duplicate_of__isnull=True).update(
        duplicate_of=kept, updated_at=now
    )
    if not done:
        raise EditorialError(_("This question was already merged."))
    Question.objects.filter(duplicate_of=duplicate).update(duplicate_of=kept)
    EditorialFlag.objects.filter(question=duplicate).update(question=kept)
    Notification.objects.filter(question=duplicate).update(question=kept)
    move_practice(duplicate=duplicate, kept=kept)
    RevisionDraft.objects.active().filter(question=duplicate).update(
        state=RevisionDraft.State.DISCARDED
    )
    low, high = sorted([duplicate.pk, kept.pk])
    DuplicateCandidate.objects.filter(question_id=low, other_id=high).update(
        status=DuplicateCandidate.Status.CONFIRMED
    )
    _refresh_status(kept.pk)
    caches.forget_questions(duplicate.pk)
    _audit(editor, AuditEntry.Action.MERGED, kept, f"#{duplicate.pk} {duplicate.title}")


def open_candidates() -> QuerySet[DuplicateCandidate]:
    """Near-duplicate pairs still to decide, both sides still visible."""
    return (
        DuplicateCandidate.objects.filter(
            status=DuplicateCandidate.Status.OPEN,
            question__duplicate_of__isnull=True,
            other__duplicate_of__isnull=True,
        )
        .select_related("question", "other")
        .order_by("-similarity", "id")
    )


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
    _require(editor, Role.EDITOR)
    candidate = DuplicateCandidate.objects.select_related("question").get(pk=candidate_id)
    done = DuplicateCandidate.objects.filter(
        pk=candidate_id, status=DuplicateCandidate.Status.OPEN
    ).update(status=DuplicateCandidate.Status.DISMISSED)
    if not done:
        raise EditorialError(_("This pair was already decided."))
    _audit(
        editor,
        AuditEntry.Action.CANDIDATE_DISMISSED,
        candidate.question,
        f"#{candidate.question_id} ~ #{candidate.other_id}",
    )
    candidate.refresh_from_db()
    return candidate


@transaction.atomic
def dismiss_notification(*, user: Any, notification_id: int) -> None:
    """Mark one of ``user``'s notifications read (someone else's: Http404)."""
    from quizzes.services import learner_state_changed

    done = Notification.objects.filter(pk=notification_id, user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if done:
        learner_state_changed(user.pk)
    if not done and not Notification.objects.filter(pk=notification_id, user=user).exists():
        raise Http404
