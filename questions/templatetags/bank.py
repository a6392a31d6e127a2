"""The bank's blocks for pages other apps compose (the home page): ``{% load bank %}``."""

from typing import Any

from django import template
from django.db.models import Count, Q

from ..models import Question, Tag
from ..source_labels import source_label as label_of

register = template.Library()


@register.filter
def source_label(file_name: str) -> str:
    """A source file's readable name (``questions.source_labels``)."""
    return label_of(file_name)


@register.inclusion_tag("questions/blocks/bank_figures.html")
def bank_figures() -> dict[str, Any]:
    """How many questions and study notes the bank has, and how many answers are under
    revision (one query)."""
    figures = Question.objects.visible().aggregate(
        questions=Count("pk", filter=Q(kind=Question.Kind.QUESTION)),
        notes=Count("pk", filter=Q(kind=Question.Kind.NOTE)),
        under_revision=Count("pk", filter=Q(status=Question.Status.NEEDS_REVISION)),
    )
    return {"figures": figures}


@register.inclusion_tag("questions/blocks/topics.html")
def topics() -> dict[str, Any]:
    """The tags in use, most used first, with their question counts (one query)."""
    return {"tags": Tag.objects.with_counts(used_only=True)}
