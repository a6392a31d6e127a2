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
