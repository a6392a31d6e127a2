"""Issue 19's defects, each as a newcomer met it in Chromium (items 2 to 8)."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from interviewprep.models import User
from interviews import services as interviews
from interviews.models import Answer, Attempt, InterviewTemplate
from questions.models import Question
from quizzes.models import Note
from tests.browser.conftest import PASSWORD, sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


def log_in(page: Page, site: str, email: str) -> None:
    page.goto(f"{site}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.locator("form.account-form button[type=submit]").click()
    expect(page.locator(".site-header form.nav-logout")).to_be_visible()


def log_out(page: Page) -> None:
    page.locator(".site-header form.nav-logout button").click()
    expect(page.locator(".site-header form.nav-logout")).to_have_count(0)


def start_interview(user, *, count: int = 2, minutes: int = 20, layout: str = "one") -> Attempt:
    return interviews.start_attempt(
        user=user, criteria=interviews.Criteria(count=count, minutes=minutes), layout=layout
    )


# 2 ----------------------------------------------------------------------------------------
def test_language_chosen_in_the_menu_survives_the_next_sign_in(page: Page, site: str):
    user = UserFactory(email="lang@example.com", password=PASSWORD, ui_language="zh-hans")
    log_in(page, site, user.email)
    page.locator("#lang-select").select_option("en")
    page.locator(".site-header form.lang button").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    user.refresh_from_db()
    assert user.ui_language == "en"

    log_out(page)
    log_in(page, site, user.email)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".site-header").get_by_role("link", name="Practice")).to_be_visible()


# 3 ----------------------------------------------------------------------------------------
def test_long_note_is_counted_refused_whole_and_never_cut(page: Page, site: str):
    user = UserFactory()
    question = Question.objects.visible().order_by("pk").first()
    sign_in(page, site, user)
    page.goto(f"{site}{question.get_absolute_url()}")
    page.locator(".note-box summary").click()
    note = page.locator("#note-text")
    assert note.get_attribute("maxlength") is None

    note.fill("长" * 10_050)
    # The browser kept every character; the page says how many are too many.
    assert note.evaluate("el => el.value.length") == 10_050
    counter = page.locator(".char-count")
    expect(counter).to_contain_text("10050 / 10000")
    expect(counter).to_contain_text("50")
    expect(counter).to_have_class(re.compile("over"))
    page.locator(".note-form button[type=submit]").click()
    expect(note).to_be_focused()
    assert note.evaluate("el => el.value.length") == 10_050
    assert not Note.objects.filter(user=user).exists()

    note.fill("长" * 10_000)
    expect(counter).to_have_class(re.compile("at-limit"))
    page.locator(".note-form button[type=submit]").click()
    expect(page.locator(".note-form .muted")).to_be_visible()
    assert len(Note.objects.get(user=user).text) == 10_000


def test_practice_attempt_and_interview_answer_are_never_cut(page: Page, site: str):
    user = UserFactory()
    sign_in(page, site, user)
    page.goto(f"{site}/practice/session/")
    attempt_box = page.locator("#id_attempt")
    assert attempt_box.get_attribute("maxlength") is None
    attempt_box.fill("x" * 10_001)
    assert attempt_box.evaluate("el => el.value.length") == 10_001
    expect(page.locator(".char-count")).to_contain_text("10001 / 10000")

    attempt = start_interview(user, count=1)
    page.goto(f"{site}{attempt.get_absolute_url()}")
    answer = page.get_by_test_id("answer-1")
    answer.fill("答" * 20_001)
    assert answer.evaluate("el => el.value.length") == 20_001
    expect(page.locator(".char-count")).to_contain_text("20001 / 20000")
    # The autosave is refused with the reason; the text stays on the page.
    expect(page.locator(".save-status.error")).to_contain_text("20000", timeout=15_000)
    assert answer.evaluate("el => el.value.length") == 20_001
    assert not Answer.objects.filter(attempt=attempt).exists()


# 4 ----------------------------------------------------------------------------------------
def test_an_empty_self_review_is_not_called_saved(page: Page, site: str):
    user = UserFactory()
    attempt = start_interview(user, count=2)
    interviews.submit_attempt(attempt=attempt)
    sign_in(page, site, user)
    page.goto(f"{site}/interviews/{attempt.pk}/review/")
    page.get_by_test_id("save-review").click()
    expect(page.locator(".messages")).to_contain_text("至少为一道题打分")
    expect(page.locator(".messages")).not_to_contain_text("已保存")
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED

    page.get_by_test_id("review-1").get_by_test_id("score-2").check()
    page.get_by_test_id("save-review").click()
    expect(page.get_by_test_id("total")).to_contain_text("2 / 6")


# 5 ----------------------------------------------------------------------------------------
def test_one_page_layout_counts_the_answer_once_it_is_saved(page: Page, site: str):
    user = UserFactory()
    attempt = start_interview(user, count=2, layout="one")
    sign_in(page, site, user)
    page.goto(f"{site}{attempt.get_absolute_url()}")
    counter = page.get_by_test_id("answered-count")
    expect(counter).to_contain_text("0 / 2")
    page.get_by_test_id("answer-1").fill("第一题的答案")
    expect(page.locator(".save-status").first).to_contain_text(
        re.compile(r"\d+:\d+:\d+"), timeout=15_000
    )
    expect(counter).to_contain_text("1 / 2")
    expect(page.get_by_test_id("nav-1")).to_have_class(re.compile("answered"))


# 6 ----------------------------------------------------------------------------------------
def test_text_typed_after_the_deadline_stays_visible_marked_not_saved(page: Page, site: str):
    user = UserFactory()
    InterviewTemplate.objects.create(
        slug="one-minute", name="一分钟面试", duration_minutes=1, question_count=1
    )
    sign_in(page, site, user)
    with time_machine.travel(timezone.now(), tick=True) as clock:
        page.goto(f"{site}/interviews/")
        page.get_by_test_id("start-one-minute").click()
        expect(page).to_have_url(re.compile(r"/interviews/\d+/$"))
        attempt = Attempt.objects.get(user=user)
        # The server's clock is past the deadline and its grace; the page does not know yet.
        clock.move_to(attempt.deadline + timedelta(seconds=30))
        page.get_by_test_id("answer-1").fill("截止之后才写下的答案")
        expect(page).to_have_url(re.compile(r"/review/$"), timeout=20_000)

    unsaved = page.get_by_test_id("unsaved-1")
    expect(unsaved).to_be_visible()
    expect(unsaved).to_contain_text("未保存：已过截止时间")
    expect(unsaved).to_contain_text("截止之后才写下的答案")
    assert not Answer.objects.filter(attempt=attempt).exists()


# 7 ----------------------------------------------------------------------------------------
def test_times_are_shown_in_the_learners_zone_everywhere(browser: Browser, site: str):
    user = UserFactory(time_zone="America/New_York")
    attempt = start_interview(user, count=1)
    # The browser is elsewhere (Tokyo): the learner's zone wins, on the server and in the page.
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Tokyo")
    page = context.new_page()
    sign_in(page, site, user)
    page.goto(f"{site}{attempt.get_absolute_url()}")
    page.get_by_test_id("answer-1").fill("时区")
    status = page.locator(".save-status").first
    expect(status).to_contain_text(re.compile(r"\d\d:\d\d:\d\d"), timeout=15_000)
    saved_at = Answer.objects.get(attempt=attempt).saved_at
    expected = timezone.localtime(saved_at, ZoneInfo("America/New_York")).strftime("%H:%M:%S")
    expect(status).to_contain_text(expected)

    page.reload()
    expect(page.locator(".save-status").first).to_contain_text(expected)
    context.close()


def test_the_browser_sets_a_new_learners_zone_once(browser: Browser, site: str):
    user = UserFactory()
    assert user.time_zone == ""
    context = browser.new_context(locale="zh-CN", timezone_id="Europe/Berlin")
    page = context.new_page()
    sign_in(page, site, user)
    page.goto(f"{site}/practice/")
    page.wait_for_load_state("networkidle")
    assert User.objects.get(pk=user.pk).time_zone == "Europe/Berlin"
    # Chosen in the profile afterwards, it is not replaced by the browser's.
    page.goto(f"{site}/accounts/profile/")
    page.locator("#id_time_zone").select_option("Asia/Shanghai")
    page.locator("form.account-form button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("你的资料已保存")
    page.goto(f"{site}/practice/")
    page.wait_for_load_state("networkidle")
    assert User.objects.get(pk=user.pk).time_zone == "Asia/Shanghai"
    context.close()


# 8 ----------------------------------------------------------------------------------------
def test_filtered_list_has_no_csp_errors_and_the_icon_is_there(page: Page, site: str):
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(f"{site}/questions/?q=LoRA")
    page.locator("#id_q").fill("KV cache")
    expect(page).to_have_url(re.compile(r"q=KV"), timeout=10_000)
    page.wait_for_load_state("networkidle")
    icon = page.request.get(f"{site}/favicon.ico")
    assert icon.ok, icon.status
    assert "svg" in icon.headers["content-type"]
    assert errors == []


def test_small_things_a_newcomer_trips_over(page: Page, site: str):
    question = Question.objects.visible().order_by("pk").first()
    page.goto(f"{site}{question.get_absolute_url()}")
    link = page.get_by_test_id("sign-in-to-bookmark").get_by_role("link")
    link.click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))

    user = UserFactory(email="newcomer@example.com", password=PASSWORD)
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.locator("form.account-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(question.get_absolute_url())))

    page.goto(f"{site}/accounts/profile/")
    page.locator("form.account-form button[type=submit]").click()
    expect(page.get_by_text("你的资料已保存。")).to_have_count(1)

    # The API answers in the reader's language too.
    missing = page.request.get(f"{site}/api/interviews/999999/")
    assert missing.status == 404
    assert missing.json()["detail"] == "没有这场面试。"

    # Submitting: a double click opens one dialog, which can be closed to keep answering.
    attempt = start_interview(user, count=1)
    native: list[str] = []
    page.on("dialog", lambda dialog: (native.append(dialog.message), dialog.dismiss()))
    page.goto(f"{site}{attempt.get_absolute_url()}")
    page.get_by_test_id("submit").dblclick()
    dialog = page.get_by_test_id("confirm-dialog")
    expect(dialog).to_be_visible()
    dialog.locator("[data-dialog-cancel]").click()
    expect(dialog).to_be_hidden()
    assert native == []
    page.get_by_test_id("submit").click()
    page.get_by_test_id("confirm-submit").click()
    expect(page).to_have_url(re.compile(r"/review/$"))

    log_out(page)
    expect(page.locator(".messages")).to_contain_text("你已退出登录")


# 17 ---------------------------------------------------------------------------------------
def test_practice_attempt_box_is_two_tabs_away_and_dashboard_text_is_readable(
    page: Page, site: str
):
    user = UserFactory()
    sign_in(page, site, user)
    page.goto(f"{site}/practice/session/")
    page.wait_for_load_state("domcontentloaded")
    for _press in range(2):
        page.keyboard.press("Tab")
    expect(page.get_by_test_id("skip-to-attempt")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#id_attempt")).to_be_focused()
    page.keyboard.type("先写下我的回答")
    expect(page.locator("#id_attempt")).to_have_value("先写下我的回答")

    page.locator(".reveal summary").click()
    # The rating is saved before the dashboard is opened (navigating away would cancel it).
    with page.expect_response(lambda response: response.request.method == "POST"):
        page.locator("button.rating-3").click()
    page.goto(f"{site}/practice/dashboard/")
    rows = page.get_by_test_id("mastery").locator("li span")
    expect(rows.first).to_be_visible()
    sizes = rows.evaluate_all("els => els.map(el => parseFloat(getComputedStyle(el).fontSize))")
    assert min(sizes) >= 13, sizes


# 14 ---------------------------------------------------------------------------------------
def test_next_and_previous_follow_the_search_the_reader_came_from(page: Page, site: str):
    page.goto(f"{site}/questions/?q=LoRA")
    links = page.locator(".question-link")
    expect(links.nth(2)).to_be_visible()
    titles = [links.nth(n).inner_text() for n in range(3)]
    links.nth(1).click()
    expect(page.locator("h1")).to_have_text(titles[1])
    sequence = page.get_by_test_id("sequence")
    expect(sequence.locator("[data-prev]")).to_contain_text(titles[0])
    expect(sequence.locator("[data-next]")).to_contain_text(titles[2])
    sequence.locator("[data-next]").click()
    expect(page.locator("h1")).to_have_text(titles[2])
    page.get_by_test_id("sequence").locator("[data-back]").click()
    expect(page).to_have_url(re.compile(r"/questions/\?q=LoRA$"))
