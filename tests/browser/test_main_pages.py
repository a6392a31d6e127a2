"""The main pages a learner sees, at a desktop's and a phone's size: how fast they paint, that
nothing shifts, that the phone layout puts the content first, and (``SAVE_SCREENSHOTS=1``,
``make screenshots``) the README's pictures of them."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from interviews import answers
from interviews import services as interviews
from interviews.models import Attempt
from quizzes import services as practice
from quizzes.queue import todays_queue
from tests.browser.conftest import save_screenshot, sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

# Largest contentful paint and cumulative layout shift, read from the page's own
# PerformanceObserver once it has loaded (buffered entries include those before it).
VITALS = """() => new Promise((resolve) => {
  const out = { lcp: 0, cls: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) out.lcp = Math.max(out.lcp, entry.startTime);
  }).observe({ type: "largest-contentful-paint", buffered: true });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) out.cls += entry.value;
  }).observe({ type: "layout-shift", buffered: true });
  requestAnimationFrame(() => setTimeout(() => resolve(out), 200));
})"""


@dataclass
class World:
    user: object
    running: Attempt
    finished: Attempt

    def pages(self) -> dict[str, str]:
        return {
            "home": "/",
            "list": "/questions/?q=LoRA",
            "question": self.question_url,
            "practice": "/practice/session/",
            "interview": self.running.get_absolute_url(),
            "review": f"/interviews/{self.finished.pk}/review/",
            "report": f"/interviews/{self.finished.pk}/report/",
        }

    @property
    def question_url(self) -> str:
        return self.finished.slots.first().question.get_absolute_url()


@pytest.fixture
def world(site) -> World:
    user = UserFactory(display_name="小林", time_zone="Asia/Shanghai")
    for item in todays_queue(user=user).items[:3]:
        practice.record_review(user=user, question=item.question, rating=3)
    # Started six minutes ago, two answers saved on the way, submitted now.
    started = timezone.now() - timedelta(minutes=6)
    finished = interviews.start_attempt(
        user=user, criteria=interviews.Criteria(count=3, minutes=20), now=started
    )
    for n, slot in enumerate(finished.slots.all()[:2], start=1):
        answers.save_answer(
            attempt=finished,
            question_id=slot.question_id,
            text="先说定义，再讲训练与推理时的做法，最后说代价与常见的改进。",
            seconds=130,
            now=started + timedelta(minutes=2 * n),
        )
    interviews.submit_attempt(attempt=finished)
    assessments = [
        interviews.Assessment(question_id=slot.question_id, score=score, points=(0,))
        for slot, score in zip(finished.slots.all(), (3, 2, 0), strict=True)
    ]
    interviews.record_review(attempt=finished, assessments=assessments)
    running = interviews.start_attempt(user=user, criteria=interviews.Criteria(count=3, minutes=30))
    return World(user=user, running=running, finished=finished)


def _open(browser: Browser, site: str, world: World, viewport: dict[str, int]) -> Page:
    context = browser.new_context(locale="zh-CN", viewport=viewport, timezone_id="Asia/Shanghai")
    page = context.new_page()
    sign_in(page, site, world.user)
    return page


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_main_pages_paint_fast_and_do_not_shift(browser: Browser, site: str, world, size):
    page = _open(browser, site, world, DESKTOP if size == "desktop" else PHONE)
    # Warm up: the first request of the process builds caches a reader would find warm.
    for url in world.pages().values():
        page.goto(f"{site}{url}")
    for name, url in world.pages().items():
        page.goto(f"{site}{url}", wait_until="load")
        vitals = page.evaluate(VITALS)
        assert 0 < vitals["lcp"] < 1000, f"{name} ({size}): LCP {vitals['lcp']:.0f} ms"
        assert vitals["cls"] < 0.05, f"{name} ({size}): CLS {vitals['cls']:.3f}"
    page.context.close()


def test_the_phone_shows_content_first(browser: Browser, site: str, world):
    page = _open(browser, site, world, PHONE)
    page.goto(f"{site}/questions/?q=LoRA")
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= 120, header
    # The menu opens from a button; the filters are folded away behind a summary.
    nav_link = page.locator(".site-header").get_by_role("link", name="练习", exact=True)
    expect(nav_link).to_be_hidden()
    page.locator(".site-header .menu-toggle").click()
    expect(nav_link).to_be_visible()
    page.locator(".site-header .menu-toggle").click()
    expect(page.locator(".filters details")).not_to_have_attribute("open", "")
    first = page.locator(".question-item").first.bounding_box()
    assert first["y"] < 500, first
    page.context.close()


def test_screenshots_at_both_sizes(browser: Browser, site: str, world):
    """``make screenshots`` (SAVE_SCREENSHOTS=1) refreshes docs/screenshots/<page>-<size>.png."""
    for size, viewport in (("1280", DESKTOP), ("390", PHONE)):
        page = _open(browser, site, world, viewport)
        for name, url in world.pages().items():
            page.goto(f"{site}{url}")
            if name == "practice":
                page.locator(".reveal summary").click()
            expect(page.locator("main h1").first).to_be_visible()
            save_screenshot(page, f"{name}-{size}")
        page.context.close()
