"""Loading the notes into the question bank: :func:`import_bank` (the fixtures folder, one
transaction), with the tag sync, the editorial findings and :func:`rerender_all` beside it.
More notes into the existing bank, and a file's preview, are in :mod:`.notes`; a question's
sources in :mod:`.sources`; duplicate candidates and series links in :mod:`.pairs`.

The pure steps (parsing, normalising, duplicate detection) are in the sibling modules; the
CPU-bound preparation runs in :mod:`.workers`, the bulk writes in :mod:`.bulk`.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from interviewprep import cache

from .. import classify, rendering
from ..figures import copied_figures, figures_for
from ..models import (
    Question,
    QuestionRevision,
    QuestionSource,
    Tag,
)
from ..search.backends import PG_INDEX, PG_TITLE_INDEX
from ..search.tokens import search_fields
from . import bulk
from .bulk import IMPORT_BATCH
from .decoding import NOTE_SUFFIXES
from .dedupe import MergeGroup, group_duplicates
from .findings import import_findings, with_chinese
from .keypoints import import_key_points
from .pairs import Placed, link_series, store_candidates
from .sections import Section
from .sources import new_source, source_entries, sync_sources
from .workers import (
    Prepared,
    PrepareJob,
    Workers,
    group_hash,
    load_file,
    prepare_job,
    specs_fingerprint,
)

ProgressCallback = Callable[[str, int, int], None]
"""Called with (stage, done, total); stages: "parse" (files), "questions" (merged groups)."""

#: An import creating at least this many questions, and more than the bank holds already,
#: drops the search indexes on PostgreSQL and builds them again after the inserts.
REBUILD_INDEX_MIN_ROWS = 10_000
#: The tables such an import writes in bulk: their foreign keys to each other are checked once
#: after the inserts instead of row by row at commit (see bulk.foreign_keys_dropped).
BANK_TABLES = (Question, QuestionRevision, QuestionSource, Question.tags.through, Tag)


@dataclass
class ImportReport:
    """What one run of :func:`import_bank` found and changed."""

    files: int = 0
    sections: int = 0
    questions: int = 0
    notes: int = 0
    merged_exact: int = 0
    merged_near: int = 0
    candidates: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_editorial: int = 0
    sources_changed: int = 0  # questions otherwise unchanged whose sources moved or changed
    tags_changed: int = 0
    series_links: int = 0  # links between different questions on one topic, created
    flags_created: int = 0
    flags_unmatched: list[str] = field(default_factory=list)
    key_points_changed: int = 0  # live revisions whose key points or follow-ups changed
    key_points_unmatched: list[str] = field(default_factory=list)
    under_revision: int = 0
    skipped_files: list[tuple[str, str]] = field(default_factory=list)  # (name, why)

    @property
    def changed(self) -> bool:
        """Whether the run wrote anything readers see (the bank-wide views are then dropped)."""
        return bool(
            self.created
            or self.updated
            or self.sources_changed
            or self.tags_changed
            or self.series_links
            or self.flags_created
            or self.key_points_changed
        )


def load_json(path: Path) -> dict:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def _import_key(section: Section, used: set[str]) -> str:
    base = f"{section.file_name}:{section.title}"[:190]
    key, n = base, 1
    while key in used:
        n += 1
        key = f"{base}#{n}"
    used.add(key)
    return key


@transaction.atomic
def sync_tags(*, taxonomy: dict) -> int:
    """Create or update the tags of the taxonomy; return how many it created or changed."""
    existing = {tag.slug: tag for tag in Tag.objects.all()}
    fields = ["name_zh", "name_en", "level", "description", "keywords"]
    changed = 0
    for entry in taxonomy["tags"]:
        values = {
            "name_zh": entry["name_zh"],
            "name_en": entry["name_en"],
            "level": entry.get("level", 0),
            "description": entry.get("description", ""),
            "keywords": entry.get("keywords", []),
        }
        tag = existing.get(entry["tag"])
        if tag is None:
            Tag.objects.create(slug=entry["tag"], **values)
            changed += 1
        elif any(getattr(tag, name) != values[name] for name in fields):
            Tag.objects.filter(pk=tag.pk).update(**values)
            # Its names show on the page and row of each of its questions.
            Question.objects.tagged_with(tag).bump_version()
            changed += 1
    return changed


@dataclass(frozen=True)
class _Existing:
    pk: int
    import_hash: str | None
    editorial: bool
    overrides: tuple[bool, bool]  # (tags, difficulty)


@dataclass
class Run:
    """State shared by the steps of one import."""

    specs: list[classify.TagSpec]
    tags_by_slug: dict[str, Tag]
    fixtures_dir: Path
    report: ImportReport
    source_keys: set[tuple[str, int]]
    by_source: Placed = field(default_factory=dict)

    def remember(self, group: MergeGroup, pk: int) -> None:
        for section in (group.canonical, *(d.section for d in group.duplicates)):
            self.by_source[(section.file_name, section.heading_line)] = pk


@transaction.atomic
def import_bank(
    *,
    fixtures_dir: Path,
    progress: ProgressCallback | None = None,
    workers: int | None = None,
) -> ImportReport:
    """Load the notes in ``fixtures_dir`` into the bank; idempotent.

    Parses every note (``*.txt``, ``*.md``, ``*.markdown``; any other file but the JSON data,
    and a note that is not readable text, is listed in ``skipped_files``), merges duplicates,
    suggests tags, computes difficulty, renders the answers and loads the editorial findings
    as open flags. A second run changes nothing.
    A question whose live revision was written by an editor keeps that revision: the import
    only refreshes its provenance. Tags and difficulty an editor overrode are kept.

    Each imported question stores a hash of what it was derived from
    (:func:`.group_hash`); a question whose hash is unchanged is skipped
    without classifying, rendering or writing it. New questions are written in bulk, in
    batches of ``IMPORT_BATCH``; parsing and preparing run in ``workers`` processes (by
    default two when the notes are large, see :class:`.Workers`).
    """
    report = ImportReport()
    taxonomy = load_json(fixtures_dir / "taxonomy.json")
    # A renamed tag shows in the list's cached sidebar: it counts as a change.
    report.tags_changed = sync_tags(taxonomy=taxonomy)
    extra_keywords = load_json(fixtures_dir / "tag-keywords.json")
    specs = classify.build_specs(taxonomy["tags"], extra_keywords)
    paths, report.skipped_files = note_files(fixtures_dir)
    report.files = len(paths)
    run = Run(
        specs=specs,
        tags_by_slug={tag.slug: tag for tag in Tag.objects.all()},
        fixtures_dir=fixtures_dir,
        report=report,
        source_keys=set(QuestionSource.objects.values_list("file_name", "heading_line")),
    )
    work_bytes = sum(path.stat().st_size for path in paths)
    with Workers(count=workers, work_bytes=work_bytes) as pool:
        sections: list[Section] = []
        for done, (path, (parsed, error)) in enumerate(
            zip(paths, pool.imap(load_file, paths), strict=True), start=1
        ):
            sections += parsed
            if error:
                report.skipped_files.append((path.name, error))
            if progress:
                progress("parse", done, len(paths))
        report.sections = len(sections)
        groups, candidates = group_duplicates(sections, imap=pool.imap)
        import_groups(groups, run, pool, progress)
        store_candidates(candidates, run.by_source, pool)
        report.candidates += len(candidates)
        report.series_links = link_series(groups, run.by_source, pool)

    findings_path = fixtures_dir / "editorial-review.json"
    if findings_path.exists():
        findings = load_json(findings_path)["findings"]
        chinese_path = fixtures_dir / "editorial-review.zh.json"
        if chinese_path.exists():
            findings = with_chinese(findings, json.loads(chinese_path.read_text(encoding="utf-8")))
        report.flags_created, report.flags_unmatched = import_findings(findings)
    key_points_path = fixtures_dir / "keypoints.json"
    if key_points_path.exists():
        report.key_points_changed, report.key_points_unmatched = import_key_points(
            load_json(key_points_path)
        )
    report.under_revision = Question.objects.filter(status=Question.Status.NEEDS_REVISION).count()
    finish_import(report)
    return report


def note_files(folder: Path) -> tuple[list[Path], list[tuple[str, str]]]:
    """The note files of a folder, sorted, and the other files with why they are skipped (the
    JSON data files of the fixtures are not notes and are not listed)."""
    notes, skipped = [], []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or not path.is_file() or path.suffix.lower() == ".json":
            continue
        if path.suffix.lower() in NOTE_SUFFIXES:
            notes.append(path)
        else:
            suffixes = ", ".join(NOTE_SUFFIXES)
            skipped.append((path.name, f"not a note file (reads {suffixes})"))
    return notes, skipped


def finish_import(report: ImportReport) -> None:
    """After an import: refresh the caches and the planner's statistics if it wrote rows."""
    if report.changed:
        cache.flush_bank()
    if report.created and connection.vendor == "postgresql":
        # Fresh statistics for the planner after a bulk load (autovacuum would take a while).
        with connection.cursor() as cursor:
            for model in (Question, QuestionRevision, QuestionSource, Question.tags.through):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def import_groups(
    groups: list[MergeGroup],
    run: Run,
    pool: Workers,
    progress: ProgressCallback | None,
) -> None:
    report = run.report
    existing = {
        key: _Existing(pk, digest, origin == QuestionRevision.Origin.EDITOR, (tags, difficulty))
        for key, pk, digest, origin, tags, difficulty in Question.objects.exclude(
            import_key=None
        ).values_list(
            "import_key",
            "pk",
            "import_hash",
            "live_revision__origin",
            "tags_overridden",
            "difficulty_overridden",
        )
    }
    fingerprint = specs_fingerprint(run.specs)
    used_keys: set[str] = set()
    new: list[tuple[MergeGroup, str, str]] = []
    changed: list[tuple[MergeGroup, str]] = []
    for group in groups:
        _count(group, report)
        key = _import_key(group.canonical, used_keys)
        row = existing.get(key)
        overrides = row.overrides if row else (False, False)
        digest = group_hash(group, fingerprint=fingerprint, overrides=overrides)
        if row is None:
            new.append((group, key, digest))
        elif row.import_hash == digest:
            report.unchanged += 1
            report.kept_editorial += row.editorial
            run.remember(group, row.pk)
        else:
            changed.append((group, key))
    done = len(groups) - len(new) - len(changed)
    if progress:
        progress("questions", done, len(groups))

    batches = [new[start : start + IMPORT_BATCH] for start in range(0, len(new), IMPORT_BATCH)]
    figures = copied_figures() if new else {}
    jobs = (
        PrepareJob(
            items=[(g.canonical.title, g.canonical.body) for g, _, _ in batch],
            contexts=[" ".join(g.canonical.categories) for g, _, _ in batch],
            specs=run.specs,
            fixtures_dir=run.fixtures_dir,
            allow_remote_images=settings.QUESTION_REMOTE_IMAGES,
            figures=figures,
        )
        for batch in batches
    )
    # Building the search index once after a large load beats updating it row by row; for a
    # small re-import it is not worth locking the whole table while the index is rebuilt.
    rebuild = len(new) >= REBUILD_INDEX_MIN_ROWS and len(new) > Question.objects.count()
    with (
        bulk.foreign_keys_dropped(BANK_TABLES if rebuild else []),
        bulk.indexes_dropped(Question, [PG_INDEX, PG_TITLE_INDEX] if rebuild else []),
    ):
        for batch, prepared in zip(batches, pool.imap(prepare_job, jobs), strict=True):
            _create_batch(batch, prepared, run)
            done += len(batch)
            if progress:
                progress("questions", done, len(groups))

    for group, key in changed:
        question = _update_group(group, key, run)
        digest = group_hash(
            group,
            fingerprint=fingerprint,
            overrides=(question.tags_overridden, question.difficulty_overridden),
        )
        # A new version with the hash: what the question's page and row show may have changed.
        Question.objects.filter(pk=question.pk).bump_version(import_hash=digest)
        run.remember(group, question.pk)
        done += 1
        if progress and (done % IMPORT_BATCH == 0 or done == len(groups)):
            progress("questions", done, len(groups))


def _count(group: MergeGroup, report: ImportReport) -> None:
    if group.canonical.kind == Question.Kind.NOTE:
        report.notes += 1
    else:
        report.questions += 1
    for duplicate in group.duplicates:
        if duplicate.match == "exact":
            report.merged_exact += 1
        else:
            report.merged_near += 1


def _create_batch(
    batch: list[tuple[MergeGroup, str, str]],
    prepared: list[Prepared],
    run: Run,
) -> None:
    now = timezone.now()
    question_ids = bulk.reserve_ids(Question, len(batch))
    revision_ids = bulk.reserve_ids(QuestionRevision, len(batch))
    questions = [
        Question(
            id=question_id,
            import_key=key,
            import_hash=digest,
            kind=group.canonical.kind,
            title=group.canonical.title,
            body_markdown=group.canonical.body,
            body_html=result.body_html,
            has_answer=group.canonical.has_answer,
            difficulty=result.difficulty,
            difficulty_reasons=result.difficulty_reasons,
            live_revision_id=revision_id,
            search_title=result.search_title,
            search_body=result.search_body,
            created_at=now,
            updated_at=now,
        )
        for (group, key, digest), result, question_id, revision_id in zip(
            batch, prepared, question_ids, revision_ids, strict=True
        )
    ]
    bulk.insert(Question, questions)
    bulk.insert(
        QuestionRevision,
        [
            QuestionRevision(
                id=question.live_revision_id,
                question_id=question.pk,
                number=1,
                origin=QuestionRevision.Origin.IMPORT,
                title=question.title,
                body_markdown=question.body_markdown,
                body_html=question.body_html,
                tag_slugs=[],
                difficulty=question.difficulty,
                summary="Imported from the notes",
                created_at=now,
            )
            for question in questions
        ],
    )
    bulk.insert(
        Question.tags.through,
        [
            Question.tags.through(question_id=question.pk, tag_id=run.tags_by_slug[slug].pk)
            for question, result in zip(questions, prepared, strict=True)
            for slug in result.slugs
        ],
    )
    sources = []
    for (group, _, _), question in zip(batch, questions, strict=True):
        run.remember(group, question.pk)
        entries = source_entries(group)
        if any((s.file_name, s.heading_line) in run.source_keys for s, _, _ in entries):
            sync_sources(question, group)  # a section that moved here from another question
            continue
        sources += [new_source(question, *entry) for entry in entries]
    bulk.insert(QuestionSource, sources)
    run.report.created += len(batch)


def _update_group(group: MergeGroup, key: str, run: Run) -> Question:
    """Bring one existing question up to date with its (changed) section, row by row."""
    report = run.report
    canonical = group.canonical
    levels = {spec.slug: spec.level for spec in run.specs}
    slugs = classify.suggest_tags(tag_title(canonical), canonical.body, run.specs)
    explained = classify.explain_difficulty(
        canonical.title, canonical.body, [levels[s] for s in slugs]
    )
    difficulty, reasons = explained.level, [code for code, _ in explained.reasons]
    question = Question.objects.select_related("live_revision").get(import_key=key)
    changed = False
    editorial = (
        question.live_revision is not None
        and question.live_revision.origin == QuestionRevision.Origin.EDITOR
    )
    if editorial:
        report.kept_editorial += 1
    elif (question.title, question.body_markdown, question.has_answer) != (
        canonical.title,
        canonical.body,
        canonical.has_answer,
    ):
        question.has_answer = canonical.has_answer
        _set_content(
            question, canonical, run.fixtures_dir, summary="Re-imported: the notes changed"
        )
        changed = True
    if not question.difficulty_overridden and (
        question.difficulty,
        question.difficulty_reasons,
    ) != (
        difficulty,
        reasons,
    ):
        question.difficulty, question.difficulty_reasons = difficulty, reasons
        question.save(update_fields=["difficulty", "difficulty_reasons"])
        changed = True
    if not question.tags_overridden:
        current = set(question.tags.values_list("slug", flat=True))
        if current != set(slugs):
            question.tags.set([run.tags_by_slug[s] for s in slugs])
            changed = True
    # Lines that moved in a note show on the question's page.
    sources_changed = sync_sources(question, group)
    if changed:
        report.updated += 1
    else:
        report.unchanged += 1
        report.sources_changed += sources_changed
    return question


def tag_title(section: Section) -> str:
    """The words tags are suggested from as from a title: the title and its categories."""
    return " ".join([section.title, *section.categories])


def _set_content(question: Question, section: Section, fixtures_dir: Path, *, summary: str) -> None:
    html = rendering.render_answer(
        section.body, fixtures_dir=fixtures_dir, figures=figures_for(section.body)
    )
    number = (question.live_revision.number + 1) if question.live_revision else 1
    revision = QuestionRevision.objects.create(
        question=question,
        number=number,
        origin=QuestionRevision.Origin.IMPORT,
        title=section.title,
        body_markdown=section.body,
        body_html=html,
        tag_slugs=[],
        difficulty=question.difficulty,
        summary=summary,
    )
    question.title = section.title
    question.body_markdown = section.body
    question.body_html = html
    question.live_revision = revision
    question.search_title, question.search_body = search_fields(section.title, section.body)
    question.updated_at = timezone.now()
    question.save()


@transaction.atomic
def rerender_all() -> int:
    """Render every answer again and rebuild its search fields (after a change to the
    renderer, its settings or the tokeniser); returns how many questions changed."""
    count = 0
    fields = ("pk", "title", "body_markdown", "body_html", "search_title", "search_body")
    figures = copied_figures()
    for question in Question.objects.only(*fields).iterator():
        html = rendering.render_answer(question.body_markdown, figures=figures)
        title_tokens, body_tokens = search_fields(question.title, question.body_markdown)
        current = (question.body_html, question.search_title, question.search_body)
        if current != (html, title_tokens, body_tokens):
            Question.objects.filter(pk=question.pk).bump_version(
                body_html=html, search_title=title_tokens, search_body=body_tokens
            )
            count += 1
    if count:
        cache.flush_bank()
    return count
