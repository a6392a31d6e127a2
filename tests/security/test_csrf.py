"""Every state-changing page refuses a request without a CSRF token.

Each case runs twice from the same set-up: a client that enforces CSRF checks, signed in with
the role the endpoint needs, GETs the page the form lives on (which sets the CSRF cookie and
must print the token), then POSTs the same data once without the token (403 from the CSRF
check itself, recognised by a failure view installed for the test) and once with it (the
endpoint's normal success code). The URLconf is enumerated, so a new endpoint fails
``test_every_endpoint_is_classified`` until it gets a case here, or a commented allowlist
entry.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authentication import SessionAuthentication
from rest_framework.views import APIView

from interviewprep.authentication import ExpiringTokenAuthentication
from tests.factories import current_code

from .conftest import client_for

TOKEN_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TOKEN_HEADER = re.compile(r'"X-CSRFToken": "([^"]+)"')
FAILURE_HEADER = "X-Test-CSRF-Failure"


def _flat(
    resolver: URLResolver, prefix: str = "", ns: str = ""
) -> Iterator[tuple[str, str, URLPattern]]:
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{ns}{entry.namespace}:" if entry.namespace else ns
            yield from _flat(entry, route, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{ns}{entry.name}", route, entry


def url_patterns(resolver: URLResolver) -> Iterator[tuple[str, str]]:
    """(qualified name, route) of every named pattern in the URLconf."""
    for name, route, _pattern in _flat(resolver):
        yield name, route


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    response = HttpResponse(status=403)
    response[FAILURE_HEADER] = reason
    return response


@dataclass(frozen=True)
class Case:
    name: str
    role: str | None  # attribute of ``world``; None: anonymous
    url: Callable[[Any], str]
    page: Callable[[Any], str]  # where the form is; its GET sets the cookie and prints the token
    ok: int
    data: Callable[[Any], dict[str, Any]] = field(default=lambda w: {})
    htmx: bool = False  # sends the token in the header base.html's hx-headers sets


def _r(name: str, *args: Callable[[Any], Any]) -> Callable[[Any], str]:
    return lambda w: reverse(name, args=[arg(w) for arg in args])


def _reset_url(w: Any) -> str:
    """The set-password page the emailed link leads to (Django moves the token into the session)."""
    uid = urlsafe_base64_encode(force_bytes(w.learner.pk))
    return reverse(
        "password_reset_confirm", args=[uid, default_token_generator.make_token(w.learner)]
    )


HOME = _r("home")
Q0 = lambda w: w.questions[0].pk  # noqa: E731
ATTEMPT = lambda w: w.open_attempt.pk  # noqa: E731
FINISHED = lambda w: w.finished.pk  # noqa: E731
DRAFT = lambda w: w.draft.pk  # noqa: E731
SUBMITTED = lambda w: w.submitted.pk  # noqa: E731
PREVIEWED = lambda w: w.previewed.pk  # noqa: E731
CONFIRMED = lambda w: w.confirmed.pk  # noqa: E731
NEW_QUESTION = {"title": "什么是温度？", "body_markdown": "采样的温度。", "difficulty": "easy"}

CASES = [
    # Imports and new questions.
    Case(
        "questions:imports",
        "editor",
        _r("questions:imports"),
        _r("questions:imports"),
        302,
        lambda w: {"text": "## 1. 什么是温度？\n\n采样的温度。", "name": "csrf.md"},
    ),
    Case(
        "questions:import-confirm",
        "editor",
        _r("questions:import-confirm", PREVIEWED),
        _r("questions:import", PREVIEWED),
        302,
        lambda w: {"form-TOTAL_FORMS": 0, "form-INITIAL_FORMS": 0},
    ),
    Case(
        "questions:import-fetch-images",
        "editor",
        _r("questions:import-fetch-images", PREVIEWED),
        _r("questions:import", PREVIEWED),
        302,
    ),
    Case(
        "questions:import-publish",
        "reviewer",
        _r("questions:import-publish", CONFIRMED),
        _r("questions:import", CONFIRMED),
        302,
    ),
    Case(
        "questions:question-new",
        "editor",
        _r("questions:question-new"),
        _r("questions:question-new"),
        302,
        lambda w: NEW_QUESTION,
    ),
    Case(
        "questions:question-new-preview",
        "editor",
        _r("questions:question-new-preview"),
        _r("questions:question-new"),
        200,
        lambda w: NEW_QUESTION,
        htmx=True,
    ),
    Case(
        "questions:question-new-duplicates",
        "editor",
        _r("questions:question-new-duplicates"),
        _r("questions:question-new"),
        200,
        lambda w: NEW_QUESTION,
        htmx=True,
    ),
    # Accounts.
    Case(
        "signup",
        None,
        _r("signup"),
        _r("signup"),
        302,
        lambda w: {
            "email": "new@example.com",
            "password1": "a long enough passphrase 9",
            "password2": "a long enough passphrase 9",
        },
    ),
    Case(
        "login",
        None,
        _r("login"),
        _r("login"),
        302,
        lambda w: {"username": w.learner.email, "password": "correct horse battery staple"},
    ),
    Case("logout", "learner", _r("logout"), HOME, 302),
    Case(
        "set_time_zone",
        "learner",
        _r("set_time_zone"),
        HOME,
        204,
        lambda w: {"time_zone": "Europe/Berlin"},
    ),
    Case(
        "profile",
        "learner",
        _r("profile"),
        _r("profile"),
        302,
        lambda w: {"display_name": "Owner", "ui_language": "en", "daily_goal": 20},
    ),
    Case(
        "password_change",
        "learner",
        _r("password_change"),
        _r("password_change"),
        302,
        lambda w: {
            "old_password": "correct horse battery staple",
            "new_password1": "another long passphrase 7",
            "new_password2": "another long passphrase 7",
        },
    ),
    Case(
        "two_factor",
        "staff",
        _r("two_factor"),
        _r("two_factor"),
        302,
        lambda w: {"code": current_code(TOTPDevice.objects.get(user=w.staff, confirmed=False))},
    ),
    Case(
        "password_reset",
        None,
        _r("password_reset"),
        _r("password_reset"),
        302,
        lambda w: {"email": w.learner.email},
    ),
    Case(
        "password_reset_confirm",
        None,
        _reset_url,
        _reset_url,
        302,
        lambda w: {
            "new_password1": "another long passphrase 7",
            "new_password2": "another long passphrase 7",
        },
    ),
    Case("set_language", None, _r("set_language"), HOME, 302, lambda w: {"language": "en"}),
    # Questions: learners.
    Case(
        "questions:report",
        "learner",
        _r("questions:report", Q0),
        _r("questions:report", Q0),
        302,
        lambda w: {"reason": "unclear", "comment": "please clarify"},
    ),
    Case(
        "questions:dismiss-notification",
        "learner",
        _r("questions:dismiss-notification", lambda w: w.notification.pk),
        _r("questions:my-reports"),
        302,
    ),
    # Questions: editors and reviewers.
    Case(
        "questions:flag-decline",
        "editor",
        _r("questions:flag-decline", lambda w: w.flag.pk),
        _r("questions:editor-queue"),
        302,
        lambda w: {"reason": "It is right."},
    ),
    Case(
        "questions:flag-needs-revision",
        "editor",
        _r("questions:flag-needs-revision", lambda w: w.flag.pk),
        _r("questions:editor-queue"),
        302,
    ),
    Case(
        "questions:start-draft",
        "editor",
        _r("questions:start-draft", Q0),
        _r("questions:editor-queue"),
        302,
    ),
    Case(
        "questions:merge",
        "editor",
        _r("questions:merge", Q0),
        _r("questions:editor-queue"),
        302,
        lambda w: {"kept": w.questions[1].pk},
    ),
    Case(
        "questions:rollback",
        "reviewer",
        _r("questions:rollback", Q0),
        _r("questions:history", Q0),
        302,
        lambda w: {"number": 1, "summary": "back"},
    ),
    Case(
        "questions:draft",
        "editor",
        _r("questions:draft", DRAFT),
        _r("questions:draft", DRAFT),
        302,
        lambda w: {
            "title": w.draft.title,
            "body_markdown": "new body",
            "tags": w.draft.tag_slugs,
            "difficulty": w.draft.difficulty,
            "version": w.draft.version,
        },
    ),
    Case(
        "questions:draft-preview",
        "editor",
        _r("questions:draft-preview", DRAFT),
        _r("questions:draft", DRAFT),
        200,
        lambda w: {"title": "t", "body_markdown": "b"},
        htmx=True,
    ),
    Case(
        "questions:draft-submit",
        "editor",
        _r("questions:draft-submit", DRAFT),
        _r("questions:draft", DRAFT),
        302,
        lambda w: {"version": w.draft.version, "summary": "s"},
    ),
    Case(
        "questions:draft-approve",
        "reviewer",
        _r("questions:draft-approve", SUBMITTED),
        _r("questions:draft", SUBMITTED),
        302,
    ),
    Case(
        "questions:draft-withdraw",
        "editor",
        _r("questions:draft-withdraw", SUBMITTED),
        _r("questions:draft", SUBMITTED),
        302,
    ),
    Case(
        "questions:draft-reassign",
        "staff",
        _r("questions:draft-reassign", SUBMITTED),
        _r("questions:draft", SUBMITTED),
        302,
        lambda w: {"editor": w.editor.pk},
    ),
    Case(
        "questions:draft-request-changes",
        "reviewer",
        _r("questions:draft-request-changes", SUBMITTED),
        _r("questions:draft", SUBMITTED),
        302,
        lambda w: {"comment": "more"},
    ),
    Case(
        "questions:candidate-decide",
        "editor",
        _r("questions:candidate-decide", lambda w: w.candidate.pk),
        _r("questions:editor-candidates"),
        302,
        lambda w: {"decision": "dismiss"},
    ),
    Case(
        "questions:editor-series-edit",
        "editor",
        _r("questions:editor-series-edit", lambda w: w.questions[0].pk),
        _r("questions:editor-series", lambda w: w.questions[0].pk),
        302,
        lambda w: {"other": w.questions[1].pk, "action": "link"},
    ),
    # Practice.
    Case("practice:deck", "learner", _r("practice:deck"), _r("practice:home"), 302),
    Case(
        "practice:review",
        "learner",
        _r("practice:review"),
        _r("practice:session"),
        302,
        lambda w: {"question": w.questions[0].pk, "rating": 3, "attempt": "my answer"},
    ),
    Case("practice:undo", "learner", _r("practice:undo"), _r("practice:session"), 302),
    Case(
        "practice:plan-topics", "learner", _r("practice:plan-topics"), _r("practice:dashboard"), 302
    ),
    Case(
        "practice:bookmark",
        "learner",
        _r("practice:bookmark", Q0),
        _r("questions:detail", Q0),
        302,
    ),
    Case(
        "practice:note",
        "learner",
        _r("practice:note", Q0),
        _r("questions:detail", Q0),
        302,
        lambda w: {"text": "a note"},
    ),
    Case(
        "practice:check",
        "learner",
        _r("practice:check", Q0),
        _r("practice:session"),
        200,
        lambda w: {"attempt": "my answer"},
        htmx=True,
    ),
    Case(
        "practice:contest",
        "learner",
        _r("practice:contest", Q0),
        _r("practice:session"),
        200,
        lambda w: {"attempt": "my answer", "score": 2},
        htmx=True,
    ),
    # Mock interviews.
    Case(
        "interviews:contest",
        "learner",
        lambda w: reverse("interviews:contest", args=[w.finished.pk, w.finished_question_id]),
        _r("interviews:review", FINISHED),
        302,
        lambda w: {f"contest-score-{w.finished_question_id}": 2},
    ),
    Case(
        "interviews:practice-missed",
        "learner",
        _r("interviews:practice-missed"),
        _r("interviews:report", FINISHED),
        302,
    ),
    Case(
        "interviews:start",
        "learner",
        _r("interviews:start"),
        _r("interviews:index"),
        302,
        lambda w: {"count": 2, "minutes": 10, "layout": "one"},
    ),
    Case(
        "interviews:save",
        "learner",
        _r("interviews:save", ATTEMPT),
        _r("interviews:attempt", ATTEMPT),
        302,
        lambda w: {"shown": w.answered_question_id, f"text-{w.answered_question_id}": "x"},
    ),
    Case(
        "interviews:layout",
        "learner",
        _r("interviews:layout", ATTEMPT),
        _r("interviews:attempt", ATTEMPT),
        302,
        lambda w: {"layout": "all"},
    ),
    Case(
        "interviews:submit",
        "learner",
        _r("interviews:submit", ATTEMPT),
        _r("interviews:attempt", ATTEMPT),
        302,
    ),
    Case(
        "interviews:review",
        "learner",
        _r("interviews:review", FINISHED),
        _r("interviews:review", FINISHED),
        302,
    ),
    Case(
        "interviews:practice",
        "learner",
        _r("interviews:practice", FINISHED),
        _r("interviews:report", FINISHED),
        302,
    ),
    Case(
        "interviews:template-new",
        "editor",
        _r("interviews:template-new"),
        _r("interviews:template-new"),
        302,
        lambda w: {
            "name": "T",
            "slug": "t-sec",
            "duration_minutes": 10,
            "question_count": 2,
            "difficulty_mix": "{}",
        },
    ),
    Case(
        "interviews:template-edit",
        "editor",
        _r("interviews:template-edit", lambda w: w.template.pk),
        _r("interviews:template-edit", lambda w: w.template.pk),
        302,
        lambda w: {
            "name": "T2",
            "slug": w.template.slug,
            "duration_minutes": 10,
            "question_count": 2,
            "difficulty_mix": "{}",
        },
    ),
]

# Pages that only read: POSTing to them is refused with 405 before anything happens, which
# test_read_only_pages_refuse_post checks, so nothing state-changing hides in this list.
READ_ONLY = {
    "home",
    "health",
    "favicon",
    "password_change_done",
    "password_reset_done",
    "password_reset_complete",
    "questions:list",
    "questions:detail",
    "questions:history",
    "questions:my-reports",
    "questions:editor-queue",
    "questions:drafts",
    "questions:editor-candidates",
    "questions:editor-series",
    "questions:editor-freshness",
    "questions:editor-audit",
    "questions:import",
    "questions:editor-disputes",
    "practice:home",
    "practice:session",
    "practice:dashboard",
    "practice:bookmarks",
    "practice:export",
    "interviews:index",
    "interviews:history",
    "interviews:templates",
    "interviews:attempt",
    "interviews:clock",
    "interviews:report",
    "figure",
}

# Exempt from this test, with the reason.
ALLOWLIST = {
    # Django's admin decorates every view with csrf_protect itself; Django tests it.
    "admin:",
    # The JSON API: DRF views are csrf_exempt as Django views and DRF re-applies the CSRF
    # check for session-authenticated requests only; token-authenticated ones carry no
    # ambient credential. test_api_session_writes_need_csrf and
    # test_api_authentication_is_token_or_session cover every API view.
    "api-",
    "api:",
    "interviews-api:",
    "practice-api:",
    "schema",
}


def _allowlisted(name: str) -> bool:
    return any(name == entry or name.startswith(entry) for entry in ALLOWLIST)


@pytest.fixture
def csrf_world(world, settings):
    settings.CSRF_FAILURE_VIEW = "tests.security.test_csrf.csrf_failure"
    return world


def _prepare(case: Case, world: Any) -> tuple[Client, str, dict[str, Any], str]:
    user = getattr(world, case.role) if case.role else None
    client = client_for(user, enforce_csrf_checks=True)
    page = client.get(case.page(world), follow=True)
    assert page.status_code == 200, (case.page(world), page.status_code)
    html = page.content.decode()
    found = (TOKEN_HEADER if case.htmx else TOKEN_FIELD).search(html)
    assert found, f"{case.page(world)} prints no CSRF token"
    # A form posting to its own page posts to where the page ended up (the reset link
    # redirects to its set-password address).
    final = page.redirect_chain[-1][0] if page.redirect_chain else case.page(world)
    url = final if case.url(world) == case.page(world) else case.url(world)
    return client, url, case.data(world), found.group(1)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_post_without_token_is_refused(csrf_world, case):
    client, url, data, _token = _prepare(case, csrf_world)
    response = client.post(url, data, headers={"hx-request": "true"} if case.htmx else {})
    assert response.status_code == 403
    assert response[FAILURE_HEADER].startswith("CSRF token")


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_post_with_token_from_the_page_succeeds(csrf_world, case):
    client, url, data, token = _prepare(case, csrf_world)
    if case.htmx:
        response = client.post(url, data, headers={"hx-request": "true", "x-csrftoken": token})
    else:
        response = client.post(url, {**data, "csrfmiddlewaretoken": token})
    assert FAILURE_HEADER not in response
    assert response.status_code == case.ok, response.content[:2000]


@pytest.mark.parametrize("name", sorted(READ_ONLY))
def test_read_only_pages_refuse_post(world, name):
    args = {
        "questions:detail": [world.questions[0].pk],
        "questions:history": [world.questions[0].pk],
        "questions:import": [world.previewed.pk],
        "questions:editor-series": [world.questions[0].pk],
        "interviews:attempt": [world.open_attempt.pk],
        "interviews:clock": [world.open_attempt.pk],
        "interviews:report": [world.finished.pk],
        "figure": ["x.png"],
    }.get(name)
    response = client_for(world.staff).post(reverse(name, args=args))
    assert response.status_code == 405


def test_every_endpoint_is_classified():
    names = {name for name, _route in url_patterns(get_resolver())}
    covered = {case.name for case in CASES} | READ_ONLY
    assert {name for name in names if not _allowlisted(name)} - covered == set()


def test_api_authentication_is_token_or_session():
    """Session authentication is DRF's CSRF-enforcing class; nothing else may read cookies."""
    api = {
        name: pattern.callback.cls  # type: ignore[attr-defined]
        for name, _route, pattern in _flat(get_resolver())
        if hasattr(pattern.callback, "cls") and issubclass(pattern.callback.cls, APIView)
    }
    assert len(api) > 20
    for name, cls in api.items():
        classes = set(cls.authentication_classes)
        if name == "api-token":
            # Credentials in the body, no cookie read: nothing for a forged request to ride on.
            assert classes == set()
        else:
            assert classes == {ExpiringTokenAuthentication, SessionAuthentication}, name


API_WRITES = [
    ("put", "practice-api:note", Q0, {"text": "by session"}, 200, "learner"),
    ("post", "practice-api:bookmark-list", None, {"question": 0}, 201, "learner"),
    ("post", "interviews-api:start", None, {"count": 2, "minutes": 10}, 201, "learner"),
    ("post", "api-logout", None, {}, 204, "learner"),
    ("patch", "api-me", None, {"display_name": "Session"}, 200, "learner"),
    ("post", "api:question-flags", Q0, {"reason": "unclear", "comment": "c"}, 201, "learner"),
    ("post", "api:question-revisions", Q0, {"title": "T", "body_markdown": "B"}, 201, "editor"),
]


@pytest.mark.parametrize("with_token", [False, True], ids=["without-token", "with-token"])
@pytest.mark.parametrize("write", API_WRITES, ids=lambda w: f"{w[0]}-{w[1]}")
def test_api_session_writes_need_csrf(csrf_world, write, with_token):
    method, name, arg, data, ok, role = write
    if name == "practice-api:bookmark-list":
        data = {"question": csrf_world.questions[2].pk}
    client = client_for(getattr(csrf_world, role), enforce_csrf_checks=True)
    token = TOKEN_HEADER.search(client.get(reverse("home")).content.decode())
    assert token
    headers = {"x-csrftoken": token.group(1)} if with_token else {}
    url = reverse(name, args=[arg(csrf_world)] if arg else None)
    response = getattr(client, method)(url, data, content_type="application/json", headers=headers)
    if with_token:
        assert response.status_code == ok, response.content[:500]
    else:
        assert response.status_code == 403
        assert "CSRF" in response.json()["detail"]
