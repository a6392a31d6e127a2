"""A long answer has an in-page table of contents linking to its headings."""

import pytest

from questions.rendering import answer_sections, render_answer
from tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db

LONG = "## 定义\n\n正文。\n\n## 训练\n\n正文 <b>。\n\n### 推理 `KV`\n\n正文。\n\n## 代价\n\n正文。"


def test_headings_get_ids_and_the_html_is_otherwise_unchanged():
    html = render_answer(LONG)
    sections = answer_sections(html)
    assert [text for _anchor, text in sections.toc] == ["定义", "训练", "推理 KV", "代价"]
    for anchor, _text in sections.toc:
        assert anchor.startswith("md-")
        assert f'id="{anchor}"' in sections.html
    assert sections.html.replace(' id="md-sec-', "").count("<h") == html.count("<h")


def test_a_long_answer_has_a_table_of_contents_and_a_short_one_does_not(client):
    long = QuestionFactory(body_markdown=LONG)
    short = QuestionFactory()
    page = client.get(long.get_absolute_url()).content.decode()
    assert 'data-testid="toc"' in page
    assert '<a href="#md-sec-1">定义</a>' in page
    assert '<h2 id="md-sec-1">定义</h2>' in page
    assert 'data-testid="toc"' not in client.get(short.get_absolute_url()).content.decode()
