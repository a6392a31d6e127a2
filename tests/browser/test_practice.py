"""A learner practises with the keyboard in a real Chromium, then checks the dashboard."""

import pytest
from playwright.sync_api import Page, expect

from quizzes.models import Review
from tests.browser.conftest import reveal_with_the_keyboard, sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


def test_learner_practises_five_questions_with_the_keyboard(page: Page, site: str):
    user = UserFactory(password=None, daily_goal=10)
    sign_in(page, site, user)
    csp_errors: list[str] = []
    page.on(
        "console",
        lambda msg: csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None,
    )

    page.goto(f"{site}/practice/session/")
    # A marker that survives only if the page is never reloaded: htmx swaps the card.
    page.evaluate("window.practiceMarker = 42")
    card = page.locator("#practice-card")
    for n in range(5):
        title = reveal_with_the_keyboard(page, card)
        page.keyboard.press("3")  # Good
        expect(card.locator("h1")).not_to_have_text(title)
        assert Review.objects.filter(user=user).count() == n + 1
    assert page.evaluate("window.practiceMarker") == 42

    # Typing in the attempt box types; Space does not reveal the answer there.
    page.fill("#id_attempt", "")
    page.locator("#id_attempt").press_sequentially("KV cache 1")
    expect(page.locator("#id_attempt")).to_have_value("KV cache 1")
    expect(card.locator(".reveal .answer")).to_be_hidden()

    page.goto(f"{site}/practice/dashboard/")
    expect(page.locator("#reviews-today")).to_have_text("5")
    expect(page.locator("svg.heatmap rect[data-count='5']")).to_have_count(1)
    assert csp_errors == []
