"""Tests for the pure note parser: real fixtures, small inline notes and property tests.

No database: the modules of ``questions.importing`` that parse, normalise and group import
nothing from Django (checked below).
"""

import json
import random
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from questions.importing.dedupe import CANDIDATE_THRESHOLD, MERGE_THRESHOLD, group_duplicates
from questions.importing.markup import split_lines
from questions.importing.normalise import LIST_SEPARATOR, normalise_markdown
from questions.importing.sections import Section, clean_title, parse_note

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
F000 = "000_4890ccbf080ad571.txt"
F001 = "001_aa609879d3a6dfb9.txt"
F002 = "002_eed42e0d7dc6a01d.txt"
F003 = "003_d62a54a02081a50e.txt"
F004 = "004_92b955545d4f99cd.txt"
NOTES = (F000, F001, F002, F003, F004)


@cache
def text_of(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@cache
def sections_of(name: str) -> tuple[Section, ...]:
    return tuple(parse_note(name, text_of(name)))


def section_at(name: str, heading_line: int) -> Section:
    (found,) = [s for s in sections_of(name) if s.heading_line == heading_line]
    return found


@cache
def all_sections() -> tuple[Section, ...]:
    return tuple(s for name in NOTES for s in sections_of(name))


@cache
def grouped():
    return group_duplicates(all_sections())


def render(text: str) -> str:
    return markdown.markdown(text, extensions=["tables", "fenced_code"])


# ------------------------------------------------------------------------------------------
# File shapes on the real notes
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind", "heading_lines"),
    [
        (F000, "question", [11, 24, 33, 72, 109, 120, 139]),
        (F002, "note", [3, 40, 75, 97]),
        (F003, "note", [1, 80]),
    ],
)
def test_sections_of_small_notes(name, kind, heading_lines):
    sections = sections_of(name)
    assert [s.heading_line for s in sections] == heading_lines
    assert {s.kind for s in sections} == {kind}


def test_html_h1_note_has_one_question_per_numbered_h1_and_skips_the_toc():
    sections = sections_of(F001)
    h1_lines = [n for n, line in enumerate(text_of(F001).split("\n"), 1) if line.startswith("<h1")]
    assert len(h1_lines) == 29  # the table of contents and 28 questions
    assert [s.heading_line for s in sections] == h1_lines[1:]
    assert {s.kind for s in sections} == {"question"}
    assert sections[0].title == "指令微调数据制作发展路线"
    assert all("目录" not in s.title for s in sections)
    assert all("](#" not in s.body for s in sections)  # no anchor list leaked into an answer


def test_hash_heading_note_has_one_question_per_level_4_heading():
    sections = sections_of(F004)
    non_empty = [
        n
        for n, line in enumerate(text_of(F004).split("\n"), 1)
        if line.startswith("#### ") and line[5:].strip()
    ]
    assert len(non_empty) == 89
    assert [s.heading_line for s in sections] == non_empty
    assert {s.kind for s in sections} == {"question"}


def test_numbered_note_sections_ignore_heading_level():
    titles = [s.title for s in sections_of(F002)]
    assert titles == [
        "Visual ChatGTP",
        "Visual Instruction Tuning",
        "提示词工程存在的问题",
        "LLM 微调策略",
    ]
    first, *_, last = sections_of(F002)
    assert "## Limitations" in first.body
    assert "## LLM" in first.body
    assert "## 0x11 格式化实例构造 ( 微调数据集 )" in last.body
    assert "### 0x21 对齐标准" in last.body
    assert last.end_line == 261


def test_hierarchical_numbering_note():
    visual, minigpt = sections_of(F003)
    assert visual.title == "Visual Instruction Turing"
    assert (visual.heading_line, visual.end_line) == (1, 78)
    assert minigpt.title.startswith("MiniGPT-4: Enhancing")
    assert "### 1 前置知识" in visual.body
    assert "#### 2.1 视觉指令数据集" in visual.body
    assert "##### 2.3.1 第一阶段：特征对齐预训练" in visual.body
    assert minigpt.end_line == 152


def test_line_numbers_and_original_text():
    lora = section_at(F004, 524)
    assert lora.title == "介绍下Lora"
    assert lora.end_line == 549
    assert lora.original_text.startswith("#### 介绍下Lora\nLoRA（Low-Rank Adaptation")
    assert lora.original_text.endswith("尤其适用于资源受限或需要快速迭代的场景。")
    mqa = section_at(F001, 419)
    assert mqa.raw_title == "28.Multi-query Attention 与 Grouped-query Attention 区别是什么？"
    assert mqa.title == "Multi-query Attention 与 Grouped-query Attention 区别是什么？"
    assert mqa.end_line == 423
    for name in NOTES:
        lines = text_of(name).split("\n")
        for section in sections_of(name):
            expected = "\n".join(lines[section.heading_line - 1 : section.end_line])
            assert section.original_text == expected
            assert lines[section.end_line - 1].strip()
            assert section.heading_line <= section.end_line


def test_editorial_review_points_at_parsed_sections():
    """The editors' findings (written independently) name heading lines and titles."""
    review = json.loads((FIXTURES / "editorial-review.json").read_text(encoding="utf-8"))
    for finding in review["findings"]:
        name = finding["source_file"]
        lines = finding["lines"] if isinstance(finding["lines"], list) else [finding["lines"]]
        if name in (F001, F004):
            section = section_at(name, finding["question_heading_line"])
            assert section.title == finding["question_title"]
        else:  # the review splits 002 at every "##"; its lines still fall inside our notes
            [section] = [
                s
                for s in sections_of(name)
                if s.heading_line <= finding["question_heading_line"] <= s.end_line
            ]
        assert section.heading_line <= min(lines)
        assert max(lines) <= section.end_line


def test_hash_lines_in_fenced_code_are_never_headings():
    svd = section_at(F004, 1626)
    assert svd.title == "请解释下SVD"
    assert svd.end_line == 1723
    assert "# ------------------------------------\n# n：输入数据维度" in svd.body
    assert "#################  结果 ########################" in svd.body
    note = "#### 问题一\n```python\n# 注释\n#### 不是标题\n```\n#### 问题二\n答案\n"
    assert [s.title for s in parse_note("x.txt", note)] == ["问题一", "问题二"]


def test_unclosed_fence_does_not_hide_later_headings():
    note = "#### 问题一\n```python\n代码\n#### 问题二\n答案"
    assert [s.title for s in parse_note("x.txt", note)] == ["问题一", "问题二"]


def test_sub_headings_stay_in_the_answer():
    fp16 = section_at(F001, 231)
    assert fp16.title == "怎么解决训练使用float16导致溢出的问题？"
    assert fp16.end_line == 282
    assert "### 1. **损失缩放（Loss Scaling）**" in fp16.body
    assert "### 总结" in fp16.body
    assert "<h3>1. <strong>损失缩放（Loss Scaling）</strong></h3>" in render(fp16.body)


def test_empty_heading_is_not_a_question():
    last = sections_of(F004)[-1]
    assert last.title == "介绍下BPE算法"
    assert last.end_line == 1853  # the empty "#### " on line 1855 is not part of it
    assert not any(s.heading_line == 1855 for s in sections_of(F004))
    note = "#### 问题一\n答案一\n#### \n#### 问题二\n答案二"
    assert [(s.title, s.end_line) for s in parse_note("x.txt", note)] == [
        ("问题一", 2),
        ("问题二", 5),
    ]


def test_html_in_title_is_stripped():
    reranker = section_at(F004, 1395)
    assert reranker.raw_title.startswith('<font style="background-color:rgb(253, 253, 253);">')
    assert reranker.title == "为什么需要Reranker？"
    assert section_at(F004, 1398).title == "Reranker评测方法有什么？"


def test_table_of_contents_is_detected_from_its_content():
    note = (
        "# Index\n\n- [1.甲](#1.甲)\n- [2.乙](#2.乙)\n\n"
        "<h1 id='1.甲'>1.甲是什么？</h1>\n答案甲\n<h1 id='2.乙'>2.乙是什么？</h1>\n答案乙\n"
    )
    assert [s.title for s in parse_note("x.txt", note)] == ["甲是什么？", "乙是什么？"]
    atx = "## 目录\n- [问题](#问题)\n## 问题一\n答案\n## 问题二\n答案"
    assert [s.title for s in parse_note("x.txt", atx)] == ["问题一", "问题二"]


def test_new_notes_of_the_same_shapes():
    numbered = (
        "# 1. 论文甲\n## 背景\n内容\n### 2. 论文乙\n#### 2.1 细节\n内容\n"
        "## 1. 小节\n内容\n# 3. 论文丙\n内容"
    )
    notes = parse_note("n.txt", numbered)
    assert [(s.kind, s.title, s.heading_line) for s in notes] == [
        ("note", "论文甲", 1),
        ("note", "论文乙", 4),  # "## 1. 小节" does not continue the numbering: stays in 乙
        ("note", "论文丙", 9),
    ]
    assert "## 1. 小节" in notes[1].body
    questions = "# 面试题\n前言\n## 问题一\n### 要点\n答\n## 2. 问题二\n答"
    parsed = parse_note("q.txt", questions)
    assert [(s.kind, s.title, s.heading_line) for s in parsed] == [
        ("question", "问题一", 3),
        ("question", "问题二", 6),
    ]
    assert "### 要点" in parsed[0].body


def test_template_role_headings_never_split_a_note():
    note = "### 问题一\n格式：\n\n## Instruction: {x}\n\n## Response:\n### 问题二\n答"
    assert [s.title for s in parse_note("x.txt", note)] == ["问题一", "问题二"]


# ------------------------------------------------------------------------------------------
# Titles and answers
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1.指令微调数据制作发展路线", "指令微调数据制作发展路线"),
        (
            "28.Multi-query Attention 与 Grouped-query Attention 区别是什么？",
            "Multi-query Attention 与 Grouped-query Attention 区别是什么？",
        ),
        ("25.目前大模型模型结构都有哪些？？", "目前大模型模型结构都有哪些？"),
        ("简单 介绍一下 大模型【LLMs】？", "简单介绍一下大模型【LLMs】？"),
        (
            "大模型【LLMs】后面跟的 175B、60B、540B等 指什么？",
            "大模型【LLMs】后面跟的 175B、60B、540B等指什么？",
        ),
        (
            '<font style="background-color:rgb(253, 253, 253);">Reranker</font>评测方法有什么？',
            "Reranker评测方法有什么？",
        ),
        ("2021年 P-Tuning技术进行介绍下", "2021年 P-Tuning技术进行介绍下"),
        ("2021-P-Tuning v2方法进行介绍下", "2021-P-Tuning v2方法进行介绍下"),
        ("3.5-turbo 有什么变化??", "3.5-turbo 有什么变化?"),
        ("0-1-1 Visual Instruction Turing", "Visual Instruction Turing"),
        ("2.1  视觉指令数据集 ", "视觉指令数据集"),
        ("为什么 <STOP> 需要？", "为什么 <STOP> 需要？"),
        ("  ", ""),
        # The Han and punctuation ranges of questions.search.tokens: Extension A and B,
        # compatibility ideographs, full-width punctuation; kana is not Han.
        ("\u3400 \U00020000 \U0002a6df 字", "\u3400\U00020000\U0002a6df字"),
        ("\ufa0e \u4e00", "\ufa0e\u4e00"),
        ("什么是 （LoRA） ？", "什么是（LoRA）？"),
        ("カタ カナ", "カタ カナ"),
    ],
)
def test_clean_title(raw, expected):
    assert clean_title(raw) == expected


@pytest.mark.parametrize(
    ("body", "has_answer"),
    [
        ("", False),
        ("TODO", False),
        ("  待补充 ", False),
        ("**TODO**: 待完善", False),
        ("//todo", False),
    ],
)
def test_stub_bodies_have_no_answer(body, has_answer):
    [section] = parse_note("x.txt", f"#### 问题\n{body}")
    assert section.has_answer is has_answer


def test_has_answer_on_the_fixtures():
    assert section_at(F004, 287).title == "领域大模型LLM训练Trick"
    assert section_at(F004, 287).body == "TODO"
    assert not section_at(F004, 287).has_answer
    assert not section_at(F000, 139).has_answer  # the copy stops right after the heading
    assert section_at(F003, 80).has_answer  # ends with "//todo" after a real answer
    unanswered = [(s.file_name, s.heading_line) for s in all_sections() if not s.has_answer]
    assert unanswered == [(F000, 139), (F004, 287)]


# ------------------------------------------------------------------------------------------
# normalise_markdown
# ------------------------------------------------------------------------------------------


def test_list_right_after_a_paragraph_gets_a_blank_line():
    text = "包括以下几个方面：\n1. **甲**：一\n2. **乙**：二"
    assert normalise_markdown(text) == "包括以下几个方面：\n\n1. **甲**：一\n2. **乙**：二"
    assert render(text).count("<li>") == 0
    assert render(normalise_markdown(text)).count("<li>") == 2


def test_paragraph_after_a_list_is_not_glued_and_lists_do_not_merge():
    text = "1. 甲\n2. 乙\n为了减少：\n- 丙\n- 丁\n总结。"
    normalised = normalise_markdown(text)
    assert normalised == "1. 甲\n2. 乙\n\n为了减少：\n\n- 丙\n- 丁\n\n总结。"
    html = render(normalised)
    assert "<p>为了减少：</p>" in html
    assert html.count("<ol>") == 1
    assert html.count("<ul>") == 1


def test_ordered_then_bullet_list_are_kept_apart():
    normalised = normalise_markdown("1. 甲\n\n- 乙")
    assert normalised == f"1. 甲\n\n{LIST_SEPARATOR}\n\n- 乙"
    html = render(normalised)
    assert "<ol>\n<li>甲</li>\n</ol>" in html
    assert "<ul>\n<li>乙</li>\n</ul>" in html


@pytest.mark.parametrize("indent", [2, 3, 5, 6])
def test_nested_list_indentation_becomes_four_spaces(indent):
    pad = " " * indent
    text = (
        f"1. **Float32**：\n{pad}- **特点**：32位\n{pad}- **优点**：稳定\n"
        f"2. **Float16**：\n{pad}续行"
    )
    normalised = normalise_markdown(text)
    assert normalised == (
        "1. **Float32**：\n    - **特点**：32位\n    - **优点**：稳定\n2. **Float16**：\n    续行"
    )
    assert re.search(r"<li><strong>Float32</strong>：\s*<ul>", render(normalised))


def test_deeper_nesting_from_the_notes():
    text = "- 视觉部分\n     1. **输入图像**\n     2. **编码器**：\n        - ViT\n- 语言"
    assert normalise_markdown(text) == (
        "- 视觉部分\n    1. **输入图像**\n    2. **编码器**：\n        - ViT\n- 语言"
    )


def test_accidental_indented_code_is_dedented_but_real_code_is_kept():
    prose = "结构有：\n\n    Transformer：基于自注意力机制的模型。\n    GPT系列：采用解码器结构。"
    normalised = normalise_markdown(prose)
    assert (
        normalised == "结构有：\n\nTransformer：基于自注意力机制的模型。\nGPT系列：采用解码器结构。"
    )
    assert "<pre>" in render(prose)
    assert "<pre>" not in render(normalised)
    code = "例如：\n\n    # 计算秩\n    r = rank(W)"
    assert normalise_markdown(code) == code
    assert "<pre><code># 计算秩" in render(code)


def test_indented_list_after_an_image_is_dedented():
    body = section_at(F004, 940).body
    assert "\n- 可训练层维度和预训练模型层维度一致为d" in body
    assert "\n    * ![](https://cdn.nlark.com/yuque/0/2024/png/35381469/1705994967998" in body
    assert "<pre>" not in render(body)


def test_tab_in_indentation_counts_as_four_columns():
    text = "前文\n\n   \t即：![](x.png)"
    assert normalise_markdown(text) == "前文\n\n即：![](x.png)"


def test_prompt_template_headings_become_a_code_block():
    lines = text_of(F002).split("\n")
    excerpt = "\n".join(lines[120:132])  # 以 Guannaco 模型 为例 ... Complete: ""{output}""
    normalised = normalise_markdown(excerpt)
    assert '```text\nPrompt: ""Below is an instruction' in normalised
    assert '### Response:""\n\nComplete: ""{output}""\n```' in normalised
    html = render(normalised)
    assert "<h3>" not in html
    assert "### Instruction: {instruction}" in html
    assert "<h3>Instruction: {instruction}</h3>" in render(excerpt)
    assert "<h3>" not in render(section_at(F002, 97).body.split("## 0x13")[0])


def test_tab_separated_table_becomes_a_pipe_table():
    text = "结果如下\n\tConversation\tAll\nFull data\t83.1\t85.1\nNo Tuning\t22.0 (-61.1)\t21.5"
    assert normalise_markdown(text) == (
        "结果如下\n\n|  | Conversation | All |\n| --- | --- | --- |\n"
        "| Full data | 83.1 | 85.1 |\n| No Tuning | 22.0 (-61.1) | 21.5 |"
    )
    html = render(normalise_markdown(text))
    assert "<th>Conversation</th>" in html
    assert "<td>22.0 (-61.1)</td>" in html
    assert "<table>" in render(section_at(F002, 40).body)


def test_trailing_tab_is_not_a_table():
    text = "- 创建了数据集。\t\n    - 提示ChatGPT的方式评估"
    assert "|" not in normalise_markdown(text)


def test_pipe_table_after_a_paragraph_gets_a_blank_line():
    text = "如下：\n| a | b |\n| --- | --- |\n| 1 | 2 |"
    assert "<table>" in render(normalise_markdown(text))


def test_bare_angle_brackets_are_escaped_and_real_html_kept():
    text = (
        "现有<Image, Caption>数据，<STOP>token，r<<d，"
        '<sup>1</sup><br/></br><font style="x">字</font><img src="a.png"> '
        "<https://arxiv.org/pdf/2304.08485.pdf> <!-- c -->"
    )
    assert normalise_markdown(text) == (
        "现有&lt;Image, Caption&gt;数据，&lt;STOP&gt;token，r&lt;&lt;d，"
        '<sup>1</sup><br/></br><font style="x">字</font><img src="a.png"> '
        "<https://arxiv.org/pdf/2304.08485.pdf> <!-- c -->"
    )
    html = render(normalise_markdown(text))
    assert "&lt;Image, Caption&gt;" in html
    assert "&lt;STOP&gt;" in html
    assert '<a href="https://arxiv.org/pdf/2304.08485.pdf">' in html
    assert "<Image, Caption>" in render(text)  # what Python-Markdown would have swallowed


def test_code_and_math_are_never_touched():
    text = (
        "用`<ImageFeature>`和 $a<b$ 与 $$x<y$$\n"
        "```\nX <STOP> \\n\n### Instruction:\n\ta\tb\n1. x\n  - y\n```\n"
        "$$\n- a<b\n    c\n$$"
    )
    # Only blank lines are added, around the fence.
    assert normalise_markdown(text) == text.replace("$$\n```", "$$\n\n```").replace(
        "```\n$$", "```\n\n$$"
    )


def test_fence_inside_a_list_item_moves_to_column_zero():
    text = "- **示例**：\n  ```\n  用户：<你好>\n    缩进\n  ```\n- 下一项"
    normalised = normalise_markdown(text)
    assert normalised == "- **示例**：\n\n```\n用户：<你好>\n  缩进\n```\n\n- 下一项"
    assert "<pre><code>用户：&lt;你好&gt;\n  缩进\n</code></pre>" in render(normalised)


def test_fixture_bodies_show_placeholders_instead_of_swallowing_them():
    dense = section_at(F001, 343)
    assert "&lt;Image, Caption&gt;" in dense.body
    assert "&lt;Image, DenseCaption&gt;" in render(dense.body)
    stop = section_at(F003, 1)
    assert "*q: 为什么所有&lt;STOP&gt;token都要被计算？*" in stop.body
    assert "`<ImageFeature>`" in section_at(F003, 80).body
    assert "X_system-message <STOP> \\n" in section_at(F002, 40).body  # inside a fence
    assert "&lt;主体，关系，客体&gt;" in section_at(F004, 1449).body
    assert "<sup>1</sup>" in section_at(F002, 3).body


# ------------------------------------------------------------------------------------------
# group_duplicates
# ------------------------------------------------------------------------------------------


def group_of(name: str, heading_line: int):
    groups, _ = grouped()
    section = section_at(name, heading_line)
    [group] = [g for g in groups if section in (g.canonical, *(d.section for d in g.duplicates))]
    return group


def members(group) -> set[tuple[str, int]]:
    sections = (group.canonical, *(d.section for d in group.duplicates))
    return {(s.file_name, s.heading_line) for s in sections}


def candidate_pairs() -> set[frozenset[tuple[str, int]]]:
    _, candidates = grouped()
    return {
        frozenset(
            {(c.first.file_name, c.first.heading_line), (c.second.file_name, c.second.heading_line)}
        )
        for c in candidates
    }


def test_every_section_lands_in_exactly_one_group():
    groups, _ = grouped()
    seen = [key for group in groups for key in members(group)]
    assert len(seen) == len(set(seen)) == len(all_sections())


def test_000_is_an_exact_copy_of_the_start_of_001():
    for copy in sections_of(F000):
        group = group_of(F000, copy.heading_line)
        [twin] = [s for s in sections_of(F001) if s.title == copy.title]
        assert {(F000, copy.heading_line), (F001, twin.heading_line)} <= members(group)
        matches = {d.section: (d.match, d.similarity) for d in group.duplicates}
        if group.canonical in (copy, twin):
            # both sources are kept: the canonical one and its exact duplicate
            assert matches[twin if group.canonical is copy else copy] == ("exact", 1.0)
        else:
            # both copies were merged into a third, rephrased question (LoRA): they compare
            # the same to it
            assert matches[copy] == matches[twin]
    exact_pairs = [g for g in grouped()[0] if {s.file_name for s in members_of(g)} == {F000, F001}]
    assert len(exact_pairs) == 6  # questions 1-5 and 7; question 6 joined 004's LoRA group


def members_of(group) -> list[Section]:
    return [group.canonical, *(d.section for d in group.duplicates)]


def test_answered_section_is_canonical_over_its_truncated_copy():
    group = group_of(F000, 139)
    assert (group.canonical.file_name, group.canonical.heading_line) == (F001, 164)
    assert [(d.section.file_name, d.match) for d in group.duplicates] == [(F000, "exact")]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ((F004, 524), (F004, 940)),  # 介绍下Lora / 请说下你对Lora的理解
        ((F001, 145), (F004, 524)),  # 简要介绍一下LoRA / 介绍下Lora
        ((F004, 423), (F004, 1052)),  # Prefix-tuning / Prefix Tuning
        ((F004, 485), (F004, 1160)),  # Adapter Tuning
        ((F004, 1200), (F004, 1611)),  # PEFT
        ((F004, 462), (F004, 892)),  # P-Tuning v2
        ((F004, 635), (F004, 1752)),  # 量化
        ((F004, 445), (F004, 864)),  # P-Tuning v1 / 2021年 P-Tuning
        ((F004, 263), (F004, 310)),  # Transformer架构 / Transformer
        ((F001, 380), (F004, 1)),  # 开源模型体系
        ((F001, 174), (F004, 58)),  # decoder-only
        ((F000, 33), (F001, 359)),  # KV-Cache / kv-cache的作用 (canonical of the 000/001 pair)
        ((F004, 608), (F001, 198)),  # 如何缓解大模型幻觉 / 如何减轻 LLM 中的“幻觉”现象
        ((F004, 608), (F004, 1464)),  # 如何缓解大模型幻觉 / 如何进行幻觉矫正
        ((F004, 551), (F004, 1010)),  # 介绍下QLora / 请介绍下QLora训练过程
    ],
)
def test_repeated_questions_are_merged(first, second):
    group = group_of(*first)
    assert second in members(group)
    near = [d for d in group.duplicates if d.match == "near"]
    assert all(MERGE_THRESHOLD - 0.1 <= d.similarity < 1.0 for d in near)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ((F001, 227), (F004, 156)),  # 缓解重复: inference时候 / 生成内容
        ((F001, 397), (F004, 13)),  # prefix LM 和 causal LM / Prefix Decoder 和 causal Decoder
    ],
)
def test_rephrased_repeats_are_candidates(first, second):
    assert frozenset({first, second}) in candidate_pairs()
    assert second not in members(group_of(*first))


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ((F004, 445), (F004, 462)),  # P-Tuning v1 / v2
        ((F004, 1458), (F004, 1464)),  # 幻觉检测 / 幻觉矫正
        ((F004, 1028), (F004, 1052)),  # Prompt Tuning / Prefix Tuning
        ((F004, 1128), (F004, 1160)),  # Adapter Fusion / Adapter Tuning
        ((F004, 588), (F004, 608)),  # 什么是幻觉 / 如何缓解幻觉
        ((F004, 1449), (F004, 608)),  # 如何衡量幻觉 / 如何缓解幻觉
        ((F004, 1471), (F004, 608)),  # 幻觉产生的机制 / 如何缓解幻觉
        ((F004, 569), (F004, 579)),  # 介绍下模型编辑 / 模型编辑常见的方法有哪些
        ((F001, 215), (F004, 43)),  # 涌现能力 / 涌现能力是啥原因
    ],
)
def test_different_questions_on_one_topic_are_not_merged(first, second):
    assert second not in members(group_of(*first))


def test_candidates_lie_between_the_thresholds_and_join_different_groups():
    groups, candidates = grouped()
    canonicals = {g.canonical for g in groups}
    assert candidates
    for candidate in candidates:
        assert CANDIDATE_THRESHOLD <= candidate.similarity < MERGE_THRESHOLD
        assert {candidate.first, candidate.second} <= canonicals
        assert candidate.first.kind == candidate.second.kind
        assert (candidate.first.file_name, candidate.first.heading_line) < (
            candidate.second.file_name,
            candidate.second.heading_line,
        )


def test_fixture_counts():
    groups, candidates = grouped()
    matches = [d.match for g in groups for d in g.duplicates]
    assert len(all_sections()) == 130
    assert len(groups) == 108
    assert sum(bool(g.duplicates) for g in groups) == 18
    assert (matches.count("exact"), matches.count("near")) == (6, 16)
    assert len(candidates) == 6


def section(
    title: str, body: str, *, kind: str = "question", file_name: str = "a.txt", line: int = 1
):
    return Section(
        kind=kind,
        title=title,
        raw_title=title,
        file_name=file_name,
        heading_line=line,
        end_line=line + 1,
        original_text=f"#### {title}\n{body}",
        body=body,
        has_answer=bool(body.strip()),
    )


def test_questions_and_notes_never_merge():
    question = section("介绍下LoRA", "低秩分解。", kind="question")
    note = section("介绍下LoRA", "低秩分解。", kind="note", file_name="b.txt")
    groups, candidates = group_duplicates([question, note])
    assert len(groups) == 2
    assert candidates == []


def test_exact_duplicates_ignore_whitespace_and_canonical_is_the_longest_answer():
    short = section("什么是 KV cache？", "缓存 K 和 V。", file_name="b.txt", line=3)
    same = section("什么是 KV cache？", "缓存K和V。", file_name="a.txt", line=9)
    longer = section(
        "什么是KV cache？", "缓存每层的 K 和 V，用显存换计算。", file_name="c.txt", line=1
    )
    groups, _ = group_duplicates([short, same, longer])
    [group] = groups
    assert group.canonical is longer
    assert [(d.section.file_name, d.match) for d in group.duplicates] == [
        ("a.txt", "near"),
        ("b.txt", "near"),
    ]
    groups, _ = group_duplicates([short, same])
    assert groups[0].canonical is same  # a tie on length goes to the file name
    assert groups[0].duplicates[0].match == "exact"


@pytest.mark.parametrize("space", ["\u3000", "\xa0", "\u2029", "\x1c", "\t\r\n\v\f"])
def test_exact_duplicates_ignore_every_kind_of_whitespace(space):
    # Every character str.isspace() (and so the regex \s) accepts, full-width space included.
    plain = section("什么是KV cache？", "缓存K和V。", file_name="a.txt")
    spaced = section(f"什么是KV{space}cache？", f"缓存{space}K和V。", file_name="b.txt")
    [group], _ = group_duplicates([plain, spaced])
    assert [(d.section, d.match) for d in group.duplicates] == [(spaced, "exact")]


def test_near_duplicates_are_compared_by_the_search_tokens():
    # Extension B ideographs are Han like any other: "什么是" and "请介绍下" are filler, so the
    # two titles share every bigram.
    first = section("什么是\U00020000\U00020001\U00020002？", "答案一。", file_name="a.txt")
    second = section("请介绍下\U00020000\U00020001\U00020002", "另一个答案。", file_name="b.txt")
    [group], candidates = group_duplicates([first, second])
    assert group.canonical is second  # the longer answer
    assert [(d.section, d.match) for d in group.duplicates] == [(first, "near")]
    assert candidates == []


PURE_MODULES = (
    "questions.importing.sections",
    "questions.importing.normalise",
    "questions.importing.dedupe",
    "questions.search.tokens",
    "questions.search.synonyms",
)


def test_the_pure_modules_load_without_django():
    code = (
        f"import sys; import {', '.join(PURE_MODULES)}; "
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'django'))"
    )
    root = Path(__file__).resolve().parents[2]
    loaded = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip() == "[]"


def test_grouping_does_not_depend_on_input_order():
    shuffled = list(all_sections())
    random.Random(4).shuffle(shuffled)
    assert group_duplicates(shuffled) == grouped()


def test_exact_pass_scales_to_many_sections():
    many = [
        section(f"问题{n % 500}号 topic{n % 500}", f"答案 {n % 500}", file_name=f"f{n}.txt")
        for n in range(5000)
    ]
    groups, candidates = group_duplicates(many)
    assert len(groups) == 500
    assert all(len(g.duplicates) == 9 for g in groups)
    assert all(d.match == "exact" for g in groups for d in g.duplicates)
    assert candidates == []


# ------------------------------------------------------------------------------------------
# Properties on arbitrary text
# ------------------------------------------------------------------------------------------

FRAGMENTS = [
    "#", "# ", "#### ", "### Instruction:", "<h1 id='1.x'>1.标题</h1>", "\n", "\n\n", "```",
    "~~~", "`", "<", ">", "<STOP>", "<sup>", "</br>", "&lt;", "\t", "    ", "  ", "- ", "+ ",
    "1. ", "10) ", "$", "$$", "|", "| --- |", "[a](#a)", "![](x.png)", "中文", "？？", "：", "TODO",
    "Prompt:", "0-1-1 ", "x = 1", "<!--", "-->", "<https://a.b>", "\r\n", "---",
]  # fmt: skip
note_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), max_size=60).map(
    "".join
)


def visible_key(text: str) -> str:
    """Text that must survive: every character except whitespace and the angle brackets that
    may become the entities ``&lt;``/``&gt;`` (which are dropped from both sides), and the
    markers the normaliser mends: ``*`` (bold), a bullet with nothing in it, the ``[](#)`` of an
    in-page link."""
    text = "\n".join(
        line
        for line in split_lines(text)  # lines as the normaliser reads them (a lone CR too)
        if line != LIST_SEPARATOR and not re.fullmatch(r"\s*[-+*]\s*", line)
    )
    text = re.sub(r"\[([^[\]\n]*)\]\(#[^)\s]*\)", r"\1", text)
    return re.sub(r"&lt;|&gt;|[<>\s*]", "", text)


def angle_count(text: str, bracket: str, entity: str) -> int:
    text = "\n".join(line for line in text.split("\n") if line != LIST_SEPARATOR)
    return text.count(bracket) + text.count(entity)


def is_subsequence(needle: str, haystack: str) -> bool:
    characters = iter(haystack)
    return all(char in characters for char in needle)


@settings(max_examples=300, deadline=None)
@given(note_text)
def test_normalise_markdown_never_loses_text(text):
    """ "Losing text" means: a non-whitespace character of the input is missing from the
    output, or out of order. Markup may be added (blank lines, fences, pipes, list separator),
    and ``<``/``>`` may be written as ``&lt;``/``&gt;``, but never dropped."""
    normalised = normalise_markdown(text)
    assert is_subsequence(visible_key(text), visible_key(normalised))
    assert angle_count(text, "<", "&lt;") == angle_count(normalised, "<", "&lt;")
    assert angle_count(text, ">", "&gt;") == angle_count(normalised, ">", "&gt;")
    render(normalised)


@settings(max_examples=300, deadline=None)
@given(note_text)
def test_parse_note_never_crashes_and_sections_are_consistent(text):
    sections = parse_note("x.txt", text)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    previous_end = 0
    for parsed in sections:
        assert previous_end < parsed.heading_line <= parsed.end_line <= len(lines)
        assert parsed.original_text == "\n".join(lines[parsed.heading_line - 1 : parsed.end_line])
        assert parsed.title == clean_title(parsed.raw_title) != ""
        assert parsed.kind in {"question", "note"}
        after_heading = "\n".join(lines[parsed.heading_line : parsed.end_line])
        assert is_subsequence(visible_key(after_heading), visible_key(parsed.body))
        previous_end = parsed.end_line
    group_duplicates(sections)


title_text = st.text(
    st.sampled_from("大模型微调量化幻觉检索向量LoRAPEFTabc？ "), min_size=1, max_size=12
).filter(lambda t: clean_title(t) != "")
# an answer line never starts a heading: it starts with a CJK character and has no line breaks
body_line = note_text.map(lambda t: "答" + re.sub(r"[\r\n]", " ", t))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(title_text, st.lists(body_line, max_size=4)), min_size=1, max_size=5))
def test_every_question_of_a_generated_note_is_found(questions):
    lines: list[str] = []
    heading_lines = []
    for title, body in questions:
        heading_lines.append(len(lines) + 1)
        lines += [f"#### {title}", *body]
    sections = parse_note("g.txt", "\n".join(lines))
    assert [s.heading_line for s in sections] == heading_lines
    assert [s.title for s in sections] == [clean_title(title) for title, _ in questions]
    for parsed, (_, body) in zip(sections, questions, strict=True):
        assert is_subsequence(visible_key("".join(body)), visible_key(parsed.body))
