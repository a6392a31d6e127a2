"""Derived views of the bank that are costly at 100,000 questions, cached.

* The question list's sidebar (tags with their question counts, source files): counting the
  questions of every tag reads the whole tag table (about 0.3 s at 100,000 questions).
* The rows of the question list (title, badges, tag links), per question and UI language:
  rendering twenty rows through the template engine was a third of a search page's work, and
  reading them with their tags most of the rest once the search itself was bounded. A page of
  results reads only ids from the database; rows are kept under the question's *stamp*, like
  its page (below), since the page shows all that a row does.
* The related questions of a set of tags: ranking the questions that share a tag with a
  question reads every row of its tags (35 ms at that size), but the ranking depends only on
  the set of tags, and a bank has few distinct sets (705 among the 100,000 generated
  questions), so it is computed once per set.
* The public part of a question page (title, badges, the answer, the "under revision" notice,
  its sources, related questions), per question and UI language: reading and rendering it
  took most of the page's queries and time. The learner's own parts (notices, note, bookmark,
  the editor's button) are not cached. A page is dropped when its question changes: every
  editorial write calls :func:`forget_questions` (``questions/editorial/``), so do the
  admin's changes (``questions/admin.py``), and imports and re-renders replace the
  generation. A page is kept with the *stamp* of its question it was rendered under, which is
  replaced after the write commits, so a page rendered from the data before a write is never
  read after it; and with a digest of the templates and translations, so a new release renders
  it again. Related questions shown on a page may lag a retitling or merge by ``PAGE_TIMEOUT``.
  The learner's state on the page is cached under the same version and their own
  (``quizzes.state.cached_question_state``).

The facets and related questions are kept at most ``TIMEOUT`` seconds per cache (Redis in
production, shared by every worker), and dropped at once by :func:`invalidate`, which the
import calls when it changes the bank: it replaces the *generation* that every key includes.
Other changes (an editor retagging a question) show in them within ``TIMEOUT``. Only ids and
counts are cached for them; titles and visibility are read from the database.
"""

import hashlib
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache as cache_in_process
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .models import Question, QuestionSource, Tag, series_of

GENERATION_KEY = "questions:generation"
TIMEOUT = 60


def generation() -> str:
    """Part of every key of the bank's cached views (and of the list's cached sidebar)."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # add(), not set(): two workers starting a generation at once agree on one.
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        generation = cache.get(GENERATION_KEY) or ""
    return generation


def _cached[T](name: str, compute: Callable[[], T]) -> T:
    key = f"questions:{generation()}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


def list_facets() -> dict[str, list]:
    """``{"tags": [Tag with .count], "sources": [file name]}`` for the list page's filters."""
    return _cached(
        "list-facets",
        lambda: {
            "tags": list(Tag.objects.with_counts()),
            "sources": list(
                QuestionSource.objects.order_by("file_name")
                .values_list("file_name", flat=True)
                .distinct()
            ),
        },
    )


def related_questions(question: Question, limit: int = 6) -> list[Question]:
    """Up to ``limit`` other visible questions sharing the most tags with ``question``, most
    shared first, then lowest id; each has ``title`` loaded (the page links to them)."""
    tag_ids = sorted(tag.pk for tag in question.tags.all())
    if not tag_ids:
        return []
    # Hashed: a question may have dozens of tags, and keys must stay short.
    tag_set = hashlib.blake2b(",".join(map(str, tag_ids)).encode(), digest_size=16).hexdigest()
    # One more than needed: the question itself may be among the ids of its own tag set.
    ranked: Sequence[int] = _cached(
        f"related:{tag_set}", lambda: _rank_by_shared_tags(tag_ids, limit + 1)
    )
    ids = [pk for pk in ranked if pk != question.pk][:limit]
    found = Question.objects.visible().only("pk", "title").in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def _rank_by_shared_tags(tag_ids: list[int], limit: int) -> list[int]:
    """Ids of the ``limit`` visible questions sharing the most of ``tag_ids``, then lowest id.

    Counted on the tag table alone: grouping the questions' own (wide) rows took 0.2 s at
    100,000 questions. Merged duplicates are few: excluding them by the ``duplicate_of`` index
    beats joining every candidate to the question table.
    """
    merged = Question.objects.filter(duplicate_of__isnull=False).values("pk")
    return list(
        Question.tags.through.objects.filter(tag_id__in=tag_ids)
        .exclude(question_id__in=merged)
        .values("question_id")
        .annotate(shared=Count("tag_id"))
        .order_by("-shared", "question_id")
        .values_list("question_id", flat=True)[:limit]
    )


ROW_TEMPLATE = "questions/_row.html"
ROW_TIMEOUT = 3600  # shorter than STAMP_TIMEOUT, as PAGE_TIMEOUT is


def question_rows(pks: Sequence[int]) -> list[SafeString]:
    """The list's row for each of the questions ``pks`` that exists, in that order: from the
    cache, or read (two queries: the questions and their tags) and rendered."""
    keys = _row_keys(pks)
    rows = cache.get_many(list(keys.values()))
    missing = [pk for pk in pks if keys[pk] not in rows]
    if missing:
        template = get_template(ROW_TEMPLATE)
        questions = Question.objects.for_listing().with_tags().in_bulk(missing)
        rendered = {
            keys[pk]: template.render({"question": question}) for pk, question in questions.items()
        }
        cache.set_many(rendered, ROW_TIMEOUT)
        rows.update(rendered)
    # Our own template's output, autoescaped when it was rendered.
    return [mark_safe(rows[keys[pk]]) for pk in pks if keys[pk] in rows]  # noqa: S308


def invalidate() -> None:
    cache.delete(GENERATION_KEY)


PAGE_TEMPLATE = "questions/detail.html"
# Partials of PAGE_TEMPLATE rendered once per question, language and stamp.
PAGE_PARTS = ("head", "answer", "provenance", "related")
PAGE_TIMEOUT = 600
# Longer than PAGE_TIMEOUT: a stamp must outlive every page kept under it.
STAMP_TIMEOUT = 24 * 3600


@dataclass(frozen=True)
class QuestionPage:
    """What the question page shows to everyone; ``parts`` is our own template's output."""

    pk: int
    title: str
    duplicate_of_id: int | None
    parts: dict[str, str] = field(default_factory=dict)

    @property
    def question(self) -> Question:
        """The question as far as the learner's tools need it (its id and title)."""
        return Question(pk=self.pk, title=self.title)

    @property
    def html(self) -> dict[str, SafeString]:
        # Rendered by PAGE_TEMPLATE with autoescaping; the answer was sanitised when saved.
        return {name: mark_safe(text) for name, text in self.parts.items()}  # noqa: S308


def _page_keys(pk: int) -> list[str]:
    return [GENERATION_KEY, _stamp_key(pk), _page_key(pk)]


def question_version(pk: int, found: dict[str, Any]) -> str:
    """The bank's generation and question ``pk``'s stamp in ``found`` (from
    :func:`_page_keys`), and what its views are rendered with: anything cached from the
    question's rows is valid under this version only."""
    bank = found.get(GENERATION_KEY) or generation()
    return f"{bank}:{found.get(_stamp_key(pk), '0')}:{rendering_fingerprint()}"


@cache_in_process
def rendering_fingerprint() -> str:
    """A digest of the templates and translations cached views are rendered with, so that a
    release changing them is not served what the one before it rendered."""
    digest = hashlib.blake2b(digest_size=8)
    for name in (PAGE_TEMPLATE, ROW_TEMPLATE):
        template: Any = get_template(name)  # Django's backend: its origin is the file
        digest.update(Path(template.origin.name).read_bytes())
    for path in settings.LOCALE_PATHS:
        for catalog in sorted(Path(path).glob("*/LC_MESSAGES/*.mo")):
            digest.update(catalog.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class PageRead:
    """What one cache read for a question page found: the page, the question's version (see
    :func:`question_version`) and the values of the caller's own keys, if they were there."""

    page: QuestionPage | None
    version: str
    found: dict[str, Any]


def read_question_page(pk: int, extra_keys: Sequence[str] = ()) -> PageRead:
    """:func:`question_page`, with ``extra_keys`` fetched in the same cache read (the
    learner's state on the page, ``questions.reader_blocks``)."""
    found = cache.get_many([*_page_keys(pk), *extra_keys])
    version = question_version(pk, found)
    kept = found.get(_page_key(pk))
    if kept is not None and kept[0] == version:
        return PageRead(kept[1], version, found)
    page = _render_page(pk)
    if page is not None:
        cache.set(_page_key(pk), (version, page), PAGE_TIMEOUT)
    return PageRead(page, version, found)


def question_page(pk: int) -> QuestionPage | None:
    """The public part of question ``pk``'s page in the active language, or None if there is
    no such question. A merged duplicate comes back without parts (the page redirects).

    The page is kept with the version it was rendered under, in one key per question and
    language, so that the version and the page are read together."""
    return read_question_page(pk).page


def _page_key(pk: int) -> str:
    return f"questions:page:{pk}:{get_language()}"


def _render_page(pk: int) -> QuestionPage | None:
    question = Question.objects.with_tags().with_detail().filter(pk=pk).first()
    if question is None:
        return None
    if question.duplicate_of_id is not None:
        return QuestionPage(pk, question.title, question.duplicate_of_id)
    others = series_of(question)
    series = sorted([question, *others], key=lambda q: q.pk) if others else []
    context = {"question": question, "related": related_questions(question), "series": series}
    parts = {
        name: str(get_template(f"{PAGE_TEMPLATE}#{name}").render(context)) for name in PAGE_PARTS
    }
    return QuestionPage(pk, question.title, None, parts)


def forget_questions(*pks: int) -> None:
    """Drop the cached pages of questions ``pks``: each gets a new stamp now (for reads later
    in this transaction) and again once it commits (a page another request rendered from the
    data before the commit is kept under the stamp in between, and never read)."""
    keys = {_stamp_key(pk) for pk in pks}

    def new_stamps() -> None:
        cache.set_many({key: uuid.uuid4().hex for key in keys}, STAMP_TIMEOUT)

    if keys:
        new_stamps()
        transaction.on_commit(new_stamps)


def _row_keys(pks: Sequence[int]) -> dict[int, str]:
    """The cache key of each question's list row in the active language, under its version
    (one cache read for them all)."""
    found = cache.get_many([GENERATION_KEY, *(_stamp_key(pk) for pk in pks)])
    language = get_language()
    return {pk: f"questions:row:{pk}:{language}:{question_version(pk, found)}" for pk in pks}


def _stamp_key(pk: int) -> str:
    return f"questions:page-stamp:{pk}"
