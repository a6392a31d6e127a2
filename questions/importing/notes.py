"""More notes into the existing bank: :func:`preview_note` reads one file into a
:class:`FileResult` (shape, questions with their tags and provenance, skipped parts) without
writing anything, which the command line reports and an import page shows;
:func:`import_notes` adds notes through the same steps as :func:`.pipeline.import_bank`."""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .. import classify
from ..models import (
    DuplicateCandidate,
    Question,
    QuestionSource,
    Tag,
)
from .decoding import UnreadableNote, decode_note
from .dedupe import group_duplicates
from .pairs import store_candidates
from .pipeline import (
    ImportReport,
    Run,
    finish_import,
    import_groups,
    load_json,
    sync_tags,
    tag_title,
)
from .sections import Section, Skipped, parse_document
from .workers import (
    Workers,
)


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
    taxonomy = load_json(folder / "taxonomy.json")
    rules = load_json(folder / "tag-keywords.json")
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
        slugs = classify.suggest_tags(tag_title(section), section.body, specs)
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
    report.tags_changed = sync_tags(taxonomy=load_json(folder / "taxonomy.json"))
    sections = [q.section for result in results for q in (*result.questions, *result.notes)]
    report.sections = len(sections)
    run = Run(
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
        import_groups(groups, run, pool, None)
    store_candidates(candidates, run.by_source)
    report.candidates += len(candidates)
    _store_bank_candidates([g.canonical for g in groups], bank, run)
    finish_import(report)
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
    new: Sequence[Section], bank: dict[int, tuple[str, str]], run: Run
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
