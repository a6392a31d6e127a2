from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views import defaults
from django.views.decorators.http import require_GET
from rest_framework.exceptions import NotFound


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The home page, composed from blocks the apps provide as template tags."""
    return render(request, "home.html")


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


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``, which browsers and crawlers ask for whatever the page links: the
    site's icon (a temporary redirect, since its static name carries a content hash)."""
    return HttpResponseRedirect(static("favicon.svg"))
