"""An editor uploads a note, checks the preview and confirms; a second person, a reviewer,
publishes; a learner finds the new question and practises it. Three browser contexts."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, expect

from questions.models import Question
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

NOTE = """# 推理优化

## 1. 什么是推测解码（speculative decoding）？

用一个小的草稿模型先生成几个词，再由大模型一次并行验证，接受的部分直接输出。

## 2. 连续批处理为什么能提高吞吐？

请求结束即让出位置，新请求随时加入，GPU 不必等一整批都结束。
"""


def _context(browser: Browser, site: str, email: str, *groups: str) -> BrowserContext:
    user = UserFactory(email=email)
    for name in groups:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": site,
            }
        ]
    )
    return context


def test_upload_preview_confirm_review_publish_practise(browser: Browser, site: str, tmp_path):
    note = tmp_path / "推理优化.md"
    note.write_text(NOTE, encoding="utf-8")
    editor = _context(browser, site, "importer@example.com", "editor").new_page()
    reviewer = _context(browser, site, "second@example.com", "reviewer").new_page()
    learner = _context(browser, site, "learner@example.com").new_page()

    # Upload: the preview shows every question with its controls.
    editor.goto(f"{site}/questions/editor/imports/")
    editor.locator("#id_files").set_input_files(str(note))
    editor.locator("#upload-form button[type=submit]").click()
    expect(editor).to_have_url(re.compile(r"/questions/editor/imports/\d+/$"))
    items = editor.locator(".import-item")
    expect(items).to_have_count(2)
    # On a phone the preview fits the screen (the file's SHA-256 once made it 517 px wide).
    editor.set_viewport_size({"width": 390, "height": 844})
    assert editor.evaluate("document.documentElement.scrollWidth") <= 390
    editor.set_viewport_size({"width": 1280, "height": 800})
    first = items.nth(0)
    expect(first.locator(".provenance")).to_contain_text("推理优化.md:3-5")
    # Retitle the first, leave out the second, confirm.
    first.locator("input[name$='-title']").fill("推测解码是什么？")
    items.nth(1).locator("input[name$='-include']").uncheck()
    editor.locator("#confirm-form button[type=submit]").click()
    expect(editor.locator(".messages")).to_be_visible()
    expect(editor.locator(".import-status")).to_have_text(re.compile("审|review", re.I))
    expect(editor.locator("#publish-all")).to_have_count(0)  # not the importer's to publish
    question = Question.objects.get(title="推测解码是什么？")
    assert question.status == Question.Status.PENDING
    assert not Question.objects.filter(title__contains="连续批处理").exists()

    # Not published yet: readers do not find it.
    assert learner.goto(f"{site}{question.get_absolute_url()}").status == 404

    # A reviewer other than the importer publishes from the same page.
    reviewer.goto(editor.url)
    reviewer.locator("#publish-all button").click()
    expect(reviewer.locator(".messages")).to_be_visible()
    expect(reviewer.locator(".published-link")).to_have_count(1)
    question.refresh_from_db()
    assert question.status == Question.Status.PUBLISHED

    # The learner opens it, bookmarks it and practises a deck of bookmarks: it is the card.
    learner.goto(f"{site}{question.get_absolute_url()}")
    expect(learner.locator("h1")).to_contain_text("推测解码是什么？")
    learner.locator("#question-tools button.bookmark").click()
    expect(learner.locator("#question-tools button.bookmark.on")).to_be_visible()
    learner.goto(f"{site}/practice/")
    learner.locator("#id_bookmarked").check()
    learner.locator(".deck-builder button[type=submit]").click()
    card = learner.locator("#practice-card")
    expect(card.locator("h1")).to_have_text("推测解码是什么？")
    card.locator(".reveal summary, .reveal button").first.click()
    expect(card.locator(".reveal .answer")).to_contain_text("草稿模型")
