"""An interview in which the interviewer follows up (追问): asked, answered, graded, reviewed."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from interviews.models import Attempt, AttemptQuestion, FollowUp
from questions.models import QuestionSource
from tests.browser.conftest import save_screenshot, sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

UNRELATED = "RoPE 通过旋转矩阵把位置信息编码进 query 和 key，相对位置体现在内积里。"
FOLLOW_UP_ANSWER = (
    "B 初始化为 0，A 随机初始化，所以一开始 ΔW=0；输出按 α/r 缩放，训练后可合并进原权重。"
)


def test_a_follow_up_is_asked_answered_graded_and_reviewed(page: Page, site: str):
    user = UserFactory()
    lora = QuestionSource.objects.get(
        file_name="001_aa609879d3a6dfb9.txt", heading_line=164
    ).question
    now = timezone.now()
    attempt = Attempt.objects.create(
        user=user,
        title="LoRA 追问",
        duration_seconds=600,
        started_at=now,
        deadline=now + timedelta(minutes=10),
    )
    AttemptQuestion.objects.create(attempt=attempt, question=lora, position=1)
    sign_in(page, site, user)

    page.goto(f"{site}/interviews/{attempt.pk}/")
    page.get_by_test_id("answer-1").fill(UNRELATED)
    page.get_by_role("button", name=re.compile("交卷")).click()
    page.get_by_test_id("confirm-submit").click()  # the submit dialog

    # The answer missed the point the follow-up hangs on: it is asked, the clock still runs.
    follow_up = page.get_by_test_id("follow-up-1")
    expect(follow_up).to_be_visible()
    expect(follow_up).to_contain_text("初始化")
    expect(page.locator(".messages")).to_contain_text("追问")
    expect(page.get_by_test_id("clock")).to_be_visible()
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.STARTED
    save_screenshot(page, "interview-follow-up")

    def autosave(response):
        return "/follow-ups/" in response.url and response.request.method == "PUT"

    with page.expect_response(autosave, timeout=15_000) as saved:
        page.get_by_test_id("follow-up-answer-1").fill(FOLLOW_UP_ANSWER)
    assert saved.value.status == 200
    assert FollowUp.objects.get(attempt=attempt).text == FOLLOW_UP_ANSWER  # autosaved
    page.get_by_role("button", name=re.compile("交卷")).click()
    page.get_by_test_id("confirm-submit").click()  # the submit dialog
    expect(page).to_have_url(re.compile(r"/review/$"))

    asked = FollowUp.objects.get(attempt=attempt)
    assert asked.text == FOLLOW_UP_ANSWER
    review = page.get_by_test_id("review-1")
    # The automatic grade sits beside the self-score, with what was missed and where the
    # reference says it.
    grade = review.get_by_test_id("auto-grade")
    expect(grade).to_contain_text(re.compile(r"覆盖 \d/6 个要点"))
    expect(grade.get_by_test_id("missed-point").first).to_be_visible()
    expect(grade).to_contain_text("LoRA的低秩思路显著提升了微调效率")
    chain = review.get_by_test_id("follow-up-review-1")
    expect(chain).to_contain_text(FOLLOW_UP_ANSWER)
    expect(chain.get_by_test_id("follow-up-grade")).to_contain_text(
        re.compile(r"覆盖 [23]/3 个要点")
    )
    save_screenshot(page, "interview-follow-up-review")

    review.get_by_test_id("score-1").check()
    page.get_by_test_id("save-review").click()
    expect(page.get_by_test_id("total")).to_contain_text("1 / 3")
    expect(page.get_by_test_id("chain-1")).to_contain_text("初始化")
    expect(page.get_by_test_id("most-missed")).to_be_visible()
