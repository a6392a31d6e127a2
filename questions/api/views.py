import django_filters
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.throttling import ScopedRateThrottle

from interviewprep import ratelimit
from questions import assessment
from questions.filters import QuestionFilter
from questions.models import Question, Tag, prefetch_open_flags

from .editorial import QuestionEditorialMixin
from .serializers import (
    GradeRequestSerializer,
    GradeSerializer,
    QuestionDetailSerializer,
    QuestionListSerializer,
    TagSerializer,
)


class QuestionAPIFilter(QuestionFilter):
    search = django_filters.CharFilter(
        method="filter_search", label="Search (Chinese or English terms)"
    )

    class Meta(QuestionFilter.Meta):
        fields = (*QuestionFilter.Meta.fields, "search")


@extend_schema_view(
    list=extend_schema(summary="List and search questions"),
    retrieve=extend_schema(summary="One question with its rendered answer"),
)
class QuestionViewSet(QuestionEditorialMixin, viewsets.ReadOnlyModelViewSet[Question]):
    lookup_value_regex = "[0-9]{1,18}"  # ids only: anything else is a 404, never a 500
    filterset_class = QuestionAPIFilter
    # Set per action (``grade``); ScopedRateThrottle ignores an empty scope.
    throttle_scope = ""

    def get_queryset(self) -> QuerySet[Question]:
        questions = Question.objects.visible().with_tags()
        if self.action == "retrieve":
            return questions.with_detail().prefetch_related(prefetch_open_flags())
        return questions.for_listing()

    def get_serializer_class(self) -> type[BaseSerializer[Question]]:
        if self.action == "retrieve":
            return QuestionDetailSerializer
        return QuestionListSerializer

    @extend_schema(
        summary="Grade an answer against the question's key points",
        description=(
            "Deterministic and offline: the answer's sentences are compared with each key "
            "point (rjieba words, the point's aliases and synonyms, Chinese character pairs); "
            "a point is covered when one sentence supports it enough. `score` (0..1) is the "
            "weighted share of covered points, with partial credit for half-supported ones. "
            "A hint beside the learner's own judgement, not a verdict. 422 when the question "
            "has no key points; throttled (scope `grading`)."
        ),
        request=GradeRequestSerializer,
        responses={200: GradeSerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="grade",
        permission_classes=[IsAuthenticated],
        throttle_classes=[ScopedRateThrottle],
        throttle_scope="grading",
    )
    def grade(self, request: Request, pk: str) -> Response:
        question = get_object_or_404(
            Question.objects.visible().select_related("live_revision"), pk=pk
        )
        ratelimit.limit(request, "grading")
        data = GradeRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = assessment.grade_answer(question=question, answer=data.validated_data["answer"])
        return Response(
            GradeSerializer(assessment.explain(result, assessment.live_revision(question))).data
        )


@extend_schema_view(list=extend_schema(summary="Tags with their question counts"))
class TagViewSet(viewsets.ReadOnlyModelViewSet[Tag]):
    queryset = Tag.objects.with_counts()
    serializer_class = TagSerializer
    lookup_field = "slug"
    pagination_class = None
