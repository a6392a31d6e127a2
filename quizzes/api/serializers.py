from rest_framework import serializers

from interviewprep.fields import ApiCountField
from questions.models import Question, Tag
from quizzes.models import Bookmark, Card, Note, Rating, Review
from quizzes.progress import Progress
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


class QueueItemSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=["review", "changed", "new"],
        help_text='"changed": the published answer changed since your last review.',
    )
    due = serializers.DateTimeField(allow_null=True)
    question = PracticeQuestionSerializer()


class QueueSerializer(serializers.Serializer):
    """The queue as the API returns it: a page of items plus today's figures."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = QueueItemSerializer(many=True)
    due_count = serializers.IntegerField()
    new_count = serializers.IntegerField()
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
