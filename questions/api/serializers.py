from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from questions.assessment import MAX_ANSWER_CHARS
from questions.models import EditorialFlag, Question, QuestionSource, Tag


class TagSerializer(serializers.ModelSerializer[Tag]):
    count = serializers.IntegerField(read_only=True, help_text="Visible questions with this tag.")

    class Meta:
        model = Tag
        fields = ("slug", "name_zh", "name_en", "level", "description", "count")


class SourceSerializer(serializers.ModelSerializer[QuestionSource]):
    class Meta:
        model = QuestionSource
        fields = ("file_name", "heading_line", "start_line", "end_line", "match", "similarity")


class FlagSerializer(serializers.ModelSerializer[EditorialFlag]):
    problem = serializers.CharField(
        source="shown_problem", read_only=True, help_text="In the reader's language when known."
    )
    correction = serializers.CharField(
        source="shown_correction", read_only=True, help_text="In the reader's language when known."
    )

    class Meta:
        model = EditorialFlag
        fields = ("id", "reason", "severity", "problem", "correction", "first_line", "last_line")


class AuthoredFollowUpSerializer(serializers.Serializer[Any]):
    """A follow-up (追问) asked after an answer that misses key point ``after`` ("" = always):
    a question of the bank (``question_id``) or a short ``prompt`` with its own key points."""

    id = serializers.CharField()
    after = serializers.CharField(allow_blank=True)
    question_id = serializers.IntegerField(allow_null=True)
    prompt = serializers.CharField(allow_blank=True)
    key_points = serializers.ListField(child=serializers.CharField())


class GradeRequestSerializer(serializers.Serializer[Any]):
    answer = serializers.CharField(
        max_length=MAX_ANSWER_CHARS, allow_blank=True, trim_whitespace=False
    )


class KeyPointResultSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    text = serializers.CharField()
    weight = serializers.IntegerField()
    reference = serializers.CharField(
        required=False,
        help_text="Missed points: the sentence of the reference answer that covers it (the "
        "point itself where it comes from an editor's correction of a wrong answer).",
    )
    from_correction = serializers.BooleanField(required=False)


class EvidenceSerializer(serializers.Serializer[Any]):
    point = serializers.CharField(help_text="The covered key point's id.")
    sentence = serializers.CharField(help_text="The sentence of the answer that covers it.")
    support = serializers.FloatField(help_text="How strongly (0..1; 0.5 covers).")


class GradeSerializer(serializers.Serializer[Any]):
    score = serializers.FloatField(help_text="Weighted share of covered key points, 0..1.")
    covered = KeyPointResultSerializer(many=True)
    missed = KeyPointResultSerializer(many=True)
    evidence = EvidenceSerializer(many=True)
    covered_count = serializers.IntegerField()
    total = serializers.IntegerField()


class QuestionListSerializer(serializers.ModelSerializer[Question]):
    tags: serializers.SlugRelatedField[Tag] = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="slug"
    )
    url = serializers.HyperlinkedIdentityField(view_name="api:question-detail")

    class Meta:
        model = Question
        fields: tuple[str, ...] = (
            "id",
            "url",
            "title",
            "kind",
            "difficulty",
            "status",
            "has_answer",
            "tags",
            "updated_at",
        )


class QuestionDetailSerializer(QuestionListSerializer):
    sources = SourceSerializer(many=True, read_only=True)
    open_flags = FlagSerializer(many=True, read_only=True)
    version = serializers.IntegerField(source="live_revision.number", read_only=True, default=None)
    follow_ups = serializers.SerializerMethodField()
    difficulty_explanation = serializers.CharField(
        read_only=True,
        help_text='Why the question has its difficulty, in the reader\'s language ("medium: ...").',
    )
    difficulty_reasons = serializers.ListField(
        child=serializers.CharField(),
        source="difficulty_reason_texts",
        read_only=True,
        help_text="The reasons alone, in the reader's language.",
    )

    class Meta(QuestionListSerializer.Meta):
        fields = (
            *QuestionListSerializer.Meta.fields,
            "difficulty_explanation",
            "difficulty_reasons",
            "body_markdown",
            "body_html",
            "sources",
            "open_flags",
            "version",
            "follow_ups",
        )

    @extend_schema_field(AuthoredFollowUpSerializer(many=True))
    def get_follow_ups(self, question: Question) -> list[dict[str, Any]]:
        revision = question.live_revision
        if revision is None:
            return []
        return [
            {
                "id": item["id"],
                "after": item.get("after", ""),
                "question_id": item.get("question_id"),
                "prompt": item.get("prompt", ""),
                "key_points": [point["text"] for point in item.get("key_points", [])],
            }
            for item in revision.follow_ups
        ]
