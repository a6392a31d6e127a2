"""The question list and question page, through Django's test client (real HTTP stack)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from questions.models import Question, Tag
from tests.factories import FlagFactory, QuestionFactory, SourceFactory, TagFactory

pytestmark = pytest.mark.django_db
LIST = reverse("questions:list")


def count_queries(client, url: str, **headers) -> int:
    """SQL queries of one request, with the list page's sidebar not cached yet."""
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_list_shows_the_bank_with_tag_counts(client):
    response = client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html
    total = Question.objects.visible().count()
    assert f"{total} " in html
    kv = Tag.objects.with_counts().get(slug="kv-cache-inference")
    assert kv.count > 0
    assert f'value="kv-cache-inference">{kv.name_zh} ({kv.count})' in html


def test_filter_by_tag_difficulty_and_status(client):
    response = client.get(LIST, {"tag": "lora", "difficulty": "medium"})
    page = response.context["page"]
    assert (
        page.paginator.count
        == Question.objects.visible().filter(tags__slug="lora", difficulty="medium").count()
    )
    assert all(q.difficulty == "medium" for q in page.object_list)

    revision = client.get(LIST, {"status": "needs_revision"}).context["page"]
    assert revision.paginator.count == Question.objects.filter(status="needs_revision").count()


def test_filter_by_source_file(client):
    page = client.get(LIST, {"source": "003_d62a54a02081a50e.txt"}).context["page"]
    assert page.paginator.count == 2
    assert {q.kind for q in page.object_list} == {"note"}


def test_htmx_request_gets_only_the_results_partial(client):
    response = client.get(LIST, {"tag": "rag"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert 'class="question-list"' in html
    assert "HX-Request" in response["Vary"]


def test_pagination_works_without_javascript(client):
    first = client.get(LIST)
    assert 'rel="next"' in first.content.decode()
    second = client.get(LIST, {"page": 2})
    assert second.context["page"].number == 2
    assert set(first.context["page"].object_list).isdisjoint(second.context["page"].object_list)


def test_bad_filter_values_are_reported_not_a_server_error(client):
    response = client.get(LIST, {"difficulty": "impossible", "page": "abc"})
    assert response.status_code == 200
    assert response.context["filter"].errors
    assert response.context["page"].paginator.count == Question.objects.visible().count()


def test_search_from_the_list(client):
    page = client.get(LIST, {"q": "幻觉"}).context["page"]
    titles = [q.title for q in page.object_list]
    assert "什么是大模型幻觉？" in titles
    assert all("幻觉" in q.title or "幻觉" in q.body_markdown for q in page.object_list)


def test_detail_shows_answer_tags_difficulty_and_provenance(client):
    question = Question.objects.get(title__contains="简要介绍一下KV-Cache")
    response = client.get(question.get_absolute_url())
    html = response.content.decode()
    assert question.title in html
    assert question.body_html in html
    assert question.get_difficulty_display() in html
    for tag in question.tags.all():
        assert tag.name_zh in html
    source = question.sources.get(file_name__startswith="001_")
    assert f"001_aa609879d3a6dfb9.txt, lines {source.start_line}-{source.end_line}" in html or (
        f"001_aa609879d3a6dfb9.txt，第 {source.start_line}-{source.end_line} 行" in html
    )


def test_detail_of_wrong_answer_shows_the_revision_notice(client):
    question = Question.objects.get(title__contains="Multi-query Attention")
    html = client.get(question.get_absolute_url()).content.decode()
    assert 'class="notice revision"' in html
    high = question.flags.get(severity="high")
    assert escape(high.problem) in html


def test_detail_without_notice_for_a_sound_answer(client):
    question = Question.objects.filter(status="published", has_answer=True).first()
    html = client.get(question.get_absolute_url()).content.decode()
    assert 'class="notice revision"' not in html


def test_detail_404_and_merged_redirect(client):
    assert client.get(reverse("questions:detail", args=[10**9])).status_code == 404
    kept = QuestionFactory()
    merged = QuestionFactory(duplicate_of=kept)
    response = client.get(merged.get_absolute_url())
    assert response.status_code == 301
    assert response["Location"] == kept.get_absolute_url()


def test_question_bodies_never_reach_the_template_engine(client):
    question = QuestionFactory(body_markdown="模板 {instruction} 与 {{ secret }} 和 {% now 'Y' %}")
    html = client.get(question.get_absolute_url()).content.decode()
    assert "{instruction}" in html
    assert "{{ secret }}" in html
    assert "{% now &#x27;Y&#x27; %}" in html or "{% now 'Y' %}" in html


@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true"}])
def test_list_query_count_does_not_grow_with_rows(client, headers):
    tag = TagFactory()
    QuestionFactory().tags.add(tag)
    url = f"{LIST}?tag={tag.slug}"
    one = count_queries(client, url, **headers)
    for _ in range(49):
        QuestionFactory().tags.add(tag, TagFactory())
    assert client.get(url).context["page"].paginator.count == 50
    assert count_queries(client, url, **headers) == one


def test_detail_query_count_does_not_grow_with_rows(client):
    question = QuestionFactory()
    question.tags.add(TagFactory())
    SourceFactory(question=question)
    FlagFactory(question=question)
    one = count_queries(client, question.get_absolute_url())
    for _ in range(49):
        tag = TagFactory()
        question.tags.add(tag)
        QuestionFactory().tags.add(tag)
        SourceFactory(question=question)
        FlagFactory(question=question)
    assert count_queries(client, question.get_absolute_url()) == one


def test_home_page_links_topics_and_counts(client):
    html = client.get("/").content.decode()
    assert reverse("questions:list") in html
    assert "kv-cache-inference" in html


def test_ui_defaults_to_chinese_and_switches_to_english(client):
    assert "题库" in client.get(LIST).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": LIST})
    assert "Question bank" in client.get(LIST).content.decode()


def test_home_query_count_does_not_grow_with_tags(client):
    QuestionFactory().tags.add(TagFactory())
    one = count_queries(client, "/")
    for _ in range(49):
        QuestionFactory().tags.add(TagFactory())
    assert count_queries(client, "/") == one
