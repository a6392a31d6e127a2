"""The bank's views that are costly at 100,000 questions, rendered here (the list's parts in
:mod:`.listing`) and kept under the keys and timeouts of ``interviewprep.cache`` (which says
why each stays correct).

* The question list's sidebar (tags with their question counts, source files): counting the
  questions of every tag reads the whole tag table (about 0.3 s at 100,000 questions).
* The number of visible questions, the unfiltered list's count (an index-only COUNT over the
  bank on every request was half of that page's time).
* The rows of the question list (title, badges, tag links), per question and UI language:
  rendering twenty rows through the template engine was a third of a search page's work. A
  page of results reads only ids and versions from the database; a row rendered again reads
  its question with its tags' ids in one query and the tags from the cached facets.
* The related questions of a set of tags: ranking the questions that share a tag with a
  question reads every row of its tags (35 ms at that size), but the ranking depends only on
  the set of tags, and a bank has few distinct sets (705 among the 100,000 generated
  questions), so it is computed once per set, and kept with the titles the pages show.
* The public part of a question page (title, badges, the answer, the "under revision" notice,
  its sources, related questions), per question and UI language. The reader's own parts
  (notices, the blocks of ``questions.reader_blocks``, the editor's button) are not cached.
  Related questions shown on a page may lag a retitling or merge by ``QUESTION_TIMEOUT`` and
  ``BANK_TIMEOUT``. A page not kept is read in one query (``_page_query()``,
  composed once: ``interviewprep.sql``), its version with it.
* The whole question page, per kind of reader (without a session, learner, editor), kept
  under the public part's stamp with a placeholder where each response puts its own CSRF
  token and, for signed-in readers, holes for their own parts (their name, messages,
  notices, note and bookmark, the editor's button), which each request fills: rendering the
  site's frame and the page around the kept parts was two thirds of such a request.
* The whole list page, per kind of reader too, under a digest of everything it shows (its
  query string, the ``(id, version)`` of its questions, how many match, the generation).
"""

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cache as cache_in_process
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.db.models import Count, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from interviewprep import cache, sql
from interviewprep.sql import json_rows
from interviewprep.templatetags import holes

from . import reader_blocks
from .models import (
    EditorialFlag,
    Question,
    QuestionRevision,
    QuestionSource,
    SeriesLink,
    decode_tags,
    tag_rows,
)
from .templatetags.editorial import works_on_the_bank


def related_questions(pk: int, tag_ids: Sequence[int], limit: int = 6) -> list[Question]:
    """Up to ``limit`` other visible questions sharing the most of ``tag_ids`` (the tags of
    question ``pk``), most shared first, then lowest id; each with its ``pk`` and ``title``
    (the page links to them), kept with the ranking of the set of tags."""
    if not tag_ids:
        return []
    tag_ids = sorted(tag_ids)
    # One more than needed: the question itself may be among those of its own tag set. A
    # name of its own for (id, title) pairs: "related" held ids, which a worker of this
    # release sharing the cache with one of the last must not read as pairs.
    ranked: Sequence[tuple[int, str]] = cache.cached(
        cache.bank_key("related-titled", *tag_ids),
        lambda: _rank_by_shared_tags(tag_ids, limit + 1),
        cache.BANK_TIMEOUT,
    )
    return [Question(pk=other, title=title) for other, title in ranked if other != pk][:limit]


def _rank_by_shared_tags(tag_ids: list[int], limit: int) -> list[tuple[int, str]]:
    """``(id, title)`` of the ``limit`` questions sharing the most of ``tag_ids``, then lowest
    id, of which the visible ones: one query.

    Ranked on the tag table alone: grouping the questions' own (wide) rows took 0.2 s at
    100,000 questions; only the ``limit`` ranked are then read, and counted again, from the
    question table. Merged duplicates are few: excluding them by the ``duplicate_of`` index
    beats joining every candidate to the question table.
    """
    links = Question.tags.through.objects.filter(tag_id__in=tag_ids)
    merged = Question.objects.filter(duplicate_of__isnull=False).values("pk")
    ranked = (
        links.exclude(question_id__in=merged)
        .values("question_id")
        .annotate(shared=Count("tag_id"))
        .order_by("-shared", "question_id")
        .values("question_id")[:limit]
    )
    return list(
        Question.objects.visible()
        .filter(pk__in=ranked)
        .values("pk", "title")
        .annotate(shared=Count("tags", filter=Q(tags__in=tag_ids)))
        .order_by("-shared", "pk")
        .values_list("pk", "title")
    )


PAGE_TEMPLATE = "questions/detail.html"
# A row of the question list, rendered once per question, language and version (listing).
ROW_TEMPLATE = "questions/_row.html"
# Partials of PAGE_TEMPLATE rendered once per question, language and version.
PAGE_PARTS = ("head", "answer", "provenance", "related")


@dataclass(frozen=True)
class QuestionPage:
    """What the question page shows to everyone; ``parts`` is our own template's output."""

    pk: int
    title: str
    duplicate_of_id: int | None
    parts: dict[str, str] = field(default_factory=dict)
    stamp: str = ""  # what it was rendered under (interviewprep.cache.question_stamp)

    @property
    def question(self) -> Question:
        """The question as far as the reader's blocks need it (its id and title)."""
        return Question(pk=self.pk, title=self.title)

    @property
    def html(self) -> dict[str, SafeString]:
        # Rendered by PAGE_TEMPLATE with autoescaping; the answer was sanitised when saved.
        return {name: mark_safe(text) for name, text in self.parts.items()}  # noqa: S308


@cache_in_process
def rendering_fingerprint() -> str:
    """A digest of the templates and translations cached views are rendered with, so that a
    release changing them is not served what the one before it rendered."""
    digest = hashlib.blake2b(digest_size=8)
    blocks = [block.template for block in reader_blocks.registered()]
    for name in (PAGE_TEMPLATE, ROW_TEMPLATE, *WHOLE_PAGE_TEMPLATES, *blocks):
        template: Any = get_template(name)  # Django's backend: its origin is the file
        digest.update(Path(template.origin.name).read_bytes())
    for path in settings.LOCALE_PATHS:
        for catalog in sorted(Path(path).glob("*/LC_MESSAGES/*.mo")):
            digest.update(catalog.read_bytes())
    return digest.hexdigest()


def question_page(pk: int) -> QuestionPage | None:
    """The public part of question ``pk``'s page in the active language, or None if there is
    no such question. A merged duplicate comes back without parts (the page redirects).

    A page kept under this generation of the bank and these templates is shown if one query
    finds the question still at the version it was rendered under. Otherwise the page is
    read with its version (one query, and one more to rank its related questions when their
    tag set's ranking is not kept), rendered, and kept with the version it read."""
    key = cache.question_page_key(pk, get_language())
    found = cache.get_many([cache.GENERATION_KEY, key])
    fingerprint = rendering_fingerprint()
    current = _is_current(pk, found.get(key), found, fingerprint)
    if current is None:
        return None
    if current:
        return found[key][1]
    question: Any = next(iter(_PAGE_QUESTION(pk)), None)  # with its annotations
    if question is None:
        return None
    if question.duplicate_of_id is not None:
        page = QuestionPage(pk, question.title, question.duplicate_of_id)
    else:
        context = _page_context(question)
        parts = {
            name: str(get_template(f"{PAGE_TEMPLATE}#{name}").render(context))
            for name in PAGE_PARTS
        }
        page = QuestionPage(pk, question.title, None, parts)
    stamp = cache.question_stamp(question.version, found, fingerprint)
    page = replace(page, stamp=stamp)
    cache.set_many({key: (stamp, page)}, cache.QUESTION_TIMEOUT)
    return page


def _is_current(pk: int, kept: Any, found: Mapping[str, Any], fingerprint: str) -> bool | None:
    """Whether ``kept`` (a ``(stamp, ...)`` kept for question ``pk``, or None) is current:
    kept under this generation of the bank (from ``found``) and ``fingerprint``, and the
    question still at the version it was rendered under (one query, asked only then). None
    when the question has no public page any more."""
    if kept is None:
        return False
    rendered_at = cache.stamp_version(kept[0], found, fingerprint)
    if rendered_at is None:
        return False
    current = next(iter(_PAGE_VERSION(pk)), None)
    if current is None:
        return None
    return current.version == rendered_at


def _page_query() -> QuerySet[Question]:
    """What the public question page shows of a question, in one query: its own
    columns (not the Markdown or the search text) and, each a text of JSON rows
    (``interviewprep.sql.json_rows``, decoded by ``questions.pages``):

    * ``page_tags``: the tags' ``id``, ``slug``, ``name_zh``, ``name_en``, ``level``;
    * ``page_sources``: ``file_name``, ``heading_line``, ``start_line``, ``end_line``,
      ``match`` (not the sections' text);
    * ``page_flags``: the open flags' ``id``, ``reason``, ``severity``, ``problem``,
      ``problem_zh``, ``first_line``;
    * ``page_series_after``, ``page_series_before``: the ``id`` and ``title`` of the
      visible questions an active series link joins to each, as its ``other`` or its
      ``question`` (each pair is stored once, the lower id first);
    * ``page_revision``: the live revision's ``number`` and ``created_at``.
    """
    flags = EditorialFlag.objects.open().filter(question=OuterRef("pk"))
    links = SeriesLink.objects.filter(active=True)
    return Question.objects.defer("body_markdown", "search_title", "search_body").annotate(
        page_tags=tag_rows(),
        page_sources=json_rows(
            QuestionSource.objects.filter(question=OuterRef("pk")),
            "question",
            file_name="file_name",
            heading_line="heading_line",
            start_line="start_line",
            end_line="end_line",
            match="match",
        ),
        page_flags=json_rows(
            flags,
            "question",
            id="id",
            reason="reason",
            severity="severity",
            problem="problem",
            problem_zh="problem_zh",
            first_line="first_line",
        ),
        page_series_after=json_rows(
            links.filter(question=OuterRef("pk"), other__duplicate_of__isnull=True),
            "question",
            id="other_id",
            title="other__title",
        ),
        page_series_before=json_rows(
            links.filter(other=OuterRef("pk"), question__duplicate_of__isnull=True),
            "other",
            id="question_id",
            title="question__title",
        ),
        page_revision=json_rows(
            QuestionRevision.objects.filter(pk=OuterRef("live_revision_id")),
            "id",
            number="number",
            created_at="created_at",
        ),
    )


# A question awaiting review has no public page yet (a 404, as if it did not exist).
_PAGE_VERSION = sql.Statement(
    lambda pk: (
        Question.objects.filter(pk=pk)
        .exclude(status=Question.Status.PENDING)
        .only("version")
        .order_by()
    )
)
_PAGE_QUESTION = sql.Statement(
    lambda pk: _page_query().filter(pk=pk).exclude(status=Question.Status.PENDING).order_by()
)

_SEVERITY_ORDER = {severity: rank for rank, severity in enumerate(EditorialFlag.Severity.values)}


def _page_context(question: Any) -> dict[str, Any]:
    """What PAGE_PARTS are rendered with, from the rows ``_page_query()`` read
    with ``question``, in the orders ``with_tags()`` and ``prefetch_open_flags()`` give."""
    tags = decode_tags(question.page_tags)
    sources = sorted(
        (QuestionSource(**row) for row in sql.decode_rows(question.page_sources)),
        key=lambda source: (source.file_name, source.heading_line),
    )
    # EditorialFlagQuerySet.by_severity(), unplaced flags after the placed ones.
    question.open_flags = sorted(
        (EditorialFlag(**row) for row in sql.decode_rows(question.page_flags)),
        key=lambda flag: (
            _SEVERITY_ORDER[flag.severity],
            flag.first_line is None,
            flag.first_line or 0,
            flag.pk,
        ),
    )
    revision = None
    for row in sql.decode_rows(question.page_revision):
        revision = QuestionRevision(number=row["number"], created_at=_datetime(row["created_at"]))
    others = [
        Question(pk=row["id"], title=row["title"])
        for row in (
            *sql.decode_rows(question.page_series_after),
            *sql.decode_rows(question.page_series_before),
        )
    ]
    return {
        "question": question,
        "tags": tags,
        "sources": sources,
        "live_revision": revision,
        "series": sorted([question, *others], key=lambda q: q.pk) if others else [],
        "related": related_questions(question.pk, [tag.pk for tag in tags]),
    }


def _datetime(text: str) -> datetime:
    """A date and time from JSON: PostgreSQL writes its offset, SQLite stores UTC without."""
    value = parse_datetime(text)
    if value is None:
        raise ValueError(f"Not a date and time: {text!r}")
    return value if timezone.is_aware(value) else timezone.make_aware(value, UTC)


# Besides PAGE_TEMPLATE and the reader blocks', what the whole pages are rendered with.
LIST_TEMPLATE = "questions/list.html"
WHOLE_PAGE_TEMPLATES = ("base.html", "account/_nav.html", LIST_TEMPLATE)
# Where each response of a kept whole page puts its own CSRF token (see kept_whole_page).
CSRF_PLACEHOLDER = "\x00csrf-token\x00"
# The kinds of reader a whole page is kept for: the site's navigation differs between them.
ANONYMOUS, LEARNER, EDITORIAL = "anonymous", "learner", "editorial"


def whole_page_kind(request: HttpRequest) -> str | None:
    """For which kind of reader ``request``'s page can be a kept whole page, or None when it
    must be rendered for it alone: a reader without a session who has one anyway, or a
    messages cookie. A signed-in reader's own parts are holes the page leaves
    (``interviewprep/templatetags/holes.py``); a reader without a session has none."""
    user: Any = request.user
    if user.is_authenticated:
        return EDITORIAL if works_on_the_bank(user) else LEARNER
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
        return None
    return ANONYMOUS


def kept_whole_page(pk: int, kind: str) -> tuple[QuestionPage, str] | None:
    """The whole page of question ``pk`` kept for readers of ``kind`` (with
    ``CSRF_PLACEHOLDER`` for their token and, but for ``ANONYMOUS``, holes for their own
    parts), if it is current: kept under this generation of the bank and these templates,
    and the question still at the version it was rendered under (one query). Comes with the
    page's id and title (no parts), which the holes are filled with. None otherwise."""
    key = cache.whole_page_key(pk, get_language(), kind)
    found = cache.get_many([cache.GENERATION_KEY, key])
    if not _is_current(pk, found.get(key), found, rendering_fingerprint()):
        return None
    _stamp, title, html = found[key]
    return QuestionPage(pk, title, None), html


def keep_whole_page(page: QuestionPage, kind: str, html: str) -> None:
    """Keep ``html``, the whole page rendered around ``page`` for readers of ``kind`` as
    :func:`kept_whole_page` returns it, under the stamp ``page`` was rendered under."""
    if page.stamp:
        key = cache.whole_page_key(page.pk, get_language(), kind)
        cache.set_many({key: (page.stamp, page.title, html)}, cache.QUESTION_TIMEOUT)


def kept_whole_list(
    request: HttpRequest, kind: str, versions: Sequence[tuple[int, int]], count: int
) -> tuple[str, str | None]:
    """The key of the whole list page for ``request`` and the page kept under it, if any (with
    ``CSRF_PLACEHOLDER`` and, but for ``ANONYMOUS``, holes, as :func:`kept_whole_page`'s).
    The key holds everything the page shows: its path with the query string, the language,
    ``kind`` of reader, the bank's generation, the templates' digest, the ``(id, version)``
    of its questions (read on every request) and how many questions match."""
    key = cache.whole_list_key(
        request.get_full_path(),
        get_language(),
        kind,
        cache.bank_generation(),
        rendering_fingerprint(),
        tuple(versions),
        count,
    )
    return key, cache.get_many([key]).get(key)


def keep_whole_list(key: str, html: str) -> None:
    cache.set_many({key: html}, cache.WHOLE_LIST_TIMEOUT)


def render_for_kind(
    request: HttpRequest, name: str, context: Mapping[str, Any], *, kind: str
) -> str:
    """Template ``name`` rendered for every reader of ``kind``, to be kept: a placeholder for
    their CSRF token and, for a signed-in reader, holes for their own parts
    (:func:`for_reader` fills them); a reader without a session has no parts of their own."""
    context = {**context, "csrf_token": CSRF_PLACEHOLDER}
    if kind != ANONYMOUS:
        context[holes.SKELETON] = True
    return render_to_string(name, context, request)


def for_reader(
    request: HttpRequest,
    html: str,
    name: str,
    *,
    kind: str,
    context: Mapping[str, Any] | None = None,
) -> str:
    """``html`` (template ``name`` as :func:`render_for_kind` rendered it) for ``request``:
    its holes filled with ``context`` and the context processors', its own CSRF token."""
    if kind != ANONYMOUS:
        html = holes.fill(html, name, context or {}, request)
    return html.replace(CSRF_PLACEHOLDER, get_token(request))
