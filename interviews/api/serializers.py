from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from interviewprep.fields import ApiCountField, ApiIdField
from questions.models import Question, Tag

from ..models import (
    MAX_ANSWER_CHARS,
    MAX_DURATION_MINUTES,
    MAX_QUESTIONS,
    MAX_SELF_SCORE,
    WARNING_PERCENTS,
    Attempt,
    FollowUp,
    InterviewTemplate,
)
from ..reports import Report, ReviewItem, TagRow


class TemplateSerializer(serializers.ModelSerializer[InterviewTemplate]):
    tags: serializers.SlugRelatedField[Tag] = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="slug"
    )

    class Meta:
        model = InterviewTemplate
        fields = (
            "id",
            "slug",
            "name",
            "description",
            "duration_minutes",
            "question_count",
            "tags",
            "difficulty_mix",
        )


class StartSerializer(serializers.Serializer[Any]):
    """Start from a template (``template``) or from a filter (``count`` and ``minutes``)."""

    template = serializers.PrimaryKeyRelatedField(
        queryset=InterviewTemplate.objects.filter(is_active=True), required=False
    )
    tags = serializers.SlugRelatedField(
        many=True, slug_field="slug", queryset=Tag.objects.all(), required=False
    )
    difficulties = serializers.ListField(
        child=serializers.ChoiceField(choices=Question.Difficulty.choices), required=False
    )
    count = serializers.IntegerField(min_value=1, max_value=MAX_QUESTIONS, required=False)
    minutes = serializers.IntegerField(min_value=1, max_value=MAX_DURATION_MINUTES, required=False)
    layout = serializers.ChoiceField(choices=Attempt.Layout.choices, default=Attempt.Layout.ONE)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "template" not in attrs and ("count" not in attrs or "minutes" not in attrs):
            raise serializers.ValidationError(
                "Give a template id, or count and minutes (with optional tags and difficulties)."
            )
        return attrs


class AnswerInputSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=MAX_ANSWER_CHARS
    )
    marked = serializers.BooleanField(required=False, allow_null=True, default=None)
    seconds = ApiCountField(required=False, default=0)
    base_saves = ApiCountField(
        required=False,
        allow_null=True,
        default=None,
        help_text=(
            "How many saves of this answer the client knows of (the last response's `saves`, "
            "0 before the first). If another client saved it since, nothing is stored and the "
            "answer is refused with 409 and `code` answer_changed, carrying the stored answer. "
            "Left out, the last save wins."
        ),
    )


class AssessmentSerializer(serializers.Serializer[Any]):
    question = ApiIdField()
    score = serializers.IntegerField(min_value=0, max_value=MAX_SELF_SCORE, allow_null=True)
    points = serializers.ListField(child=ApiCountField(), default=list)


class InterviewReviewInputSerializer(serializers.Serializer[Any]):
    items = AssessmentSerializer(many=True)


# The shapes of the responses: attempt_data() below builds an attempt's, the views a save's;
# a report is serialised from interviews.reports.Report.


class AttemptQuestionSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    title = serializers.CharField()
    difficulty = serializers.CharField()
    tags = serializers.ListField(child=serializers.CharField())
    answer = serializers.CharField(allow_blank=True)
    marked = serializers.BooleanField()
    saved_at = serializers.DateTimeField(allow_null=True)


class AskedFollowUpSerializer(serializers.Serializer[Any]):
    """A follow-up (追问) asked during the interview after the answer to ``parent_question``."""

    id = serializers.IntegerField()
    parent_question = serializers.IntegerField()
    authored_id = serializers.CharField()
    after = serializers.CharField(
        allow_blank=True, help_text="The key point the answer missed; empty: asked always."
    )
    question_id = serializers.IntegerField(
        allow_null=True, help_text="A question of the bank, or null for a short prompt."
    )
    title = serializers.CharField()
    answer = serializers.CharField(allow_blank=True)
    asked_at = serializers.DateTimeField()
    saved_at = serializers.DateTimeField(allow_null=True)
    auto_score = serializers.FloatField(
        allow_null=True, help_text="The automatic grade (0..1) once the interview ended."
    )


class FollowUpAnswerSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(
        allow_blank=True, trim_whitespace=False, max_length=MAX_ANSWER_CHARS
    )


class AskFollowUpsSerializer(serializers.Serializer[Any]):
    questions = serializers.ListField(
        child=serializers.IntegerField(), max_length=50, help_text="Questions the learner left."
    )


class AttemptSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    state = serializers.ChoiceField(choices=["started", "submitted", "expired", "reviewed"])
    layout = serializers.CharField()
    started_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    remaining_seconds = serializers.IntegerField()
    total_seconds = serializers.IntegerField()
    warning = serializers.IntegerField(
        help_text=(
            f"0, or the share of time left ({', '.join(map(str, WARNING_PERCENTS))}) the clock "
            "is warning about, in %."
        )
    )
    questions = AttemptQuestionSerializer(many=True)
    follow_ups = AskedFollowUpSerializer(many=True)


class AnswerSavedSerializer(serializers.Serializer[Any]):
    question = serializers.IntegerField()
    saved_at = serializers.DateTimeField()
    saves = serializers.IntegerField()
    remaining_seconds = serializers.IntegerField()


class StoredAnswerSerializer(serializers.Serializer[Any]):
    text = serializers.CharField()
    marked = serializers.BooleanField()
    saves = serializers.IntegerField()
    saved_at = serializers.DateTimeField()


class AnswerRefusedSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()
    code = serializers.CharField(
        help_text=(
            "answer_changed: saved from another client since `base_saves`; attempt_closed: "
            "the interview has ended or its time is up."
        ),
    )
    answer = StoredAnswerSerializer(
        required=False, help_text="The stored answer (with code answer_changed)."
    )
    state = serializers.CharField()
    review_url = serializers.CharField()


class AttemptStateSerializer(serializers.Serializer[Any]):
    state = serializers.CharField()


class InterviewReportTagSerializer(serializers.Serializer[TagRow]):
    slug = serializers.CharField(source="tag.slug")
    questions = serializers.IntegerField()
    percent = serializers.IntegerField(allow_null=True)
    auto_percent = serializers.IntegerField(allow_null=True)


class InterviewReportItemSerializer(serializers.Serializer[ReviewItem]):
    question = serializers.IntegerField(source="question.pk")
    title = serializers.CharField(source="question.title")
    answer = serializers.CharField(source="text", allow_blank=True)
    reference_html = serializers.CharField(source="question.body_html", allow_blank=True)
    under_revision = serializers.BooleanField(source="question.under_revision")
    seconds = serializers.IntegerField()
    self_score = serializers.IntegerField(source="slot.self_score", allow_null=True)
    key_points = serializers.ListField(source="points", child=serializers.CharField())
    points_ticked = serializers.ListField(
        source="slot.points_ticked", child=serializers.IntegerField()
    )
    coverage_hint_percent = serializers.IntegerField(source="coverage.percent", allow_null=True)
    auto_score = serializers.FloatField(source="auto.score", allow_null=True, default=None)
    auto_covered = serializers.IntegerField(
        source="auto.covered_count", allow_null=True, default=None
    )
    auto_total = serializers.IntegerField(source="auto.total", allow_null=True, default=None)
    missed_points = serializers.SerializerMethodField()
    follow_ups = serializers.SerializerMethodField()

    def get_missed_points(self, item: ReviewItem) -> list[str]:
        return [point["text"] for point in item.auto.missed] if item.auto else []

    @extend_schema_field(AskedFollowUpSerializer(many=True))
    def get_follow_ups(self, item: ReviewItem) -> list[dict[str, Any]]:
        return [follow_up_data(entry.follow_up) for entry in item.follow_ups]


class InterviewReportSerializer(serializers.Serializer[Report]):
    """A finished attempt's report (``interviews.reports.Report``)."""

    id = serializers.IntegerField(source="attempt.pk")
    state = serializers.CharField(source="attempt.state")
    score = serializers.IntegerField(source="score_sum")
    score_max = serializers.IntegerField()
    percent = serializers.IntegerField(allow_null=True)
    scored = serializers.IntegerField()
    answered = serializers.IntegerField()
    seconds_used = serializers.IntegerField(source="attempt.seconds_used", allow_null=True)
    seconds_allowed = serializers.IntegerField(source="attempt.total_seconds")
    seconds_on_questions = serializers.IntegerField()
    tags = InterviewReportTagSerializer(many=True)
    weakest_tags = serializers.SerializerMethodField()
    weak_question_ids = serializers.ListField(source="weak_ids", child=serializers.IntegerField())
    items = InterviewReportItemSerializer(many=True)

    def get_weakest_tags(self, report: Report) -> list[str]:
        return [row.tag.slug for row in report.weakest]


def follow_up_data(follow_up: FollowUp) -> dict[str, Any]:
    return {
        "id": follow_up.pk,
        "parent_question": follow_up.parent.question_id,
        "authored_id": follow_up.authored_id,
        "after": follow_up.after,
        "question_id": follow_up.question_id,
        "title": follow_up.title,
        "answer": follow_up.text,
        "asked_at": follow_up.asked_at.isoformat(),
        "saved_at": follow_up.saved_at.isoformat() if follow_up.saved_at else None,
        "auto_score": follow_up.auto_score,
    }


def attempt_data(attempt: Attempt) -> dict[str, Any]:
    """An attempt (loaded ``with_questions()``) as the API shows it."""
    now = timezone.now()
    answers = {answer.question_id: answer for answer in attempt.answers.all()}
    questions = []
    for slot in attempt.slots.all():
        answer = answers.get(slot.question_id)
        questions.append(
            {
                "id": slot.question_id,
                "position": slot.position,
                "title": slot.question.title,
                "difficulty": slot.question.difficulty,
                "tags": [tag.slug for tag in slot.question.tags.all()],
                "answer": answer.text if answer else "",
                "marked": bool(answer and answer.marked),
                "saved_at": answer.saved_at.isoformat() if answer else None,
            }
        )
    return {
        "id": attempt.pk,
        "title": attempt.title,
        "state": attempt.state,
        "layout": attempt.layout,
        "started_at": attempt.started_at.isoformat(),
        "deadline": attempt.deadline.isoformat(),
        "finished_at": attempt.finished_at.isoformat() if attempt.finished_at else None,
        "remaining_seconds": attempt.seconds_remaining(now),
        "total_seconds": attempt.total_seconds,
        "warning": attempt.warning_level(now),
        "questions": questions,
        "follow_ups": [follow_up_data(follow_up) for follow_up in attempt.follow_ups.all()],
    }
