"""A learner sets an interview date on their profile and sees the plan on the dashboard."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


def test_learner_sets_an_interview_date_and_sees_the_plan(page: Page, site: str):
    user = UserFactory(password=None, daily_goal=10)
    sign_in(page, site, user)
    page.goto(f"{site}/practice/dashboard/")
    expect(page.locator("#plan .empty")).to_be_visible()

    date = timezone.localdate() + timedelta(days=21)
    page.goto(f"{site}/accounts/profile/")
    page.fill("input[name=interview_date]", date.isoformat())
    page.locator("form.account-form button[type=submit]").click()
    expect(page.locator(".notice.success")).to_be_visible()

    page.goto(f"{site}/practice/dashboard/")
    expect(page.locator("#plan-summary")).to_contain_text(date.isoformat())
    expect(page.locator("#plan-coverage")).to_contain_text("100%")
    expect(page.locator("svg.plan-load rect.bar")).to_have_count(21)
    user.refresh_from_db()
    assert user.interview_date == date
