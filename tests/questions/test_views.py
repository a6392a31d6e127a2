"""The question list and question page, through Django's test client (real HTTP stack)."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from interviewprep.cache import BANK_TIMEOUT, QUESTION_TIMEOUT, bank_key, flush_bank
from questions.editorial import merging
from questions.models import Question, Tag
from questions.search.tokens import search_fields
from tests.factories import (
    FlagFactory,
    QuestionFactory,
    SourceFactory,
    TagFactory,
    UserFactory,
)
from tests.queries import count_queries

pytestmark = pytest.mark.django_db
LIST = reverse("questions:list")


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


def listed(page) -> list[Question]:
    """The questions of a list page (the page holds their ids and versions, a search's page
    their ids; rows come from the cache)."""
    ids = [item[0] if isinstance(item, tuple) else item for item in page.object_list]
    found = Question.objects.in_bulk(ids)
    return [found[pk] for pk in ids]


def test_filter_by_tag_difficulty_and_status(client):
    response = client.get(LIST, {"tag": "lora", "difficulty": "medium"})
    page = response.context["page"]
    assert (
        page.paginator.count
        == Question.objects.visible().filter(tags__slug="lora", difficulty="medium").count()
    )
    assert all(q.difficulty == "medium" for q in listed(page))

    revision = client.get(LIST, {"status": "needs_revision"}).context["page"]
    assert revision.paginator.count == Question.objects.filter(status="needs_revision").count()


def test_filter_by_source_file(client):
    page = client.get(LIST, {"source": "003_d62a54a02081a50e.txt"}).context["page"]
    assert page.paginator.count == 2
    assert {q.kind for q in listed(page)} == {"note"}


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
    titles = [q.title for q in listed(page)]
    assert "什么是大模型幻觉？" in titles
    assert all("幻觉" in q.title or "幻觉" in q.body_markdown for q in listed(page))


def test_detail_shows_answer_tags_difficulty_and_provenance(client):
    question = Question.objects.get(title__contains="简要介绍一下KV-Cache")
    response = client.get(question.get_absolute_url())
    html = response.content.decode()
    assert question.title in html
    assert question.body_html in html
    assert question.get_difficulty_display() in html
    for tag in question.tags.all():
        assert tag.name_zh in html
    source = question.sources.filter(file_name__startswith="001_").order_by("heading_line").first()
    assert f"001_aa609879d3a6dfb9.txt, lines {source.start_line}-{source.end_line}" in html or (
        f"001_aa609879d3a6dfb9.txt，第 {source.start_line}-{source.end_line} 行" in html
    )


def test_detail_of_wrong_answer_shows_the_revision_notice(client):
    question = Question.objects.get(title__contains="Multi-query Attention")
    html = client.get(question.get_absolute_url()).content.decode()
    assert 'class="notice revision"' in html
    high = question.flags.get(severity="high")
    assert escape(high.problem_zh) in html  # the Chinese UI shows the Chinese text


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
    one = count_queries(client, url, **headers, cold=True)
    for _ in range(49):
        QuestionFactory().tags.add(tag, TagFactory())
    assert client.get(url).context["page"].paginator.count == 50
    assert count_queries(client, url, **headers, cold=True) == one


def test_detail_query_count_does_not_grow_with_rows(client):
    question = QuestionFactory()
    first_tag = TagFactory()
    question.tags.add(first_tag)
    QuestionFactory().tags.add(first_tag)  # a related question from the start
    SourceFactory(question=question)
    FlagFactory(question=question)
    one = count_queries(client, question.get_absolute_url(), cold=True)
    for _ in range(49):
        tag = TagFactory()
        question.tags.add(tag)
        QuestionFactory().tags.add(tag)
        SourceFactory(question=question)
        FlagFactory(question=question)
    assert count_queries(client, question.get_absolute_url(), cold=True) == one


def test_search_pages_through_its_ranked_candidates(client, monkeypatch):
    monkeypatch.setattr("questions.search.backends.RANK_CANDIDATES", 25)
    tag = TagFactory()
    matches = [QuestionFactory(title=f"zorbleflux {n}") for n in range(30)]
    for question in matches[::2]:
        question.tags.add(tag)
    response = client.get(LIST, {"q": "zorbleflux"})
    page = response.context["page"]
    assert page.paginator.count == 25
    html = response.content.decode()
    assert "first 25 matches" in html or "前 25 个" in html
    second = client.get(LIST, {"q": "zorbleflux", "page": 2}).context["page"]
    shown = [*page.object_list, *second.object_list]  # a search's page holds ids
    # Equal ranks: id order, across the two pages, without a gap or a repeat.
    assert len(page.object_list) == 20
    assert shown == sorted(set(shown))
    assert len(shown) == 25
    assert set(shown) <= {q.pk for q in matches}
    assert f'href="{tag.get_absolute_url()}"' in html
    # A tag narrows the search below the bound: no notice, every tagged match counted.
    narrowed = client.get(LIST, {"q": "zorbleflux", "tag": tag.slug})
    assert narrowed.context["page"].paginator.count == 15
    assert not narrowed.context["search_bounded"]


def test_search_with_an_unknown_tag_finds_nothing(client):
    QuestionFactory(title="zorbleflux")
    response = client.get(LIST, {"q": "zorbleflux", "tag": "no-such-tag"})
    assert response.context["page"].paginator.count == 0


def test_cached_sidebar_follows_language_selection_and_the_bank(client):
    lora = Tag.objects.get(slug="lora")
    selected = f'<option value="lora" selected>{lora.name_zh} ('
    assert selected in client.get(LIST, {"tag": "lora"}).content.decode()
    assert selected not in client.get(LIST).content.decode()
    assert (
        f'<option value="lora" selected>{lora.name_zh} ('
        in client.get(LIST, {"tag": "lora", "q": "显存"}).content.decode()
    )
    client.post(reverse("set_language"), {"language": "en", "next": LIST})
    assert (
        f'<option value="lora" selected>{lora.name_en} ('
        in client.get(LIST, {"tag": "lora"}).content.decode()
    )
    # A new lora question shows in the counts once the import drops the bank's cached views.
    before = Tag.objects.with_counts().get(slug="lora").count
    QuestionFactory().tags.add(lora)
    assert f">{lora.name_en} ({before})<" in client.get(LIST).content.decode()
    flush_bank()
    assert f">{lora.name_en} ({before + 1})<" in client.get(LIST).content.decode()


def list_html(response) -> str:
    """The list's rows as the page shows them: rendered, or the page kept whole for every
    reader of a kind (questions.pages.kept_whole_list), which has no template context."""
    html = response.content.decode()
    start = html.find('<ol class="question-list"')
    return html[start : html.index("</ol>", start)] if start >= 0 else ""


def listed_ids(response) -> list[int]:
    return [
        int(pk)
        for pk in re.findall(r'class="question-link" href="/questions/(\d+)/"', list_html(response))
    ]


def result_count(response) -> int:
    found = re.search(r'<p class="result-count">\D*(\d+)', response.content.decode())
    assert found is not None
    return int(found.group(1))


def test_list_count_is_kept_and_follows_every_change_of_visibility(client, editor):
    def shown() -> int:
        return result_count(client.get(LIST))

    total = Question.objects.visible().count()
    assert shown() == total
    # Kept: the unfiltered list reads a page of ids and counts nothing.
    with CaptureQueriesContext(connection) as queries:
        client.get(LIST)
    assert [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()] == []
    added = QuestionFactory()
    assert shown() == total + 1
    # Merged by an editor (an UPDATE of duplicate_of).
    kept = Question.objects.visible().exclude(pk=added.pk).first()
    merging.merge_question(duplicate=added, kept=kept, editor=editor)
    assert shown() == total
    # Awaiting review, then published (an UPDATE of status).
    pending = QuestionFactory(status=Question.Status.PENDING)
    assert shown() == total
    Question.objects.filter(pk=pending.pk).bump_version(status=Question.Status.PUBLISHED)
    assert shown() == total + 1
    pending.delete()
    assert shown() == total
    # Rows written without the ORM's save or update (bulk_create, raw SQL) are counted once
    # the bank's views start over, as an import has them do.
    Question.objects.bulk_create([QuestionFactory.build(import_key="bulk-created")])
    assert shown() == total
    flush_bank()
    assert shown() == total + 1
    # A filtered list is counted on each request.
    assert result_count(client.get(LIST, {"kind": "question"})) == (
        Question.objects.visible().filter(kind="question").count()
    )


def test_rows_show_tags_newer_than_the_cached_facets_in_level_order(client):
    client.get(LIST)  # the facets, with their tags, are kept
    advanced = TagFactory(name_zh="甲高级", level=Tag.Level.ADVANCED)
    basic = TagFactory(name_zh="乙基础", level=Tag.Level.BASIC)
    tagged = QuestionFactory(title="zorbleflux 新")
    tagged.tags.add(advanced, basic)
    untagged = QuestionFactory(title="zorbleflux 无标签")
    context = client.get(LIST, {"q": "zorbleflux"}).context
    pks = list(context["page"].object_list)  # a search's page holds ids
    rows = dict(zip(pks, (row for row, _snippet in context["rows"]), strict=True))
    assert rows[tagged.pk].index(basic.name_zh) < rows[tagged.pk].index(advanced.name_zh)
    assert f'href="{advanced.get_absolute_url()}"' in rows[tagged.pk]
    assert 'class="tag small"' not in rows[untagged.pk]


def test_list_rows_are_cached_per_question_language_and_version(client):
    tag = TagFactory(name_zh="旧名", name_en="old name")
    question = QuestionFactory(title="zorbleflux 行")
    question.tags.add(tag)
    row = list_html(client.get(LIST, {"q": "zorbleflux"}))
    assert "zorbleflux 行" in row
    assert "旧名" in row
    assert "badge revision" not in row
    # Kept until the question's version changes (every write bumps it in its UPDATE; which
    # writes do is tested with the page, tests/questions/test_page_cache.py) or the bank's
    # generation does (imports, re-renders).
    Question.objects.filter(pk=question.pk).update(title="zorbleflux 新", status="needs_revision")
    assert "zorbleflux 行" in list_html(client.get(LIST, {"q": "zorbleflux"}))
    Question.objects.filter(pk=question.pk).bump_version()
    row = list_html(client.get(LIST, {"q": "zorbleflux"}))
    assert "zorbleflux 新" in row
    assert "badge revision" in row
    Tag.objects.filter(pk=tag.pk).update(name_zh="新名")
    flush_bank()
    assert "新名" in list_html(client.get(LIST, {"q": "zorbleflux"}))
    client.post(reverse("set_language"), {"language": "en", "next": LIST})
    assert "old name" in list_html(client.get(LIST, {"q": "zorbleflux"}))
    # Marked safe only because the row template escaped it.
    Question.objects.filter(pk=question.pk).update(title="zorbleflux <b>粗</b>")
    Question.objects.filter(pk=question.pk).bump_version()
    row = list_html(client.get(LIST, {"q": "zorbleflux"}))
    assert "zorbleflux &lt;b&gt;粗&lt;/b&gt;" in row


def related_on_page(client, question: Question) -> list[int]:
    html = client.get(question.get_absolute_url()).content.decode()
    section = re.search(r'<section class="related".*?</section>', html, re.DOTALL)
    if section is None:
        return []
    return [int(pk) for pk in re.findall(r'href="/questions/(\d+)/"', section[0])]


def test_related_questions_share_the_most_tags_then_lowest_id(client):
    a, b, c = TagFactory(), TagFactory(), TagFactory()
    question = QuestionFactory()
    question.tags.add(a, b, c)
    one_tag = QuestionFactory()
    one_tag.tags.add(c)
    two_tags = QuestionFactory()
    two_tags.tags.add(a, b)
    all_three = QuestionFactory()
    all_three.tags.add(a, b, c)
    merged = QuestionFactory(duplicate_of=all_three)
    merged.tags.add(a, b, c)
    QuestionFactory().tags.add(TagFactory())  # shares nothing
    more = []
    for _ in range(5):
        more.append(QuestionFactory())
        more[-1].tags.add(a)
    expected = [all_three.pk, two_tags.pk, one_tag.pk, *[m.pk for m in more[:3]]]
    assert related_on_page(client, question) == expected
    html = client.get(question.get_absolute_url()).content.decode()
    assert f'<a href="{all_three.get_absolute_url()}">{escape(all_three.title)}</a>' in html


def test_related_questions_are_ranked_once_per_set_of_tags(client):
    tag = TagFactory()
    first, second, third = QuestionFactory(), QuestionFactory(), QuestionFactory()
    for question in (first, second, third):
        question.tags.add(tag)
    cache.clear()
    assert related_on_page(client, first) == [second.pk, third.pk]
    # The same set of tags: the ranking comes from the cache with the titles, and the page
    # is read in one query.
    with CaptureQueriesContext(connection) as ctx:
        assert related_on_page(client, second) == [first.pk, third.pk]
    assert len(ctx.captured_queries) == 1
    # Rankings are kept BANK_TIMEOUT with their titles, pages QUESTION_TIMEOUT: a question
    # retitled or merged since leaves a page rendered again once its tags' ranking expired.
    Question.objects.filter(pk=third.pk).update(title="改过的标题", duplicate_of=first)
    assert related_on_page(client, second) == [first.pk, third.pk]
    with time_machine.travel(timezone.now() + timedelta(seconds=BANK_TIMEOUT + 1)):
        assert related_on_page(client, second) == [first.pk, third.pk]  # the page is kept
        Question.objects.filter(pk=second.pk).bump_version()
        assert related_on_page(client, second) == [first.pk]
    later = timezone.now() + timedelta(seconds=BANK_TIMEOUT + QUESTION_TIMEOUT + 2)
    with time_machine.travel(later):  # that page expired too
        assert related_on_page(client, second) == [first.pk]
        # A new question joins the ranking once the import drops the cached rankings.
        fourth = QuestionFactory()
        fourth.tags.add(tag)
        assert fourth.pk not in related_on_page(client, first)
        flush_bank()
        assert related_on_page(client, first) == [second.pk, fourth.pk]


def test_a_ranking_kept_by_the_release_before_is_not_read(client):
    """The release before kept ids alone; one sharing the cache with this one (a rolling
    deploy) must not have them read as (id, title) pairs."""
    tag = TagFactory()
    first, second = QuestionFactory(), QuestionFactory()
    for question in (first, second):
        question.tags.add(tag)
    cache.set(bank_key("related", tag.pk), [second.pk, first.pk], BANK_TIMEOUT)
    assert related_on_page(client, first) == [second.pk]


def test_question_without_tags_has_no_related_questions(client):
    question = QuestionFactory()
    QuestionFactory()
    assert related_on_page(client, question) == []


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
    one = count_queries(client, "/", cold=True)
    for _ in range(49):
        QuestionFactory().tags.add(TagFactory())
    assert count_queries(client, "/", cold=True) == one


def _searched(client, **params) -> tuple[list[int], bool]:
    """The ids a search lists (on its first page), and whether it ranked them (queried the
    search index)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, params)
    ids = listed_ids(response)
    assert result_count(response) == len(ids) or 'rel="next"' in response.content.decode()
    index = ("search_vector", "questions_question_fts")
    ranked = any(name in query["sql"] for query in queries for name in index)
    return ids, ranked


def test_a_search_asked_again_is_not_ranked_again(client):
    first, ranked = _searched(client, q="LoRA")
    assert first
    assert ranked
    assert _searched(client, q="LoRA") == (first, False)
    other, ranked = _searched(client, q="LoRA", difficulty="hard")
    assert ranked  # other filters are another search
    assert set(other) < set(first)


def test_a_kept_search_follows_every_write_of_a_question_or_its_tags(client, editor):
    """A question added, retitled, retagged, hidden or merged shows in the next search at
    once, through a save, an UPDATE or a change of its tags."""
    assert _searched(client, q="zorbleflux")[0] == []
    added = QuestionFactory(title="zorbleflux 是什么")
    assert _searched(client, q="zorbleflux")[0] == [added.pk]
    other = QuestionFactory(title="另一个问题")
    other.title = "zorbleflux 的另一问"
    other.search_title, other.search_body = search_fields(other.title, other.body_markdown)
    other.save()
    assert set(_searched(client, q="zorbleflux")[0]) == {added.pk, other.pk}
    tag = TagFactory(slug="zorble-tag")
    assert _searched(client, q="zorbleflux", tag=tag.slug)[0] == []
    other.tags.add(tag)
    assert _searched(client, q="zorbleflux", tag=tag.slug)[0] == [other.pk]
    other.tags.remove(tag)
    assert _searched(client, q="zorbleflux", tag=tag.slug)[0] == []
    # An UPDATE that hides a question: the kept ids (and their count) are dropped.
    Question.objects.filter(pk=added.pk).update(status=Question.Status.PENDING)
    assert _searched(client, q="zorbleflux")[0] == [other.pk]
    Question.objects.filter(pk=added.pk).update(status=Question.Status.PUBLISHED)
    merging.merge_question(duplicate=other, kept=added, editor=editor)
    assert _searched(client, q="zorbleflux")[0] == [added.pk]


def test_the_list_is_kept_whole_for_each_kind_of_reader_and_follows_every_write(client):
    """A list page asked again is the page kept for readers of that kind (no template
    rendered), with a signed-in reader's own name in it; a write to a listed question, or a
    question added, shows at once (their versions and count are in the kept page's key)."""
    question = QuestionFactory(title="zorbleflux 第一版")
    assert client.get(LIST, {"q": "zorbleflux"}).templates  # rendered, then kept
    kept = client.get(LIST, {"q": "zorbleflux"})
    assert kept.templates == []
    assert "zorbleflux 第一版" in list_html(kept)
    Question.objects.filter(pk=question.pk).bump_version(title="zorbleflux 第二版")
    assert "zorbleflux 第二版" in list_html(client.get(LIST, {"q": "zorbleflux"}))
    added = QuestionFactory(title="zorbleflux 新增")
    assert set(listed_ids(client.get(LIST, {"q": "zorbleflux"}))) == {question.pk, added.pk}

    # A name with a space: a CSRF token (letters and digits) in the page could hold "Ada".
    ada, bo = UserFactory(display_name="Ada Lovelace"), UserFactory(display_name="Bo")
    first, second = Client(), Client()
    first.force_login(ada)
    second.force_login(bo)
    assert "Ada Lovelace" in first.get(LIST).content.decode()
    response = second.get(LIST)
    assert "questions/list.html" not in [t.name for t in response.templates]
    html = response.content.decode()
    assert ">Bo</a>" in html
    assert "Ada Lovelace" not in html
    assert "\x00" not in html
    # htmx asks for the results alone: rendered for it, never the kept whole page.
    partial = second.get(LIST, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode()
    assert 'class="question-list"' in partial.content.decode()
