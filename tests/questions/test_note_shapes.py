"""Notes of every shape through the importer: the corpus in tests/data/notes against its
expected.json, generated notes of the restart-numbering class, and the no-text-lost property.

No database: parsing is pure (``preview_note`` with explicit tag specs reads no settings).
"""

import json
import re
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from questions import classify
from questions.importing.decoding import UnreadableNote, decode_note
from questions.importing.notes import preview_note
from questions.importing.sections import ParsedNote, parse_document
from questions.importing.titles import clean_title, looks_like_question, number_label

ROOT = Path(__file__).resolve().parents[2]
NOTES = ROOT / "tests" / "data" / "notes"
EXPECTED = json.loads((NOTES / "expected.json").read_text(encoding="utf-8"))
FIXTURES = ROOT / "fixtures"


@cache
def specs() -> list[classify.TagSpec]:
    taxonomy = json.loads((FIXTURES / "taxonomy.json").read_text(encoding="utf-8"))
    extra = json.loads((FIXTURES / "tag-keywords.json").read_text(encoding="utf-8"))
    return classify.build_specs(taxonomy["tags"], extra["keywords"])


@cache
def result(name: str):
    return preview_note(file_name=name, data=(NOTES / name).read_bytes(), specs=specs())


# The words of expected.json's "skipped" reasons, as the importer's reason codes.
REASON_WORDS = {
    "document title": "document-title",
    "category heading": "category",
    "table of contents": "toc",
    "table-of-contents": "toc",
    "front matter": "front-matter",
    "preamble": "preamble",
    "empty stub": "stub",
}
# The shape each corpus note's description names (the text before its colon).
SHAPES = {
    "restart-numbering": ("headings", {"categories", "restart-numbering", "toc"}),
    "html-headings": ("html-headings", {"categories", "restart-numbering"}),
    "bold-line questions": ("bold", {"categories"}),
    "Q/A pairs": ("qa", {"categories"}),
    "问/答 pairs": ("qa", set()),
    "front matter + BOM": ("headings", {"categories", "front-matter", "toc"}),
    "GB18030-encoded note": ("headings", {"categories"}),
    "paper notes": ("paper", set()),
    "numbered-list questions": ("list", {"categories", "restart-numbering"}),
    "TOC as a table": ("headings", {"toc"}),
    "plain-list TOC": ("headings", {"toc"}),
    "flat anchored questions": ("headings", set()),
    "mixed": ("headings", {"categories", "restart-numbering"}),
}


# Our own notes (their descriptions start with "own:").
OWN_SHAPES = {
    "13_": ("html-headings", {"categories", "restart-numbering"}),
    "14_": ("qa", {"categories", "restart-numbering", "toc"}),
    "15_": ("bold", {"categories", "restart-numbering"}),
    "16_": ("details", {"categories", "restart-numbering"}),
}


def reason_code(reason: str) -> str:
    for words, code in REASON_WORDS.items():
        if reason.startswith(words) or f"{words}" in reason.split(":")[0]:
            return code
    raise AssertionError(f"no reason code for {reason!r}")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_note_imports_as_expected(name):
    expected = EXPECTED[name]
    found = result(name)
    assert [(q.title, q.section.heading_line) for q in found.questions] == [
        (q["title"], q["line"]) for q in expected["questions"]
    ]
    assert [q.categories[-1] if q.categories else None for q in found.questions] == [
        q["category"] for q in expected["questions"]
    ]
    assert all(q.section.has_answer and q.body_markdown for q in found.questions)
    assert [(n.title, n.section.heading_line) for n in found.notes] == [
        (n["title"], n["line"]) for n in expected["notes"]
    ]
    assert [(s.start_line, s.reason) for s in found.skipped] == [
        (s["line"], reason_code(s["reason"])) for s in expected["skipped"]
    ]
    shape, features = OWN_SHAPES.get(name[:3]) or SHAPES[expected["shape"].split(":")[0]]
    assert found.shape == shape
    assert set(_features(name)) == features


def _features(name: str) -> frozenset[str]:
    return parse_document(name, decode_note((NOTES / name).read_bytes()).text).features


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_encoding_and_line_ends_are_detected(name):
    found = result(name)
    assert (found.encoding, found.newline) == (
        EXPECTED[name]["encoding"],
        EXPECTED[name]["newline"],
    )


def test_provenance_names_the_category_path_and_the_number():
    rag = result("01_rag_agent_restart_numbering.md")
    third = rag.questions[2]
    assert third.provenance == (
        "01_rag_agent_restart_numbering.md, lines 41-46",
        "RAG应用 › 3.",
    )
    nested = result("06_front_matter_bom_toc.md").questions[0]
    assert nested.categories == ("分布式训练", "数据并行")
    assert nested.provenance[1] == "分布式训练 › 数据并行 › 1.1"
    assert "分布式训练" in nested.category_tags
    assert "LLM" in nested.category_tags


def test_categories_suggest_tags():
    note = "## RAG应用\n\n### 1. 文档块多大合适？\n\n看文档的长度。\n"
    [flat] = preview_note(file_name="a.md", data=note.split("\n", 2)[2], specs=specs()).questions
    [under] = preview_note(file_name="b.md", data=note, specs=specs()).questions
    assert "rag" in under.tags
    assert "rag" not in flat.tags
    assert under.category_tags == ("RAG应用",)
    assert all(
        q.difficulty in {"easy", "medium", "hard"} for q in result("02_html_headings.md").questions
    )


def test_answers_keep_their_own_structure():
    rag = result("01_rag_agent_restart_numbering.md")
    assert rag.questions[1].body_markdown.startswith("1. 固定长度切分")
    mixed = result("12_mixed.md").questions[1]
    assert "###### 方法一：数据回放" in mixed.body_markdown
    qa = result("04_qa_pairs.md").questions[4]
    assert not qa.body_markdown.startswith("A")
    assert "1. n-gram 重叠" in qa.body_markdown
    listed = result("09_numbered_list_questions.md").questions[4]
    assert listed.body_markdown.startswith("- NTK-aware")
    wenda = result("05_wenda_pairs.txt").questions[0]
    assert not wenda.body_markdown.rstrip().endswith("---")
    code = result("11_flat_anchored_q.md").questions[1]
    assert "## 用法示例" in code.body_markdown


def test_categories_at_the_level_of_their_questions():
    note = "\n".join(
        [
            "<h1 id='a'>一、RAG</h1>",
            "<h1 id='b'>1.什么是RAG？</h1>",
            "答案一",
            "<h1 id='c'>2.RAG 的流程</h1>",
            "答案二",
            "<h1 id='d'>Agent</h1>",
            "<h1 id='e'>1.什么是 ReAct？</h1>",
            "答案三",
            "<h1 id='f'>2.DeepNorm</h1>",
            "<h1 id='g'>3.什么是 Toolformer？</h1>",
            "答案四",
        ]
    )
    parsed = parse_document("flat.md", note)
    assert [(s.title, s.categories, s.has_answer) for s in parsed.sections] == [
        ("什么是RAG？", ("RAG",), True),
        ("RAG 的流程", ("RAG",), True),
        ("什么是 ReAct？", ("Agent",), True),
        ("DeepNorm", ("Agent",), False),  # a stub: the next question is 3, not 1
        ("什么是 Toolformer？", ("Agent",), True),
    ]
    assert [(s.start_line, s.reason) for s in parsed.skipped] == [(1, "category"), (6, "category")]


def test_paper_notes_stay_study_notes_with_their_sections():
    lora = result("08_paper_lora_qlora.markdown").notes[0]
    assert "### 2.2 为什么 B 要初始化为 0？" in lora.body_markdown
    assert result("08_paper_lora_qlora.markdown").questions == ()


def test_report_lines_name_shape_counts_and_reasons():
    lines = result("01_rag_agent_restart_numbering.md").report_lines()
    assert "numbering restarts per category" in lines[0]
    assert lines[1].startswith("  10 questions, 0 study notes, 5 parts skipped")
    assert any("«目录»: table of contents" in line for line in lines)


# ------------------------------------------------------------------------------------------
# Reading bytes
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("问：什么是MoE？\n答：混合专家。".encode(), "utf-8"),
        ("\ufeff# 题\n".encode(), "utf-8-sig"),
        ("问：什么是量化？\r\n答：低比特。".encode("gb18030"), "gb18030"),
        ("# 题\n答".encode("utf-16"), "utf-16"),
    ],
)
def test_decoding(data, encoding):
    decoded = decode_note(data)
    assert decoded.encoding == encoding
    assert not decoded.text.startswith("\ufeff")


@pytest.mark.parametrize(
    "data",
    [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"\xff\xfe\xfd\x80\x81", bytes(range(1, 32)) * 4],
)
def test_binary_or_undecodable_data_is_refused(data):
    with pytest.raises(UnreadableNote):
        decode_note(data)


# ------------------------------------------------------------------------------------------
# Titles
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "title", "label"),
    [
        ("1. 什么是 RAG？", "什么是 RAG？", "1."),
        ("Q3. PPO 中为什么要加 KL 惩罚？", "PPO 中为什么要加 KL 惩罚？", "Q3."),
        ("Q2 RMSNorm 是什么？ {#q2}", "RMSNorm 是什么？", "Q2"),
        ("（4）多模态大模型如何处理高分辨率图像？", "多模态大模型如何处理高分辨率图像？", "（4）"),
        ("第三题：为什么激活难量化？", "为什么激活难量化？", "第三题"),
        ("二、位置编码", "位置编码", "二、"),
        ("**7. 投机解码为什么快？**", "投机解码为什么快？", "7."),
        ("<b>1. RoPE 的原理是什么？</b>", "RoPE 的原理是什么？", "1."),
        ("Q1: 困惑度怎么算？", "困惑度怎么算？", "Q1"),
        ("问：什么是 MoE？", "什么是 MoE？", ""),
        ("1.1 DP 和 DDP 有什么区别？", "DP 和 DDP 有什么区别？", "1.1"),
        ("QLoRA 的原理", "QLoRA 的原理", ""),
        ("Q-Former 的作用是什么？", "Q-Former 的作用是什么？", ""),
        ("7B 模型要多少显存", "7B 模型要多少显存", ""),
        ("3.5-turbo 有什么变化??", "3.5-turbo 有什么变化?", ""),
        ("2021年 P-Tuning技术进行介绍下", "2021年 P-Tuning技术进行介绍下", ""),
    ],
)
def test_titles_lose_numbers_and_markup(raw, title, label):
    assert clean_title(raw) == title
    assert number_label(raw) == label


@pytest.mark.parametrize("title", ["RAG应用", "解码策略", "显存与性能", "Visual ChatGTP", "多模态"])
def test_category_names_ask_nothing(title):
    assert not looks_like_question(title)


# ------------------------------------------------------------------------------------------
# Generated notes of the restart-numbering class
# ------------------------------------------------------------------------------------------

CN = "一二三四五六七八九"
question_title = st.builds(
    lambda topic, ask: f"{topic}{ask}",
    st.text(st.sampled_from("大模型注意力检索量化微调对齐推理显存ABCxyz "), min_size=1, max_size=10)
    .map(str.strip)
    .filter(lambda t: t and not re.match(r"^[\dQ(（第]", t)),
    # some titles ask nothing ("PagedAttention", "...的实现细节"): a topic is a question too
    st.sampled_from(
        ["是什么？", "有什么区别？", "如何优化", "的原理是什么？", "为什么有效?", "", "的实现细节"]
    ),
)
category_name = st.text(
    st.sampled_from("检索增强生成推理部署模型结构训练数据"), min_size=2, max_size=6
)
answer_text = st.lists(
    st.sampled_from(
        [
            "答案的一段话。",
            "- 要点一；\n- 要点二。",
            "1. 第一步；\n2. 第二步。",
            "```python\n# 注释\n## 不是标题\nx = 1\n```",
            "$$a=b$$",
            "| a | b |\n|---|---|\n| 1 | 2 |",
            "{sub} 小结\n总结一句。",  # a sub-heading below the question's level
            "**注意**：一句提醒。",
            "![示意图](https://example.com/a.png)",
        ]
    ),
    min_size=1,
    max_size=3,
).map("\n\n".join)
CATEGORY_STYLES = ["{c}、", "{n}. ", "第{c}部分 ", "（{c}）"]
QUESTION_STYLES = ["{n}. ", "{n}、", "{n}.", "Q{n}. ", "Q{n}：", "（{n}）", "**{n}. ", "{n}. **"]


def _bold(style: str, title: str) -> str:
    if style.startswith("**"):
        return f"{style}{title}**"
    if style.endswith("**"):
        return f"{style}{title}**"
    return f"{style}{title}"


@st.composite
def restart_numbered_note(draw):
    """A note of numbered categories whose numbered questions restart at 1 in each, in the
    markings of the genre (HTML with ids or Markdown headings, any levels, a title, a table of
    contents of links, back-to-top links, anchors, rules between questions, intros, CRLF);
    returns (text, [(title, category)])."""
    html = draw(st.booleans())
    category_level = draw(st.integers(1, 3))
    question_level = draw(st.integers(category_level + 1, 5))
    if draw(st.integers(0, 4)) == 0:  # categories at the questions' level, holding nothing
        question_level = category_level
    category_style = draw(st.sampled_from(CATEGORY_STYLES))
    question_style = draw(st.sampled_from(QUESTION_STYLES))
    back_link = draw(st.sampled_from(["", " [返回目录](#目录)", " {#q}", ' <a id="q"></a>']))
    rules = draw(st.booleans())
    categories = draw(
        st.lists(
            st.tuples(
                category_name,
                st.booleans(),
                st.lists(st.tuples(question_title, answer_text), min_size=1, max_size=4),
            ),
            min_size=2,
            max_size=4,
        )
    )
    headless = draw(st.booleans()) and not draw(st.booleans())  # a quarter: no headings
    lines: list[str] = []
    if headless:
        lines += ["以下是整理的面试题。", ""]
    elif category_level > 1 and draw(st.booleans()):
        lines += ["# 大模型面试题整理", "", "> 持续更新。", ""]
    if not headless and draw(st.booleans()):
        lines += [f"{'#' * max(category_level, 2)} 目录", ""]
        for c, (name, _, questions) in enumerate(categories):
            lines.append(f"- [{CN[c]}、{name}](#c{c})")
            lines += [f"  - [{n}. {t}](#q{c}-{n})" for n, (t, _) in enumerate(questions, 1)]
        lines.append("")
    expected = []
    for c, (name, intro, questions) in enumerate(categories):
        heading = category_style.format(c=CN[c], n=c + 1) + name
        if headless:  # "一、name" on its own line, bold or not
            lines += [f"**{CN[c]}、{name}**" if c % 2 else f"{CN[c]}、{name}", ""]
        elif html:
            lines += [f'<h{category_level} id="c{c}">{heading}</h{category_level}>', ""]
        else:
            lines += [f"{'#' * category_level} {heading}", ""]
        if intro and question_level > category_level:
            lines += ["本部分整理相关的高频问题。", ""]
        for n, (title, answer) in enumerate(questions, start=1):
            numbered = _bold(question_style.format(n=n), title) + back_link
            level = question_level
            if headless:
                lines.append(f"**{n}. {title}**")
            elif html and n % 2:
                lines.append(f'<h{level} id="q{c}-{n}" class="q">{numbered}</h{level}>')
            else:
                lines.append(f"{'#' * level} {numbered}")
            sub = "**小结**\n" if headless else "#" * min(level + 1, 6) + " "
            lines += ["", answer.replace("{sub} ", sub), ""]
            if rules:
                lines += ["---", ""]
            expected.append((clean_title(title), clean_title(name)))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return newline.join(lines), expected


@settings(max_examples=150, deadline=None)
@given(restart_numbered_note())
def test_every_numbered_question_of_a_restart_numbering_note_is_one_question(note):
    text, expected = note
    parsed = parse_document("g.md", text)
    found = [(s.title, s.categories[-1] if s.categories else None) for s in parsed.sections]
    assert found == expected
    assert all("---" not in s.body.splitlines()[-1:] for s in parsed.sections)
    assert all(s.kind == "question" and s.has_answer for s in parsed.sections)
    assert_partition(text, parsed)


# ------------------------------------------------------------------------------------------
# No text is lost
# ------------------------------------------------------------------------------------------


def assert_partition(text: str, parsed: ParsedNote) -> None:
    """Every non-blank line lies in exactly one section or skipped part."""
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    owner = [0] * len(lines)
    spans = [(s.heading_line, s.end_line) for s in parsed.sections]
    spans += [(s.start_line, s.end_line) for s in parsed.skipped]
    for first, last in spans:
        assert 1 <= first <= last <= len(lines)
        for number in range(first, last + 1):
            owner[number - 1] += 1
    for number, (line, count) in enumerate(zip(lines, owner, strict=True), start=1):
        if line.strip():
            assert count == 1, (number, line, count)


FRAGMENTS = [
    "# ", "## ", "### ", "#### ", "<h2 id='x'>", "</h2>", "<h3>1. 问题？</h3>", "\n", "\n\n",
    "```", "---", "**", "Q: ", "A: ", "问：", "答：", "1. ", "2. ", "   ", "- ", "[TOC]",
    "[a](#a)", "| [b](#b) |", "|---|", "一、", "（1）", "什么是", "？", "中文", "TODO", "\r\n",
    "\ufeff", "{#q1}", "目录", "摘要", "方法", "> ",
]  # fmt: skip
note_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=5)), max_size=80).map(
    "".join
)


@settings(max_examples=400, deadline=None)
@given(note_text)
def test_no_text_is_lost(text):
    parsed = parse_document("x.md", text)
    assert_partition(text, parsed)
    for section in parsed.sections:
        assert section.title == clean_title(section.raw_title) != ""


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_no_line_of_a_corpus_note_is_lost(name):
    text = decode_note((NOTES / name).read_bytes()).text
    assert_partition(text, parse_document(name, text))


def test_no_line_of_the_seed_notes_is_lost():
    for path in sorted(FIXTURES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert_partition(text, parse_document(path.name, text))


def test_a_folded_answer_keeps_what_it_folds_and_loses_only_its_own_block():
    """A ``<details>`` question's answer: the block's own markup goes (its ``</details>``,
    the next block's ``<details open>``); a listing folded inside the answer stays whole."""
    text = (NOTES / "16_own_details_categories.md").read_text(encoding="utf-8")
    kv_cache, speculative, lora = parse_document("16.md", text).sections
    assert kv_cache.body.startswith("自回归解码时缓存已算出的 K、V")
    assert "<details>\n<summary>点击展开代码</summary>" in kv_cache.body
    assert kv_cache.body.endswith("```\n\n</details>")
    for section in (speculative, lora):
        assert "details" not in section.body
        assert "summary" not in section.body
    assert speculative.body.endswith("输出分布与大模型一致。")


def test_question_and_answer_pairs_inside_blockquotes():
    """``> **问：** ...`` / ``> **答：** ...`` pairs, each in its own blockquote: questions with
    their answers unquoted (a quoted line inside an answer stays part of it)."""
    text = (
        "# 面经\n\n> **问：** 为什么要做 RLHF？\n>\n> **答：** 让模型输出符合人类偏好。\n"
        "> 先训练奖励模型，再用 PPO 优化策略。\n\n"
        "> **Q2:** DPO 和 PPO 的区别？\n>\n> **A2:** DPO 不训练奖励模型，直接优化偏好对。\n"
    )
    parsed = parse_document("quote.md", text)
    assert parsed.shape == "qa"
    rlhf, dpo = parsed.sections
    assert (rlhf.title, rlhf.heading_line) == ("为什么要做 RLHF？", 3)
    assert rlhf.body == "让模型输出符合人类偏好。\n先训练奖励模型，再用 PPO 优化策略。"
    assert (dpo.title, dpo.heading_line) == ("DPO 和 PPO 的区别？", 8)
    assert dpo.body == "DPO 不训练奖励模型，直接优化偏好对。"
