"""What editors and learners bring in: imported notes, contested grades, copied figures."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .bank import Question, QuestionRevision
from .editorial import RevisionDraft


class ImportBatch(models.Model):
    """One upload of notes by an editor: its files, the questions parsed from them, the
    editor's decisions and what confirming them created (``questions.editorial.imports``)."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Awaiting the editor's decisions")
        CONFIRMED = "confirmed", _("Confirmed, awaiting review")
        PUBLISHED = "published", _("Published")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_batches"
    )
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEW)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return f"import {self.pk} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("questions:import", args=[self.pk])


class ImportFile(models.Model):
    """A file (or pasted text) of an :class:`ImportBatch`, with its SHA-256: the same file
    uploaded again is recognised by it (``repeat_of``)."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveIntegerField()
    encoding = models.CharField(max_length=20)
    text = models.TextField()
    repeat_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["batch", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.sha256[:12]})"

    @property
    def source_name(self) -> str:
        """The ``QuestionSource.file_name`` of its sections: the name and the hash, so that
        two different files of one name never share a source row."""
        return f"{self.name[:80]}@{self.sha256[:12]}"


class ImportItem(models.Model):
    """One section parsed from an :class:`ImportFile`: the preview shown to the editor, the
    editor's decision, and the question it created or joined."""

    class Decision(models.TextChoices):
        INCLUDE = "include", _("Import as a new question")
        SKIP = "skip", _("Leave out")
        SAME_AS = "same_as", _("Same as an existing question")

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="items")
    file = models.ForeignKey(ImportFile, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=Question.Kind.choices)
    parsed_title = models.CharField(max_length=300)
    title = models.CharField(_("title"), max_length=300)
    body_markdown = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    has_answer = models.BooleanField(default=True)
    suggested_tags = models.JSONField(default=list)
    tag_slugs = models.JSONField(default=list)
    difficulty = models.CharField(max_length=10, choices=Question.Difficulty.choices)
    raw_title = models.CharField(max_length=500)
    heading_line = models.PositiveIntegerField()
    end_line = models.PositiveIntegerField()
    original_text = models.TextField()
    provenance = models.JSONField(default=list)
    duplicates = models.JSONField(
        default=list, help_text="Likely duplicates in the bank: [{id, title, similarity}]."
    )
    already_imported_as = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.INCLUDE)
    same_as = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.PROTECT, related_name="import_items"
    )
    draft = models.ForeignKey(
        RevisionDraft, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["batch", "position"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "position"], name="import_item_position")
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}.{self.position} {self.title}"


class GradeDispute(models.Model):
    """A learner's objection to an automatic grade: editors read it, and it can be exported
    into the grader's calibration set (``manage.py export_grade_disputes``)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        SEEN = "seen", _("Seen by an editor")

    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="disputes")
    revision = models.ForeignKey(QuestionRevision, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grade_disputes"
    )
    answer = models.TextField()
    score = models.FloatField(help_text="The automatic score (0..1) that is contested.")
    covered = models.JSONField(default=list)
    missed = models.JSONField(default=list)
    claimed_score = models.PositiveSmallIntegerField(
        help_text="The learner's own score on the 0-3 scale of the calibration set."
    )
    comment = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(claimed_score__lte=3), name="dispute_claimed_score_0_3"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question_id} {self.score:.2f} -> {self.claimed_score}/3"


class Figure(models.Model):
    """An image of an answer, in media storage so readers never hot-link it: either a remote
    image copied by ``manage.py fetch_images`` (``url``), or an image uploaded with a note
    (``batch``, the import it came with, and ``name``, its file name there). ``file`` empty:
    refused or failed, see ``error``. Uploaded images are stored under their content's hash,
    so the same image uploaded with two imports is one file with two rows."""

    class Refusal(models.TextChoices):
        """Why an image uploaded with a note was not stored (its ``error``)."""

        SVG = "svg", _("SVG is refused: it can carry scripts.")
        NOT_IMAGE = "not_image", _("Not a PNG, JPEG, GIF or WebP image.")
        TOO_LARGE = "too_large", _("Larger than an image may be.")
        SAME_NAME = "same_name", _("Another image of the same name is in the upload.")
        UNUSED = "unused", _("No note of the upload shows it; not stored.")

    url = models.URLField(max_length=2000, unique=True, null=True, blank=True)
    file = models.FileField(upload_to="figures/", blank=True)
    content_type = models.CharField(max_length=50, blank=True)
    size = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    fetched_at = models.DateTimeField(default=timezone.now)
    batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="figures"
    )
    name = models.CharField(max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(url__isnull=False) | ~Q(name=""), name="figure_remote_or_uploaded"
            )
        ]

    def __str__(self) -> str:
        return self.url or self.name

    @property
    def refusal(self) -> str:
        """Why it was not stored, for people: the label of its :class:`Refusal`, else the
        error of the download."""
        if self.error in self.Refusal.values:
            return str(self.Refusal(self.error).label)
        return self.error
