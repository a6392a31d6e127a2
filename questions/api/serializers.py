from rest_framework import serializers

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
        )
