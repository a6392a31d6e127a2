"""The question list's parts that are costly at 100,000 questions, kept under the keys and
timeouts of ``interviewprep.cache`` (``questions.pages`` says why each is kept): the
sidebar's facets, the number of visible questions, a search's ranked ids and the rows of the
list, rendered once per question, UI language and version."""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from interviewprep import cache

from .models import Question, QuestionSource, Tag
from .pages import ROW_TEMPLATE, rendering_fingerprint
from .search import backends as search


def list_facets() -> dict[str, list]:
    """``{"tags": [Tag with .count], "sources": [file name]}`` for the list page's filters."""
    return cache.cached(
        cache.bank_key("list-facets"),
        lambda: {
            "tags": list(Tag.objects.with_counts()),
            "sources": list(
                QuestionSource.objects.order_by("file_name")
                .values_list("file_name", flat=True)
                .distinct()
            ),
        },
        cache.BANK_TIMEOUT,
    )


def visible_count() -> int:
    """How many questions readers can open (``Question.objects.visible().count()``)."""
    return cache.cached(
        cache.VISIBLE_COUNT_KEY, lambda: Question.objects.visible().count(), cache.BANK_TIMEOUT
    )


class CountedPaginator(Paginator):
    """A paginator told how many objects there are (:func:`visible_count`), not counting."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.known_count = count

    @property
    def count(self) -> int:  # type: ignore[override]
        return self.known_count


def list_page(versions: Any, number: Any, per_page: int, *, filtered: bool) -> Page:
    """Page ``number`` of ``versions`` (the list's visible questions, filtered or not); the
    unfiltered list is paged with the cached :func:`visible_count` instead of a COUNT."""
    if filtered:
        return Paginator(versions, per_page).get_page(number)
    return CountedPaginator(versions, per_page, count=visible_count()).get_page(number)


def search_page(
    results: QuerySet[Question], chosen: Mapping[str, Any], number: str | None, per_page: int
) -> tuple[Page[int], list[tuple[int, int]], dict[int, SafeString]]:
    """Page ``number`` of a search's ``results`` (``search.search_questions`` after the filter
    set's other filters, ``chosen``): the page of ids, best first; the ``(id, version)`` of
    those still visible; the snippet of each answer for the query.

    The ranked ids are kept per query and filters until a question or its tags are written
    (``cache.search_key``); the page's versions and answers are one query."""
    key = cache.search_key(sorted((name, str(value)) for name, value in chosen.items() if value))
    ids = cache.cached(
        key, lambda: list(results.values_list("pk", flat=True)), cache.SEARCH_TIMEOUT
    )
    page = Paginator(ids, per_page).get_page(number)
    answers = {
        pk: (version, body_html)
        for pk, version, body_html in Question.objects.visible()
        .filter(pk__in=page.object_list)
        .values_list("pk", "version", "body_html")
    }
    versions = [(pk, answers[pk][0]) for pk in page.object_list if pk in answers]
    found = search.page_snippets({pk: body for pk, (_v, body) in answers.items()}, chosen["q"])
    return page, versions, found


def question_rows(versions: Sequence[tuple[int, int]]) -> list[tuple[int, SafeString]]:
    """``(id, row)``: the list's row for each ``(id, version)`` of ``versions`` (read from
    the database with the ids) whose question exists, in that order: kept, or read (one
    query: the questions with their tags' ids; the tags come from :func:`list_facets`) and
    rendered."""
    language = get_language()
    keys = {pk: cache.question_row_key(pk, language) for pk, _version in versions}
    found = cache.get_many([cache.GENERATION_KEY, *keys.values()])
    fingerprint = rendering_fingerprint()
    stamps = {pk: cache.question_stamp(version, found, fingerprint) for pk, version in versions}
    rows: dict[int, str] = {}
    for pk, key in keys.items():
        kept = found.get(key)
        if kept is not None and kept[0] == stamps[pk]:
            rows[pk] = kept[1]
    missing = [pk for pk in keys if pk not in rows]
    if missing:
        template = get_template(ROW_TEMPLATE)
        questions = Question.objects.for_listing().with_tag_ids().in_bulk(missing)
        tags = _tags_of(questions.values())
        rendered = {
            pk: template.render({"question": q, "tags": tags[pk]}) for pk, q in questions.items()
        }
        # Under the version just read: a write since then left a newer one, not this.
        cache.set_many(
            {
                keys[pk]: (cache.question_stamp(q.version, found, fingerprint), rendered[pk])
                for pk, q in questions.items()
            },
            cache.QUESTION_TIMEOUT,
        )
        rows.update(rendered)
    # Our own template's output, autoescaped when it was rendered.
    return [(pk, mark_safe(rows[pk])) for pk, _version in versions if pk in rows]  # noqa: S308


def _tags_of(questions: Iterable[Question]) -> dict[int, list[Tag]]:
    """The tags of each of ``questions`` (read ``with_tag_ids``) in ``with_tags``'s order:
    from the cached facets, or read if one is newer than they are."""
    ids: dict[int, list[int]] = {}
    for question in questions:
        listed: str | None = question.tag_ids  # type: ignore[attr-defined]  # an annotation
        ids[question.pk] = [int(pk) for pk in (listed or "").split(",") if pk]
    known = {tag.pk: tag for tag in list_facets()["tags"]}
    wanted = {pk for tag_ids in ids.values() for pk in tag_ids}
    if not wanted <= known.keys():
        known.update(Tag.objects.in_bulk(wanted - known.keys()))
    return {
        pk: sorted((known[tag] for tag in tag_ids), key=lambda tag: (tag.level, tag.slug))
        for pk, tag_ids in ids.items()
    }
