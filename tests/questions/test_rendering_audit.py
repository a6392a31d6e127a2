"""The rendering audit: every answer of the loaded bank, as readers get it, holds no literal
Markdown markers, no empty elements, no in-page link that goes nowhere and no HTML shown as
text; and the normaliser's mends one by one."""

import re
from html.parser import HTMLParser

import pytest

from questions.importing.normalise import normalise_markdown
from questions.models import Question
from questions.rendering import render_answer

pytestmark = pytest.mark.django_db

# Elements that must hold something (an empty table cell is a legitimate blank).
MUST_HOLD = {"p", "li", "strong", "em", "a", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol"}
VOID = {"br", "img", "hr", "wbr", "col", "source"}
# "**" between operands is Python's power operator (2**(8-1)), not a marker.
# A heading marker at the start of a text line; an empty bullet shows as an empty <li>.
LITERAL_MARKER = re.compile(r"(?<![\w)])\*\*|\*\*(?![\w(])|(?:^|\n)[ \t]*#{1,6}[ \t]+\S")
HTML_AS_TEXT = re.compile(
    r"</?(?:br|p|div|span|img|sup|sub|font|table|td|tr|b|i|strong|em|a|h[1-6])\b[^>]*>", re.I
)


class Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[list] = []  # [tag, holds something]
        self.ids: set[str] = set()
        self.targets: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if "id" in values:
            self.ids.add(values["id"] or "")
        if tag == "a" and (values.get("href") or "").startswith("#"):
            self.targets.append(values["href"][1:])
        if self.open:
            self.open[-1][1] = True
        if tag not in VOID:
            self.open.append([tag, tag in {"math", "svg"}])

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        while self.open:
            name, holds = self.open.pop()
            if name in MUST_HOLD and not holds:
                self.problems.append(f"empty <{name}>")
            if name == tag:
                break

    def handle_data(self, data):
        if data.strip() and self.open:
            self.open[-1][1] = True
        if any(name in {"code", "pre", "math", "kbd"} for name, _ in self.open):
            return
        for pattern, what in ((LITERAL_MARKER, "literal Markdown"), (HTML_AS_TEXT, "HTML as text")):
            if found := pattern.search(data):
                self.problems.append(
                    f"{what}: {data[max(0, found.start() - 20) : found.end() + 20]!r}"
                )

    def report(self) -> list[str]:
        self.close()
        broken = [f"broken anchor #{t}" for t in self.targets if t not in self.ids]
        spaced = [f"id with whitespace {i!r}" for i in self.ids if re.search(r"\s", i)]
        return self.problems + broken + spaced


def audit(html: str) -> list[str]:
    auditor = Audit()
    auditor.feed(html)
    return auditor.report()


def test_every_answer_of_the_bank_renders_cleanly():
    answers = Question.objects.values_list("pk", "title", "body_html")
    assert len(answers) > 100
    problems = {f"#{pk} {title}": found for pk, title, html in answers if (found := audit(html))}
    assert problems == {}


def test_the_audit_sees_each_kind_of_problem():
    assert audit("<p>** 甲 **</p>")
    assert audit("<ul><li>甲</li><li></li></ul>") == ["empty <li>"]
    assert audit('<p><a href="#md-x">甲</a></p>') == ["broken anchor #md-x"]
    assert audit("<p>&lt;br&gt;换行</p>")
    assert audit('<h2 id="md- 2.甲">甲</h2>')
    assert audit("<p>127(=2**(8-1)-1)</p><pre><code>**x**</code></pre>") == []


def render(markdown: str) -> str:
    return render_answer(normalise_markdown(markdown))


def test_bold_markers_with_spaces_inside_become_bold():
    html = render("甲** 每一次做梯度下降 **乙，**对****损失函数****进行**。")
    assert "<strong>每一次做梯度下降</strong>" in html
    assert "<strong>对损失函数进行</strong>" in html
    assert audit(html) == []


def test_an_empty_bullet_at_the_end_is_dropped():
    html = render("区别如下：\n\n- 甲\n- 乙\n- ")
    assert html.count("<li>") == 2
    assert audit(html) == []


def test_heading_ids_lose_their_spaces_and_dead_links_their_markup():
    text = "<h2 id=' 2.甲 乙'>甲乙</h2>\n\n见[甲乙](#2.甲乙)，[ChatML 格式](#)与[目录](#目录)。"
    html = render(text)
    assert 'id="md-2.甲-乙"' in html
    assert "ChatML 格式" in html
    assert 'href="#md-"' not in html
    assert "目录" in html
    assert 'href="#md-目录"' not in html
    assert audit(html) == []


def test_a_fence_right_after_a_line_leaves_no_empty_paragraph():
    html = render("示例对话：\n```\n用户：你好\n```\n之后的文字")
    assert "<p></p>" not in html
    assert audit(html) == []
