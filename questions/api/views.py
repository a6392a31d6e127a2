import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.serializers import BaseSerializer

from questions.filters import QuestionFilter
from questions.models import Question, Tag

from .editorial import QuestionEditorialMixin
from .serializers import QuestionDetailSerializer, QuestionListSerializer, TagSerializer


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

    def get_queryset(self) -> QuerySet[Question]:
        questions = Question.objects.visible().with_tags()
        if self.action == "retrieve":
            return questions.with_detail()
        return questions.for_listing()

    def get_serializer_class(self) -> type[BaseSerializer[Question]]:
        if self.action == "retrieve":
            return QuestionDetailSerializer
        return QuestionListSerializer


@extend_schema_view(list=extend_schema(summary="Tags with their question counts"))
class TagViewSet(viewsets.ReadOnlyModelViewSet[Tag]):
    queryset = Tag.objects.with_counts()
    serializer_class = TagSerializer
    lookup_field = "slug"
    pagination_class = None
