"""Loading at scale: re-imports skip unchanged questions, progress output, worker processes."""

import io
import shutil

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from questions import importer, loading, services
from questions.models import Question, Tag
from tests.conftest import FIXTURES_DIR

pytestmark = pytest.mark.django_db


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every answer the import renders (the bodies), in order."""
    seen: list[str] = []
    real = loading.render

    def counting(markdown_text: str, options: loading.RenderOptions) -> str:
        seen.append(markdown_text)
        return real(markdown_text, options)

    monkeypatch.setattr(loading, "render", counting)
    return seen


def test_reimport_skips_unchanged_questions_without_rendering(renders):
    with CaptureQueriesContext(connection) as queries:
        report = services.import_bank(fixtures_dir=FIXTURES_DIR)
    assert report.unchanged == Question.objects.count() == 116
    assert report.created == report.updated == 0
    assert renders == []
    # A handful of queries per run (the tags, one read per table), never one per question.
    assert len(queries) < 20


def test_a_changed_section_is_the_only_one_rendered_again(tmp_path, renders):
    folder = tmp_path / "fixtures"
    shutil.copytree(FIXTURES_DIR, folder)
    note = folder / "004_92b955545d4f99cd.txt"
    note.write_text(
        note.read_text(encoding="utf-8").replace(
            "#### 什么是量化？", "#### 什么是量化？\n\n新增的一句话。", 1
        ),
        encoding="utf-8",
    )

    report = services.import_bank(fixtures_dir=folder)

    assert report.updated == 1
    assert len(renders) == 1
    assert "新增的一句话" in renders[0]
    again = services.import_bank(fixtures_dir=folder)
    assert not again.changed
    assert again.unchanged == 116


def test_clearing_an_override_lets_the_next_import_suggest_tags_again():
    question = Question.objects.get(title="什么是量化？")
    suggested = set(question.tags.values_list("slug", flat=True))
    other = Tag.objects.exclude(slug__in=suggested).first()
    question.tags.set([other])
    Question.objects.filter(pk=question.pk).update(tags_overridden=True)

    services.import_bank(fixtures_dir=FIXTURES_DIR)
    assert set(question.tags.values_list("slug", flat=True)) == {other.slug}

    Question.objects.filter(pk=question.pk).update(tags_overridden=False)
    report = services.import_bank(fixtures_dir=FIXTURES_DIR)
    assert report.updated == 1
    assert set(question.tags.values_list("slug", flat=True)) == suggested


def test_worker_processes_give_the_in_process_results():
    paths = sorted(FIXTURES_DIR.glob("*.txt"))
    options = services._render_options(FIXTURES_DIR)
    sections = [section for path in paths for section in loading.parse_file(path)][:20]
    tag_specs = services.sync_tags(
        taxonomy=services._load_json(FIXTURES_DIR / "taxonomy.json"),
        extra_keywords=services._load_json(FIXTURES_DIR / "tag-keywords.json"),
    )
    job = loading.PrepareJob([(s.title, s.body) for s in sections], tag_specs, options)
    with loading.Workers(count=1) as here, loading.Workers(count=2) as pool:
        assert list(pool.imap(loading.parse_file, paths)) == list(
            here.imap(loading.parse_file, paths)
        )
        assert list(pool.imap(loading.prepare_job, [job])) == list(
            here.imap(loading.prepare_job, [job])
        )


def test_small_banks_are_loaded_in_process():
    assert loading.Workers(work_bytes=100_000).count == 1


def test_finding_goes_to_the_first_source_containing_its_line():
    # (start, end) sorted by start; the second overlaps the first (a stale source, say).
    starts = [1, 5, 9, 30]
    reach = [20, 20, 20, 40]  # running maximum of the end lines 20, 7, 12, 40
    owners = [100, 200, 300, 400]
    index = (starts, reach, owners)
    assert services._source_at(index, 6) == 100
    assert services._source_at(index, 21) is None
    assert services._source_at(index, 35) == 400
    assert services._source_at(index, 41) is None
    assert services._source_at(None, 1) is None


def test_group_hash_changes_with_the_content_and_the_overrides():
    [section] = importer.parse_note("x.txt", "#### 什么是LoRA？\n低秩适配。\n")
    group = importer.MergeGroup(section, ())
    base = loading.group_hash(group, fingerprint="f", overrides=(False, False))
    assert base == loading.group_hash(group, fingerprint="f", overrides=(False, False))
    assert base != loading.group_hash(group, fingerprint="g", overrides=(False, False))
    assert base != loading.group_hash(group, fingerprint="f", overrides=(True, False))
    [changed] = importer.parse_note("x.txt", "#### 什么是LoRA？\n低秩适配矩阵。\n")
    changed_group = importer.MergeGroup(changed, ())
    assert base != loading.group_hash(changed_group, fingerprint="f", overrides=(False, False))


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_without_a_terminal_is_a_line_per_ten_percent():
    out = io.StringIO()
    call_command("load_bank", stdout=out)
    text = out.getvalue()
    assert "\r" not in text
    assert "parsing: 100% (5/5)" in text.splitlines()
    assert "questions: 100% (116/116)" in text.splitlines()
    assert "Nothing to change." in text


def test_progress_on_a_terminal_is_a_bar_redrawn_in_place():
    out = _Terminal()
    call_command("load_bank", stdout=out)
    assert "\rquestions  [" + "#" * 30 + "] 116/116" in out.getvalue()


def test_no_progress_at_verbosity_zero():
    out = io.StringIO()
    call_command("load_bank", stdout=out, verbosity=0)
    assert "%" not in out.getvalue()
