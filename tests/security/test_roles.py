"""Every editor, reviewer and staff page and endpoint, for everyone who must not use it.

One table, three requests from the same set-up: the role gets its success code (so URL and
payload are right), a signed-in learner (and, for reviewer- or staff-only actions, an editor)
gets 403, anonymous gets the login page (HTML) or 401 (API). The URLconf is enumerated, so a
new editorial route fails ``test_every_editorial_route_is_covered`` until it is added here.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import get_resolver, reverse

from .conftest import client_for
from .test_csrf import url_patterns


@dataclass(frozen=True)
class Case:
    method: str
    name: str
    args: Callable[[Any], list[int]]
    role: str  # attribute of ``world`` who may
    ok: int
    data: Callable[[Any], dict[str, Any]] = field(default=lambda w: {})
    denied: tuple[str, ...] = ("learner",)
    api: bool = False


NONE: Callable[[Any], list[int]] = lambda w: []  # noqa: E731
FLAG = lambda w: [w.flag.pk]  # noqa: E731
Q0 = lambda w: [w.questions[0].pk]  # noqa: E731
DRAFT = lambda w: [w.draft.pk]  # noqa: E731
SUBMITTED = lambda w: [w.submitted.pk]  # noqa: E731
TEMPLATE = lambda w: [w.template.pk]  # noqa: E731
PREVIEWED = lambda w: [w.previewed.pk]  # noqa: E731
CONFIRMED = lambda w: [w.confirmed.pk]  # noqa: E731
NEW_QUESTION = {"title": "什么是温度？", "body_markdown": "采样的温度。", "difficulty": "easy"}
PASTED = {"text": "## 1. 什么是温度？\n\n采样的温度。", "name": "roles.md"}
NOT_EDITORS = ("learner", "editor")  # reviewer-only; the world's reviewer is no editor
STAFF_ONLY = ("learner", "editor", "reviewer")
TEMPLATE_FORM = {
    "name": "T",
    "slug": "t-roles",
    "duration_minutes": 10,
    "question_count": 2,
    "difficulty_mix": "{}",
}

CASES = [
    Case("get", "questions:editor-queue", NONE, "editor", 200),
    Case("post", "questions:flag-decline", FLAG, "editor", 302, lambda w: {"reason": "ok"}),
    Case("post", "questions:flag-needs-revision", FLAG, "editor", 302),
    Case("post", "questions:start-draft", Q0, "editor", 302),
    Case("post", "questions:merge", Q0, "editor", 302, lambda w: {"kept": w.questions[1].pk}),
    Case(
        "post",
        "questions:rollback",
        Q0,
        "reviewer",
        302,
        lambda w: {"number": 1},
        NOT_EDITORS,
    ),
    Case("get", "questions:drafts", NONE, "editor", 200),
    Case("get", "questions:draft", DRAFT, "editor", 200),
    Case(
        "post",
        "questions:draft",
        DRAFT,
        "editor",
        302,
        lambda w: {
            "title": w.draft.title,
            "body_markdown": "new",
            "tags": w.draft.tag_slugs,
            "difficulty": w.draft.difficulty,
            "version": w.draft.version,
        },
        # A reviewer may read a draft but not write it.
        ("learner", "reviewer"),
    ),
    Case("post", "questions:draft-preview", DRAFT, "editor", 200, lambda w: {"title": "t"}),
    Case(
        "post",
        "questions:draft-submit",
        DRAFT,
        "editor",
        302,
        lambda w: {"version": w.draft.version, "summary": "s"},
    ),
    Case("post", "questions:draft-approve", SUBMITTED, "reviewer", 302, denied=NOT_EDITORS),
    # The world's submitted draft was started and submitted by its editor.
    Case(
        "post", "questions:draft-withdraw", SUBMITTED, "editor", 302, denied=("learner", "reviewer")
    ),
    Case(
        "post",
        "questions:draft-reassign",
        SUBMITTED,
        "staff",
        302,
        lambda w: {"editor": w.editor.pk},
        STAFF_ONLY,
    ),
    Case(
        "post",
        "questions:draft-request-changes",
        SUBMITTED,
        "reviewer",
        302,
        lambda w: {"comment": "c"},
        NOT_EDITORS,
    ),
    Case("get", "questions:editor-candidates", NONE, "editor", 200),
    Case(
        "post",
        "questions:candidate-decide",
        lambda w: [w.candidate.pk],
        "editor",
        302,
        lambda w: {"decision": "dismiss"},
    ),
    Case("get", "questions:editor-series", Q0, "editor", 200),
    Case(
        "post",
        "questions:editor-series-edit",
        Q0,
        "editor",
        302,
        lambda w: {"other": w.questions[1].pk, "action": "link"},
    ),
    Case("get", "questions:editor-freshness", NONE, "editor", 200),
    Case("get", "questions:editor-disputes", NONE, "editor", 200),
    Case("get", "questions:editor-audit", NONE, "staff", 200, denied=STAFF_ONLY),
    Case("get", "questions:imports", NONE, "editor", 200),
    Case("post", "questions:imports", NONE, "editor", 302, lambda w: PASTED),
    Case("get", "questions:import", PREVIEWED, "editor", 200),
    Case(
        "post",
        "questions:import-confirm",
        PREVIEWED,
        "editor",
        302,
        lambda w: {"form-TOTAL_FORMS": 0, "form-INITIAL_FORMS": 0},
    ),
    Case("post", "questions:import-publish", CONFIRMED, "reviewer", 302, denied=NOT_EDITORS),
    Case(
        "post",
        "questions:import-fetch-images",
        PREVIEWED,
        "editor",
        302,
        denied=("learner", "reviewer"),
    ),
    Case("get", "questions:question-new", NONE, "editor", 200),
    Case("post", "questions:question-new", NONE, "editor", 302, lambda w: NEW_QUESTION),
    Case("post", "questions:question-new-preview", NONE, "editor", 200, lambda w: NEW_QUESTION),
    Case("post", "questions:question-new-duplicates", NONE, "editor", 200, lambda w: NEW_QUESTION),
    Case("get", "interviews:templates", NONE, "editor", 200),
    Case("get", "interviews:template-new", NONE, "editor", 200),
    Case("post", "interviews:template-new", NONE, "editor", 302, lambda w: TEMPLATE_FORM),
    Case("get", "interviews:template-edit", TEMPLATE, "editor", 200),
    Case(
        "post",
        "interviews:template-edit",
        TEMPLATE,
        "editor",
        302,
        lambda w: {**TEMPLATE_FORM, "slug": w.template.slug},
    ),
    # Editorial API.
    Case("get", "api:editorial-flag-list", NONE, "editor", 200, api=True),
    Case("get", "api:editorial-flag-detail", FLAG, "editor", 200, api=True),
    Case(
        "post",
        "api:editorial-flag-decline",
        FLAG,
        "editor",
        200,
        lambda w: {"reason": "ok"},
        api=True,
    ),
    Case("post", "api:editorial-flag-needs-revision", FLAG, "editor", 200, api=True),
    Case(
        "post",
        "api:question-revisions",
        Q0,
        "editor",
        201,
        lambda w: {"title": "T", "body_markdown": "B"},
        api=True,
    ),
    Case("get", "api:revision-list", NONE, "editor", 200, api=True),
    Case("get", "api:revision-detail", DRAFT, "editor", 200, api=True),
    Case(
        "post",
        "api:revision-submit",
        DRAFT,
        "editor",
        200,
        lambda w: {"version": w.draft.version, "summary": "s"},
        api=True,
    ),
    Case("get", "api:editorial-import-list", NONE, "editor", 200, api=True),
    Case("post", "api:editorial-import-list", NONE, "editor", 201, lambda w: PASTED, api=True),
    Case("get", "api:editorial-import-detail", PREVIEWED, "editor", 200, api=True),
    Case("post", "api:editorial-import-confirm", PREVIEWED, "editor", 200, api=True),
    Case(
        "post",
        "api:editorial-import-fetch-images",
        PREVIEWED,
        "editor",
        200,
        denied=("learner", "reviewer"),
        api=True,
    ),
    Case(
        "post",
        "api:editorial-import-publish",
        CONFIRMED,
        "reviewer",
        200,
        denied=NOT_EDITORS,
        api=True,
    ),
    Case(
        "post", "api:editorial-question-new", NONE, "editor", 201, lambda w: NEW_QUESTION, api=True
    ),
    Case(
        "get",
        "api:editorial-question-duplicates",
        NONE,
        "editor",
        200,
        lambda w: {"title": "温度"},
        api=True,
    ),
    Case("post", "api:revision-approve", SUBMITTED, "reviewer", 200, denied=NOT_EDITORS, api=True),
    Case(
        "post",
        "api:revision-withdraw",
        SUBMITTED,
        "editor",
        200,
        denied=("learner", "reviewer"),
        api=True,
    ),
    Case(
        "post",
        "api:revision-request-changes",
        SUBMITTED,
        "reviewer",
        200,
        lambda w: {"comment": "c"},
        NOT_EDITORS,
        api=True,
    ),
]


def _request(case: Case, world: Any, user: Any) -> Any:
    client = client_for(user)
    url = reverse(case.name, args=case.args(world))
    if case.api:
        body = json.dumps(case.data(world)) if case.method == "post" else None
        return getattr(client, case.method)(url, body, content_type="application/json")
    return getattr(client, case.method)(url, case.data(world))


def _id(case: Case) -> str:
    return f"{case.method}-{case.name}"


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_role_may(world, case):
    response = _request(case, world, getattr(world, case.role))
    assert response.status_code == case.ok, response.content[:500]


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_others_get_403(world, case):
    for who in case.denied:
        assert _request(case, world, getattr(world, who)).status_code == 403, who


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_anonymous_must_sign_in(world, case):
    response = _request(case, world, None)
    if case.api:
        assert response.status_code == 401
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")


def _editorial(name: str, route: str) -> bool:
    return (
        route.startswith(("questions/editor/", "interviews/templates/"))
        or route.startswith(("api/^editorial/", "api/^revisions/"))
        or route.startswith("api/editorial/")
        or name == "api:question-revisions"
    )


def test_every_editorial_route_is_covered():
    routes = {name for name, route in url_patterns(get_resolver()) if _editorial(name, route)}
    assert len(routes) > 25
    assert routes - {case.name for case in CASES} == set()
