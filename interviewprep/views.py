from django.db import DatabaseError, connection
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import defaults
from django.views.decorators.http import require_GET
from rest_framework.exceptions import NotFound

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


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404 handler: API clients get JSON like every other API error; people get the page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
    return defaults.page_not_found(request, exception)


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Health check for load balancers and the benchmark's baseline: the app answers and
    its database does (``SELECT 1``). No session, no template, no login."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
