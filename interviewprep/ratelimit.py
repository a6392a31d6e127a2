"""Rate limits on the writes a stranger can repeat: sign-up, password-reset requests, reports,
uploads, copying an import's remote images and grading.

Each scope allows ``RATE_LIMITS[scope] = (per_account, per_address, seconds)`` requests per
window, counted in the default cache (Redis in production, shared by the workers) by the
signed-in account and by the client address. Past either, :class:`RateLimited` answers 429 with
``Retry-After``: DRF's handler for the API (``interviewprep.errors``), :class:`RateLimitMiddleware`
for pages. Logins are throttled separately by django-axes (``interviewprep/throttling.py``).

Hand-written rather than django-ratelimit: the count is one ``cache.incr`` a key, and the
refusal must go through the project's one error path with the seconds to wait.
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .errors import RateLimited


def client_address(request: HttpRequest) -> str:
    """The address limits count by: ``REMOTE_ADDR``, as django-axes does (behind a proxy,
    the proxy must set it from ``X-Forwarded-For``)."""
    return request.META.get("REMOTE_ADDR") or "unknown"


def limit(request: HttpRequest, scope: str) -> None:
    """Count one ``scope`` request of this account and this address; :class:`RateLimited`
    once either is past its limit for the current window."""
    per_account, per_address, seconds = settings.RATE_LIMITS[scope]
    now = int(time.time())
    window = now // seconds
    user = getattr(request, "user", None)
    counters = [(f"ratelimit:{scope}:address:{client_address(request)}:{window}", per_address)]
    if user is not None and user.is_authenticated:
        counters.append((f"ratelimit:{scope}:account:{user.pk}:{window}", per_account))
    for key, allowed in counters:
        cache.add(key, 0, timeout=seconds + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr: a new window
            cache.add(key, 1, timeout=seconds + 1)
            count = 1
        if count > allowed:
            raise RateLimited(
                _("Too many requests. Please wait %(seconds)d seconds and try again.")
                % {"seconds": seconds - now % seconds},
                retry_after=seconds - now % seconds,
            )


class RateLimitMiddleware:
    """A page that hit a limit answers 429 with ``Retry-After`` and the site's 429 page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, RateLimited):
            return None
        response = render(request, "429.html", {"message": exception.message}, status=429)
        response["Retry-After"] = str(exception.retry_after)
        return response
