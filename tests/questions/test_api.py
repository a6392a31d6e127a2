"""The REST API and its OpenAPI schema."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from questions.models import Question, Tag
from tests.factories import FlagFactory, QuestionFactory, SourceFactory, TagFactory

pytestmark = pytest.mark.django_db


def test_list_is_paginated_and_filterable(client):
    data = client.get("/api/questions/").json()
    assert data["count"] == Question.objects.visible().count()
    assert len(data["results"]) == 20
    assert data["next"]

    lora = client.get("/api/questions/", {"tag": "lora", "difficulty": "medium"}).json()
    assert lora["count"] == Question.objects.filter(tags__slug="lora", difficulty="medium").count()
    assert all(
        "lora" in item["tags"] and item["difficulty"] == "medium" for item in lora["results"]
    )

    revision = client.get("/api/questions/", {"status": "needs_revision"}).json()
    assert revision["count"] == Question.objects.filter(status="needs_revision").count()


def test_search_parameter(client):
    rope = client.get("/api/questions/", {"search": "RoPE"}).json()
    chinese = client.get("/api/questions/", {"search": "旋转位置编码"}).json()
    assert rope["count"] > 0
    assert rope["results"][0]["id"] == chinese["results"][0]["id"]


def test_detail_has_html_markdown_sources_and_open_flags(client):
    question = Question.objects.get(title__contains="Multi-query Attention")
    data = client.get(f"/api/questions/{question.pk}/").json()
    assert data["body_html"] == question.body_html
    assert data["body_markdown"] == question.body_markdown
    assert data["status"] == "needs_revision"
    assert {s["file_name"] for s in data["sources"]} >= {"001_aa609879d3a6dfb9.txt"}
    assert any(flag["severity"] == "high" for flag in data["open_flags"])
    assert data["version"] == question.live_revision.number


def test_bad_filter_is_a_400_with_the_reason(client):
    response = client.get("/api/questions/", {"difficulty": "impossible"})
    assert response.status_code == 400
    assert "difficulty" in response.json()


def test_tags_with_counts(client):
    data = client.get("/api/tags/").json()
    by_slug = {tag["slug"]: tag for tag in data}
    assert set(by_slug) == set(Tag.objects.values_list("slug", flat=True))
    assert by_slug["rag"]["count"] == Question.objects.visible().filter(tags__slug="rag").count()


def test_read_only_for_anonymous_clients(client):
    question = Question.objects.first()
    assert client.delete(f"/api/questions/{question.pk}/").status_code in {401, 405}
    assert client.post("/api/questions/", {"title": "x"}).status_code in {401, 405}


def test_schema_and_docs(client):
    schema = client.get("/api/schema/", headers={"Accept": "application/vnd.oai.openapi+json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {"/api/questions/", "/api/questions/{id}/", "/api/tags/"} <= set(paths)
    params = {p["name"] for p in paths["/api/questions/"]["get"]["parameters"]}
    assert {"tag", "difficulty", "status", "search", "page"} <= params
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert "cdn." not in docs.content.decode()


def test_schema_documents_the_refusals(client):
    schema = client.get("/api/schema/", headers={"Accept": "application/vnd.oai.openapi+json"})
    document = schema.json()
    revisions = document["paths"]["/api/questions/{id}/revisions/"]["post"]["responses"]
    conflict = revisions["409"]["content"]["application/json"]["schema"]["$ref"]
    conflict_fields = document["components"]["schemas"][conflict.rsplit("/", 1)[-1]]["properties"]
    assert {"detail", "code", "current"} <= set(conflict_fields)
    decline = document["paths"]["/api/editorial/flags/{id}/decline/"]["post"]["responses"]
    refusal = decline["400"]["content"]["application/json"]["schema"]
    assert set(refusal["properties"]) == {"detail", "code"}


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_api_query_counts_do_not_grow_with_rows(client):
    tag = TagFactory()
    question = QuestionFactory()
    question.tags.add(tag)
    SourceFactory(question=question)
    FlagFactory(question=question)
    list_url, detail_url = f"/api/questions/?tag={tag.slug}", f"/api/questions/{question.pk}/"
    one = (_queries(client, list_url), _queries(client, detail_url))
    for _ in range(49):
        other = QuestionFactory()
        other.tags.add(tag, TagFactory())
        question.tags.add(TagFactory())
        SourceFactory(question=question)
        FlagFactory(question=question)
    assert client.get(list_url).json()["count"] == 50
    assert (_queries(client, list_url), _queries(client, detail_url)) == one


def test_unknown_api_address_is_a_json_404_and_a_page_404_elsewhere(client):
    for address in ("/api/questions/1.5/", "/api/no-such-endpoint/"):
        api = client.get(address)
        assert api.status_code == 404
        assert api["Content-Type"] == "application/json"
        assert api.json()["detail"] == "未找到。"
    page = client.get("/questions/nowhere/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")
