"""Curation: reports (flags), duplicate candidates, series, drafts, notifications and
the audit log."""

from django.conf import settings
from django.db import models
from django.db.models import Case, Count, Min, Prefetch, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .bank import Question, QuestionQuerySet, QuestionRevision, reads_chinese


class EditorialFlagQuerySet(models.QuerySet["EditorialFlag"]):
    def open(self) -> "EditorialFlagQuerySet":
        return self.filter(status=EditorialFlag.Status.OPEN)

    def high(self) -> "EditorialFlagQuerySet":
        return self.filter(severity=EditorialFlag.Severity.HIGH)

    def by_severity(self) -> "EditorialFlagQuerySet":
        """High severity first, then medium, then low; then by position in the answer."""
        return self.alias(severity_rank=severity_rank()).order_by(
            "severity_rank", "first_line", "id"
        )


def severity_rank(field: str = "severity") -> Case:
    """0 for a high-severity flag, 1 for medium, 2 for low; ``field`` names the severity
    (``flags__severity`` from a question)."""
    return Case(
        When(**{field: EditorialFlag.Severity.HIGH}, then=Value(0)),
        When(**{field: EditorialFlag.Severity.MEDIUM}, then=Value(1)),
        default=Value(2),
    )


class EditorialFlag(models.Model):
    """A reported problem with a question's answer."""

    class Reason(models.TextChoices):
        WRONG = "wrong", _("Wrong")
        MISLEADING = "misleading", _("Misleading")
        OUTDATED = "outdated", _("Outdated")
        INCOMPLETE = "incomplete", _("Incomplete")
        UNCLEAR = "unclear", _("Unclear")
        TYPO = "typo", _("Typo")
        DUPLICATE = "duplicate", _("Duplicate")
        OTHER = "other", _("Other")

    class Severity(models.TextChoices):
        HIGH = "high", _("High")
        MEDIUM = "medium", _("Medium")
        LOW = "low", _("Low")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DECLINED = "declined", _("Declined")
        RESOLVED = "resolved", _("Resolved")

    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="flags")
    import_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    reason = models.CharField(max_length=12, choices=Reason.choices)
    severity = models.CharField(max_length=6, choices=Severity.choices, default=Severity.MEDIUM)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    problem = models.TextField()
    correction = models.TextField(blank=True)
    # The Chinese text of an imported finding (editorial-review.zh.json); a learner's report
    # has none and is shown as it was written.
    problem_zh = models.TextField(blank=True)
    correction_zh = models.TextField(blank=True)
    source_file = models.CharField(max_length=100, blank=True)
    first_line = models.PositiveIntegerField(null=True, blank=True)
    last_line = models.PositiveIntegerField(null=True, blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="flags",
    )
    created_at = models.DateTimeField(default=timezone.now)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    resolved_in = models.ForeignKey(
        QuestionRevision,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resolved_flags",
    )

    objects = EditorialFlagQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "id"]
        indexes = [models.Index(fields=["question", "status"], name="flag_question_status")]
        constraints = [
            # One open report per learner, question and reason: a repeat is refused
            # (flags.report_problem says so), not stacked in the editors' queue.
            models.UniqueConstraint(
                fields=["reporter", "question", "reason"],
                condition=models.Q(status="open", reporter__isnull=False),
                name="flag_one_open_per_reporter",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.problem[:60]}"

    @property
    def shown_problem(self) -> str:
        """The problem in the reader's language (the active one) when the flag has it, else
        as written."""
        return self.problem_zh if self.problem_zh and reads_chinese() else self.problem

    @property
    def shown_correction(self) -> str:
        return self.correction_zh if self.correction_zh and reads_chinese() else self.correction


def prefetch_open_flags() -> Prefetch:
    """Prefetches each question's open flags, most severe first, as ``open_flags`` (what
    :func:`revision_reasons` and the question page read)."""
    return Prefetch(
        "flags", queryset=EditorialFlag.objects.open().by_severity(), to_attr="open_flags"
    )


def revision_reasons(question: Question) -> list[EditorialFlag]:
    """The open flags behind a question's "under revision" notice: its high-severity ones, or
    all of them when none is (needs ``open_flags``: :func:`prefetch_open_flags`)."""
    flags: list[EditorialFlag] = getattr(question, "open_flags", [])
    high = [flag for flag in flags if flag.severity == EditorialFlag.Severity.HIGH]
    return high or flags


def in_flag_queue(
    questions: QuestionQuerySet, *, tag: str = "", reason: str = "", sort: str = "severity"
) -> QuestionQuerySet:
    """The editors' review queue: those of ``questions`` with open flags (and ``tag``).

    Annotated ``open_count``, ``top_rank`` (0 = high severity) and ``oldest`` over the open
    flags matching ``reason``, which are prefetched as ``queue_flags``; ``sort`` is
    ``severity``, ``count`` or ``age`` (oldest first).
    """
    flag_filter = Q(flags__status=EditorialFlag.Status.OPEN)
    flags = EditorialFlag.objects.open().select_related("reporter").by_severity()
    if reason:
        flag_filter &= Q(flags__reason=reason)
        flags = flags.filter(reason=reason)
    rank = severity_rank("flags__severity")
    if tag:
        questions = questions.with_tag(tag)
    order = {
        "count": ["-open_count", "top_rank", "oldest", "id"],
        "age": ["oldest", "top_rank", "id"],
    }.get(sort, ["top_rank", "-open_count", "oldest", "id"])
    return (
        questions.annotate(
            open_count=Count("flags", filter=flag_filter),
            top_rank=Min(rank, filter=flag_filter),
            oldest=Min("flags__created_at", filter=flag_filter),
        )
        .filter(open_count__gt=0)
        .with_tags()
        .prefetch_related(Prefetch("flags", queryset=flags, to_attr="queue_flags"))
        .order_by(*order)
    )


class DuplicateCandidateQuerySet(models.QuerySet["DuplicateCandidate"]):
    def undecided(self) -> "DuplicateCandidateQuerySet":
        """Pairs still to decide whose two questions are both still visible, most similar
        first, with both questions."""
        return (
            self.filter(
                status=DuplicateCandidate.Status.OPEN,
                question__duplicate_of__isnull=True,
                other__duplicate_of__isnull=True,
            )
            .select_related("question", "other")
            .order_by("-similarity", "id")
        )


class DuplicateCandidate(models.Model):
    """Two questions the importer found similar but not similar enough to merge."""

    class Status(models.TextChoices):
        OPEN = "open", _("To decide")
        CONFIRMED = "confirmed", _("Confirmed duplicate")
        DISMISSED = "dismissed", _("Not a duplicate")

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    similarity = models.FloatField()
    # The best matching sentences of the two answers, [question's, other's, score], best first
    # (questions.importing.dedupe.evidence): what an editor compares before deciding.
    evidence = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)

    objects = DuplicateCandidateQuerySet.as_manager()

    class Meta:
        ordering = ["-similarity"]
        constraints = [
            models.UniqueConstraint(fields=["question", "other"], name="duplicate_pair_unique"),
            models.CheckConstraint(
                condition=Q(question__lt=models.F("other")), name="duplicate_pair_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id} ~ {self.other_id} ({self.similarity:.2f})"


class SeriesLink(models.Model):
    """Two different questions on one topic (what hallucination is / how to measure it / how
    to mitigate it), shown together as a series on the question page. The import links the
    pairs questions.importing.dedupe.series_pairs finds; editors add and remove links. A
    removed link is kept inactive, so that the next import does not link the pair again."""

    class Origin(models.TextChoices):
        IMPORT = "import", _("Import")
        EDITOR = "editor", _("Editor")

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.IMPORT)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "other"], name="series_pair_unique"),
            models.CheckConstraint(
                condition=Q(question__lt=models.F("other")), name="series_pair_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id} ~ {self.other_id}"


def series_of(question: Question) -> list[Question]:
    """The other visible questions of ``question``'s series (linked to it), in bank order; one
    query."""
    links = SeriesLink.objects.filter(
        Q(question=question) | Q(other=question), active=True
    ).select_related("question", "other")
    members = {link.other if link.question_id == question.pk else link.question for link in links}
    return sorted((m for m in members if m.duplicate_of_id is None), key=lambda m: m.pk)


class RevisionDraftQuerySet(models.QuerySet["RevisionDraft"]):
    def active(self) -> "RevisionDraftQuerySet":
        return self.filter(state__in=RevisionDraft.ACTIVE_STATES)


class RevisionDraft(models.Model):
    """An editor's unpublished new version of a question.

    At most one active draft per question, so two editors open the same draft; every save
    checks ``version`` in its UPDATE (see ``questions.editorial.drafts.save_draft``).
    Publishing turns it into an immutable :class:`QuestionRevision`.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for review")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        PUBLISHED = "published", _("Published")
        DISCARDED = "discarded", _("Discarded")

    ACTIVE_STATES = (State.DRAFT, State.SUBMITTED, State.CHANGES_REQUESTED)
    EDITABLE_STATES = (State.DRAFT, State.CHANGES_REQUESTED)

    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="drafts")
    base_revision = models.ForeignKey(
        QuestionRevision, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    title = models.CharField(_("title"), max_length=300)
    body_markdown = models.TextField(_("answer (Markdown)"), blank=True)
    tag_slugs = models.JSONField(default=list, blank=True)
    difficulty = models.CharField(
        _("difficulty"), max_length=10, choices=Question.Difficulty.choices
    )
    summary = models.CharField(_("change summary"), max_length=300, blank=True)
    key_points = models.JSONField(_("key points"), default=list, blank=True)
    follow_ups = models.JSONField(default=list, blank=True)
    resolves = models.ManyToManyField(EditorialFlag, blank=True, related_name="resolving_drafts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="revision_drafts"
    )
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_comment = models.TextField(blank=True)
    published_revision = models.OneToOneField(
        QuestionRevision, null=True, blank=True, on_delete=models.PROTECT, related_name="draft"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)

    objects = RevisionDraftQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["question"],
                condition=Q(state__in=["draft", "submitted", "changes_requested"]),
                name="draft_one_active_per_question",
            )
        ]

    def __str__(self) -> str:
        return f"{self.question_id} draft {self.pk} ({self.state})"

    def get_absolute_url(self) -> str:
        return reverse("questions:draft", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.state in self.ACTIVE_STATES

    @property
    def editable(self) -> bool:
        return self.state in self.EDITABLE_STATES


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread_updates(self) -> "NotificationQuerySet":
        """ "Answer updated" notices not dismissed yet, with their revision."""
        return self.filter(kind=Notification.Kind.UPDATED, read_at__isnull=True).select_related(
            "revision"
        )


class Notification(models.Model):
    """Something a learner should know about a question they studied or reported on."""

    class Kind(models.TextChoices):
        UPDATED = "updated", _("Answer updated")
        FLAG_DECLINED = "flag_declined", _("Report declined")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    revision = models.ForeignKey(
        QuestionRevision, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "question", "read_at"], name="notification_user_q_read")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "revision", "kind"], name="notification_once_per_revision"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.question_id}"


class AuditEntry(models.Model):
    """One editorial action: who did what, when (append-only)."""

    class Action(models.TextChoices):
        FLAG_DECLINED = "flag_declined", _("Declined a report")
        MARKED_FOR_REVISION = "marked_for_revision", _("Marked for revision")
        DRAFT_STARTED = "draft_started", _("Started a draft")
        DRAFT_SUBMITTED = "draft_submitted", _("Submitted a draft for review")
        CHANGES_REQUESTED = "changes_requested", _("Requested changes")
        PUBLISHED = "published", _("Published a revision")
        ROLLED_BACK = "rolled_back", _("Rolled back")
        MERGED = "merged", _("Merged a duplicate")
        CANDIDATE_DISMISSED = "candidate_dismissed", _("Dismissed a duplicate candidate")
        IMPORTED = "imported", _("Imported notes")
        QUESTION_WRITTEN = "question_written", _("Wrote a new question")
        SERIES_LINKED = "series_linked", _("Linked questions as a series")
        SERIES_UNLINKED = "series_unlinked", _("Took a question out of a series")
        DRAFT_WITHDRAWN = "draft_withdrawn", _("Withdrew a draft from review")
        DRAFT_REASSIGNED = "draft_reassigned", _("Reassigned a draft")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="audit_entries"
    )
    action = models.CharField(max_length=30, choices=Action.choices)
    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_entries"
    )
    detail = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_id} {self.action}"
