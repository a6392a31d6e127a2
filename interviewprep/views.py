from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from questions.models import Question, Tag


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    visible = Question.objects.visible()
    stats = visible.aggregate(
        questions=Count("pk", filter=Q(kind=Question.Kind.QUESTION)),
        notes=Count("pk", filter=Q(kind=Question.Kind.NOTE)),
        under_revision=Count("pk", filter=Q(status=Question.Status.NEEDS_REVISION)),
    )
    tags = Tag.objects.with_counts(used_only=True)
    return render(request, "home.html", {"stats": stats, "tags": tags})
