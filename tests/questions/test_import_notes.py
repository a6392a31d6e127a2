"""``manage.py import_notes`` and ``load_bank`` reading notes of any shape into the bank that
tests/conftest.py loaded from fixtures/."""

import io
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from questions.models import DuplicateCandidate, Question, QuestionRevision, QuestionSource
from tests.conftest import FIXTURES_DIR
from tests.questions.revisions import publish
from tests.questions.test_import import snapshot

pytestmark = pytest.mark.django_db

NOTES = Path(__file__).resolve().parents[1] / "data" / "notes"
RAG = "01_rag_agent_restart_numbering.md"


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_notes", *args, stdout=out)
    return out.getvalue()


def copy(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copyfile(NOTES / name, target)
    return target


def test_import_adds_practicable_questions_with_provenance_and_reports(tmp_path):
    before = Question.objects.count()
    out = run(str(copy(tmp_path, RAG)), str(copy(tmp_path, "07_quantization_gb18030.txt")))

    assert Question.objects.count() == before + 15
    assert "numbering restarts per category" in out
    assert "10 questions, 0 study notes, 5 parts skipped (utf-8, crlf line ends)" in out
    assert "5 questions, 0 study notes, 2 parts skipped (gb18030, lf line ends)" in out
    assert "«目录»: table of contents" in out
    assert "created 15, updated 0, unchanged 0" in out
    question = Question.objects.get(title="Prefill 和 Decode 阶段有什么区别？")
    assert question.has_answer
    assert question.kind == Question.Kind.QUESTION
    assert "<table>" in question.body_html
    source = question.sources.get()
    assert (source.file_name, source.heading_line, source.end_line) == (RAG, 102, 109)
    assert source.original_text.startswith("### 3. Prefill 和 Decode")
    assert question.tags.exists()
    assert Question.objects.filter(title="什么是模型量化？有哪些分类？").exists()


def test_paper_notes_become_study_notes_and_stubs_are_not_imported(tmp_path):
    run(str(copy(tmp_path, "08_paper_lora_qlora.markdown")))
    run(str(copy(tmp_path, "11_flat_anchored_q.md")))
    assert Question.objects.get(title__startswith="LoRA: Low-Rank").kind == Question.Kind.NOTE
    assert not Question.objects.filter(title="介绍下 DeepNorm").exists()


def test_the_same_file_again_changes_nothing(tmp_path):
    note = copy(tmp_path, "12_mixed.md")
    run(str(note))
    before = snapshot()

    out = run(str(note))

    assert snapshot() == before
    assert "created 0, updated 0, unchanged 6" in out
    assert "Nothing to change." in out


def test_a_changed_file_updates_only_what_no_editor_revised(tmp_path, editor, reviewer):
    note = copy(tmp_path, "03_bold_line_questions.txt")
    run(str(note))
    edited = Question.objects.get(title="temperature 参数的作用是什么？")
    publish(edited, editor, reviewer, "编辑改写的答案。")
    text = note.read_text(encoding="utf-8")
    note.write_text(
        text.replace("T<1 时分布更尖锐", "T<1 时分布更尖锐（改）").replace(
            "对已经出现过的 token 调低 logit", "对出现过的 token 调低 logit"
        ),
        encoding="utf-8",
    )

    out = run(str(note))

    assert "updated 1," in out
    assert "kept editors' revisions 1" in out
    edited.refresh_from_db()
    assert edited.body_markdown == "编辑改写的答案。"
    penalty = Question.objects.get(title="什么是重复惩罚（repetition penalty）？")
    assert penalty.body_markdown.startswith("对出现过的 token 调低 logit")
    assert penalty.live_revision.origin == QuestionRevision.Origin.IMPORT
    assert penalty.live_revision.number == 2


def test_similar_questions_in_the_bank_are_listed_for_editors(tmp_path):
    note = tmp_path / "lora.md"
    note.write_text("## 微调\n\n### 1. 介绍下Lora\n\n低秩适配：冻结原权重，训练两个小矩阵。\n")
    run(str(note))
    new = Question.objects.get(sources__file_name="lora.md")
    bank = QuestionSource.objects.get(raw_title="介绍下Lora").question  # merged in the bank
    pair = (min(new.pk, bank.pk), max(new.pk, bank.pk))
    assert DuplicateCandidate.objects.filter(question_id=pair[0], other_id=pair[1]).exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("image.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        ("latin.txt", b"caf\xe9 \xff\xfe\xfd", "not valid text"),
        ("slides.pdf", b"%PDF-1.7", "not a note file"),
    ],
)
def test_an_unreadable_file_fails_with_its_name_and_imports_nothing(tmp_path, name, data, message):
    good = copy(tmp_path, RAG)
    bad = tmp_path / name
    bad.write_bytes(data)
    before = snapshot()
    with pytest.raises(CommandError, match=rf"{name}.*{message}.*nothing imported"):
        run(str(good), str(bad))
    assert snapshot() == before


def test_a_missing_file_fails(tmp_path):
    with pytest.raises(CommandError, match=r"missing\.md: cannot read it"):
        run(str(tmp_path / "missing.md"))


def test_load_bank_reads_markdown_and_warns_about_skipped_files(tmp_path):
    folder = tmp_path / "fixtures"
    shutil.copytree(FIXTURES_DIR, folder)
    shutil.copyfile(NOTES / "09_numbered_list_questions.md", folder / "zz-long-context.md")
    (folder / "cover.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00")
    (folder / "broken.txt").write_bytes(b"\x00\x01binary")
    out, err = io.StringIO(), io.StringIO()

    call_command("load_bank", "--fixtures", str(folder), stdout=out, stderr=err)

    assert Question.objects.filter(
        sources__file_name="zz-long-context.md", title="什么是滑动窗口注意力？"
    ).exists()
    warnings = err.getvalue()
    assert "warning: skipped cover.png: not a note file" in warnings
    assert "warning: skipped broken.txt: binary file" in warnings
    assert "taxonomy.json" not in warnings


def test_the_shipped_bank_is_loaded_without_warnings():
    err = io.StringIO()
    call_command("load_bank", stdout=io.StringIO(), stderr=err)
    assert "skipped" not in err.getvalue()
    assert QuestionSource.objects.filter(file_name__endswith=".md").count() == 0
