"""One filter set for the question list page and the API."""

import django_filters
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from .models import Question, QuestionSource, Tag
from .search import backends as search

#: Filters that search (the API's ``search`` is another name for ``q``).
SEARCH_FILTERS = ("q", "search")


class QuestionFilter(django_filters.FilterSet):
    STATUS_CHOICES = (
        ("published", _("Published")),
        ("needs_revision", _("Under revision")),
        ("unanswered", _("No answer yet")),
    )

    q = django_filters.CharFilter(method="filter_search", label=_("Search"))
    tag = django_filters.CharFilter(method="filter_tag", label=_("Tag"))
    difficulty = django_filters.ChoiceFilter(
        choices=Question.Difficulty.choices, label=_("Difficulty"), empty_label=_("Any difficulty")
    )
    kind = django_filters.ChoiceFilter(
        choices=Question.Kind.choices, label=_("Type"), empty_label=_("Questions and notes")
    )
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES,
        method="filter_status",
        label=_("Status"),
        empty_label=_("Any status"),
    )
    source = django_filters.CharFilter(method="filter_source", label=_("Source file"))

    class Meta:
        model = Question
        fields: tuple[str, ...] = ("q", "tag", "difficulty", "kind", "status", "source")

    def filter_queryset(self, queryset: QuerySet[Question]) -> QuerySet[Question]:
        """The other filters first, the search last: it ranks a bounded number of candidates
        among the questions the other filters leave (search.search_questions)."""
        values = self.form.cleaned_data
        for name in sorted(values, key=lambda name: name in SEARCH_FILTERS):
            queryset = self.filters[name].filter(queryset, values[name])
        return queryset

    def filter_tag(self, queryset: QuerySet[Question], name: str, value: str) -> QuerySet[Question]:
        # By the tag's id, not a join on its slug: PostgreSQL's statistics then tell a rare
        # tag (1,448 of 100,000 questions) from a common one and plan for it.
        tag_id = Tag.objects.filter(slug=value).values_list("pk", flat=True).first()
        if tag_id is None:
            return queryset.none()
        tagged = Tag.questions.through.objects.filter(question_id=OuterRef("pk"), tag_id=tag_id)
        return queryset.filter(Exists(tagged))

    def filter_source(
        self, queryset: QuerySet[Question], name: str, value: str
    ) -> QuerySet[Question]:
        sourced = QuestionSource.objects.filter(question_id=OuterRef("pk"), file_name=value)
        return queryset.filter(Exists(sourced))

    def filter_status(
        self, queryset: QuerySet[Question], name: str, value: str
    ) -> QuerySet[Question]:
        if value == "unanswered":
            return queryset.filter(has_answer=False)
        return queryset.filter(status=value)

    def filter_search(
        self, queryset: QuerySet[Question], name: str, value: str
    ) -> QuerySet[Question]:
        return search.search_questions(queryset, value) if value.strip() else queryset
