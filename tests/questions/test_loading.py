"""Loading at scale: re-imports skip unchanged questions, progress output, worker processes,
COPY on PostgreSQL."""

import datetime
import io
import json
import shutil
from typing import Any

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from questions import classify, rendering
from questions.importing import bulk, dedupe, pipeline, workers
from questions.importing.dedupe import MergeGroup
from questions.importing.findings import source_at
from questions.importing.sections import parse_note
from questions.models import (
    DuplicateCandidate,
    EditorialFlag,
    Question,
    QuestionRevision,
    QuestionSource,
    Tag,
)
from questions.search.backends import PG_INDEX, PG_TITLE_INDEX, search_questions
from tests.conftest import FIXTURES_DIR

pytestmark = pytest.mark.django_db


def require_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("compares PostgreSQL's COPY with bulk_create (SQLite has bulk_create only)")


def empty_bank() -> None:
    """Delete the loaded bank (inside the test's transaction, so only for this test)."""
    EditorialFlag.objects.all().delete()
    DuplicateCandidate.objects.all().delete()
    Question.objects.update(live_revision=None, duplicate_of=None)
    QuestionRevision.objects.all().delete()
    Question.objects.all().delete()


def loaded_rows() -> dict[str, object]:
    """Every column of every row a load writes, with ids replaced by natural keys (two loads
    number their rows differently) and the load's timestamps checked, then left out."""
    keys = dict(Question.objects.values_list("pk", "import_key"))
    revisions = {row.pop("id"): row for row in QuestionRevision.objects.values()}
    questions = {}
    for row in Question.objects.values():
        revision = revisions[row.pop("live_revision_id")]
        assert revision["question_id"] == row["id"]
        stamps = {row.pop("created_at"), row.pop("updated_at"), revision.pop("created_at")}
        assert len(stamps) == 1
        assert next(iter(stamps)).tzinfo is not None
        del row["id"], revision["question_id"]
        row["duplicate_of_id"] = keys.get(row["duplicate_of_id"])
        # A follow-up that is a question of the bank names it by id.
        revision["follow_ups"] = [
            {**item, "question_id": keys[item["question_id"]]} if "question_id" in item else item
            for item in revision["follow_ups"]
        ]
        questions[row["import_key"]] = (row, revision)
    assert len(revisions) == len(questions)  # nothing but the live revisions
    return {
        "questions": questions,
        "tags": sorted(
            (keys[question], slug)
            for question, slug in Question.tags.through.objects.values_list(
                "question_id", "tag__slug"
            )
        ),
        "sources": sorted(
            (keys[row.pop("question_id")], sorted((row.pop("id"), row)[1].items()))
            for row in QuestionSource.objects.values()
        ),
        "flags": sorted(
            (keys[question], key)
            for question, key in EditorialFlag.objects.values_list("question_id", "import_key")
        ),
        "candidates": sorted(
            (keys[first], keys[second], similarity)
            for first, second, similarity in DuplicateCandidate.objects.values_list(
                "question_id", "other_id", "similarity"
            )
        ),
    }


def test_copy_writes_what_bulk_create_writes(monkeypatch):
    require_postgresql()
    empty_bank()
    pipeline.import_bank(fixtures_dir=FIXTURES_DIR)
    copied = loaded_rows()
    assert len(copied["questions"]) == 108
    assert len(copied["sources"]) == 130

    empty_bank()
    monkeypatch.setattr(
        bulk, "insert", lambda model, objs: model._default_manager.bulk_create(objs)
    )
    pipeline.import_bank(fixtures_dir=FIXTURES_DIR)

    assert loaded_rows() == copied


# Text COPY escapes backslashes, tabs and line breaks, and reads "\N" as NULL.
AWKWARD_TEXTS = ["\\N", "\\", "a\tb", "one\r\ntwo\n", "$\\frac{a}{b}$", "大模型", "", "'\""]


def search_indexes() -> list[tuple[str, list[str]]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_indexdef(oid), reloptions FROM pg_class WHERE relname IN (%s, %s) "
            "ORDER BY relname",
            [PG_INDEX, PG_TITLE_INDEX],
        )
        return cursor.fetchall()


def test_a_large_load_rebuilds_the_search_index_as_it_was(monkeypatch):
    require_postgresql()
    before = search_indexes()
    assert [options for _, options in before] == [["fastupdate=off"]] * 2
    empty_bank()
    monkeypatch.setattr(pipeline, "REBUILD_INDEX_MIN_ROWS", 100)

    with CaptureQueriesContext(connection) as queries:
        pipeline.import_bank(fixtures_dir=FIXTURES_DIR)

    sql = [query["sql"] for query in queries]
    assert f"DROP INDEX {PG_INDEX}" in sql
    assert f"DROP INDEX {PG_TITLE_INDEX}" in sql
    assert search_indexes() == before
    kv = Question.objects.get(title__contains="简要介绍一下KV-Cache")
    assert kv in search_questions(Question.objects.all(), "KV cache")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = search_questions(Question.objects.all(), "幻觉").explain()
    assert f"Bitmap Index Scan on {PG_INDEX}" in plan, plan


def bank_foreign_keys() -> list[tuple[str, str, str]]:
    tables = [model._meta.db_table for model in pipeline.BANK_TABLES]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) "
            "ORDER BY 1, 2",
            [tables],
        )
        return cursor.fetchall()


def test_a_large_load_checks_the_foreign_keys_once_and_restores_them(monkeypatch):
    require_postgresql()
    before = bank_foreign_keys()
    # Between the bank's own tables, and the revision's author (a user) among them.
    assert len(before) >= 6
    assert any("interviewprep_user" in definition for _, _, definition in before)
    empty_bank()
    monkeypatch.setattr(pipeline, "REBUILD_INDEX_MIN_ROWS", 100)

    with CaptureQueriesContext(connection) as queries:
        pipeline.import_bank(fixtures_dir=FIXTURES_DIR)

    dropped = [q["sql"] for q in queries if "DROP CONSTRAINT" in q["sql"]]
    assert dropped, "no foreign key was dropped for the large load"
    assert not [sql for sql in dropped if "author" in sql]  # keys to users stay
    assert bank_foreign_keys() == before
    assert Question.objects.count() == 108


def test_a_row_that_refers_to_nothing_fails_when_the_keys_are_added_again():
    require_postgresql()
    question = Question.objects.first()
    before = bank_foreign_keys()
    with (
        pytest.raises(IntegrityError),
        transaction.atomic(),
        bulk.foreign_keys_dropped(pipeline.BANK_TABLES),
    ):
        QuestionSource.objects.create(
            question_id=question.pk + 10_000_000,
            file_name="x.txt",
            heading_line=1,
            start_line=1,
            end_line=2,
            raw_title="x",
            original_text="x",
            normalised_markdown="x",
        )
    assert bank_foreign_keys() == before  # the failed block rolled back to its keys


def test_a_small_import_keeps_the_search_index(tmp_path, monkeypatch):
    require_postgresql()
    monkeypatch.setattr(pipeline, "REBUILD_INDEX_MIN_ROWS", 1)
    folder = tmp_path / "fixtures"
    shutil.copytree(FIXTURES_DIR, folder)
    (folder / "zz-new.txt").write_text("#### 什么是MoE？\n混合专家模型。\n", encoding="utf-8")

    with CaptureQueriesContext(connection) as queries:
        report = pipeline.import_bank(fixtures_dir=folder)

    assert report.created == 1
    assert not [query for query in queries if "DROP INDEX" in query["sql"]]


def test_insert_stores_values_as_bulk_create_does():
    require_postgresql()
    question = Question.objects.first()
    published = datetime.datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=datetime.UTC)

    def revisions(first_number: int) -> list[QuestionRevision]:
        return [
            QuestionRevision(
                question=question,
                number=first_number + i,
                title=text or "-",
                body_markdown=text,
                body_html=text,
                tag_slugs=[text, {"nested": [text, None, 1.5, True]}],
                difficulty="hard",
                published_at=published if i % 2 else None,
            )
            for i, text in enumerate(AWKWARD_TEXTS)
        ]

    bulk.insert(QuestionRevision, revisions(100))
    QuestionRevision.objects.bulk_create(revisions(200))

    def stored(low: int) -> list[dict]:
        rows = QuestionRevision.objects.filter(
            question=question, number__gte=low, number__lt=low + 100
        ).order_by("number")
        return [
            {**row, "id": None, "number": row["number"] - low, "created_at": None}
            for row in rows.values()
        ]

    assert stored(100) == stored(200)
    assert stored(100)[0]["body_markdown"] == "\\N"
    assert stored(100)[1]["published_at"] == published


def test_insert_without_primary_keys_lets_the_database_number_the_rows():
    question = Question.objects.first()
    question.tags.clear()
    tags = list(Tag.objects.order_by("pk")[:2])
    bulk.insert(
        Question.tags.through,
        [Question.tags.through(question_id=question.pk, tag_id=tag.pk) for tag in tags],
    )
    assert list(question.tags.order_by("pk")) == tags
    with pytest.raises(ValueError, match="every object has its primary key or none"):
        bulk.insert(Question, [Question(title="a"), Question(id=question.pk, title="b")])


def test_insert_conflict_is_djangos_integrity_error():
    source = QuestionSource.objects.first()
    duplicate = QuestionSource.objects.get(pk=source.pk)
    duplicate.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk.insert(QuestionSource, [duplicate])


def test_reserved_ids_are_never_those_of_deleted_questions():
    question = Question.objects.create(title="deleted before the next import")
    deleted = question.pk
    question.delete()
    assert bulk.reserve_ids(Question, 2)[0] > deleted


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every answer the import renders (the bodies), in order."""
    seen: list[str] = []
    real = rendering.render_answer

    def counting(markdown_text: str, **options: Any) -> str:
        seen.append(markdown_text)
        return real(markdown_text, **options)

    monkeypatch.setattr(rendering, "render_answer", counting)
    return seen


def test_reimport_skips_unchanged_questions_without_rendering(renders):
    with CaptureQueriesContext(connection) as queries:
        report = pipeline.import_bank(fixtures_dir=FIXTURES_DIR)
    assert report.unchanged == Question.objects.count() == 108
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

    report = pipeline.import_bank(fixtures_dir=folder)

    assert report.updated == 1
    assert len(renders) == 1
    assert "新增的一句话" in renders[0]
    again = pipeline.import_bank(fixtures_dir=folder)
    assert not again.changed
    assert again.unchanged == 108


def test_clearing_an_override_lets_the_next_import_suggest_tags_again():
    question = Question.objects.get(title="什么是量化？")
    suggested = set(question.tags.values_list("slug", flat=True))
    other = Tag.objects.exclude(slug__in=suggested).first()
    question.tags.set([other])
    Question.objects.filter(pk=question.pk).update(tags_overridden=True)

    pipeline.import_bank(fixtures_dir=FIXTURES_DIR)
    assert set(question.tags.values_list("slug", flat=True)) == {other.slug}

    Question.objects.filter(pk=question.pk).update(tags_overridden=False)
    report = pipeline.import_bank(fixtures_dir=FIXTURES_DIR)
    assert report.updated == 1
    assert set(question.tags.values_list("slug", flat=True)) == suggested


def test_worker_processes_give_the_in_process_results():
    paths = sorted(FIXTURES_DIR.glob("*.txt"))
    sections = [section for path in paths for section in workers.parse_file(path)][:20]
    tag_specs = classify.build_specs(
        json.loads((FIXTURES_DIR / "taxonomy.json").read_text(encoding="utf-8"))["tags"],
        json.loads((FIXTURES_DIR / "tag-keywords.json").read_text(encoding="utf-8")),
    )
    job = workers.PrepareJob(
        items=[(s.title, s.body) for s in sections],
        specs=tag_specs,
        fixtures_dir=FIXTURES_DIR,
        allow_remote_images=False,
    )
    with workers.Workers(count=1) as here, workers.Workers(count=2) as pool:
        assert list(pool.imap(workers.parse_file, paths)) == list(
            here.imap(workers.parse_file, paths)
        )
        assert list(pool.imap(workers.prepare_job, [job])) == list(
            here.imap(workers.prepare_job, [job])
        )


def test_duplicates_found_in_worker_processes_are_those_found_in_process():
    sections = [s for path in sorted(FIXTURES_DIR.glob("*.txt")) for s in workers.parse_file(path)]
    groups, candidates = dedupe.group_duplicates(sections)
    with workers.Workers(count=2) as pool:
        pooled_groups, pooled_candidates = dedupe.group_duplicates(sections, imap=pool.imap)
        dedupe.read_evidence(pooled_candidates, pool.imap)
        pooled_series = dedupe.series_pairs([g.canonical for g in groups], imap=pool.imap)
    assert pooled_groups == groups
    assert any(group.duplicates for group in groups)
    assert pooled_candidates == candidates
    assert [c.evidence for c in pooled_candidates] == [c.evidence for c in candidates]
    assert any(c.evidence for c in candidates)
    assert pooled_series == dedupe.series_pairs([g.canonical for g in groups])


def test_a_reimport_finds_the_evidence_of_new_pairs_only(monkeypatch):
    """A re-run lists no pair twice, so it splits no answer into sentences (at 100,000
    questions that was 17 s of every re-run); a pair listed again after an editor's
    deletion gets its evidence again."""
    split: list[str] = []
    real = dedupe._sentence_terms

    def counting(body: str) -> tuple[list[str], list[dedupe.Terms]]:
        split.append(body)
        return real(body)

    monkeypatch.setattr(dedupe, "_sentence_terms", counting)
    listed = DuplicateCandidate.objects.exclude(evidence=[]).order_by("pk").first()
    assert listed is not None
    pipeline.import_bank(fixtures_dir=FIXTURES_DIR)
    assert split == []

    pair, evidence = (listed.question_id, listed.other_id), listed.evidence
    listed.delete()
    pipeline.import_bank(fixtures_dir=FIXTURES_DIR)
    again = DuplicateCandidate.objects.get(question_id=pair[0], other_id=pair[1])
    assert again.evidence == evidence
    assert 0 < len(split) <= 2


def test_small_banks_are_loaded_in_process():
    assert workers.Workers(work_bytes=100_000).count == 1


def test_finding_goes_to_the_first_source_containing_its_line():
    # (start, end) sorted by start; the second overlaps the first (a stale source, say).
    starts = [1, 5, 9, 30]
    reach = [20, 20, 20, 40]  # running maximum of the end lines 20, 7, 12, 40
    owners = [100, 200, 300, 400]
    index = (starts, reach, owners)
    assert source_at(index, 6) == 100
    assert source_at(index, 21) is None
    assert source_at(index, 35) == 400
    assert source_at(index, 41) is None
    assert source_at(None, 1) is None


def test_group_hash_changes_with_the_content_and_the_overrides():
    [section] = parse_note("x.txt", "#### 什么是LoRA？\n低秩适配。\n")
    group = MergeGroup(section, ())
    base = workers.group_hash(group, fingerprint="f", overrides=(False, False))
    assert base == workers.group_hash(group, fingerprint="f", overrides=(False, False))
    assert base != workers.group_hash(group, fingerprint="g", overrides=(False, False))
    assert base != workers.group_hash(group, fingerprint="f", overrides=(True, False))
    [changed] = parse_note("x.txt", "#### 什么是LoRA？\n低秩适配矩阵。\n")
    changed_group = MergeGroup(changed, ())
    assert base != workers.group_hash(changed_group, fingerprint="f", overrides=(False, False))


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_without_a_terminal_is_a_line_per_ten_percent():
    out = io.StringIO()
    call_command("load_bank", stdout=out)
    text = out.getvalue()
    assert "\r" not in text
    assert "parsing: 100% (5/5)" in text.splitlines()
    assert "questions: 100% (108/108)" in text.splitlines()
    assert "Nothing to change." in text


def test_progress_on_a_terminal_is_a_bar_redrawn_in_place():
    out = _Terminal()
    call_command("load_bank", stdout=out)
    assert "\rquestions  [" + "#" * 30 + "] 108/108" in out.getvalue()


def test_no_progress_at_verbosity_zero():
    out = io.StringIO()
    call_command("load_bank", stdout=out, verbosity=0)
    assert "%" not in out.getvalue()
