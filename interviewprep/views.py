import logging

from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.http import require_GET
from rest_framework.exceptions import NotFound

logger = logging.getLogger(__name__)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The home page, composed from blocks the apps provide as template tags."""
    return render(request, "home.html")


# The error handlers (handler400 ... handler500 in urls.py): API clients get JSON like every
# other API error (``{"detail", "code"}``); people get the site's page in their language.


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _api_error(detail: str, code: str, status: int) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code}, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400, also for a body past ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (413 in the API)."""
    if _is_api(request):
        if isinstance(exception, RequestDataTooBig):
            return _api_error(_("The request body is too large."), "body_too_large", 413)
        return _api_error(_("The request could not be understood."), "bad_request", 400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _api_error(
            _("You do not have permission to perform this action."), "permission_denied", 403
        )
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _api_error(str(NotFound.default_detail), "not_found", 404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """500: the site's page with its navigation; Django's plain one if even that fails (the
    database may be what is down)."""
    if _is_api(request):
        return _api_error(_("Something went wrong on our side."), "server_error", 500)
    try:
        return render(request, "500.html", status=500)
    except Exception:
        logger.exception("The 500 page could not be rendered")
        return defaults.server_error(request)


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
