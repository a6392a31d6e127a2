"""The main journeys, walked as a new visitor would: through the real pages only, typing into
the forms (no logging in behind the browser's back).

With SAVE_SCREENSHOTS=1 each journey also saves its main pages to docs/screenshots/; the
editorial journey (flag, revise, review, publish) lives in test_editorial.py.
"""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect

from interviews.models import Attempt
from quizzes.models import Review
from tests.browser.conftest import reveal_with_the_keyboard, save_screenshot, sign_up

pytestmark = pytest.mark.browser

# The questions are drawn at random: an answer outline that fits any of them.
ANSWER = "先给定义，再讲原理、常见做法和局限，最后举一个例子。"
SAVED_AT = re.compile(r"\d+:\d+:\d+")  # "已保存 10:02:03", in any UI language


def test_new_learner_signs_up_and_practises_with_the_keyboard(page: Page, site: str):
    page.goto(f"{site}/")
    expect(page.locator(".big-search, .hero").first).to_be_visible()
    save_screenshot(page, "home")
    sign_up(page, site, "new.learner@example.com")

    page.locator(".site-header").get_by_role("link", name="练习", exact=True).click()
    expect(page.locator("h1")).to_have_text("练习")
    page.locator("main a[href='/practice/session/']").click()
    card = page.locator("#practice-card")
    for n in range(3):
        title = reveal_with_the_keyboard(page, card)
        if n == 0:
            save_screenshot(page, "practice")
        page.keyboard.press("3")  # Good
        expect(card.locator("h1")).not_to_have_text(title)
        # Focus lands on the next card's "show the answer" once htmx has settled it.
        expect(card.locator("details.reveal summary")).to_be_focused()
    assert Review.objects.filter(user__email="new.learner@example.com").count() == 3

    page.locator(".site-header").get_by_role("link", name="练习", exact=True).click()
    page.locator("main a[href='/practice/dashboard/']").click()
    expect(page.locator("#reviews-today")).to_have_text("3")
    save_screenshot(page, "dashboard")


def test_new_learner_runs_out_of_time_in_a_one_minute_interview(page: Page, site: str):
    sign_up(page, site, "candidate@example.com")
    # The live server runs in this process: moving this clock moves the server's.
    with time_machine.travel(timezone.now(), tick=True) as clock:
        page.locator(".site-header").get_by_role("link", name="模拟面试").click()
        custom = page.locator("form.custom-form")
        custom.locator("#id_count").fill("3")
        custom.locator("#id_minutes").fill("1")
        custom.locator("button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"/interviews/\d+/$"))
        attempt = Attempt.objects.get(user__email="candidate@example.com")
        assert attempt.deadline - attempt.started_at == timedelta(minutes=1)

        page.get_by_test_id("answer-1").fill(ANSWER)
        expect(page.locator(".save-status").first).to_contain_text(SAVED_AT)
        save_screenshot(page, "interview")

        # Past the deadline (and the grace period for late saves) the interview is over.
        clock.move_to(attempt.deadline + timedelta(minutes=1))
        page.reload()
        expect(page).to_have_url(re.compile(r"/review/$"))

    expect(page.get_by_test_id("state")).to_have_class(re.compile("state-expired"))
    expect(page.get_by_test_id("review-1")).to_contain_text(ANSWER)
    page.get_by_test_id("review-1").get_by_test_id("score-2").check()
    page.get_by_test_id("save-review").click()
    expect(page).to_have_url(re.compile(r"/report/$"))
    expect(page.get_by_test_id("total")).to_contain_text("2 / 9")
    save_screenshot(page, "interview-report")


def test_visitor_searches_in_chinese_and_switches_to_english(page: Page, site: str):
    page.goto(f"{site}/")
    page.locator("#nav-q").fill("幻觉")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"q=%E5%B9%BB%E8%A7%89"))
    result = page.locator(".question-link", has_text="什么是大模型幻觉？")
    expect(result).to_be_visible()
    save_screenshot(page, "question-list")

    result.click()
    expect(page.locator("h1")).to_have_text("什么是大模型幻觉？")
    expect(page.locator(".answer")).to_contain_text("幻觉")
    save_screenshot(page, "question")

    nav = page.locator(".site-header")
    expect(nav.get_by_role("link", name="题库")).to_be_visible()
    page.locator("#lang-select").select_option("en")
    nav.get_by_role("button", name="切换").click()
    # Same page, English chrome; the question itself stays as written.
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("什么是大模型幻觉？")
    for label in ("Question bank", "Practice", "Mock interviews", "Log in", "Sign up"):
        expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="题库")).to_have_count(0)
