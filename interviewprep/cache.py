"""Every cache of InterviewPrep: its keys, its timeouts and how it is invalidated, in one
module (as Zulip's ``zerver/lib/cache.py``). Code elsewhere computes what is cached; it asks
this module for the key and the timeout, and never builds a key of its own.

What is kept, and why it stays correct (the README's "Caching" section has what each buys):

* **A signed-in user with their role names** (:func:`user_key`, ``USER_TIMEOUT``), read by
  the authentication backend on every request. Dropped by :func:`flush_users`, which the user
  and group model signals call (``interviewprep.apps``), now and again once the transaction
  commits. Shared by every worker only when it lives in Redis: :func:`check_shared_cache`
  refuses a per-process cache when more than one worker can run.
* **The public part of a question page and a question's row in the list**
  (:func:`question_page_key`, :func:`question_row_key`: one key per question and UI
  language), each kept with the :func:`question_stamp` it was rendered under: the question's
  ``Question.version``, the bank's generation and a digest of the templates and translations.
  The version is read from the database with the question's id (alone when a page kept
  under this generation and fingerprint may still be current, :func:`stamp_version`; else
  with the page's data, in the query that renders it again); every write that changes
  what a page or row shows bumps it in the same UPDATE (``QuestionQuerySet.bump_version``),
  so the new version commits with the data, and a page rendered from the data before the
  write carries the old version and is never shown again: no invalidation call, no stamp
  replaced before or after the commit.
* **The whole question page per kind of reader** (:func:`whole_page_key`: without a session,
  learner, editor), the frame and the page around the public part rendered once, with a
  placeholder where each response puts its CSRF token and holes that each request fills with
  the reader's own parts. Kept with the stamp of the public part it was rendered around and
  shown under the same check of the question's version, so it is exactly as current; the
  digest in the stamp covers the frame's templates too.
* **The whole question list page per kind of reader** (:func:`whole_list_key`,
  ``WHOLE_LIST_TIMEOUT``), with the same placeholder and holes, under a digest of everything
  it shows: its path and query string, the language, the bank's generation, the templates'
  digest, the ``(id, version)`` of its questions (read on every request) and how many
  match. A write to a listed question gives it a new version, so the page a new key; only
  the sidebar it embeds may lag a retagging by up to twice ``BANK_TIMEOUT``.
* **The list's facets (tag counts, source files) and the related-question ranking of a tag
  set** (:func:`bank_key`, ``BANK_TIMEOUT``): bank-wide views that no one version describes.
  An import drops them at once (:func:`flush_bank`, a new generation in every key); an
  editor's retagging shows in them within ``BANK_TIMEOUT``. Only ids and counts are kept,
  and the titles of the related questions ranked (a page links them by title): a retitling
  or a merge shows in them within ``BANK_TIMEOUT`` too, where reading the titles for every
  page rendered cost a query (the page itself may lag it by ``QUESTION_TIMEOUT``).
* **The number of visible questions** (:data:`VISIBLE_COUNT_KEY`, ``BANK_TIMEOUT``), the
  unfiltered list's count: an index-only COUNT over the whole bank was half of that page's
  time. Only a question added or deleted, or an UPDATE of its ``status`` or ``duplicate_of``
  (publishing a question awaiting review, merging), changes it: ``QuestionQuerySet.update``
  (which ``bump_version`` and every service's UPDATE go through) and the question model's
  save and delete signals (``questions.apps``) call :func:`forget_visible_count`, now and again
  once the transaction commits; :func:`flush_bank` drops it too. ``bulk_create`` and raw SQL
  do not: the import does neither for questions. A request that counted before a commit and
  kept its count after the second drop is corrected within ``BANK_TIMEOUT``.
* **The ranked ids of a search** (:func:`search_key`, ``SEARCH_TIMEOUT``), per query and
  filters: ranking the candidates is most of a search's time (5-16 ms of SQL at 100,000
  questions), and learners ask the same words. The key holds the bank's generation and the
  questions' write stamp (:data:`WRITTEN_KEY`), which :func:`questions_written` drops on every
  write of a question or of its tags (``QuestionQuerySet.update``, which ``bump_version`` and
  the services' UPDATEs go through; the question and tag model signals, ``questions.apps``):
  now, and again once the transaction commits. A search computed before a commit is kept under
  a stamp no one reads again. The page's versions and answers are read with the ids.
* **Per process, for the life of the release**: the site's frame (``{% cache ...
  using="frame" %}`` in ``templates/base.html``, which depends on the templates and the
  language alone), the practice page around its card (:func:`frame_page_key`: the card is a
  hole each request fills, the rest depends on the templates, the language, the path and the
  kind of reader alone) and the question list's sidebar fragment (``{% cache %}`` in
  ``templates/questions/list.html``, keyed by :func:`bank_generation`, ``SIDEBAR_TIMEOUT``).
  The reversed URLs of ``{% url %}`` (``interviewprep/templatetags/cached_url.py``) are an
  ``lru_cache`` of a pure function of the URLconf.

The learner's own state on a question page (bookmark, note, notices) is not cached: it is one
query, and caching it made the public page depend on practice.
"""

import hashlib
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.core.checks import CheckMessage, Error, Tags, register
from django.db import transaction

USER_TIMEOUT = 600
QUESTION_TIMEOUT = 3600
BANK_TIMEOUT = 60
SIDEBAR_TIMEOUT = BANK_TIMEOUT
# The list's sidebar is part of a kept list page: it may lag a retagging twice as long.
WHOLE_LIST_TIMEOUT = BANK_TIMEOUT

SEARCH_TIMEOUT = 600

GENERATION_KEY = "bank:generation"
WRITTEN_KEY = "questions:written"
VISIBLE_COUNT_KEY = "questions:visible-count"


def get_many(keys: Iterable[str]) -> dict[str, Any]:
    return cache.get_many(list(keys))


def set_many(values: Mapping[str, Any], timeout: int) -> None:
    if values:
        cache.set_many(dict(values), timeout)


def cached[T](
    key: str, compute: Callable[[], T], timeout: int | None, *, using: str = "default"
) -> T:
    """The value kept under ``key`` in cache ``using``, or ``compute()``'s, kept for
    ``timeout`` seconds (None: for good)."""
    store = caches[using]
    value = store.get(key)
    if value is None:
        value = compute()
        store.set(key, value, timeout)
    return value


# Signed-in users (interviewprep.backends).


def user_key(pk: int) -> str:
    return f"auth:user:{pk}"


def cached_user(pk: int) -> Any:
    """What :func:`keep_user` kept of user ``pk``, or None."""
    return cache.get(user_key(pk))


def keep_user(pk: int, kept: Any) -> None:
    cache.set(user_key(pk), kept, USER_TIMEOUT)


def flush_users(*pks: int) -> None:
    """Drop the kept copies of users ``pks``: now, and again once the transaction commits (a
    request reading them before the commit may have kept the old row)."""
    keys = [user_key(pk) for pk in pks]

    def drop() -> None:
        cache.delete_many(keys)

    if keys:
        drop()
        transaction.on_commit(drop)


# Pages whose every part of the reader's own is a hole (per process, see the docstring).


FRAME = "frame"  # the per-process cache of what depends on the release alone


def frame_page_key(name: str, path: str, language: str, kind: str) -> str:
    return f"frame-page:{name}:{path}:{language}:{kind}"


# Question pages and rows (questions.pages).


def question_page_key(pk: int, language: str) -> str:
    return f"questions:page:{pk}:{language}"


def question_row_key(pk: int, language: str) -> str:
    return f"questions:row:{pk}:{language}"


def whole_list_key(*parts: object) -> str:
    """A question list's whole page for a kind of reader, under a digest of everything it
    shows (``questions.pages.kept_whole_list``)."""
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    return f"questions:whole-list:{digest}"


def whole_page_key(pk: int, language: str, kind: str) -> str:
    """The whole question page for a ``kind`` of reader (``questions.pages.whole_page_kind``),
    kept with the :func:`question_stamp` of the public part it was rendered around."""
    return f"questions:whole-page:{pk}:{language}:{kind}"


def question_stamp(version: int, found: Mapping[str, Any], fingerprint: str) -> str:
    """What a question's page or row is valid under: its ``version``, the bank's generation
    (from ``found``, a :func:`get_many` of :data:`GENERATION_KEY` with the page's keys) and
    ``fingerprint`` (the templates and translations it is rendered with)."""
    generation = found.get(GENERATION_KEY) or bank_generation()
    return f"{version}:{generation}:{fingerprint}"


def stamp_version(stamp: str, found: Mapping[str, Any], fingerprint: str) -> int | None:
    """The version a page or row kept with ``stamp`` was rendered under, if it was rendered
    under this generation of the bank (from ``found``) and ``fingerprint``; else None: it is
    stale whatever the question's version, which need not be read to know."""
    generation = found.get(GENERATION_KEY)
    version, _sep, rest = stamp.partition(":")
    if generation is None or rest != f"{generation}:{fingerprint}" or not version.isdigit():
        return None
    return int(version)


# Bank-wide views (questions.pages): facets, related questions, the list's sidebar.


def _stamp(key: str) -> str:
    """The value of stamp ``key``, made now if there is none."""
    stamp = cache.get(key)
    if stamp is None:
        # add(), not set(): two workers making a stamp at once agree on one.
        cache.add(key, uuid.uuid4().hex, None)
        stamp = cache.get(key) or ""
    return stamp


def bank_generation() -> str:
    """Part of every bank-wide key (and of the list sidebar's fragment key)."""
    return _stamp(GENERATION_KEY)


def bank_key(name: str, *parts: object) -> str:
    """The key of bank-wide view ``name`` for ``parts``; a long ``parts`` is hashed."""
    detail = ",".join(map(str, parts))
    if len(detail) > 64:
        detail = hashlib.blake2b(detail.encode(), digest_size=16).hexdigest()
    return f"questions:{bank_generation()}:{name}:{detail}"


def flush_bank() -> None:
    """Drop every bank-wide view (an import changed the bank): now, and again once the
    transaction commits (a request reading the bank before the commit may have kept the old
    counts under the new generation)."""

    def drop() -> None:
        cache.delete_many([GENERATION_KEY, VISIBLE_COUNT_KEY])

    drop()
    transaction.on_commit(drop)


def forget_visible_count() -> None:
    """Drop the number of visible questions (a question was added, deleted, published from
    review or merged): now, and again once the transaction commits (a request counting before
    the commit may have kept the old number)."""

    def drop() -> None:
        cache.delete(VISIBLE_COUNT_KEY)

    drop()
    transaction.on_commit(drop)


# Searches (questions.listing.search_page).


def search_key(*parts: object) -> str:
    """The key of a search's ranked ids for ``parts`` (its query and filters), valid until the
    bank is reloaded or a question or its tags are written."""
    found = cache.get_many([GENERATION_KEY, WRITTEN_KEY])
    generation = found.get(GENERATION_KEY) or bank_generation()
    written = found.get(WRITTEN_KEY) or _stamp(WRITTEN_KEY)
    detail = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    return f"questions:search:{generation}:{written}:{detail}"


def questions_written() -> None:
    """A question or its tags changed: every kept search is dropped, now and again once the
    transaction commits (a search before the commit may have kept the old ranking)."""

    def drop() -> None:
        cache.delete(WRITTEN_KEY)

    drop()
    transaction.on_commit(drop)


# Deployment.

_PER_PROCESS = "django.core.cache.backends.locmem.LocMemCache"
_CACHED_SESSIONS = {
    "django.contrib.sessions.backends.cache",
    "django.contrib.sessions.backends.cached_db",
}


@register(Tags.caches, deploy=True)
def check_shared_cache(
    app_configs: Sequence[Any] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """``check --deploy``: with more than one worker (``WEB_CONCURRENCY``), signed-in users
    (and sessions, when they are cached) must be kept in a cache every worker shares, or a
    role revoked or an account deactivated stays visible to the other workers for
    ``USER_TIMEOUT`` seconds."""
    if settings.WEB_CONCURRENCY <= 1:
        return []
    errors: list[CheckMessage] = []
    if _per_process("default"):
        errors.append(
            Error(
                "The default cache keeps signed-in users in each worker's memory, and "
                f"WEB_CONCURRENCY={settings.WEB_CONCURRENCY} workers can run.",
                hint="Set REDIS_URL, or run one worker (WEB_CONCURRENCY=1).",
                id="interviewprep.E001",
            )
        )
    if settings.SESSION_ENGINE in _CACHED_SESSIONS and _per_process(settings.SESSION_CACHE_ALIAS):
        errors.append(
            Error(
                "Sessions are cached in each worker's memory, and "
                f"WEB_CONCURRENCY={settings.WEB_CONCURRENCY} workers can run.",
                hint="Set REDIS_URL, or keep sessions in the database.",
                id="interviewprep.E002",
            )
        )
    return errors


def _per_process(alias: str) -> bool:
    return type(caches[alias]).__module__ + "." + type(caches[alias]).__name__ == _PER_PROCESS
