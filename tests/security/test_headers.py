"""Security headers on every kind of response: pages, htmx partials, the API, errors."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/", "/questions/", "/accounts/login/", "/api/questions/", "/no-such-page/"],
)
def test_csp_and_browser_hardening_headers(url):
    response = Client().get(url)
    csp = dict(
        (part.split()[0], part.split()[1:])
        for part in response["Content-Security-Policy"].split(";")
        if part.strip()
    )
    assert csp["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_signed_in_pages_are_never_cached_and_public_ones_may_be():
    """Pages for a signed-in user hold their private data; the same page anonymous may be cached."""
    urls = [
        reverse("profile"),
        reverse("questions:my-reports"),
        reverse("practice:bookmarks"),
        "/questions/",
        "/api/me/",
    ]
    signed_in = Client()
    signed_in.force_login(UserFactory())
    for url in urls:
        cache = signed_in.get(url)["Cache-Control"]
        assert "no-store" in cache, url
        assert "private" in cache, url
    assert not Client().get("/questions/").has_header("Cache-Control")
