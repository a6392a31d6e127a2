from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from interviewprep.fields import ApiCountField
from questions.models import Question, Tag
from quizzes.models import Bookmark, Card, Note, Rating, Review
from quizzes.progress import Progress
from quizzes.queue import QueueItem
from quizzes.scheduling import format_interval
from quizzes.services import MAX_ATTEMPT_LENGTH


class PracticeQuestionSerializer(serializers.ModelSerializer[Question]):
    tags: serializers.SlugRelatedField[Tag] = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="slug"
    )
    url = serializers.HyperlinkedIdentityField(view_name="api:question-detail")
    under_revision = serializers.BooleanField(read_only=True)
    version = serializers.IntegerField(source="live_revision.number", read_only=True, default=None)

    class Meta:
        model = Question
        fields = ("id", "url", "title", "difficulty", "status", "under_revision", "tags", "version")


class IntervalSerializer(serializers.Serializer):
    rating = serializers.IntegerField(help_text="1 Again, 2 Hard, 3 Good, 4 Easy.")
    seconds = serializers.IntegerField(help_text="Until the next review if rated so now.")
    display = serializers.CharField(help_text='As the rating button shows it: "10m", "3d".')


class QueueItemSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=["review", "changed", "new"],
        help_text='"changed": the published answer changed since your last review.',
    )
    due = serializers.DateTimeField(allow_null=True)
    question = PracticeQuestionSerializer()
    next_intervals = serializers.SerializerMethodField(
        help_text="The interval each rating would give, computed by your scheduler."
    )

    @extend_schema_field(IntervalSerializer(many=True))
    def get_next_intervals(self, item: QueueItem) -> list[dict[str, object]]:
        return [
            {
                "rating": rating,
                "seconds": int(delta.total_seconds()),
                "display": format_interval(delta),
            }
            for rating, delta in sorted((item.intervals or {}).items())
        ]


class QueueSerializer(serializers.Serializer):
    """The queue as the API returns it: a page of items plus today's figures."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = QueueItemSerializer(many=True)
    due_count = serializers.IntegerField()
    new_count = serializers.IntegerField()
    requested_count = serializers.IntegerField(
        help_text="Of the new ones, those you asked for (an interview's weak questions): "
        "offered beyond, and not counted in, the daily goal."
    )
    new_today = serializers.IntegerField()
    daily_goal = serializers.IntegerField()


class CardSerializer(serializers.ModelSerializer[Card]):
    class Meta:
        model = Card
        fields = (
            "state",
            "due",
            "last_review",
            "reps",
            "again_count",
            "stability",
            "difficulty",
            "seen_revision",
            "is_leech",
        )


class ReviewInputSerializer(serializers.Serializer):
    question = serializers.PrimaryKeyRelatedField(queryset=Question.objects.practicable())
    rating = serializers.ChoiceField(
        choices=Rating.choices, help_text="1 Again, 2 Hard, 3 Good, 4 Easy."
    )
    attempt = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=MAX_ATTEMPT_LENGTH
    )
    expected_reps = ApiCountField(
        required=False,
        help_text="The card's review count when you showed it; guards against double submits.",
    )


class ReviewSerializer(serializers.ModelSerializer[Review]):
    card = CardSerializer(read_only=True)

    class Meta:
        model = Review
        fields = (
            "id",
            "question",
            "rating",
            "reviewed_at",
            "duration_seconds",
            "attempt",
            "revision_number",
            "card",
        )


class UndoneSerializer(serializers.Serializer):
    question = serializers.IntegerField(source="question_id")
    card = CardSerializer(source="*")


class BookmarkSerializer(serializers.ModelSerializer[Bookmark]):
    question = serializers.PrimaryKeyRelatedField(queryset=Question.objects.visible())
    title = serializers.CharField(source="question.title", read_only=True)

    class Meta:
        model = Bookmark
        fields = ("id", "question", "title", "created_at")
        read_only_fields = ("id", "title", "created_at")


class NoteSerializer(serializers.ModelSerializer[Note]):
    class Meta:
        model = Note
        fields = ("question", "text", "updated_at")
        read_only_fields = ("question", "updated_at")
        extra_kwargs = {"text": {"max_length": Note.MAX_LENGTH, "allow_blank": True}}


class TagMasterySerializer(serializers.Serializer):
    tag = serializers.SlugField(source="tag.slug")
    total = serializers.IntegerField()
    studied = serializers.IntegerField()
    mastered = serializers.IntegerField()
    percent = serializers.IntegerField()


class DayCountSerializer(serializers.Serializer):
    day = serializers.DateField()
    reviews = serializers.IntegerField()
    seconds = serializers.IntegerField()


class ProgressSerializer(serializers.Serializer[Progress]):
    """The learner's progress (``quizzes.progress.Progress``)."""

    today = serializers.DateField()
    due_today = serializers.IntegerField()
    due_week = serializers.IntegerField(help_text="Due after today, within seven days.")
    reviews_today = serializers.IntegerField()
    total_reviews = serializers.IntegerField()
    retention = serializers.IntegerField(
        allow_null=True, help_text="Percentage of reviews rated Good or Easy."
    )
    streak = serializers.IntegerField()
    seconds_today = serializers.IntegerField()
    seconds_week = serializers.IntegerField()
    seconds_total = serializers.IntegerField()
    reviews_per_day = DayCountSerializer(source="days", many=True)
    tags = TagMasterySerializer(many=True)
    leeches = serializers.SerializerMethodField(help_text="Question ids.")

    def get_leeches(self, progress: Progress) -> list[int]:
        return [card.question_id for card in progress.leeches]


class ScoresSerializer(serializers.Serializer):
    log_loss = serializers.FloatField(allow_null=True)
    rmse = serializers.FloatField(allow_null=True, help_text="RMSE over bins of predictions.")


class SchedulerSerializer(serializers.Serializer):
    """A learner's scheduler (``quizzes.learner_scheduler``)."""

    parameters = serializers.ListField(
        child=serializers.FloatField(), help_text="The FSRS parameters your cards use."
    )
    fitted = serializers.BooleanField(
        help_text="True: your fitted parameters schedule your cards. False: the defaults (too "
        "few reviews yet, or the fit did not predict your later reviews better)."
    )
    desired_retention = serializers.FloatField()
    fitted_at = serializers.DateTimeField(allow_null=True)
    fitted_reviews = serializers.IntegerField()
    reviews = serializers.IntegerField(help_text="Your reviews now.")
    min_reviews = serializers.IntegerField(help_text="Reviews needed before a fit.")
    default = ScoresSerializer(
        help_text="The default parameters, scored on the later part of your history."
    )
    fitted_scores = ScoresSerializer(
        help_text="Parameters fitted on the earlier part of your history, on the same later "
        "part (a time-series split)."
    )


class ExportQuerySerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=["apkg", "csv"], default="apkg")
    tags = serializers.ListField(
        child=serializers.SlugField(), required=False, help_text="Any of these tag slugs."
    )
    difficulty = serializers.ChoiceField(
        choices=Question.Difficulty.choices, required=False, allow_blank=True
    )
    bookmarked = serializers.BooleanField(required=False, default=False)
    wrong = serializers.BooleanField(
        required=False, default=False, help_text='Questions whose latest rating was "Again".'
    )
