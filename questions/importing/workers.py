"""The CPU-bound half of loading the bank, as pure functions (no ORM) that can run in worker
processes: parsing note files, and preparing a question for saving (tags, difficulty,
rendered answer, search tokens). :func:`.pipeline.import_bank` does the writing.

A :class:`Workers` pool spreads the work over worker processes when there is enough of it to
pay for starting them (a 100,000-question bank); a small bank (the real notes, the tests) is
handled in-process.
"""

import hashlib
import json
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from .. import classify, rendering
from ..search.tokens import search_fields
from .decoding import UnreadableNote, decode_note
from .dedupe import MergeGroup
from .sections import Section, parse_note

#: Part of every question's import hash: bump it when the import computes anything
#: differently (a renderer change, a new column filled at import), so the next run redoes
#: every question instead of skipping it as unchanged.
IMPORT_FORMAT = 2

#: Below this many bytes of notes the work is done in-process.
POOL_THRESHOLD_BYTES = 2_000_000


def parse_file(path: Path) -> list[Section]:
    """The sections of one note file; raises :class:`.UnreadableNote` (or ``OSError``)."""
    return parse_note(path.name, decode_note(path.read_bytes()).text)


def load_file(path: Path) -> tuple[list[Section], str]:
    """(the sections of one note file, "") or ([], why it cannot be read)."""
    try:
        return parse_file(path), ""
    except (UnreadableNote, OSError) as error:
        return [], str(error)


@dataclass(frozen=True)
class Prepared:
    """What a new or changed question gets from its canonical section."""

    slugs: list[str]
    difficulty: str
    difficulty_reasons: list[str]
    body_html: str
    search_title: str
    search_body: str


@dataclass(frozen=True)
class PrepareJob:
    items: list[tuple[str, str]]  # (title, body) of canonical sections
    specs: list[classify.TagSpec]
    # rendering.render_answer's options, given: a worker process reads no settings.
    fixtures_dir: Path
    allow_remote_images: bool
    # Per item: the category path, words that weigh like the title for tag suggestions.
    contexts: list[str] | None = None
    figures: dict[str, str] | None = None  # remote image URL -> URL of its copy


def prepare(title: str, body: str, job: PrepareJob, context: str = "") -> Prepared:
    levels = {spec.slug: spec.level for spec in job.specs}
    slugs = classify.suggest_tags(f"{title} {context}".strip(), body, job.specs)
    difficulty = classify.explain_difficulty(title, body, [levels[s] for s in slugs])
    search_title, search_body = search_fields(title, body)
    html = rendering.render_answer(
        body,
        fixtures_dir=job.fixtures_dir,
        allow_remote_images=job.allow_remote_images,
        figures=job.figures or {},
    )
    reasons = [code for code, _ in difficulty.reasons]
    return Prepared(slugs, difficulty.level, reasons, html, search_title, search_body)


def prepare_job(job: PrepareJob) -> list[Prepared]:
    contexts = job.contexts or [""] * len(job.items)
    return [
        prepare(title, body, job, context)
        for (title, body), context in zip(job.items, contexts, strict=True)
    ]


def specs_fingerprint(specs: Iterable[classify.TagSpec]) -> str:
    """Changes when the taxonomy or the keywords change (tags must then be suggested again)."""
    data = [
        [spec.slug, spec.level, list(spec.keywords), spec.near, list(spec.negative)]
        for spec in specs
    ]
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode("utf-8")).hexdigest()


def group_hash(group: MergeGroup, *, fingerprint: str, overrides: tuple[bool, bool]) -> str:
    """The content hash of everything an import derives a question's row from.

    Equal hashes mean the import would write exactly what is stored: the section texts and
    positions, the duplicate matches, the taxonomy (``fingerprint``), the editor's override
    switches (tags, difficulty) and ``IMPORT_FORMAT``.
    """
    canonical = group.canonical
    entries = [(canonical, "canonical", 1.0)] + [
        (d.section, d.match, d.similarity) for d in group.duplicates
    ]
    data = [
        IMPORT_FORMAT,
        fingerprint,
        list(overrides),
        canonical.kind,
        canonical.title,
        canonical.body,
        canonical.has_answer,
        [_source_data(section, match, similarity) for section, match, similarity in entries],
    ]
    if canonical.categories:  # (only then: the hashes of notes without categories stay put)
        data.append(list(canonical.categories))
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode("utf-8")).hexdigest()


def _source_data(section: Section, match: str, similarity: float) -> list[object]:
    fields = (section.file_name, section.heading_line, section.end_line, section.raw_title)
    return [*fields, section.original_text, section.body, match, round(similarity, 3)]


class Workers:
    """``imap`` over worker processes (spawned, so they share no database connection), or
    in-process when ``count`` is 1 or there is too little work to pay for starting them."""

    def __init__(self, *, count: int | None = None, work_bytes: int = 0) -> None:
        if count is None:
            wanted = int(os.environ.get("IMPORT_WORKERS", "0")) or min(os.cpu_count() or 1, 2)
            count = wanted if work_bytes >= POOL_THRESHOLD_BYTES else 1
        self.count = max(count, 1)
        self._pool: Any = None

    def __enter__(self) -> Self:
        if self.count > 1:
            self._pool = multiprocessing.get_context("spawn").Pool(self.count)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._pool is not None:
            self._pool.terminate() if exc_type else self._pool.close()
            self._pool.join()

    def imap[T, R](
        self, function: Callable[[T], R], items: Iterable[T], chunksize: int = 1
    ) -> Iterator[R]:
        """Results in the order of ``items``, sent to the workers ``chunksize`` at a time."""
        if self._pool is None:
            return map(function, items)
        return self._pool.imap(function, items, chunksize)
