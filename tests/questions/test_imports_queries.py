"""The import pages and endpoints read a constant number of queries, at 1 and at 50 rows."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from questions.editorial import imports

# (page, API) queries; the page's count includes the session and the signed-in user. The
# preview reads the images uploaded with the notes in one more.
LIST = (4, 3)
PREVIEW = (5, 5)
REVIEW_PAGE = 5


def _note(count: int, salt: int) -> bytes:
    sections = [f"## {n}. 什么是方法{n}？\n\n答案{n}。\n" for n in range(1, count + 1)]
    return (f"# 笔记 {salt}\n\n" + "\n".join(sections)).encode("utf-8")


def _batches(editor, count: int, items: int = 1):
    return [
        imports.upload_notes(editor=editor, uploads=[imports.Upload(f"n{n}.md", _note(items, n))])
        for n in range(count)
    ]


def _count(client, url: str) -> int:
    client.get(url)  # the first request fills the caches every request then reads
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _clients(user):
    page, api = Client(), APIClient()
    page.force_login(user)
    api.force_authenticate(user)
    return page, api


@pytest.mark.parametrize("rows", [1, 50])
def test_import_list_queries(editor, rows):
    page, api = _clients(editor)
    _batches(editor, rows)
    counts = (_count(page, "/questions/editor/imports/"), _count(api, "/api/editorial/imports/"))
    assert counts == LIST


@pytest.mark.parametrize("items", [1, 50])
def test_import_preview_queries(editor, reviewer, items):
    page, api = _clients(editor)
    (batch,) = _batches(editor, 1, items)
    assert batch.items.count() == items
    url = batch.get_absolute_url()
    assert (_count(page, url), _count(api, f"/api/editorial/imports/{batch.pk}/")) == PREVIEW
    imports.confirm_import(batch_id=batch.pk, editor=editor, decisions=[])
    assert _count(_clients(reviewer)[0], url) == REVIEW_PAGE
