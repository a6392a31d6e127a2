"""Every main page passes axe-core's WCAG 2.1 A/AA and best-practice rules in a real Chromium,
and the practice and interview pages work with the keyboard alone.

axe-core comes bundled in the axe-playwright-python package (no network). It is injected by
Playwright with ``bypass_csp`` on this module's browser context only: it is a test tool, and the
site's CSP rightly refuses scripts it did not serve.
"""

import re
from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Group
from playwright.sync_api import Browser, Page, expect

from interviews import services as interviews
from questions.editorial import drafts
from questions.models import Question
from quizzes import services as practice
from quizzes.models import Review
from tests.browser.conftest import PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

# WCAG 2.0/2.1 level A and AA, plus Deque's best practices (landmarks, regions, headings).
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
_axe = Axe()


@pytest.fixture
def a11y_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 1280, "height": 800}, bypass_csp=True
    )
    yield context.new_page()
    context.close()


def violations(page: Page) -> list[str]:
    """axe's violations on the page as it is now, one readable line per offending node."""
    results = _axe.run(page, options=AXE_OPTIONS).response
    return [
        f"{page.url} {v['id']} ({v['impact']}): {node['target']} {node['html'][:120]}"
        for v in results["violations"]
        for node in v["nodes"]
    ]


def log_in(page: Page, site: str, email: str) -> None:
    page.goto(f"{site}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.locator("form.account-form button[type=submit]").click()
    expect(page.locator(".site-header form.nav-logout")).to_be_visible()


def test_main_pages_pass_axe(a11y_page: Page, site: str):
    page = a11y_page
    user = UserFactory(email="a11y@example.com", password=PASSWORD, is_staff=True)
    for role in ("editor", "reviewer"):
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    question = Question.objects.get(title__contains="Multi-query Attention")
    practice.record_review(user=user, question=question, rating=3)
    criteria = interviews.Criteria(count=3, minutes=20)
    running = interviews.start_attempt(user=user, criteria=criteria)
    finished = interviews.start_attempt(user=user, criteria=criteria)
    interviews.submit_attempt(attempt=finished)
    draft = drafts.start_draft(question=question, editor=user)
    found: list[str] = []

    def check(path: str) -> None:
        page.goto(f"{site}{path}")
        found.extend(violations(page))

    for path in (
        "/",
        "/questions/",
        "/questions/?q=幻觉",
        question.get_absolute_url(),
        Question.objects.get(title__contains="请解释下SVD").get_absolute_url(),
        "/accounts/login/",
        "/accounts/signup/",
    ):
        check(path)

    log_in(page, site, user.email)
    for path in (
        "/",
        "/practice/",
        "/practice/dashboard/",
        "/practice/bookmarks/",
        "/interviews/",
        running.get_absolute_url(),
        f"/interviews/{finished.pk}/review/",
        "/interviews/history/",
        "/questions/editor/",
        f"/questions/editor/drafts/{draft.pk}/",
        "/questions/reports/",
        "/accounts/profile/",
        "/accounts/two-factor/",  # staff: the authenticator app's QR code
    ):
        check(path)

    # The practice card, before and after the answer is shown.
    check("/practice/session/")
    page.keyboard.press("Space")
    expect(page.locator("#practice-card .reveal .answer")).to_be_visible()
    found.extend(violations(page))

    # The report, after a self-assessment.
    page.goto(f"{site}/interviews/{finished.pk}/review/")
    page.get_by_test_id("review-1").get_by_test_id("score-2").check()
    page.get_by_test_id("save-review").click()
    expect(page).to_have_url(re.compile(r"/report/$"))
    found.extend(violations(page))

    # The same chrome in English (other words, other widths).
    page.locator("#lang-select").select_option("en")
    page.locator("form.lang button").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    found.extend(violations(page))

    assert found == [], "\n".join(found)


# Marks every control a keyboard user should reach (rendered, enabled, in the tab order) with
# its position in the document, and returns how many there are. Of a group of radio buttons
# only one is a tab stop: the checked one, else the first.
MARK_CONTROLS = """() => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary,'
    + ' [tabindex]';
  const stop = (el) => {
    if (el.type !== 'radio') return true;
    const group = Array.from(el.form.elements)
      .filter((r) => r.type === 'radio' && r.name === el.name);
    const checked = group.find((r) => r.checked);
    return checked ? el === checked : el === group[0];
  };
  const controls = Array.from(document.querySelectorAll(selector)).filter(
    (el) => !el.disabled && el.tabIndex >= 0
      && el.checkVisibility({visibilityProperty: true}) && stop(el)
  );
  controls.forEach((el, i) => { el.dataset.kb = String(i); });
  return controls.length;
}"""
# The focused control's mark and whether a focus indicator is drawn around it.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  return {kb: el.dataset.kb ?? null, tag: el.tagName,
          text: (el.innerText || el.name || '').slice(0, 40),
          ring: outline || style.boxShadow !== 'none'};
}"""


def tab_through(page: Page) -> None:
    """Tab from the first control of the page through every one and out again.

    Fails if a control is never reached (or reached out of document order), if a focused
    control shows no focus indicator, or if focus stops moving (a keyboard trap).
    """
    total = page.evaluate(MARK_CONTROLS)
    assert total > 0
    # Start at the first control (the skip link), wherever an earlier step left the focus.
    page.locator('[data-kb="0"]').focus()
    reached: list[int] = []
    focused = page.evaluate(FOCUSED)
    for _ in range(total + 1):
        if focused is None or focused["kb"] is None or (reached and focused["kb"] == "0"):
            break  # past the last control: focus left the page or wrapped to the top
        assert focused["ring"], f"{page.url}: no visible focus on {focused}"
        reached.append(int(focused["kb"]))
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
    missed = page.evaluate(
        "(seen) => Array.from(document.querySelectorAll('[data-kb]'))"
        ".filter((el) => !seen.includes(Number(el.dataset.kb)))"
        ".map((el) => el.outerHTML.slice(0, 100))",
        reached,
    )
    assert reached == list(range(total)), (
        f"{page.url}: tab order {reached} of {total} controls; then {focused}; missed {missed}"
    )


def test_practice_and_interview_work_with_the_keyboard_alone(page: Page, site: str):
    user = UserFactory(email="keys@example.com", password=PASSWORD)
    attempt = interviews.start_attempt(user=user, criteria=interviews.Criteria(count=2, minutes=20))
    log_in(page, site, user.email)

    # Practice: reach everything, open the answer and rate it without the shortcut keys.
    page.goto(f"{site}/practice/session/")
    card = page.locator("#practice-card")
    first_title = card.locator("h1").inner_text()
    tab_through(page)
    card.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(card.locator(".reveal .answer")).to_be_visible()
    tab_through(page)  # the rating buttons are in the tab order now
    card.locator("button.rating-3").focus()
    page.keyboard.press("Enter")
    expect(card.locator("h1")).not_to_have_text(first_title)
    tab_through(page)  # the next card is as reachable as the first
    assert Review.objects.filter(user=user).count() == 1

    # Interview: reach everything, type, mark, move on and submit with the keyboard.
    page.goto(f"{site}{attempt.get_absolute_url()}")
    tab_through(page)
    page.get_by_test_id("answer-1").focus()
    page.keyboard.type("键盘作答")
    page.keyboard.press("Tab")
    expect(page.locator("input[data-mark]")).to_be_focused()
    page.keyboard.press("Space")
    expect(page.locator("input[data-mark]")).to_be_checked()
    expect(page.locator(".save-status").first).to_contain_text(re.compile(r"\d+:\d+:\d+"))
    page.keyboard.press("Tab")
    expect(page.get_by_test_id("next")).to_be_focused()
    page.keyboard.press("Enter")
    follow_up = page.get_by_test_id("follow-up-answer-1")
    expect(follow_up.or_(page.get_by_test_id("answer-2"))).to_be_visible()
    if follow_up.is_visible():
        # The drawn question has a follow-up on the point this answer missed: the
        # interviewer asks it, and it is answered and left with the keyboard too.
        tab_through(page)
        follow_up.focus()
        page.keyboard.type("追问作答")
        page.keyboard.press("Tab")
        expect(page.get_by_test_id("next")).to_be_focused()
        page.keyboard.press("Enter")
    expect(page.get_by_test_id("answer-2")).to_be_visible()
    tab_through(page)
    page.locator("button[data-confirm]").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("confirm-dialog")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_test_id("confirm-submit")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/review/$"))
    tab_through(page)
