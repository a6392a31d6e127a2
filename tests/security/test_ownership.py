"""Another learner's objects are a 404 through every page and API endpoint taking their id.

Each case is requested twice with the same set-up: as the owner (it works, so the URL and
the payload are right) and as another signed-in learner (404, as if it did not exist).
Editorial drafts are not owned: every editor works on the same draft by design, so they
are covered by test_roles.py (learners get 403/404), not here.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import reverse

from .conftest import client_for


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    args: Callable[[Any], list[int]]
    ok: int
    data: Callable[[Any], dict[str, Any]] = field(default=lambda w: {})
    api: bool = False


CASES = [
    # Mock interviews (HTML).
    Case("interviews:attempt", "get", lambda w: [w.open_attempt.pk], 200),
    Case(
        "interviews:save",
        "post",
        lambda w: [w.open_attempt.pk],
        302,
        lambda w: {"shown": w.answered_question_id, f"text-{w.answered_question_id}": "x"},
    ),
    Case("interviews:clock", "get", lambda w: [w.open_attempt.pk], 200),
    Case(
        "interviews:layout", "post", lambda w: [w.open_attempt.pk], 302, lambda w: {"layout": "all"}
    ),
    Case("interviews:submit", "post", lambda w: [w.open_attempt.pk], 302),
    Case("interviews:review", "get", lambda w: [w.finished.pk], 200),
    Case("interviews:review", "post", lambda w: [w.finished.pk], 302),
    Case("interviews:report", "get", lambda w: [w.finished.pk], 200),
    Case("interviews:practice", "post", lambda w: [w.finished.pk], 302),
    Case(
        "interviews:contest",
        "post",
        lambda w: [w.finished.pk, w.finished_question_id],
        302,
        lambda w: {f"contest-score-{w.finished_question_id}": "2"},
    ),
    # Mock interviews (API).
    Case("interviews-api:detail", "get", lambda w: [w.open_attempt.pk], 200, api=True),
    Case(
        "interviews-api:answer",
        "put",
        lambda w: [w.open_attempt.pk, w.answered_question_id],
        200,
        lambda w: {"text": "x"},
        api=True,
    ),
    Case(
        "interviews-api:ask-follow-ups",
        "post",
        lambda w: [w.open_attempt.pk],
        200,
        lambda w: {"questions": [w.answered_question_id]},
        api=True,
    ),
    Case(
        "interviews-api:follow-up",
        "put",
        lambda w: [w.open_attempt.pk, w.follow_up.pk],
        200,
        lambda w: {"text": "因为……"},
        api=True,
    ),
    Case("interviews-api:submit", "post", lambda w: [w.open_attempt.pk], 200, api=True),
    Case(
        "interviews-api:review",
        "post",
        lambda w: [w.finished.pk],
        200,
        lambda w: {"items": [{"question": w.finished.slots.first().question_id, "score": 2}]},
        api=True,
    ),
    Case("interviews-api:report", "get", lambda w: [w.finished.pk], 200, api=True),
    # Practice: bookmarks by their id, notes by their question's id.
    Case("practice-api:bookmark-detail", "get", lambda w: [w.bookmark.pk], 200, api=True),
    Case("practice-api:bookmark-detail", "delete", lambda w: [w.bookmark.pk], 204, api=True),
    Case("practice-api:note", "get", lambda w: [w.note.question_id], 200, api=True),
    Case("practice-api:note", "delete", lambda w: [w.note.question_id], 204, api=True),
    # Editorial notices.
    Case("questions:dismiss-notification", "post", lambda w: [w.notification.pk], 302),
]


def _request(case: Case, world, user):
    client = client_for(user)
    url = reverse(case.name, args=case.args(world))
    data = case.data(world)
    if case.api and case.method in ("get", "delete"):
        return getattr(client, case.method)(url)
    if case.api:
        return getattr(client, case.method)(url, json.dumps(data), content_type="application/json")
    return getattr(client, case.method)(url, data)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.method}-{c.name}")
def test_owner_reaches_own_object(world, case):
    assert _request(case, world, world.learner).status_code == case.ok


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.method}-{c.name}")
def test_another_learner_gets_404(world, case):
    response = _request(case, world, world.other)
    assert response.status_code == 404
    assert b"owner's report" not in response.content


def test_every_owned_id_route_is_covered():
    """A new URL taking an interview's id must be added above (or the test says which)."""
    from django.urls import get_resolver

    from .test_csrf import url_patterns

    owned_prefixes = ("interviews:", "interviews-api:", "practice-api:bookmark-detail")
    names = {
        name
        for name, pattern in url_patterns(get_resolver())
        if name.startswith(owned_prefixes) and "<" in pattern and "template" not in name
    }
    assert names - {case.name for case in CASES} == set()


def test_nothing_of_the_owner_is_listed_for_another_learner(world):
    """List pages and list endpoints show only the signed-in learner's own objects."""
    pages = [
        reverse("questions:my-reports"),
        reverse("practice:bookmarks"),
        reverse("interviews:history"),
        reverse("interviews:index"),
        reverse("practice-api:notes"),
        reverse("practice-api:bookmark-list"),
    ]
    owner, other = client_for(world.learner), client_for(world.other)
    markers = ["owner&#x27;s report", "my private note", f"/interviews/{world.finished.pk}/"]
    owner_seen = " ".join(owner.get(url).content.decode() for url in pages)
    other_seen = " ".join(other.get(url).content.decode() for url in pages)
    for marker in markers:
        assert marker in owner_seen
        assert marker not in other_seen
    assert owner.get(reverse("practice-api:bookmark-list")).json()["count"] == 1
    assert other.get(reverse("practice-api:bookmark-list")).json()["count"] == 0
