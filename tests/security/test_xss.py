"""The XSS corpus (tests/security/xss.py), typed through the real forms, comes back inert.

For every page that shows it: no element, attribute or URL that could run script, and the
text the user typed is all there (plain text is escaped, never dropped). The published
Markdown body is the one place where markup is removed on purpose; see ``BODY_SURVIVORS``.
The browser twin, tests/browser/test_xss.py, loads the worst pages in Chromium.
"""

import pytest
from django.test import Client
from django.urls import reverse

from interviewprep.models import User

from . import xss


@pytest.fixture
def planted(db):
    return xss.plant()


def _page(user: User, url: str) -> tuple[list[str], str]:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return xss.audit(response.content.decode())


def test_the_text_was_stored_as_typed(planted):
    from interviews.models import Answer
    from questions.models import EditorialFlag
    from quizzes.models import Note

    assert Note.objects.get(user=planted.learner).text == xss.TEXT
    assert EditorialFlag.objects.get(reporter=planted.learner).problem == xss.TEXT
    assert Answer.objects.get(attempt=planted.attempt).text == xss.TEXT
    assert User.objects.get(pk=planted.editor.pk).display_name == xss.DISPLAY_NAME


@pytest.mark.parametrize(
    ("where", "shows_the_text"),
    [("questions:my-reports", True), ("interviews:review", True), ("interviews:report", False)],
)
def test_the_learners_text_is_escaped_and_complete(planted, where, shows_the_text):
    args = [planted.attempt.pk] if where.startswith("interviews:") else None
    problems, text = _page(planted.learner, reverse(where, args=args))
    assert problems == []
    if shows_the_text:
        for payload in xss.CORPUS:
            assert payload in text, payload


def test_the_question_page_shows_title_and_note_verbatim_and_the_body_sanitised(planted):
    problems, text = _page(planted.learner, planted.question.get_absolute_url())
    assert problems == []
    assert xss.TITLE in text
    for payload in xss.CORPUS:  # the note, in its textarea
        assert payload in text, payload
    body = planted.question.body_html
    for kept in xss.BODY_SURVIVORS:
        assert kept in body


def test_the_editors_queue_shows_the_report_verbatim(planted):
    client = Client()
    client.force_login(planted.editor)
    url = reverse("questions:editor-queue")
    pages = client.get(url, {"reason": "unclear"}).context["page"].paginator.num_pages
    problems, text = [], ""
    for number in range(1, pages + 1):  # the bank's own open reports come first
        found, page_text = xss.audit(
            client.get(url, {"reason": "unclear", "page": number}).content.decode()
        )
        problems += found
        text += page_text
    assert problems == []
    assert xss.TITLE in text
    for payload in xss.CORPUS:
        assert payload in text, payload


def test_history_shows_the_raw_markdown_and_the_display_name_as_text(planted):
    problems, text = _page(
        planted.learner, reverse("questions:history", args=[planted.question.pk])
    )
    assert problems == []
    assert xss.DISPLAY_NAME in text
    for payload in xss.CORPUS:
        assert payload in text, payload


def test_the_draft_page_and_its_preview_are_inert(planted):
    problems, text = _page(planted.editor, reverse("questions:draft", args=[planted.draft.pk]))
    assert problems == []
    for payload in xss.CORPUS:  # the Markdown source in the editor's textarea
        assert payload in text, payload
    client = Client()
    client.force_login(planted.editor)
    preview = client.post(
        reverse("questions:draft-preview", args=[planted.draft.pk]),
        {"title": xss.TITLE, "body_markdown": "\n\n".join(xss.CORPUS)},
        headers={"hx-request": "true"},
    )
    problems, text = xss.audit(preview.content.decode())
    assert problems == []
    for kept in xss.BODY_SURVIVORS:
        assert kept in text


def test_script_and_style_in_a_body_show_as_text_and_hide_nothing():
    """Found by this corpus: an editor's unclosed <style> (or <script>) hid the rest of the
    answer, since the sanitiser drops those elements with their content. Their tags are now
    shown as text, closed or not."""
    from questions.rendering import render_answer

    problems, text = xss.audit(render_answer("<style>\n\nafter"))
    assert problems == []
    assert "<style>" in text
    assert "after" in text
    problems, text = xss.audit(render_answer("前 <script>window.__xss=1</script> 后"))
    assert problems == []
    assert "前 <script>window.__xss=1</script> 后" in text


def test_the_audit_finds_what_it_looks_for():
    """The checker itself: each of these would run script if a page carried it."""
    for html in [
        "<script>x()</script>",
        '<img src=x onerror="x()">',
        '<a href=" java\nscript:x()">a</a>',
        '<iframe srcdoc="x"></iframe>',
        '<svg><a xlink:href="data:text/html,x">a</a></svg>',
    ]:
        assert xss.audit(html)[0], html
    assert xss.audit('<script src="/static/js/site.js" defer></script><p>ok</p>') == ([], "ok")
