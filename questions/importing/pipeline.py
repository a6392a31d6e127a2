"""Loading the notes into the question bank: :func:`import_bank` (the fixtures folder, one
transaction) and :func:`import_notes` (more notes into the existing bank), with the tag sync,
the editorial findings and :func:`rerender_all` beside them. :func:`preview_note` reads one
file into a :class:`FileResult` (shape, questions with their tags and provenance, skipped
parts) without writing anything: what the command line reports and an import page shows.

The pure steps (parsing, normalising, duplicate detection) are in the sibling modules; the
CPU-bound preparation runs in :mod:`.workers`, the bulk writes in :mod:`.bulk`.
"""

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from interviewprep import cache

from .. import classify, rendering
from ..figures import copied_figures, figures_for
from ..models import (
    DuplicateCandidate,
    Question,
    QuestionRevision,
    QuestionSource,
    SeriesLink,
    Tag,
)
from ..search.backends import PG_INDEX, PG_TITLE_INDEX
from ..search.tokens import search_fields
from . import bulk
from .bulk import IMPORT_BATCH
from .decoding import NOTE_SUFFIXES, UnreadableNote, decode_note
from .dedupe import Candidate, MergeGroup, group_duplicates, series_pairs
from .findings import import_findings, with_chinese
from .keypoints import import_key_points
from .sections import Section, Skipped, parse_document
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


def _load_json(path: Path) -> dict:
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
class _Run:
    """State shared by the steps of one import."""

    specs: list[classify.TagSpec]
    tags_by_slug: dict[str, Tag]
    fixtures_dir: Path
    report: ImportReport
    source_keys: set[tuple[str, int]]
    by_source: dict[tuple[str, int], int] = field(default_factory=dict)

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
    taxonomy = _load_json(fixtures_dir / "taxonomy.json")
    # A renamed tag shows in the list's cached sidebar: it counts as a change.
    report.tags_changed = sync_tags(taxonomy=taxonomy)
    extra_keywords = _load_json(fixtures_dir / "tag-keywords.json")
    specs = classify.build_specs(taxonomy["tags"], extra_keywords)
    paths, report.skipped_files = note_files(fixtures_dir)
    report.files = len(paths)
    run = _Run(
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
        groups, candidates = group_duplicates(sections)
        _import_groups(groups, run, pool, progress)
    _store_candidates(candidates, run)
    report.series_links = _link_series(groups, run)

    findings_path = fixtures_dir / "editorial-review.json"
    if findings_path.exists():
        findings = _load_json(findings_path)["findings"]
        chinese_path = fixtures_dir / "editorial-review.zh.json"
        if chinese_path.exists():
            findings = with_chinese(findings, json.loads(chinese_path.read_text(encoding="utf-8")))
        report.flags_created, report.flags_unmatched = import_findings(findings)
    key_points_path = fixtures_dir / "keypoints.json"
    if key_points_path.exists():
        report.key_points_changed, report.key_points_unmatched = import_key_points(
            _load_json(key_points_path)
        )
    report.under_revision = Question.objects.filter(status=Question.Status.NEEDS_REVISION).count()
    _import_tail(report)
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


def _store_candidates(candidates: Sequence[Candidate], run: _Run) -> None:
    """List the unsure duplicate pairs for editors (a pair already listed, maybe decided by
    an editor, is left as it is)."""
    # The first (highest) score of a pair of questions counts, as candidates come best first.
    pairs: dict[tuple[int, int], tuple[float, list]] = {}
    for candidate in candidates:
        first = run.by_source.get((candidate.first.file_name, candidate.first.heading_line))
        second = run.by_source.get((candidate.second.file_name, candidate.second.heading_line))
        if first and second and first != second:
            # Evidence is stored in the order of the pair's question ids.
            evidence = [
                list(e) if first < second else [e[1], e[0], e[2]] for e in candidate.evidence
            ]
            pairs.setdefault(
                (min(first, second), max(first, second)), (candidate.similarity, evidence)
            )
    DuplicateCandidate.objects.bulk_create(
        [
            DuplicateCandidate(
                question_id=low, other_id=high, similarity=round(score, 3), evidence=evidence
            )
            for (low, high), (score, evidence) in pairs.items()
        ],
        batch_size=IMPORT_BATCH,
        ignore_conflicts=True,
    )
    run.report.candidates += len(candidates)


def _import_tail(report: ImportReport) -> None:
    """After an import: refresh the caches and the planner's statistics if it wrote rows."""
    if report.changed:
        cache.flush_bank()
    if report.created and connection.vendor == "postgresql":
        # Fresh statistics for the planner after a bulk load (autovacuum would take a while).
        with connection.cursor() as cursor:
            for model in (Question, QuestionRevision, QuestionSource, Question.tags.through):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _link_series(groups: list[MergeGroup], run: _Run) -> int:
    """Link the questions :func:`.dedupe.series_pairs` finds; a pair already linked, or
    unlinked by an editor, is left as it is. Returns how many links were created."""
    pairs = set()
    for first, second in series_pairs([group.canonical for group in groups]):
        ids = [run.by_source.get((s.file_name, s.heading_line)) for s in (first, second)]
        if ids[0] and ids[1] and ids[0] != ids[1]:
            pairs.add((min(ids[0], ids[1]), max(ids[0], ids[1])))
    known = set(SeriesLink.objects.values_list("question_id", "other_id"))
    new = [SeriesLink(question_id=low, other_id=high) for low, high in sorted(pairs - known)]
    SeriesLink.objects.bulk_create(new, batch_size=IMPORT_BATCH, ignore_conflicts=True)
    return len(new)


def _import_groups(
    groups: list[MergeGroup],
    run: _Run,
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
    run: _Run,
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
        entries = _source_entries(group)
        if any((s.file_name, s.heading_line) in run.source_keys for s, _, _ in entries):
            _sync_sources(question, group)  # a section that moved here from another question
            continue
        sources += [_source(question, *entry) for entry in entries]
    bulk.insert(QuestionSource, sources)
    run.report.created += len(batch)


def _update_group(group: MergeGroup, key: str, run: _Run) -> Question:
    """Bring one existing question up to date with its (changed) section, row by row."""
    report = run.report
    canonical = group.canonical
    levels = {spec.slug: spec.level for spec in run.specs}
    slugs = classify.suggest_tags(_tag_title(canonical), canonical.body, run.specs)
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
    sources_changed = _sync_sources(question, group)
    if changed:
        report.updated += 1
    else:
        report.unchanged += 1
        report.sources_changed += sources_changed
    return question


def _tag_title(section: Section) -> str:
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


def _source_entries(group: MergeGroup) -> list[tuple[Section, str, float]]:
    return [(group.canonical, QuestionSource.Match.CANONICAL, 1.0)] + [
        (d.section, d.match, d.similarity) for d in group.duplicates
    ]


_SOURCE_FIELDS = (
    "start_line",
    "end_line",
    "raw_title",
    "original_text",
    "normalised_markdown",
    "match",
    "similarity",
)


def _source_fields(section: Section, match: str, similarity: float) -> dict:
    """The values of ``_SOURCE_FIELDS`` a section's source row holds."""
    return {
        "start_line": section.heading_line,
        "end_line": section.end_line,
        "raw_title": section.raw_title[:500],
        "original_text": section.original_text,
        "normalised_markdown": section.body,
        "match": match,
        "similarity": round(similarity, 3),
    }


def _source(question: Question, section: Section, match: str, similarity: float) -> QuestionSource:
    return QuestionSource(
        question=question,
        file_name=section.file_name,
        heading_line=section.heading_line,
        **_source_fields(section, match, similarity),
    )


def _sync_sources(question: Question, group: MergeGroup) -> bool:
    """Give ``question`` the group's sources (taking over any another question holds); returns
    whether a source row was added or changed."""
    stored = {
        (row.pop("file_name"), row.pop("heading_line")): row
        for row in QuestionSource.objects.filter(question=question).values(
            "file_name", "heading_line", *_SOURCE_FIELDS
        )
    }
    changed = False
    for section, match, similarity in _source_entries(group):
        fields = _source_fields(section, match, similarity)
        if stored.get((section.file_name, section.heading_line)) == fields:
            continue
        QuestionSource.objects.update_or_create(
            file_name=section.file_name,
            heading_line=section.heading_line,
            defaults={"question": question, **fields},
        )
        changed = True
    return changed


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


# ---------------------------------------------------------------------------------------------
# More notes into the existing bank
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedQuestion:
    """One question (or study note) of a file, as an import would create it."""

    kind: str  # "question" or "note"
    title: str
    body_markdown: str
    categories: tuple[str, ...]  # outermost first
    provenance: tuple[str, ...]  # "notes.md, lines 23-30", "RAG应用 › 1."
    tags: tuple[str, ...]  # suggested tag slugs of the taxonomy
    category_tags: tuple[str, ...]  # the categories (and front-matter tags) as tag names
    difficulty: str
    section: Section


@dataclass(frozen=True)
class FileResult:
    """What :func:`preview_note` found in one file."""

    file_name: str
    encoding: str
    newline: str
    shape: str  # see sections.ParsedNote.shape
    shape_description: str
    title: str
    questions: tuple[ParsedQuestion, ...]
    notes: tuple[ParsedQuestion, ...]
    skipped: tuple[Skipped, ...]  # unanswered question stubs included (reason "stub")

    def report_lines(self) -> list[str]:
        """The per-file report: shape, counts, then every skipped part and why."""
        lines = [
            f"{self.file_name}: {self.shape_description}",
            f"  {len(self.questions)} questions, {len(self.notes)} study notes, "
            f"{len(self.skipped)} parts skipped ({self.encoding}, {self.newline} line ends)",
        ]
        lines += [
            f"  skipped lines {s.start_line}-{s.end_line} «{s.text}»: {s.explanation}"
            for s in self.skipped
        ]
        return lines


def load_specs(fixtures_dir: Path | None = None) -> list[classify.TagSpec]:
    """The tag specs of the shipped taxonomy and keyword table."""
    folder = fixtures_dir or Path(settings.QUESTION_FIXTURES_DIR)
    taxonomy = _load_json(folder / "taxonomy.json")
    rules = _load_json(folder / "tag-keywords.json")
    return classify.build_specs(taxonomy["tags"], rules)


def preview_note(
    *, file_name: str, data: bytes | str, specs: Sequence[classify.TagSpec] | None = None
) -> FileResult:
    """Read one note file into a :class:`FileResult`, writing nothing.

    ``data`` is the file's bytes (decoded as UTF-8, UTF-16 with a BOM or GB18030) or text
    already decoded. Raises :class:`.UnreadableNote` for a binary or undecodable file. Tags are
    suggested from the shipped taxonomy unless ``specs`` are given.
    """
    if isinstance(data, bytes):
        decoded = decode_note(data)
        text, encoding, newline = decoded.text, decoded.encoding, decoded.newline
    else:
        text, encoding, newline = data, "text", "lf" if "\r" not in data else "crlf"
    parsed = parse_document(file_name, text)
    specs = list(specs) if specs is not None else load_specs()
    levels = {spec.slug: spec.level for spec in specs}

    def describe(section: Section) -> ParsedQuestion:
        slugs = classify.suggest_tags(_tag_title(section), section.body, specs)
        lines = f"{section.heading_line}-{section.end_line}"
        return ParsedQuestion(
            kind=section.kind,
            title=section.title,
            body_markdown=section.body,
            categories=section.categories,
            provenance=(f"{file_name}, lines {lines}", section.provenance),
            tags=tuple(slugs),
            category_tags=tuple(dict.fromkeys([*section.categories, *parsed.tags])),
            difficulty=classify.compute_difficulty(
                section.title, section.body, [levels[s] for s in slugs if s in levels]
            ),
            section=section,
        )

    stubs = tuple(
        Skipped(s.heading_line, s.end_line, s.title, "stub", "empty stub: question with no answer")
        for s in parsed.stubs
    )
    return FileResult(
        file_name=file_name,
        encoding=encoding,
        newline=newline,
        shape=parsed.shape,
        shape_description=parsed.describe(),
        title=parsed.title,
        questions=tuple(describe(s) for s in parsed.questions),
        notes=tuple(describe(s) for s in parsed.notes),
        skipped=tuple(sorted(parsed.skipped + stubs, key=lambda s: s.start_line)),
    )


@dataclass
class NotesReport:
    """What :func:`import_notes` read and changed."""

    files: list[FileResult]
    bank: ImportReport


@transaction.atomic
def import_notes(
    *, notes: Sequence[tuple[str, bytes | str]], fixtures_dir: Path | None = None
) -> NotesReport:
    """Add notes (``(file name, bytes or text)``) to the existing bank; idempotent.

    Every file is read first: an unreadable one raises :class:`.UnreadableNote` (naming it)
    before anything is written. The practicable questions and study notes go through the same
    steps as :func:`import_bank` (duplicates merged within the files, tags, difficulty,
    rendering, provenance); unanswered stubs are not imported. A question is identified by
    file name and title: the same file again changes nothing, a changed file updates the
    questions no editor has revised. Similar questions already in the bank are listed as
    duplicate candidates for editors, never merged automatically.
    """
    folder = fixtures_dir or Path(settings.QUESTION_FIXTURES_DIR)
    specs = load_specs(folder)
    results = []
    for name, data in notes:
        try:
            results.append(preview_note(file_name=name, data=data, specs=specs))
        except UnreadableNote as error:
            raise UnreadableNote(f"{name}: {error}") from error
    report = ImportReport(files=len(results))
    report.tags_changed = sync_tags(taxonomy=_load_json(folder / "taxonomy.json"))
    sections = [q.section for result in results for q in (*result.questions, *result.notes)]
    report.sections = len(sections)
    run = _Run(
        specs=specs,
        tags_by_slug={tag.slug: tag for tag in Tag.objects.all()},
        fixtures_dir=folder,
        report=report,
        source_keys=set(QuestionSource.objects.values_list("file_name", "heading_line")),
    )
    new_files = {section.file_name for section in sections}
    bank = _bank_questions(exclude_files=new_files)
    groups, candidates = group_duplicates(sections)
    with Workers(count=1) as pool:
        _import_groups(groups, run, pool, None)
    _store_candidates(candidates, run)
    _store_bank_candidates([g.canonical for g in groups], bank, run)
    _import_tail(report)
    return NotesReport(results, report)


def _bank_questions(*, exclude_files: set[str]) -> dict[int, tuple[str, str]]:
    """(title, answer) of the bank's questions by pk, but those from ``exclude_files``."""
    rows = (
        Question.objects.filter(kind=Question.Kind.QUESTION)
        .exclude(sources__file_name__in=exclude_files)
        .values_list("pk", "title", "body_markdown")
    )
    return {pk: (title, body) for pk, title, body in rows}


#: The file name of the sections that stand for the bank's questions when comparing.
_BANK = "\x00bank"


def _store_bank_candidates(
    new: Sequence[Section], bank: dict[int, tuple[str, str]], run: _Run
) -> None:
    """List each new question's likely duplicates already in the bank for editors."""
    if not bank or not new:
        return
    existing = [
        Section(
            kind=Question.Kind.QUESTION,
            title=title,
            raw_title=title,
            file_name=_BANK,
            heading_line=pk,
            end_line=pk,
            original_text="",
            body=body,
            has_answer=True,
        )
        for pk, (title, body) in bank.items()
    ]
    fresh = [s for s in new if s.kind == Question.Kind.QUESTION]
    groups, candidates = group_duplicates([*existing, *fresh])
    pairs: list[tuple[Section, Section, float]] = [
        (g.canonical, d.section, d.similarity) for g in groups for d in g.duplicates
    ] + [(c.first, c.second, c.similarity) for c in candidates]
    found: dict[tuple[int, int], float] = {}
    for first, second, similarity in pairs:
        ids = []
        for section in (first, second):
            if section.file_name == _BANK:
                ids.append(section.heading_line)
            else:
                ids.append(run.by_source.get((section.file_name, section.heading_line), 0))
        low, high = min(ids), max(ids)
        if low and low != high and (first.file_name == _BANK) != (second.file_name == _BANK):
            found.setdefault((low, high), similarity)
    DuplicateCandidate.objects.bulk_create(
        [
            DuplicateCandidate(question_id=low, other_id=high, similarity=round(score, 3))
            for (low, high), score in found.items()
        ],
        ignore_conflicts=True,
    )
    run.report.candidates += len(found)
