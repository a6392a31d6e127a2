"""The XSS corpus in a real Chromium: nothing runs, and what people typed is still visible.

The corpus (tests/security/xss.py) is typed through the real forms by a learner, an editor
with a hostile display name and a reviewer who publishes the hostile body. The browser then
loads the four pages that show all of it. The Content-Security-Policy header is removed on
the way in, so this proves the escaping and the sanitiser alone; CSP is a second wall.
"""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Browser, Page, Route, expect

from tests.security import xss

pytestmark = pytest.mark.browser


def _without_csp(route: Route) -> None:
    if route.request.resource_type != "document":
        route.continue_()
        return
    response = route.fetch()
    headers = dict(response.headers)
    assert headers.pop("content-security-policy", None), "the site sends a CSP"
    route.fulfill(response=response, headers=headers)


def _learner_page(browser: Browser, site: str, user) -> tuple[Page, list[str]]:
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="zh-CN")
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": site,
            }
        ]
    )
    context.route("**/*", _without_csp)
    page = context.new_page()
    dialogs: list[str] = []

    def record(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    return page, dialogs


def _nothing_ran(page: Page, dialogs: list[str]) -> None:
    page.wait_for_load_state("load")
    assert page.evaluate("window.__xss") is None
    assert page.evaluate("document.title") != "pwned"
    assert dialogs == []


def test_nothing_executes_and_the_text_stays(browser: Browser, site: str):
    planted = xss.plant()
    page, dialogs = _learner_page(browser, site, planted.learner)

    # The published hostile body and title, and the learner's note in its textarea.
    page.goto(f"{site}{planted.question.get_absolute_url()}")
    _nothing_ran(page, dialogs)
    expect(page.locator("h1")).to_contain_text(xss.TITLE)
    expect(page.locator("#note-text")).to_have_value(xss.TEXT)
    answer = page.locator(".answer")
    for kept in xss.BODY_SURVIVORS:
        expect(answer).to_contain_text(kept)
    answer.get_by_text("md-js").click()  # a javascript: link lost its href: nothing happens
    _nothing_ran(page, dialogs)

    # The raw Markdown in the version diff, and the editor's display name.
    page.goto(f"{site}{reverse('questions:history', args=[planted.question.pk])}")
    _nothing_ran(page, dialogs)
    expect(page.locator("main")).to_contain_text(xss.DISPLAY_NAME)
    diff = page.locator("table.diff").last.inner_text()
    for payload in xss.CORPUS:
        assert payload in diff, payload

    # The learner's report and interview answer, each line as typed.
    for url, selector in [
        (reverse("questions:my-reports"), ".report-list"),
        (reverse("interviews:review", args=[planted.attempt.pk]), ".learner-answer"),
    ]:
        page.goto(f"{site}{url}")
        _nothing_ran(page, dialogs)
        shown = page.locator(selector).first.inner_text()
        for payload in xss.CORPUS:
            assert payload in shown, (url, payload)
