"""Timed mock interviews: templates, attempts, the learner's answers and self-assessment."""

import math
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Prefetch, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from questions.models import Question, Tag

# A save sent just before the deadline may arrive a little after it: it is still accepted
# for this long, and an attempt is only expired once this grace period is over too.
SAVE_GRACE = timedelta(seconds=5)
MAX_DURATION_MINUTES = 240
MAX_QUESTIONS = 50
MAX_ANSWER_CHARS = 20_000
# The clock warns when this share of the time, in %, is left, and again at each next one. The
# page's script reads them from the page (data-warnings), so they are set here only.
WARNING_PERCENTS = (20, 5)
#: A learner scores their own answer from 0 to this.
MAX_SELF_SCORE = 3
DIFFICULTIES = tuple(Question.Difficulty.values)


def score_percent(score_sum: int, questions: int) -> int | None:
    """A self-assessed score as a percentage of the most ``questions`` could score; ``None``
    for no questions."""
    return round(100 * score_sum / (MAX_SELF_SCORE * questions)) if questions else None


def validate_difficulty_mix(value: Any) -> None:
    """``{"easy": 1, "hard": 2}``: known difficulties with non-negative integer weights."""
    if not isinstance(value, dict):
        raise ValidationError(_('The difficulty mix must be an object like {"hard": 2}.'))
    for key, weight in value.items():
        if key not in DIFFICULTIES:
            raise ValidationError(
                _("Unknown difficulty %(name)s: use easy, medium or hard."), params={"name": key}
            )
        if not isinstance(weight, int) or isinstance(weight, bool) or not 0 <= weight <= 100:
            raise ValidationError(_("Difficulty weights are whole numbers from 0 to 100."))


def _english_ui() -> bool:
    return (get_language() or "").startswith("en")


class InterviewTemplate(models.Model):
    """An interview an editor set up: how long, how many questions, which topics and levels."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    # Shown on the English UI (the questions themselves stay in their language).
    name_en = models.CharField(_("name in English"), max_length=120, blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_DURATION_MINUTES)],
    )
    question_count = models.PositiveSmallIntegerField(
        _("number of questions"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_QUESTIONS)],
    )
    tags = models.ManyToManyField(
        Tag,
        blank=True,
        related_name="+",
        verbose_name=_("tags"),
        help_text=_("Questions are drawn from these topics, spread evenly; none means any."),
    )
    difficulty_mix = models.JSONField(
        _("difficulty mix"),
        default=dict,
        blank=True,
        validators=[validate_difficulty_mix],
        help_text=_('Weights per difficulty, e.g. {"medium": 2, "hard": 1}; empty means any.'),
    )

    class FollowUps(models.TextChoices):
        MISSED = "missed", _("After an answer that misses the key point they follow")
        ALWAYS = "always", _("After every answer")
        NEVER = "never", _("Never")

    follow_ups = models.CharField(
        _("follow-up questions"),
        max_length=10,
        choices=FollowUps.choices,
        default=FollowUps.MISSED,
        help_text=_("When the interview asks a question's authored follow-ups (追问)."),
    )
    is_active = models.BooleanField(_("offered to learners"), default=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("interview template")
        verbose_name_plural = _("interview templates")
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1, duration_minutes__lte=MAX_DURATION_MINUTES),
                name="interviewtemplate_duration_range",
            ),
            models.CheckConstraint(
                condition=Q(question_count__gte=1, question_count__lte=MAX_QUESTIONS),
                name="interviewtemplate_count_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The name in the UI's language: the English one on the English UI, if written."""
        return self.name_en if self.name_en and _english_ui() else self.name

    @property
    def display_description(self) -> str:
        return self.description_en if self.description_en and _english_ui() else self.description


class ExtraTimeAllowance(models.Model):
    """Extra time staff granted a learner; added to every interview they start."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="interview_allowance"
    )
    extra_minutes = models.PositiveSmallIntegerField(
        _("extra minutes"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_DURATION_MINUTES)],
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("extra-time allowance")
        verbose_name_plural = _("extra-time allowances")

    def __str__(self) -> str:
        return f"{self.user}: +{self.extra_minutes} min"


class AttemptQuerySet(models.QuerySet["Attempt"]):
    def for_user(self, user: Any) -> "AttemptQuerySet":
        return self.filter(user=user) if user.is_authenticated else self.none()

    def due(self, now: datetime) -> "AttemptQuerySet":
        """Started attempts whose deadline (and grace period) is over."""
        return self.filter(state=Attempt.State.STARTED, deadline__lt=now - SAVE_GRACE)

    def with_scores(self) -> "AttemptQuerySet":
        """Annotate ``score_sum``, ``scored`` (questions self-assessed) and ``slot_count``."""
        return self.annotate(
            score_sum=Sum("slots__self_score"),
            scored=Count("slots", filter=Q(slots__self_score__isnull=False)),
            slot_count=Count("slots"),
        )

    def with_questions(self) -> "AttemptQuerySet":
        """Slots in order with their question, tags and answer, in a constant number of queries."""
        return self.prefetch_related(
            Prefetch(
                "slots",
                queryset=AttemptQuestion.objects.select_related(
                    "question__live_revision"
                ).prefetch_related(
                    Prefetch("question__tags", queryset=Tag.objects.order_by("level", "slug"))
                ),
            ),
            "answers",
            Prefetch(
                "follow_ups",
                queryset=FollowUp.objects.select_related("question__live_revision", "parent"),
            ),
        )


class Attempt(models.Model):
    """One learner's sitting of an interview; its deadline lives on the server."""

    class State(models.TextChoices):
        STARTED = "started", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        EXPIRED = "expired", _("Time ran out")
        REVIEWED = "reviewed", _("Reviewed")

    class Layout(models.TextChoices):
        ONE = "one", _("One question per screen")
        ALL = "all", _("All questions on one page")

    # The legal moves of the state machine; services.transition() enforces them in SQL.
    TRANSITIONS: dict[str, frozenset[str]] = {
        State.STARTED: frozenset({State.SUBMITTED, State.EXPIRED}),
        State.SUBMITTED: frozenset({State.REVIEWED}),
        State.EXPIRED: frozenset({State.REVIEWED}),
        State.REVIEWED: frozenset(),
    }

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="interview_attempts"
    )
    template = models.ForeignKey(
        InterviewTemplate, null=True, blank=True, on_delete=models.PROTECT, related_name="attempts"
    )
    title = models.CharField(max_length=200)
    criteria = models.JSONField(default=dict, help_text="What the questions were drawn from.")
    duration_seconds = models.PositiveIntegerField()
    extra_seconds = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()
    deadline = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.STARTED)
    layout = models.CharField(max_length=3, choices=Layout.choices, default=Layout.ONE)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["state", "deadline"], name="attempt_state_deadline"),
            models.Index(fields=["user", "-started_at"], name="attempt_user_started"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gt=models.F("started_at")),
                name="attempt_deadline_after_start",
            ),
            models.CheckConstraint(
                condition=Q(state="started", finished_at__isnull=True)
                | (~Q(state="started") & Q(finished_at__isnull=False)),
                name="attempt_finished_iff_not_started",
            ),
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True) | Q(finished_at__lte=models.F("deadline")),
                name="attempt_finished_by_deadline",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["started", "submitted", "expired", "reviewed"]),
                name="attempt_state_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.user}, {self.started_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("interviews:attempt", args=[self.pk])

    @property
    def display_title(self) -> str:
        """The title in the UI's language: a template's English name on the English UI
        (select the template with the attempt). A custom interview's title was written in
        the learner's language when it started."""
        if self.template_id is not None and _english_ui():
            assert self.template is not None
            return self.template.display_name
        return self.title

    @property
    def is_open(self) -> bool:
        return self.state == self.State.STARTED

    @property
    def total_seconds(self) -> int:
        return self.duration_seconds + self.extra_seconds

    def seconds_remaining(self, now: datetime) -> int:
        """Whole seconds left before the deadline (0 once it passed or the attempt ended)."""
        if not self.is_open:
            return 0
        return max(0, math.ceil((self.deadline - now).total_seconds()))

    def is_past_due(self, now: datetime) -> bool:
        """True once the deadline and the grace period for late-arriving saves are over."""
        return self.is_open and now > self.deadline + SAVE_GRACE

    def warning_level(self, now: datetime) -> int:
        """0, or the one of :data:`WARNING_PERCENTS` (the share of the time left, in %) the
        clock is warning about: the smallest that is not more than the time left.
        ``static/js/interview.js`` computes the same from the page."""
        if not self.is_open:
            return 0
        left = self.seconds_remaining(now)
        level = 0
        for percent in WARNING_PERCENTS:
            if left * 100 <= self.total_seconds * percent:
                level = percent
        return level

    def seconds_used(self) -> int | None:
        if self.finished_at is None:
            return None
        return round((self.finished_at - self.started_at).total_seconds())


class AttemptQuestion(models.Model):
    """A question drawn for an attempt, in order, with the learner's self-assessment."""

    attempt = models.ForeignKey(Attempt, on_delete=models.PROTECT, related_name="slots")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    self_score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(MAX_SELF_SCORE)]
    )
    points_ticked = models.JSONField(default=list, blank=True)
    # The automatic grade (questions.grading) of the answer once the attempt ended: a hint
    # shown beside the self-score, never in its place.
    auto_score = models.FloatField(null=True, blank=True)
    covered_points = models.JSONField(default=list, blank=True)
    missed_points = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "question"], name="attemptquestion_attempt_question_unique"
            ),
            models.UniqueConstraint(
                fields=["attempt", "position"], name="attemptquestion_attempt_position_unique"
            ),
            models.CheckConstraint(
                condition=Q(self_score__isnull=True) | Q(self_score__lte=MAX_SELF_SCORE),
                name="attemptquestion_score_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id} #{self.position}: {self.question_id}"


class Answer(models.Model):
    """What the learner wrote for one question of an attempt: one row, upserted by autosave."""

    attempt = models.ForeignKey(Attempt, on_delete=models.PROTECT, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(blank=True)
    marked = models.BooleanField(default=False, help_text="Marked for review by the learner.")
    seconds_spent = models.PositiveIntegerField(default=0)
    saves = models.PositiveIntegerField(default=0)
    saved_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "question"], name="answer_attempt_question_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}/{self.question_id}: {self.text[:40]}"

    @property
    def is_answered(self) -> bool:
        return bool(self.text.strip())


class PracticeRequest(models.Model):
    """A question a learner asked to practise again, waiting for the practice app to take it.

    Written by ``interviews.services.send_to_practice``; the practice app reads the open ones
    (``consumed_at`` empty) and marks them consumed when it queues the question.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_requests"
    )
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    attempt = models.ForeignKey(
        Attempt, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    consumed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "question"],
                condition=Q(consumed_at__isnull=True),
                name="practicerequest_open_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} -> {self.question_id}"


class FollowUp(models.Model):
    """A follow-up question (追问) asked during an attempt after the answer to ``parent``.

    A copy of the authored follow-up as it was asked: a question of the bank (``question``),
    or a short ``prompt`` with its own ``reference`` and ``key_points``. Answered inside the
    attempt's clock, like every answer.
    """

    attempt = models.ForeignKey(Attempt, on_delete=models.PROTECT, related_name="follow_ups")
    parent = models.ForeignKey(AttemptQuestion, on_delete=models.PROTECT, related_name="follow_ups")
    authored_id = models.CharField(max_length=40)
    after = models.CharField(
        max_length=40, blank=True, help_text="The key point whose miss asked it; empty: always."
    )
    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    prompt = models.TextField(blank=True)
    reference = models.TextField(blank=True)
    key_points = models.JSONField(default=list, blank=True)
    text = models.TextField(blank=True)
    asked_at = models.DateTimeField(default=timezone.now)
    saved_at = models.DateTimeField(null=True, blank=True)
    auto_score = models.FloatField(null=True, blank=True)
    covered_points = models.JSONField(default=list, blank=True)
    missed_points = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["parent__position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "authored_id"], name="followup_parent_authored_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.parent_id} -> {self.authored_id}"

    @property
    def title(self) -> str:
        return self.question.title if self.question_id and self.question else self.prompt

    @property
    def is_answered(self) -> bool:
        return bool(self.text.strip())

    def points(self) -> list[dict[str, Any]]:
        """The key points its answer is graded against."""
        if self.question_id and self.question and self.question.live_revision:
            return list(self.question.live_revision.key_points)
        return list(self.key_points)
