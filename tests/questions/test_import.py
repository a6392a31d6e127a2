"""The bank as loaded from the real notes in fixtures/ (see tests/conftest.py)."""

import io
import json
import shutil

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from questions.importing import pipeline
from questions.models import (
    DuplicateCandidate,
    EditorialFlag,
    Question,
    QuestionRevision,
    QuestionSource,
    prefetch_open_flags,
    revision_reasons,
)
from tests.conftest import FIXTURES_DIR

pytestmark = pytest.mark.django_db

FINDINGS = json.loads((FIXTURES_DIR / "editorial-review.json").read_text())["findings"]


def question_at(file_name: str, line: int) -> Question:
    source = QuestionSource.objects.get(
        file_name=file_name, start_line__lte=line, end_line__gte=line
    )
    return source.question


def snapshot() -> dict[str, list]:
    return {
        "questions": list(
            Question.objects.order_by("pk").values_list(
                "pk", "title", "body_markdown", "body_html", "difficulty", "status", "version"
            )
        ),
        "tags": list(Question.tags.through.objects.order_by("pk").values_list("question", "tag")),
        "sources": list(QuestionSource.objects.order_by("pk").values()),
        "revisions": list(QuestionRevision.objects.order_by("pk").values_list("pk", "number")),
        "flags": list(EditorialFlag.objects.order_by("pk").values_list("pk", "status")),
        "candidates": list(DuplicateCandidate.objects.order_by("pk").values_list("pk", "status")),
    }


def test_every_section_is_kept_as_provenance(bank_report):
    assert bank_report.files == 5
    assert QuestionSource.objects.count() == bank_report.sections
    assert Question.objects.count() == bank_report.questions + bank_report.notes
    merged = bank_report.merged_exact + bank_report.merged_near
    assert bank_report.sections == bank_report.questions + bank_report.notes + merged


def test_file_000_is_loaded_once_with_both_sources():
    in_000 = QuestionSource.objects.filter(file_name__startswith="000_")
    assert in_000.exists()
    for source in in_000:
        files = set(source.question.sources.values_list("file_name", flat=True))
        assert any(name.startswith("001_") for name in files), source


def test_provenance_keeps_file_lines_and_original_text():
    question = question_at("004_92b955545d4f99cd.txt", 524)
    source = question.sources.get(file_name="004_92b955545d4f99cd.txt", heading_line=524)
    assert source.start_line == 524
    assert 540 <= source.end_line < 551
    assert source.original_text.startswith("#### 介绍下Lora")
    assert "Lora" in question.title


def test_study_notes_come_from_the_paper_notes():
    notes = Question.objects.filter(kind=Question.Kind.NOTE)
    files = set(
        QuestionSource.objects.filter(question__in=notes).values_list("file_name", flat=True)
    )
    assert files == {"002_eed42e0d7dc6a01d.txt", "003_d62a54a02081a50e.txt"}
    assert not Question.objects.practicable().filter(kind=Question.Kind.NOTE).exists()


def test_all_editorial_findings_become_open_flags(bank_report):
    assert bank_report.flags_unmatched == []
    assert EditorialFlag.objects.exclude(import_key=None).count() == len(FINDINGS)
    assert not EditorialFlag.objects.exclude(status=EditorialFlag.Status.OPEN).exists()


@pytest.mark.parametrize("title", ["Multi-query Attention", "Layer Normalization"])
def test_known_wrong_answers_are_under_revision_with_the_reason(title):
    question = Question.objects.prefetch_related(prefetch_open_flags()).get(title__contains=title)
    assert question.under_revision
    finding = next(f for f in FINDINGS if title in f["question_title"] and f["severity"] == "high")
    assert finding["problem"] in [flag.problem for flag in revision_reasons(question)]


def test_every_high_severity_finding_puts_its_question_under_revision():
    high = [f for f in FINDINGS if f["severity"] == "high"]
    flagged = {question_at(f["source_file"], f["question_heading_line"]).pk for f in high}
    assert (
        set(
            Question.objects.filter(status=Question.Status.NEEDS_REVISION).values_list(
                "pk", flat=True
            )
        )
        == flagged
    )


def test_questions_without_an_answer_are_not_practicable():
    unanswered = Question.objects.filter(has_answer=False)
    assert unanswered.exists()
    assert not Question.objects.practicable().filter(pk__in=unanswered).exists()
    for question in unanswered:
        assert (
            question.body_markdown.strip() in {"", "TODO", "todo"}
            or len(question.body_markdown.strip()) < 20
        )


def test_every_question_has_tags_and_a_difficulty():
    assert not Question.objects.filter(tags=None).exists()
    assert set(Question.objects.values_list("difficulty", flat=True)) == {"easy", "medium", "hard"}
    kv = Question.objects.filter(title__icontains="kv-cache").first()
    assert kv is not None
    assert "kv-cache-inference" in kv.tags.values_list("slug", flat=True)


def test_answers_are_rendered_and_sanitised_at_load_time():
    kv = Question.objects.get(title__contains="简要介绍一下KV-Cache")
    assert 'class="highlight"' in kv.body_html or "<pre" in kv.body_html
    assert "<script" not in "".join(Question.objects.values_list("body_html", flat=True))


def test_second_run_changes_nothing():
    before = snapshot()
    report = pipeline.import_bank(fixtures_dir=FIXTURES_DIR)
    assert not report.changed
    assert report.created == report.updated == report.flags_created == 0
    assert snapshot() == before


def test_reimport_keeps_an_editors_published_revision():
    question = Question.objects.get(title__contains="Multi-query Attention")
    revision = QuestionRevision.objects.create(
        question=question,
        number=question.live_revision.number + 1,
        origin=QuestionRevision.Origin.EDITOR,
        title=question.title,
        body_markdown="MQA: all query heads share one key/value head.",
        body_html="<p>MQA: all query heads share one key/value head.</p>",
        difficulty=question.difficulty,
    )
    Question.objects.filter(pk=question.pk).update(
        live_revision=revision, body_markdown=revision.body_markdown, body_html=revision.body_html
    )

    report = pipeline.import_bank(fixtures_dir=FIXTURES_DIR)

    question.refresh_from_db()
    assert question.live_revision == revision
    assert question.body_markdown == "MQA: all query heads share one key/value head."
    assert report.kept_editorial == 1


def test_reimport_keeps_editor_overrides_and_declined_flags():
    question = Question.objects.get(title__contains="Multi-query Attention")
    question.difficulty = "easy" if question.difficulty != "easy" else "hard"
    question.difficulty_overridden = True
    question.save()
    flag = question.flags.first()
    flag.status = EditorialFlag.Status.DECLINED
    flag.save()

    pipeline.import_bank(fixtures_dir=FIXTURES_DIR)

    refreshed = Question.objects.get(pk=question.pk)
    assert refreshed.difficulty == question.difficulty
    flag.refresh_from_db()
    assert flag.status == EditorialFlag.Status.DECLINED


def test_changed_notes_update_imported_questions(tmp_path):
    folder = tmp_path / "fixtures"
    shutil.copytree(FIXTURES_DIR, folder)
    note = folder / "004_92b955545d4f99cd.txt"
    note.write_text(
        note.read_text(encoding="utf-8").replace(
            "#### 什么是量化？", "#### 什么是量化？\n\n新增的一句话。", 1
        ),
        encoding="utf-8",
    )
    question = Question.objects.get(title="什么是量化？")
    number = question.live_revision.number

    report = pipeline.import_bank(fixtures_dir=folder)

    question.refresh_from_db()
    assert report.updated >= 1
    assert "新增的一句话" in question.body_markdown
    assert question.live_revision.number == number + 1


def test_command_reports_counts_and_rejects_a_wrong_folder(tmp_path, capsys):
    call_command("load_bank")
    out = capsys.readouterr().out
    assert "Nothing to change." in out
    with pytest.raises(CommandError, match=r"taxonomy\.json"):
        call_command("load_bank", "--fixtures", str(tmp_path))


def test_rerender_refreshes_html_and_search_index(capsys):
    question = Question.objects.get(title="什么是量化？")
    Question.objects.filter(pk=question.pk).update(body_html="<p>stale</p>", search_body="")
    call_command("load_bank", "--rerender")
    assert "Re-rendered 1 answers." in capsys.readouterr().out
    question.refresh_from_db()
    assert question.body_html != "<p>stale</p>"
    assert "量化" in question.search_title
    assert question.search_body


def test_a_renamed_tag_shows_in_cached_rows_and_pages_after_the_import(
    tmp_path, client, django_capture_on_commit_callbacks
):
    question = Question.objects.get(title="请介绍下Momentum")  # its tag's name is in no title
    tag = question.tags.order_by("slug").first()
    pages = [reverse("questions:list") + f"?tag={tag.slug}", question.get_absolute_url()]
    for url in pages:  # rendered now, and cached
        page = client.get(url).content.decode()
        assert question.title in page
        assert tag.name_zh in page
    folder = tmp_path / "fixtures"
    shutil.copytree(FIXTURES_DIR, folder)
    taxonomy = json.loads((folder / "taxonomy.json").read_text(encoding="utf-8"))
    next(entry for entry in taxonomy["tags"] if entry["tag"] == tag.slug)["name_zh"] = "新标签名"
    (folder / "taxonomy.json").write_text(json.dumps(taxonomy, ensure_ascii=False), "utf-8")
    out = io.StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_bank", "--fixtures", str(folder), stdout=out)

    assert "Bank loaded." in out.getvalue()
    for url in pages:
        page = client.get(url).content.decode()
        assert "新标签名" in page, url
        assert tag.name_zh not in page, url


def test_moved_sources_show_on_the_cached_question_page_after_the_import(
    tmp_path, client, django_capture_on_commit_callbacks
):
    source = QuestionSource.objects.get(file_name="004_92b955545d4f99cd.txt", heading_line=524)
    url = source.question.get_absolute_url()
    lines = "第 {}-{} 行"
    assert lines.format(source.start_line, source.end_line) in client.get(url).content.decode()
    folder = tmp_path / "fixtures"
    shutil.copytree(FIXTURES_DIR, folder)
    note = folder / source.file_name
    note.write_text("前言。\n\n" + note.read_text(encoding="utf-8"), encoding="utf-8")

    with django_capture_on_commit_callbacks(execute=True):
        report = pipeline.import_bank(fixtures_dir=folder)

    assert report.changed
    assert report.updated == 0
    page = client.get(url).content.decode()
    assert lines.format(source.start_line + 2, source.end_line + 2) in page
