"""The one helper for counting a request's SQL queries (comparing a page at 1 and at 50 rows);
exact counts are pinned with pytest-django's ``django_assert_num_queries``
(tests/test_query_counts.py)."""

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(client, url: str, *, cold: bool = False, **headers) -> int:
    """SQL queries of one successful GET of ``url``; ``cold``: with nothing cached yet."""
    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)
