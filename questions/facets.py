"""The question list's sidebar (tags with their question counts, source files), cached.

Counting the questions of every tag reads the whole tag table of the bank (about 0.3 s at
100,000 questions), so the sidebar is computed at most once per ``FACETS_TIMEOUT`` seconds
per cache, and dropped at once by :func:`invalidate` when the import changes the bank. Other
changes (an editor retagging a question) show in the counts within ``FACETS_TIMEOUT``.
"""

from django.core.cache import cache

from .models import QuestionSource, Tag

FACETS_KEY = "questions:list-facets:v1"
FACETS_TIMEOUT = 60


def list_facets() -> dict[str, list]:
    """``{"tags": [Tag with .count], "sources": [file name]}`` for the list page's filters."""
    facets = cache.get(FACETS_KEY)
    if facets is None:
        facets = {
            "tags": list(Tag.objects.with_counts()),
            "sources": list(
                QuestionSource.objects.order_by("file_name")
                .values_list("file_name", flat=True)
                .distinct()
            ),
        }
        cache.set(FACETS_KEY, facets, FACETS_TIMEOUT)
    return facets


def invalidate() -> None:
    cache.delete(FACETS_KEY)
