"""Practice: each learner's spaced-repetition card per question, its review log, bookmarks
and private notes.

Scheduling follows the ``fsrs`` package (see ``quizzes/scheduling.py``); a :class:`Card` keeps
the scheduler's state and every rating is kept as an immutable :class:`Review`.
"""

from datetime import datetime

import fsrs
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from interviewprep.models import User
from questions.models import Question

from . import scheduling

# A card rated "Again" this many times is a leech (Anki's default threshold).
LEECH_AGAIN_COUNT = 8


class Rating(models.IntegerChoices):
    """How well the learner recalled the answer; the values are fsrs's ``Rating``."""

    AGAIN = 1, _("Again")
    HARD = 2, _("Hard")
    GOOD = 3, _("Good")
    EASY = 4, _("Easy")


class CardState(models.IntegerChoices):
    """fsrs's ``State``."""

    LEARNING = 1, _("Learning")
    REVIEW = 2, _("Review")
    RELEARNING = 3, _("Relearning")


def answer_changed() -> Q:
    """The published answer moved past the revision the learner last reviewed."""
    return Q(question__live_revision__number__gt=F("seen_revision"))


class CardQuerySet(models.QuerySet["Card"]):
    def for_user(self, user: User) -> "CardQuerySet":
        return self.filter(user=user)

    def studied(self) -> "CardQuerySet":
        """Cards reviewed at least once (a card is created when its question is first shown)."""
        return self.filter(reps__gt=0)

    def due_by(self, moment: datetime) -> "CardQuerySet":
        """Studied cards due at ``moment``, including those whose answer changed since."""
        return self.studied().filter(Q(due__lte=moment) | answer_changed())

    def with_effective_due(self, now: datetime) -> "CardQuerySet":
        """Annotate ``effective_due``: ``now`` for a changed answer, else the scheduled due."""
        return self.annotate(
            answer_changed=Case(
                When(answer_changed(), then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            ),
            effective_due=Case(
                When(answer_changed(), then=Value(now)),
                default=F("due"),
                output_field=models.DateTimeField(),
            ),
        )

    def leeches(self) -> "CardQuerySet":
        return self.filter(leeched_at__isnull=False)

    def requested_new(self) -> "CardQuerySet":
        """Never-reviewed cards the learner asked for: offered beyond the daily new limit."""
        return self.filter(reps=0, requested_at__isnull=False)

    def counted_new_since(self, moment: datetime) -> "CardQuerySet":
        """Cards first reviewed since ``moment`` that count against the daily new limit: a
        question the learner requested before its first review does not."""
        return self.filter(first_reviewed_at__gte=moment).exclude(
            requested_at__isnull=False, requested_at__lte=F("first_reviewed_at")
        )

    def wrong(self) -> "CardQuerySet":
        """Cards whose latest rating was "Again"."""
        return self.filter(last_rating=Rating.AGAIN)


class Card(models.Model):
    """One learner's memory of one question, as the fsrs scheduler models it."""

    # What a review changes, saved on the review (``Review.card_before``) so it can be undone.
    REVIEWED_FIELDS = (
        "state",
        "step",
        "stability",
        "difficulty",
        "due",
        "last_review",
        "reps",
        "again_count",
        "last_rating",
        "leeched_at",
        "seen_revision",
        "shown_at",
        "first_reviewed_at",
    )

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="cards")
    state = models.PositiveSmallIntegerField(choices=CardState.choices, default=CardState.LEARNING)
    step = models.PositiveSmallIntegerField(null=True, blank=True, default=0)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    due = models.DateTimeField(default=timezone.now)
    last_review = models.DateTimeField(null=True, blank=True)
    reps = models.PositiveIntegerField(default=0)
    again_count = models.PositiveIntegerField(default=0)
    last_rating = models.PositiveSmallIntegerField(choices=Rating.choices, null=True, blank=True)
    leeched_at = models.DateTimeField(null=True, blank=True)
    seen_revision = models.PositiveIntegerField(
        null=True, blank=True, help_text="The live revision number shown at the latest review."
    )
    shown_at = models.DateTimeField(
        null=True, blank=True, help_text="When the question was last put in front of the learner."
    )
    first_reviewed_at = models.DateTimeField(null=True, blank=True)
    requested_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the learner asked for this question (an interview's weak ones): a "
        "requested new question is offered ahead of, and not counted in, the daily new limit.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = CardQuerySet.as_manager()

    class Meta:
        ordering = ["due", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="card_user_question_unique")
        ]
        indexes = [models.Index(fields=["user", "due"], name="card_user_due")]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.question_id}"

    @property
    def is_new(self) -> bool:
        return self.reps == 0

    @property
    def is_leech(self) -> bool:
        return self.leeched_at is not None

    def reviewed_fields(self) -> dict[str, object]:
        """The fields a review changes, as JSON-ready values (``Review.card_before``)."""
        return {name: getattr(self, name) for name in self.REVIEWED_FIELDS}

    @classmethod
    def parse_reviewed_fields(cls, saved: dict[str, object]) -> dict[str, object]:
        """``reviewed_fields`` read back from JSON: datetimes parsed again."""
        times = {"due", "last_review", "leeched_at", "shown_at", "first_reviewed_at"}
        return {
            name: datetime.fromisoformat(value)
            if name in times and isinstance(value, str)
            else value
            for name, value in saved.items()
            if name in cls.REVIEWED_FIELDS
        }

    def to_fsrs(self) -> "fsrs.Card":
        return scheduling.to_fsrs_card(
            card_id=self.pk or 0,
            state=self.state,
            step=self.step,
            stability=self.stability,
            difficulty=self.difficulty,
            due=self.due,
            last_review=self.last_review,
        )


class Review(models.Model):
    """One rating of one card: immutable history (fsrs's ``ReviewLog`` plus what we show)."""

    card = models.ForeignKey(Card, on_delete=models.PROTECT, related_name="reviews")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    reviewed_at = models.DateTimeField(default=timezone.now)
    duration_seconds = models.PositiveIntegerField(
        default=0, help_text="Seconds from showing the question to the rating, capped."
    )
    attempt = models.TextField(blank=True)
    revision_number = models.PositiveIntegerField(
        null=True, blank=True, help_text="The live revision of the answer the learner saw."
    )
    state = models.PositiveSmallIntegerField(choices=CardState.choices)
    stability = models.FloatField(null=True)
    difficulty = models.FloatField(null=True)
    due = models.DateTimeField(help_text="When the card was scheduled next by this review.")
    card_before = models.JSONField(
        null=True,
        blank=True,
        editable=False,
        encoder=DjangoJSONEncoder,
        help_text="The card's scheduling fields before this review, so it can be undone.",
    )

    class Meta:
        ordering = ["-reviewed_at", "-id"]
        indexes = [models.Index(fields=["user", "reviewed_at"], name="review_user_time")]
        constraints = [
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=4), name="review_rating")
        ]

    def __str__(self) -> str:
        return f"{self.card_id} {self.get_rating_display()} @ {self.reviewed_at:%Y-%m-%d %H:%M}"

    @property
    def recalled(self) -> bool:
        return self.rating in (Rating.GOOD, Rating.EASY)


class Bookmark(models.Model):
    """A question the learner saved for later."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="bookmarks")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="bookmark_user_question")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} ★ {self.question_id}"


class Note(models.Model):
    """A learner's private note on a question; nobody else ever sees it."""

    MAX_LENGTH = 10_000

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(max_length=MAX_LENGTH)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="note_user_question")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} ✎ {self.question_id}"


class SchedulerProfile(models.Model):
    """A learner's own scheduler: FSRS parameters fitted to their review log, whether they are
    used, the retention it aims at, and how the fit scored on their later reviews."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scheduler_profile"
    )
    parameters = models.JSONField(
        default=list, blank=True, help_text="The latest fitted FSRS parameters, if any."
    )
    in_use = models.BooleanField(
        default=False,
        help_text="The fitted parameters schedule the cards: their fit on the earlier reviews "
        "predicted the later ones at least as well as the defaults.",
    )
    desired_retention = models.FloatField(
        null=True,
        blank=True,
        help_text="The recall probability reviews are scheduled for; empty for the site's.",
    )
    fitted_at = models.DateTimeField(null=True, blank=True)
    fitted_reviews = models.PositiveIntegerField(default=0)
    default_log_loss = models.FloatField(null=True, blank=True)
    default_rmse = models.FloatField(null=True, blank=True)
    fitted_log_loss = models.FloatField(null=True, blank=True)
    fitted_rmse = models.FloatField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(desired_retention__isnull=True)
                | Q(desired_retention__gte=0.7, desired_retention__lte=0.99),
                name="scheduler_retention_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} scheduler"


class StudyPlan(models.Model):
    """A learner's plan toward their interview date (``User.interview_date``): the topics it
    covers (the practicable questions with any of these tags; none chosen: the whole bank)
    and what ``quizzes.plan`` last chose for it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="study_plan"
    )
    tags = models.ManyToManyField("questions.Tag", blank=True, related_name="+")
    planned_on = models.DateField(null=True, blank=True, help_text="When last computed.")
    planned_for = models.DateField(null=True, blank=True, help_text="The date it aimed at.")
    new_per_day = models.PositiveSmallIntegerField(default=0)
    desired_retention = models.FloatField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user_id} plan"


class ReminderSent(models.Model):
    """The daily reminder email went to ``user`` for ``day``: at most one a day, whoever runs
    the sender (the task, cron) and however often."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="reminder_user_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} reminded {self.day}"
