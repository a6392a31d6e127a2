"""Search result snippets: the terms marked, everything else escaped."""

import html

import pytest
from django.test import Client
from django.utils.html import strip_tags

from questions.models import Question
from questions.search.snippets import answer_text, query_terms, snippet


def test_the_passage_around_the_first_match_is_shown_with_terms_marked():
    text = "开头。" * 40 + "LoRA 是一种低秩适配方法，lora 的秩很小。" + "结尾。" * 40
    html = snippet(text, ["LoRA"], width=60)
    assert html.startswith("…")
    assert html.endswith("…")
    assert html.count("<mark>") == 2
    assert "<mark>lora</mark>" in html
    assert "<mark>LoRA</mark>" in html


def test_the_text_is_escaped_before_the_terms_are_marked():
    html = snippet("<script>alert(1)</script> mark <b>KV cache</b> {{ x }}", ["kv cache"])
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<mark>KV cache</mark>" in html
    assert "&lt;b&gt;" in html


def test_no_match_no_snippet():
    assert snippet("nothing here", ["LoRA"]) == ""
    assert snippet("anything", []) == ""


@pytest.mark.django_db
def test_query_terms_include_synonyms_as_written():
    terms = query_terms("LoRA")
    assert "LoRA" in terms
    assert "低秩适配" in terms


@pytest.mark.django_db
def test_search_results_show_the_marked_passage(loaded_bank):
    html = Client().get("/questions/", {"q": "幻觉"}).content.decode()
    assert 'data-testid="snippet"' in html
    assert "<mark>幻觉</mark>" in html
    browsing = Client().get("/questions/").content.decode()
    assert 'data-testid="snippet"' not in browsing


@pytest.mark.parametrize(
    ("body_html", "text"),
    [
        ("<p>低<em>秩</em>适配 <code>W = W0 + BA</code></p>", "低秩适配 W = W0 + BA"),
        ('<p><img alt="a > b" src="/media/figures/x.png">图</p>', "图"),
        ("<p>&lt;script&gt; &amp; &quot;{{ x }}&quot;</p>", '<script> & "{{ x }}"'),
        ("<ul>\n<li>一</li>\n<li>二</li>\n</ul>", "\n一\n二\n"),
    ],
)
def test_an_answers_text_drops_its_tags_and_decodes_its_entities(body_html, text):
    assert answer_text(body_html) == text


def test_an_answers_text_is_what_djangos_strip_tags_gives_for_every_answer(loaded_bank):
    """The fast tag stripper against Django's parser, on every answer of the bank."""
    answers = Question.objects.exclude(body_html="").values_list("body_html", flat=True)
    assert len(answers) > 100
    for body_html in answers:
        assert answer_text(body_html) == html.unescape(strip_tags(body_html))
