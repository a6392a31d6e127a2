"""Hostile bodies never make a server error (issue 20.2): JSON bounded in size and depth,
whole numbers bounded in forms, API bodies and URLs."""

import json
from typing import Any

import pytest
from django.contrib.auth.models import Group
from drf_spectacular.generators import SchemaGenerator

from interviews import services
from interviews.models import FollowUp
from questions.editorial import drafts
from questions.models import EditorialFlag, Question, Tag
from tests.factories import FlagFactory, UserFactory

pytestmark = pytest.mark.django_db

DEEP_LIST = "[" * 10_000 + "]" * 10_000
DEEP_OBJECT = '{"a":' * 10_000 + "1" + "}" * 10_000
HUGE = 10**30
#: Values put in every field of an operation's body at once.
HOSTILE_VALUES: list[Any] = [
    HUGE,
    -HUGE,
    2**63,
    2**31,
    -1,
    1.5e308,
    "x" * 100_000,
    "\x00\u202e\u200b",
    None,
    True,
    [],
    {"$gt": ""},
    [[[[[[[[[[1]]]]]]]]]],
]
#: Whole bodies, sent as they are.
RAW_BODIES = [DEEP_LIST, DEEP_OBJECT, "1" * 5_000, "[1,", "NaN", '"\\ud800"', "\xff"]


@pytest.fixture
def world():
    """A signed-in editor and reviewer with one of everything an id in a URL can name."""
    user = UserFactory(email="hostile@example.com")
    for role in ("editor", "reviewer"):
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    attempt = services.start_attempt(
        user=user, criteria=services.Criteria(count=2, minutes=10, tag_slugs=(), difficulty_mix={})
    )
    question = attempt.slots.first().question
    draft = drafts.start_draft(
        question=Question.objects.filter(duplicate_of=None).first(), editor=user
    )
    flag = FlagFactory(question=question, reporter=UserFactory())
    follow_up = FollowUp.objects.create(
        attempt=attempt, parent=attempt.slots.first(), authored_id="fu1", prompt="追问：为什么？"
    )
    return {
        "follow_up_id": follow_up.pk,
        "user": user,
        "interviews": attempt.pk,
        "question_id": question.pk,
        "questions": question.pk,
        "flags": flag.pk,
        "revisions": draft.pk,
        "bookmarks": question.pk,
        "slug": Tag.objects.first().slug,
    }


def _operations(world) -> list[tuple[str, str, list[str]]]:
    """Every write of the API schema: method, concrete path, names of its body's fields."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    found = []
    for template, operations in schema["paths"].items():
        path = template
        for part in template.strip("/").split("/"):
            if part == "{id}":
                noun = template.split("/")[2]
                path = path.replace("{id}", str(world[noun if noun in world else "questions"]))
            elif part.startswith("{"):
                path = path.replace(part, str(world[part.strip("{}")]))
        for method, operation in operations.items():
            if method not in {"post", "put", "patch"}:
                continue
            content = operation.get("requestBody", {}).get("content", {})
            ref = content.get("application/json", {}).get("schema", {}).get("$ref", "")
            fields = list(components.get(ref.rsplit("/", 1)[-1], {}).get("properties", {}))
            found.append((method, path, fields))
    return found


def _send(client, method: str, path: str, body: str) -> int:
    response = getattr(client, method)(path, body, content_type="application/json")
    return response.status_code


def test_deep_json_is_refused_without_signing_in(client):
    for body in (DEEP_LIST, DEEP_OBJECT):
        response = client.post("/api/auth/token/", body, content_type="application/json")
        assert response.status_code == 400
        assert response.json()["detail"]


def test_no_endpoint_answers_5xx_to_hostile_bodies(client, world):
    client.force_login(world["user"])
    operations = _operations(world)
    assert len(operations) >= 15  # the walk found the API
    failures = []
    for method, path, fields in operations:
        bodies = list(RAW_BODIES)
        bodies += [json.dumps(dict.fromkeys(fields, value)) for value in HOSTILE_VALUES]
        bodies += [json.dumps(value) for value in HOSTILE_VALUES]
        for body in bodies:
            status = _send(client, method, path, body)
            if status >= 500:
                failures.append((method, path, body[:60], status))
    assert failures == []


def test_huge_numbers_in_urls_are_not_found(client, world):
    client.force_login(world["user"])
    for path in (
        f"/api/interviews/{world['interviews']}/answers/{HUGE}/",
        f"/api/interviews/{HUGE}/answers/{world['question_id']}/",
        f"/api/interviews/{2**63}/",
        f"/interviews/{HUGE}/",
    ):
        assert client.get(path).status_code == 404, path
    response = client.put(
        f"/api/interviews/{world['interviews']}/answers/{2**63 - 1}/",
        {"text": "x"},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_huge_numbers_in_the_interview_form_are_refused(client, world):
    client.force_login(world["user"])
    qid = world["question_id"]
    url = f"/interviews/{world['interviews']}/save/"
    for field, value in (
        (f"saves-{qid}", HUGE),
        (f"seconds-{qid}", HUGE),
        ("goto", HUGE),
        ("shown", HUGE),
    ):
        data = {"shown": [qid], f"text-{qid}": "answer", field: value}
        response = client.post(url, data)
        assert response.status_code < 500, field
    api = client.put(
        f"/api/interviews/{world['interviews']}/answers/{qid}/",
        {"text": "x", "base_saves": HUGE},
        content_type="application/json",
    )
    assert api.status_code == 400
    assert "base_saves" in api.json()
    assert EditorialFlag.objects.filter(reporter=world["user"]).count() == 0
