"""The editors' adapter passes the pipeline's own results through (questions/editorial/parsing)."""

from pathlib import Path

from django.conf import settings

from questions.editorial.parsing import likely_duplicates, parse_text, section_for, tag_specs
from questions.importing.sections import parse_note
from questions.models import Question


def test_parse_text_is_parse_note_with_suggestions(db):
    specs = tag_specs()
    note = sorted(Path(settings.QUESTION_FIXTURES_DIR).glob("*.txt"))[0]
    text = note.read_text(encoding="utf-8")
    parsed = parse_text(note.name, text, specs)
    assert [p.section for p in parsed] == parse_note(note.name, text)
    assert all(p.suggested_tags for p in parsed)
    assert {p.difficulty for p in parsed} <= set(Question.Difficulty.values)


def test_a_bank_question_is_its_own_likeliest_duplicate(db):
    question = Question.objects.practicable().order_by("pk").first()
    assert question is not None
    section = section_for(question.title, question.body_markdown, question.kind)
    assert section is not None
    found = likely_duplicates(section)
    assert found[0].id == question.pk
    assert found[0].similarity == 1.0
    assert section_for("   ") is None


def test_a_category_heading_suggests_its_tag_and_shows_in_provenance(db):
    """A question under a category heading (numbering restarting per category) is suggested
    the category's tag although its own title does not name the topic, and its provenance
    names the category and the number as written."""
    note = (
        "# 面试题\n\n## 一、RAG 检索增强生成\n\n### 1. 分块大小怎么选？\n\n"
        "块太小丢上下文，太大稀释相关性，一般 256 到 512 个 token 并带重叠。\n\n"
        "## 二、模型量化\n\n### 1. 为什么要做校准？\n\n用少量数据统计激活范围，减小量化误差。\n"
    )
    parsed = parse_text("cats.md", note, tag_specs())
    by_title = {item.section.title: item for item in parsed}
    assert set(by_title) == {"分块大小怎么选？", "为什么要做校准？"}
    chunking = by_title["分块大小怎么选？"]
    assert "rag" in chunking.suggested_tags
    assert any("RAG" in line and "1." in line for line in chunking.provenance)
    assert "quantization" in by_title["为什么要做校准？"].suggested_tags


def test_provenance_does_not_repeat_what_the_heading_says(db):
    """Without a category, a numbered question's provenance is its file, lines and heading:
    its number alone ("1.") is not listed again as a second line."""
    note = "# 笔记\n\n## 1. CLIP 是怎么训练的？\n\n图文对比学习：同一对拉近，不同对推远。\n"
    (item,) = parse_text("clip.md", note, tag_specs())
    assert item.provenance == ["clip.md:3-5 › 1. CLIP 是怎么训练的？"]
