"""Writes to the question bank. Every function here is one transaction."""

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import classify, importer, search
from .markdown import render_markdown
from .models import (
    DuplicateCandidate,
    EditorialFlag,
    Question,
    QuestionRevision,
    QuestionSource,
    Tag,
)

ProgressCallback = Callable[[int, int], None]


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
    flags_created: int = 0
    flags_unmatched: list[str] = field(default_factory=list)
    under_revision: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.flags_created)


def render_body(markdown_text: str, *, fixtures_dir: Path | None = None) -> str:
    """Render and sanitise an answer the way readers see it (called at save time only)."""
    base = (fixtures_dir or Path(settings.QUESTION_FIXTURES_DIR)).resolve()

    def image_exists(src: str) -> bool:
        candidate = (base / src).resolve()
        # Only files inside the fixtures folder count: "../../etc/passwd" is missing.
        return candidate.is_relative_to(base) and candidate.is_file()

    return render_markdown(
        markdown_text,
        allow_remote_images=settings.QUESTION_REMOTE_IMAGES,
        image_exists=image_exists,
    )


def _load_json(path: Path) -> dict:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def _import_key(section: importer.Section, used: set[str]) -> str:
    base = f"{section.file_name}:{section.title}"[:190]
    key, n = base, 1
    while key in used:
        n += 1
        key = f"{base}#{n}"
    used.add(key)
    return key


@transaction.atomic
def sync_tags(*, taxonomy: dict, extra_keywords: dict) -> list[classify.TagSpec]:
    """Create or update the tags of the taxonomy; return the specs used to suggest them."""
    for entry in taxonomy["tags"]:
        Tag.objects.update_or_create(
            slug=entry["tag"],
            defaults={
                "name_zh": entry["name_zh"],
                "name_en": entry["name_en"],
                "level": entry.get("level", 0),
                "description": entry.get("description", ""),
                "keywords": entry.get("keywords", []),
            },
        )
    return classify.build_specs(taxonomy["tags"], extra_keywords.get("keywords", {}))


@transaction.atomic
def import_bank(*, fixtures_dir: Path, progress: ProgressCallback | None = None) -> ImportReport:
    """Load the notes in ``fixtures_dir`` into the bank; idempotent.

    Parses every ``*.txt`` note, merges duplicates, suggests tags, computes difficulty, renders
    the answers and loads the editorial findings as open flags. A second run changes nothing.
    A question whose live revision was written by an editor keeps that revision: the import
    only refreshes its provenance. Tags and difficulty an editor overrode are kept.
    """
    report = ImportReport()
    specs = sync_tags(
        taxonomy=_load_json(fixtures_dir / "taxonomy.json"),
        extra_keywords=_load_json(fixtures_dir / "tag-keywords.json"),
    )
    levels = {spec.slug: spec.level for spec in specs}
    tags_by_slug = {tag.slug: tag for tag in Tag.objects.all()}

    sections: list[importer.Section] = []
    for path in sorted(fixtures_dir.glob("*.txt")):
        report.files += 1
        sections += importer.parse_note(path.name, path.read_text(encoding="utf-8"))
    report.sections = len(sections)
    groups, candidates = importer.group_duplicates(sections)

    used_keys: set[str] = set()
    by_source: dict[tuple[str, int], Question] = {}
    for done, group in enumerate(groups, start=1):
        question = _import_group(
            group,
            _import_key(group.canonical, used_keys),
            specs,
            levels,
            tags_by_slug,
            fixtures_dir,
            report,
        )
        for section in (group.canonical, *(d.section for d in group.duplicates)):
            by_source[(section.file_name, section.heading_line)] = question
        if progress:
            progress(done, len(groups))

    for candidate in candidates:
        first = by_source[(candidate.first.file_name, candidate.first.heading_line)]
        second = by_source[(candidate.second.file_name, candidate.second.heading_line)]
        low, high = sorted([first, second], key=lambda q: q.pk)
        if low.pk != high.pk:
            DuplicateCandidate.objects.get_or_create(
                question=low, other=high, defaults={"similarity": round(candidate.similarity, 3)}
            )
    report.candidates = len(candidates)

    findings_path = fixtures_dir / "editorial-review.json"
    if findings_path.exists():
        _import_findings(_load_json(findings_path)["findings"], report)
    report.under_revision = Question.objects.filter(status=Question.Status.NEEDS_REVISION).count()
    return report


def _import_group(
    group: importer.MergeGroup,
    key: str,
    specs: list[classify.TagSpec],
    levels: dict[str, int],
    tags_by_slug: dict[str, Tag],
    fixtures_dir: Path,
    report: ImportReport,
) -> Question:
    canonical = group.canonical
    if canonical.kind == Question.Kind.NOTE:
        report.notes += 1
    else:
        report.questions += 1
    for duplicate in group.duplicates:
        if duplicate.match == "exact":
            report.merged_exact += 1
        else:
            report.merged_near += 1

    slugs = classify.suggest_tags(canonical.title, canonical.body, specs)
    difficulty = classify.compute_difficulty(
        canonical.title, canonical.body, [levels[s] for s in slugs]
    )
    question = Question.objects.filter(import_key=key).select_related("live_revision").first()
    now = timezone.now()
    if question is None:
        question = Question.objects.create(
            import_key=key,
            kind=canonical.kind,
            title=canonical.title,
            difficulty=difficulty,
            has_answer=canonical.has_answer,
            created_at=now,
            updated_at=now,
        )
        _set_content(question, canonical, fixtures_dir, summary="Imported from the notes")
        question.tags.set([tags_by_slug[s] for s in slugs])
        report.created += 1
    else:
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
                question, canonical, fixtures_dir, summary="Re-imported: the notes changed"
            )
            changed = True
        if not question.difficulty_overridden and question.difficulty != difficulty:
            question.difficulty = difficulty
            question.save(update_fields=["difficulty"])
            changed = True
        if not question.tags_overridden:
            current = set(question.tags.values_list("slug", flat=True))
            if current != set(slugs):
                question.tags.set([tags_by_slug[s] for s in slugs])
                changed = True
        if changed:
            report.updated += 1
        else:
            report.unchanged += 1

    _sync_sources(question, group)
    return question


def _set_content(
    question: Question, section: importer.Section, fixtures_dir: Path, *, summary: str
) -> None:
    html = render_body(section.body, fixtures_dir=fixtures_dir)
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
    question.search_title, question.search_body = search.search_fields(section.title, section.body)
    question.updated_at = timezone.now()
    question.save()


def _sync_sources(question: Question, group: importer.MergeGroup) -> None:
    entries = [(group.canonical, QuestionSource.Match.CANONICAL, 1.0)] + [
        (d.section, d.match, d.similarity) for d in group.duplicates
    ]
    for section, match, similarity in entries:
        QuestionSource.objects.update_or_create(
            file_name=section.file_name,
            heading_line=section.heading_line,
            defaults={
                "question": question,
                "start_line": section.heading_line,
                "end_line": section.end_line,
                "raw_title": section.raw_title[:500],
                "original_text": section.original_text,
                "normalised_markdown": section.body,
                "match": match,
                "similarity": round(similarity, 3),
            },
        )


def _finding_key(finding: dict) -> str:
    raw = "|".join(
        [
            finding["source_file"],
            str(finding["question_heading_line"]),
            str(finding["lines"]),
            finding["problem"],
        ]
    )
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _import_findings(findings: Iterable[dict], report: ImportReport) -> None:
    """Open a flag per editorial finding, once; a high-severity one puts its question under
    revision. A flag an editor already declined or resolved is not reopened by a re-import."""
    sources = list(
        QuestionSource.objects.only("question_id", "file_name", "start_line", "end_line")
    )
    for finding in findings:
        key = _finding_key(finding)
        if EditorialFlag.objects.filter(import_key=key).exists():
            continue
        line = finding["question_heading_line"]
        source = next(
            (
                s
                for s in sources
                if s.file_name == finding["source_file"] and s.start_line <= line <= s.end_line
            ),
            None,
        )
        if source is None:
            report.flags_unmatched.append(f"{finding['source_file']}:{line}")
            continue
        lines = finding["lines"]
        first, last = (lines[0], lines[-1]) if isinstance(lines, list) else (lines, lines)
        flag = EditorialFlag.objects.create(
            question_id=source.question_id,
            import_key=key,
            reason=finding["rating"],
            severity=finding["severity"],
            problem=finding["problem"],
            correction=finding.get("correction", ""),
            source_file=finding["source_file"],
            first_line=first,
            last_line=last,
        )
        report.flags_created += 1
        if flag.severity == EditorialFlag.Severity.HIGH:
            Question.objects.filter(pk=source.question_id).update(
                status=Question.Status.NEEDS_REVISION
            )


@transaction.atomic
def rerender_all() -> int:
    """Render every answer again and rebuild its search fields (after a change to the
    renderer, its settings or the tokeniser); returns how many questions changed."""
    count = 0
    fields = ("pk", "title", "body_markdown", "body_html", "search_title", "search_body")
    for question in Question.objects.only(*fields).iterator():
        html = render_body(question.body_markdown)
        title_tokens, body_tokens = search.search_fields(question.title, question.body_markdown)
        current = (question.body_html, question.search_title, question.search_body)
        if current != (html, title_tokens, body_tokens):
            Question.objects.filter(pk=question.pk).update(
                body_html=html, search_title=title_tokens, search_body=body_tokens
            )
            count += 1
    return count
