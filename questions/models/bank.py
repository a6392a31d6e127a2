"""The bank: tags, questions, their sources and published revisions."""

import functools
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    StringAgg,
    Subquery,
    Value,
)
from django.db.models.functions import Cast
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from interviewprep import cache
from interviewprep.sql import decode_rows, json_rows

from .. import grading


@functools.cache
def _question_list_path(script_prefix: str) -> str:
    return reverse("questions:list")


class TagQuerySet(models.QuerySet["Tag"]):
    def with_counts(self, *, used_only: bool = False) -> "TagQuerySet":
        """Annotate ``count``: visible questions per tag; most used first."""
        visible = Q(questions__duplicate_of__isnull=True)
        tags = self.annotate(count=Count("questions", filter=visible)).order_by("-count", "slug")
        return tags.filter(count__gt=0) if used_only else tags


class Tag(models.Model):
    """A topic from fixtures/taxonomy.json."""

    class Level(models.IntegerChoices):
        BASIC = 0, _("basic")
        INTERMEDIATE = 1, _("intermediate")
        ADVANCED = 2, _("advanced")

    slug = models.SlugField(max_length=60, unique=True)
    name_zh = models.CharField(max_length=60)
    name_en = models.CharField(max_length=60)
    level = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.BASIC)
    description = models.TextField(blank=True)
    keywords = models.JSONField(default=list, blank=True)

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name_zh

    def get_absolute_url(self) -> str:
        # Lists link every tag they show (dozens per page): the list's path is resolved once.
        return f"{_question_list_path(get_script_prefix())}?tag={self.slug}"

    @property
    def name(self) -> str:
        """The tag's name in the active UI language."""
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "").startswith("en") else self.name_zh


#: The fields :meth:`QuestionQuerySet.visible` reads.
VISIBILITY_FIELDS = frozenset({"status", "duplicate_of", "duplicate_of_id"})
#: A source's copies of its section's text, which only the editors' pages read.
SOURCE_TEXT = ("original_text", "normalised_markdown", "raw_title")
#: Topics whose answers age fastest; the freshness list puts them first.
FAST_MOVING_TAGS = ("model-landscape", "llm-applications", "evaluation-benchmarks")
#: An answer not reviewed for this long is listed as stale.
STALE_AFTER = timedelta(days=180)


class QuestionQuerySet(models.QuerySet["Question"]):
    def visible(self) -> "QuestionQuerySet":
        """Questions readers can open (merged duplicates and those awaiting review excluded)."""
        return self.filter(duplicate_of__isnull=True).exclude(status=Question.Status.PENDING)

    def practicable(self) -> "QuestionQuerySet":
        """Questions that may be offered for practice: real Q&A with an answer."""
        return self.visible().filter(kind=Question.Kind.QUESTION, has_answer=True)

    def with_tags(self) -> "QuestionQuerySet":
        """Prefetch the tags pages show (name and link; not their keywords or description)."""
        shown = Tag.objects.only("slug", "name_zh", "name_en", "level").order_by("level", "slug")
        return self.prefetch_related(Prefetch("tags", queryset=shown))

    def with_tag_ids(self) -> "QuestionQuerySet":
        """Annotate ``tag_ids``: the ids of the question's tags, comma-separated (None without
        tags), read in the question's own query (the list's rows take the tags themselves from
        its cached facets)."""
        ids = (
            Question.tags.through.objects.filter(question_id=OuterRef("pk"))
            .values("question_id")
            .annotate(ids=StringAgg(Cast("tag_id", CharField()), Value(",")))
            .values_list("ids")  # type: ignore[misc]  # ids is an annotation
        )
        return self.annotate(tag_ids=Subquery(ids))

    def for_listing(self) -> "QuestionQuerySet":
        """Without the answer and its search text: lists show titles and badges only, and the
        answer's columns are most of a question's bytes."""
        return self.defer("body_markdown", "body_html", "search_title", "search_body")

    def with_detail(self) -> "QuestionQuerySet":
        """Everything the question page shows, in a constant number of queries, but its open
        flags (``editorial.prefetch_open_flags()``).

        The page needs only the number and date of the live revision: its copies of the answer
        (Markdown and HTML, a few kilobytes each) are left unread.
        """
        return (
            self.select_related("live_revision")
            .defer(
                "search_title",
                "search_body",
                "live_revision__title",
                "live_revision__body_markdown",
                "live_revision__body_html",
                "live_revision__summary",
                "live_revision__key_points",
            )
            .prefetch_related(
                Prefetch("sources", queryset=QuestionSource.objects.defer(*SOURCE_TEXT))
            )
        )

    def tagged_with(self, *tags: "Tag") -> "QuestionQuerySet":
        """The questions with any of ``tags`` (each once: a subquery, not a join)."""
        links = Question.tags.through.objects.filter(tag__in=tags).values("question_id")
        return self.filter(pk__in=links)

    def bump_version(self, **changes: Any) -> int:
        """UPDATE these questions with ``changes`` and a new ``version`` in the same statement.

        Every write that changes what a question's page or list row shows goes through this
        (or sets ``version=F("version") + 1`` in its own UPDATE): the cached page and row are
        kept with the version they were rendered under (``interviewprep.cache``), so the new
        version commits with the change, and nothing needs dropping."""
        return self.update(version=F("version") + 1, **changes)

    def update(self, **kwargs: Any) -> int:
        """``QuerySet.update``, dropping the kept searches; one that may change which
        questions are visible (their ``status`` or ``duplicate_of``) drops the cached number
        of them too."""
        done = super().update(**kwargs)
        if done:
            cache.questions_written()
            if VISIBILITY_FIELDS & kwargs.keys():
                cache.forget_visible_count()
        return done

    def with_tag(self, slug: str) -> "QuestionQuerySet":
        """Those of these questions tagged ``slug`` (a subquery: counts over other joins are
        not multiplied)."""
        return self.filter(self._tagged([slug]))

    def _tagged(self, slugs: Any) -> Exists:
        return Exists(
            Question.tags.through.objects.filter(question=OuterRef("pk"), tag__slug__in=slugs)
        )

    def stale(self, *, now: datetime | None = None) -> "QuestionQuerySet":
        """Those not reviewed by an editor within :data:`STALE_AFTER`: fast-moving topics
        (:data:`FAST_MOVING_TAGS`) first, then the longest unreviewed (never counts as oldest)."""
        cutoff = (now or timezone.now()) - STALE_AFTER
        return (
            self.filter(Q(last_reviewed_at__isnull=True) | Q(last_reviewed_at__lt=cutoff))
            .annotate(fast_moving=self._tagged(FAST_MOVING_TAGS))
            .with_tags()
            .order_by(F("fast_moving").desc(), F("last_reviewed_at").asc(nulls_first=True), "id")
        )


class Question(models.Model):
    """One interview question (or study note) and its current published answer."""

    class Kind(models.TextChoices):
        QUESTION = "question", _("Interview question")
        NOTE = "note", _("Study note")

    class Difficulty(models.TextChoices):
        EASY = "easy", _("Easy")
        MEDIUM = "medium", _("Medium")
        HARD = "hard", _("Hard")

    class Status(models.TextChoices):
        PUBLISHED = "published", _("Published")
        NEEDS_REVISION = "needs_revision", _("Under revision")
        # Written or imported by an editor, not yet published by a reviewer: readers do not
        # see it (``visible()``) until its first revision is published.
        PENDING = "pending", _("Awaiting review")

    import_key = models.CharField(
        max_length=200,
        unique=True,
        null=True,
        blank=True,
        help_text="Natural key of the imported note section this question came from.",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.QUESTION)
    title = models.CharField(_("title"), max_length=300)
    body_markdown = models.TextField(_("answer (Markdown)"), blank=True)
    body_html = models.TextField(_("answer (rendered, sanitised HTML)"), blank=True)
    has_answer = models.BooleanField(default=True)
    tags = models.ManyToManyField(Tag, related_name="questions", blank=True)
    tags_overridden = models.BooleanField(
        default=False, help_text="An editor chose the tags; imports no longer suggest them."
    )
    difficulty = models.CharField(
        max_length=10, choices=Difficulty.choices, default=Difficulty.MEDIUM, db_index=True
    )
    # Why the import gave its difficulty: reason codes of questions.classify.explain_difficulty,
    # worded for the reader by difficulty_explanation().
    difficulty_reasons = models.JSONField(default=list, blank=True, editable=False)
    difficulty_overridden = models.BooleanField(
        default=False, help_text="An editor chose the difficulty; imports no longer compute it."
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PUBLISHED, db_index=True
    )
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged"
    )
    live_revision = models.ForeignKey(
        "QuestionRevision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    search_title = models.TextField(blank=True, editable=False)
    search_body = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    last_reviewed_at = models.DateTimeField(null=True, blank=True)
    # Nullable without a default so that SQLite adds the column in place (ALTER TABLE ADD
    # COLUMN) instead of rebuilding the table under the search index's triggers.
    import_hash = models.CharField(  # noqa: DJ001
        max_length=64,
        null=True,
        blank=True,
        editable=False,
        help_text="Content hash of what the import last derived this question from; "
        "an unchanged section is skipped by the next import.",
    )

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["kind", "has_answer"], name="question_kind_answer"),
            # The rows of visible(): the list counts and pages them on every request (an
            # index-only scan instead of reading every row's status at 100,000 questions).
            models.Index(
                fields=["id", "version"],
                name="question_visible",
                condition=models.Q(duplicate_of__isnull=True) & ~models.Q(status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("questions:detail", args=[self.pk])

    @property
    def under_revision(self) -> bool:
        return self.status == self.Status.NEEDS_REVISION

    @property
    def difficulty_reason_texts(self) -> list[str]:
        """Why the question has its difficulty, in the active language: the import's reasons,
        or that an editor set it."""
        if self.difficulty_overridden:
            return [str(DIFFICULTY_REASONS["editor"])]
        return [
            str(DIFFICULTY_REASONS[code])
            for code in self.difficulty_reasons
            if code in DIFFICULTY_REASONS
        ]

    @property
    def difficulty_explanation(self) -> str:
        """ "medium: the topic is intermediate; asks for reasoning" (in the active language)."""
        reasons = self.difficulty_reason_texts
        if not reasons:
            return str(self.get_difficulty_display())
        return _("%(level)s: %(reasons)s") % {
            "level": self.get_difficulty_display(),
            "reasons": str(_("; ")).join(reasons),
        }


def tag_rows(question: str = "pk") -> Subquery:
    """The tags pages show of the question ``OuterRef(question)``, as JSON rows in its own
    query (``interviewprep.sql.json_rows``; :func:`decode_tags` reads them)."""
    return json_rows(
        Question.tags.through.objects.filter(question=OuterRef(question)),
        "question",
        id="tag_id",
        slug="tag__slug",
        name_zh="tag__name_zh",
        name_en="tag__name_en",
        level="tag__level",
    )


def decode_tags(rows: str | None) -> list[Tag]:
    """The tags of a :func:`tag_rows` column, in the order pages show them."""
    return sorted((Tag(**row) for row in decode_rows(rows)), key=lambda tag: (tag.level, tag.slug))


def reads_chinese() -> bool:
    return (get_language() or settings.LANGUAGE_CODE).lower().startswith("zh")


#: The reasons questions.classify.explain_difficulty gives, worded for readers.
DIFFICULTY_REASONS = {
    "topic-basic": _("a basic topic"),
    "topic-intermediate": _("an intermediate topic"),
    "topic-advanced": _("an advanced topic"),
    "design": _("an open design question that weighs trade-offs"),
    "reasoning": _("asks for reasoning (why, a mechanism, a comparison or a remedy)"),
    "listing": _("asks for a list of known facts"),
    "motivation": _("asks why something is needed, which has a settled answer"),
    "definition": _("asks for a definition"),
    "math": _("the answer works with formulas"),
    "long-answer": _("a long answer"),
    "short-answer": _("a short answer"),
    "editor": _("set by an editor"),
}


class QuestionSource(models.Model):
    """Where a question came from: a section of one of the fixture notes."""

    class Match(models.TextChoices):
        CANONICAL = "canonical", _("Canonical source")
        EXACT = "exact", _("Exact duplicate")
        NEAR = "near", _("Near duplicate")

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="sources")
    file_name = models.CharField(max_length=100)
    heading_line = models.PositiveIntegerField()
    start_line = models.PositiveIntegerField()
    end_line = models.PositiveIntegerField()
    raw_title = models.CharField(max_length=500)
    original_text = models.TextField()
    normalised_markdown = models.TextField()
    match = models.CharField(max_length=10, choices=Match.choices, default=Match.CANONICAL)
    similarity = models.FloatField(default=1.0)

    class Meta:
        ordering = ["file_name", "heading_line"]
        constraints = [
            models.UniqueConstraint(
                fields=["file_name", "heading_line"], name="questionsource_file_line_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.file_name}:{self.start_line}-{self.end_line}"


class QuestionRevision(models.Model):
    """An immutable version of a question's content.

    Versions are numbered from 1 and only ever added, each made live as it is created (a
    rollback adds one too): a question's live revision is always its highest-numbered one.
    """

    class Origin(models.TextChoices):
        IMPORT = "import", _("Imported from the notes")
        EDITOR = "editor", _("Written by an editor")
        ROLLBACK = "rollback", _("Rolled back")

    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveIntegerField()
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.IMPORT)
    title = models.CharField(max_length=300)
    body_markdown = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    tag_slugs = models.JSONField(default=list)
    difficulty = models.CharField(max_length=10, choices=Question.Difficulty.choices)
    summary = models.CharField(max_length=300, blank=True)
    # What a good answer contains, graded by questions/grading.py: a list of
    # {id, text, aliases, weight, source_sentence}. Follow-ups: {id, after (a key point id or
    # ""), question_id} or {id, after, prompt, reference, key_points}.
    key_points = models.JSONField(default=list, blank=True)
    follow_ups = models.JSONField(default=list, blank=True)
    # A rollback: the number of the version whose content this one publishes again.
    restored_number = models.PositiveIntegerField(null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["question", "number"]
        constraints = [
            models.UniqueConstraint(fields=["question", "number"], name="revision_number_unique")
        ]
        indexes = [
            # The questions edited since they were first published: the practice queue looks
            # up each of a learner's cards here for an answer changed since their review
            # (quizzes/queue.py); the index stays as small as the bank's edits.
            models.Index(
                fields=["question", "number"], condition=Q(number__gt=1), name="revision_later"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id} v{self.number}"

    def grade(self, answer: str) -> "grading.Grade":
        """``answer`` graded against this revision's key points (:mod:`questions.grading`)."""
        return grading.grade(grading.parse_key_points(self.key_points), answer)

    def key_point_texts(self) -> dict[str, dict[str, Any]]:
        """Key point id -> the stored point, for showing ids as text."""
        return {point["id"]: point for point in self.key_points}

    def origin_label(self) -> str:
        """What the history says of where this version came from: "rolled back to version 1
        by …" for a rollback (an editor wrote none of it)."""
        if self.origin == self.Origin.ROLLBACK and self.restored_number:
            return gettext("Rolled back to version %(number)s by %(name)s") % {
                "number": self.restored_number,
                "name": self.author.public_name if self.author else "—",
            }
        return str(self.get_origin_display())
