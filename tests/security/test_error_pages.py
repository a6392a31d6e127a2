"""Error pages in the site's layout and the reader's language; JSON under /api/ (issue 20.7)."""

import json

import pytest
from django.test import Client
from django.urls import path

from interviewprep.urls import urlpatterns as site_urls
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _boom(request):
    raise RuntimeError("a bug")


urlpatterns = [
    *site_urls,
    path("broken/", _boom),
    path("api/broken/", _boom),
]
handler400 = "interviewprep.views.bad_request"
handler403 = "interviewprep.views.permission_denied"
handler404 = "interviewprep.views.page_not_found"
handler500 = "interviewprep.views.server_error"


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]


@pytest.mark.parametrize(
    ("language", "heading"), [("zh-hans", "找不到该页面"), ("en", "Page not found")]
)
def test_404_is_the_sites_page_in_the_readers_language(client, production, language, heading):
    response = client.get("/no-such-page/", headers={"accept-language": language})
    assert response.status_code == 404
    text = response.content.decode()
    assert heading in text
    assert 'class="site-footer"' in text  # the site's layout, with its navigation


def test_500_is_the_sites_page(production, settings):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    response = client.get("/broken/", headers={"accept-language": "zh-hans"})
    assert response.status_code == 500
    text = response.content.decode()
    assert "服务器出了问题" in text
    assert 'class="site-footer"' in text


def test_api_errors_are_json(production, settings):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    crashed = client.get("/api/broken/")
    assert crashed.status_code == 500
    assert crashed["Content-Type"] == "application/json"
    assert crashed.json()["code"] == "server_error"
    missing = client.get("/api/no-such-endpoint/")
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"


def test_an_oversized_body_under_api_is_json(production, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory())
    for content_type, body in (
        ("application/json", json.dumps({"comment": "x" * 2000, "reason": "typo"})),
        ("application/x-www-form-urlencoded", "comment=" + "x" * 2000),
    ):
        response = client.post("/api/questions/1/flags/", body, content_type=content_type)
        assert response.status_code == 413, content_type
        assert response["Content-Type"] == "application/json"
        assert response.json()["code"] == "body_too_large"


def test_a_bad_request_page_is_the_sites(production, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory())
    response = client.post(
        "/accounts/profile/", {"display_name": "x" * 2000}, headers={"accept-language": "en"}
    )
    assert response.status_code == 400
    assert "Bad request" in response.content.decode()
