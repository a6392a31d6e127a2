"""A learner takes a short timed interview in a real Chromium."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect

from interviews.models import SAVE_GRACE, Answer, Attempt, InterviewTemplate
from tests.browser.conftest import save_screenshot, sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


def test_short_interview_survives_a_reload_and_runs_out(page: Page, site: str):
    user = UserFactory()
    InterviewTemplate.objects.create(
        slug="one-minute",
        name="一分钟面试",
        duration_minutes=1,
        question_count=3,
        follow_ups=InterviewTemplate.FollowUps.NEVER,  # this test is about the clock
    )
    sign_in(page, site, user)
    # The page's clock runs as Playwright's (page.clock) and the server's as time-machine's
    # (the live server runs in this process): both are moved past the deadline below, so the
    # test never waits for the countdown, the grace period or the clock's next sync.
    page.clock.install()
    with time_machine.travel(timezone.now(), tick=True) as clock:
        page.goto(f"{site}/interviews/")
        page.get_by_test_id("start-one-minute").click()
        expect(page).to_have_url(re.compile(r"/interviews/\d+/$"))
        attempt = Attempt.objects.get(user=user)

        page.get_by_test_id("answer-1").fill("第一题：注意力机制的答案")
        saved_at = re.compile(r"\d+:\d+:\d+")  # "Saved 10:02:03", in any UI language
        # The autosave waits 800 ms after typing; allow for a busy CI machine.
        expect(page.locator(".save-status").first).to_contain_text(saved_at, timeout=15_000)
        page.get_by_test_id("next").click()
        page.get_by_test_id("answer-2").fill("第二题的答案")
        expect(page.locator(".save-status").first).to_contain_text(saved_at, timeout=15_000)
        before = page.get_by_test_id("clock").inner_text()

        page.reload()
        expect(page.get_by_test_id("answer-2")).to_have_value("第二题的答案")
        after = page.get_by_test_id("clock").inner_text()
        assert after <= before, "the clock did not restart"
        assert after.startswith("00:"), after
        page.get_by_test_id("nav-1").click()
        expect(page.get_by_test_id("answer-1")).to_have_value("第一题：注意力机制的答案")
        assert Answer.objects.filter(attempt=attempt).count() == 2

        # Two seconds before the deadline: the 5% warning shows, then time runs out.
        clock.move_to(attempt.deadline - timedelta(seconds=2))
        page.reload()
        expect(page.locator("#clock")).to_have_class(re.compile("warn-5"))
        expect(page.locator("#clock-warning")).not_to_be_empty()
        # Past the deadline and the grace period for late saves, on both clocks: the page's
        # next tick asks the server, which expires the attempt, and the page moves on.
        late = SAVE_GRACE + timedelta(seconds=2)
        clock.move_to(attempt.deadline + late)
        page.clock.run_for(int((late + timedelta(seconds=2)).total_seconds() * 1000))
        expect(page).to_have_url(re.compile(r"/review/$"))

    expect(page.get_by_test_id("state")).to_have_class(re.compile("state-expired"))
    expect(page.get_by_test_id("review-1")).to_contain_text("第一题：注意力机制的答案")
    expect(page.get_by_test_id("review-2")).to_contain_text("第二题的答案")
    attempt.refresh_from_db()
    assert attempt.state == "expired"
    assert attempt.finished_at == attempt.deadline

    page.get_by_test_id("review-1").get_by_test_id("score-3").check()
    page.get_by_test_id("review-2").get_by_test_id("score-1").check()
    page.get_by_test_id("save-review").click()
    expect(page.get_by_test_id("total")).to_contain_text("4 / 9")
    # Weak: question 2 (scored 1) and question 3 (unanswered, unscored).
    page.get_by_test_id("practice").click()
    expect(page.locator(".messages")).to_contain_text("2")


def test_text_typed_before_the_page_script_runs_is_saved_when_it_does(page: Page, site: str):
    user = UserFactory()
    InterviewTemplate.objects.create(
        slug="ten-minutes", name="十分钟面试", duration_minutes=10, question_count=1
    )
    sign_in(page, site, user)
    page.goto(f"{site}/interviews/")
    # A slow connection: the interview's script arrives after the learner started typing.
    held_back = re.compile(r"/js/interview[^/]*\.js$")
    page.route(held_back, lambda route: route.abort())
    page.get_by_test_id("start-ten-minutes").click()
    expect(page).to_have_url(re.compile(r"/interviews/\d+/$"))
    page.get_by_test_id("answer-1").fill("脚本到达之前写下的答案")
    status = page.locator(".save-status").first
    expect(status).to_be_empty()
    assert not Answer.objects.filter(attempt__user=user).exists()

    page.unroute(held_back)
    page.add_script_tag(url=page.locator("script[src*='/js/interview']").get_attribute("src"))
    expect(status).to_contain_text(re.compile(r"\d+:\d+:\d+"), timeout=15_000)
    answer = Answer.objects.get(attempt__user=user)
    assert answer.text == "脚本到达之前写下的答案"


def start_ten_minutes(page: Page, site: str, questions: int):
    """A new learner signed in, on the first question of a new 10-minute interview."""
    user = UserFactory()
    InterviewTemplate.objects.create(
        slug="ten",
        name="十分钟",
        duration_minutes=10,
        question_count=questions,
        follow_ups=InterviewTemplate.FollowUps.NEVER,  # these tests are about saving
    )
    sign_in(page, site, user)
    page.goto(f"{site}/interviews/")
    page.get_by_test_id("start-ten").click()
    expect(page).to_have_url(re.compile(r"/interviews/\d+/$"))
    return user


def test_two_windows_on_one_answer_never_silently_replace_each_other(page: Page, site: str):
    user = start_ten_minutes(page, site, questions=1)
    other = page.context.new_page()
    other.goto(page.url)
    saved_at = re.compile(r"\d+:\d+:\d+")

    def stored() -> str:
        return Answer.objects.get(attempt__user=user).text

    page.get_by_test_id("answer-1").fill("窗口 A 的答案")
    expect(page.locator(".save-status")).to_contain_text(saved_at, timeout=15_000)
    # Window B was opened before A saved: its save is refused, and it shows both texts.
    other.get_by_test_id("answer-1").fill("窗口 B 的答案")
    conflict = other.locator(".answer-conflict")
    expect(conflict).to_be_visible(timeout=15_000)
    expect(conflict.locator("blockquote")).to_have_text("窗口 A 的答案")
    expect(other.locator(".save-status")).to_contain_text("另一个窗口")
    expect(other.get_by_test_id("answer-1")).to_have_value("窗口 B 的答案")
    assert stored() == "窗口 A 的答案"
    conflict.scroll_into_view_if_needed()
    save_screenshot(other, "interview-conflict")

    # A reload keeps B's unsaved text and the choice.
    other.reload()
    expect(other.get_by_test_id("answer-1")).to_have_value("窗口 B 的答案")
    expect(conflict).to_be_visible()
    other.get_by_role("button", name="保留我的文字").click()
    expect(conflict).to_be_hidden()
    expect(other.locator(".save-status")).to_contain_text(saved_at, timeout=15_000)
    assert stored() == "窗口 B 的答案"

    # Now A is behind: it is offered B's text and takes it.
    page.get_by_test_id("answer-1").fill("窗口 A 的第二版")
    expect(page.locator(".answer-conflict")).to_be_visible(timeout=15_000)
    page.get_by_role("button", name="改用另一个版本").click()
    expect(page.get_by_test_id("answer-1")).to_have_value("窗口 B 的答案")
    assert stored() == "窗口 B 的答案"
    # Its next change saves normally, on the count it now knows.
    page.get_by_test_id("answer-1").fill("窗口 B 的答案，A 补充了一句")
    expect(page.locator(".save-status")).to_contain_text(saved_at, timeout=15_000)
    assert stored() == "窗口 B 的答案，A 补充了一句"
    assert Answer.objects.get(attempt__user=user).saves == 3


def test_leaving_a_question_while_its_save_is_on_the_way_is_no_conflict(page: Page, site: str):
    user = start_ten_minutes(page, site, questions=2)
    held = []
    autosave = re.compile(r"/api/interviews/\d+/answers/\d+/$")

    def hold(route):  # the first autosave only
        if held:
            route.continue_()
        else:
            held.append(route)

    page.route(autosave, hold)
    page.get_by_test_id("answer-1").fill("第一版")
    for _ in range(150):  # the autosave waits 800 ms after typing
        if held:
            break
        page.wait_for_timeout(100)
    # The server stores the autosave; its answer has not reached the page yet.
    response = held[0].fetch()
    assert Answer.objects.get(attempt__user=user).saves == 1
    page.get_by_test_id("answer-1").fill("第一版，再补一句")
    page.get_by_test_id("next").click()
    held[0].fulfill(response=response)
    # The page sends the form once its save has returned the new count: no conflict.
    expect(page).to_have_url(re.compile(r"\?q=2$"))
    answer = Answer.objects.get(attempt__user=user)
    assert answer.text == "第一版，再补一句"
