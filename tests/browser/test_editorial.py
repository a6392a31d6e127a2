"""A learner reports the wrong Multi-query Attention answer; an editor marks it for revision
and writes the correction with a live preview and diff; a reviewer publishes it; the learner
sees the corrected answer and the "updated" notice. Three people, three browser contexts."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, expect

from questions.models import Question
from tests.browser.conftest import save_screenshot
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

CORRECT = (
    "**MQA**（Multi-query Attention）：所有查询头共享同一个键/值头（one key/value head）。\n\n"
    "**GQA**（Grouped-query Attention）：查询头分成若干组，每组共享一个键/值头；"
    "组数介于 1（MQA）和查询头数（MHA）之间。"
)


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


def test_report_revise_review_publish(browser: Browser, site: str):
    question = Question.objects.get(title__contains="Multi-query Attention")
    learner = _context(browser, site, "learner@example.com").new_page()
    editor = _context(browser, site, "editor@example.com", "editor").new_page()
    reviewer = _context(browser, site, "reviewer@example.com", "reviewer").new_page()

    # The learner reports the problem and finds it in "my reports".
    learner.goto(f"{site}{question.get_absolute_url()}")
    expect(learner.locator(".notice.revision")).to_be_visible()
    learner.locator(".question-actions a", has_text=re.compile("报告|Report")).click()
    learner.locator("input[name=reason][value=wrong]").check()
    learner.fill("#id_comment", "MQA 与 GQA 的定义说反了")
    learner.locator("form.stacked button[type=submit]").click()
    expect(learner.locator(".report-list")).to_contain_text("MQA 与 GQA 的定义说反了")

    # The editor confirms it from the queue and opens a draft.
    editor.goto(f"{site}/questions/editor/?reason=wrong")
    flag = editor.locator(".flag", has_text="MQA 与 GQA 的定义说反了")
    save_screenshot(editor, "editor-queue")
    flag.locator("form[action$='needs-revision/'] button").click()
    expect(editor.locator(".messages")).to_be_visible()
    editor.locator(f"#queue-{question.pk} form[action$='/draft/'] button").click()
    expect(editor).to_have_url(re.compile(r"/questions/editor/drafts/\d+/$"))

    # Typing updates the preview (rendered as readers see it) and the diff, in place.
    editor.fill("#id_body", CORRECT)
    preview = editor.locator("#preview .answer")
    expect(preview.locator("strong").first).to_have_text("MQA")
    expect(preview).to_contain_text("所有查询头共享同一个键/值头")
    expect(editor.locator("#preview .draft-diff ins").first).to_be_visible()
    save_screenshot(editor, "draft")
    editor.locator("#draft-form button[type=submit]").click()
    expect(editor.locator(".messages")).to_be_visible()
    expect(editor.locator("#id_body")).to_have_value(CORRECT)

    editor.fill("#id_summary", "更正 MQA 与 GQA 的定义")
    for box in editor.locator("input[name=resolves]").all():
        box.check()
    editor.locator(".submit-draft button[type=submit]").click()
    expect(editor.locator(".draft-state")).to_have_text(re.compile("Submitted|提交|审"))
    draft_url = editor.url

    # The reviewer (someone else) approves and publishes.
    reviewer.goto(draft_url)
    reviewer.locator("form[action$='approve/'] button").click()
    expect(reviewer).to_have_url(re.compile(rf"/questions/{question.pk}/$"))

    # The learner sees the corrected answer, the "updated" notice, and no revision notice.
    learner.goto(f"{site}{question.get_absolute_url()}")
    expect(learner.locator(".answer")).to_contain_text("所有查询头共享同一个键/值头")
    notice = learner.locator(".notice.updated")
    expect(notice).to_contain_text("更正 MQA 与 GQA 的定义")
    expect(learner.locator(".notice.revision")).to_have_count(0)
    notice.locator("button").click()
    expect(learner.locator(".notice.updated")).to_have_count(0)
