"""Follow-ups (追问) in an interview, the automatic grade in the review and report, contested
grades and the most-missed key points, over HTTP and at the service level."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from interviews import answers, followups, missed, services
from interviews.models import (
    Answer,
    Attempt,
    AttemptQuestion,
    FollowUp,
    InterviewTemplate,
    PracticeRequest,
)
from questions.models import GradeDispute, QuestionSource
from tests.questions.test_grading import OFF_TOPIC, SOUND

pytestmark = pytest.mark.django_db

FOLLOW_UP_ANSWER = "B 初始化为 0，A 随机初始化，所以初始 ΔW=0；输出按 α/r 缩放。"
UNRELATED = "RoPE 通过旋转矩阵把位置信息编码进 query 和 key，相对位置体现在内积里。"


@pytest.fixture
def lora():
    return QuestionSource.objects.get(
        file_name="001_aa609879d3a6dfb9.txt", heading_line=164
    ).question


def interview(user, question, *, mode=None, minutes=10):
    """A running interview of one question (``mode``: the template's follow-up setting)."""
    now = timezone.now()
    template = None
    if mode is not None:
        template = InterviewTemplate.objects.create(
            slug=f"t-{mode}", name=mode, duration_minutes=minutes, question_count=1, follow_ups=mode
        )
    attempt = Attempt.objects.create(
        user=user,
        template=template,
        title="LoRA",
        duration_seconds=minutes * 60,
        started_at=now,
        deadline=now + timedelta(minutes=minutes),
    )
    AttemptQuestion.objects.create(attempt=attempt, question=question, position=1)
    return attempt


def leave(client, attempt, question, text, **extra):
    data = {"shown": question.pk, f"text-{question.pk}": text, "stay": 1, **extra}
    return client.post(f"/interviews/{attempt.pk}/save/", data)


def test_a_follow_up_is_asked_answered_graded_and_reviewed(client, learner, lora):
    attempt = interview(learner, lora)
    client.force_login(learner)
    asked = leave(client, attempt, lora, UNRELATED, action="submit")
    # The unrelated answer misses kp1: its follow-up is asked instead of submitting.
    assert asked.url == f"/interviews/{attempt.pk}/?q=1"
    follow_up = FollowUp.objects.get(attempt=attempt)
    assert follow_up.after == "kp1"
    assert "初始化" in follow_up.prompt
    page = client.get(asked.url).content.decode()
    assert f'name="followup-{follow_up.pk}"' in page
    api = client.get(f"/api/interviews/{attempt.pk}/").json()
    assert [item["id"] for item in api["follow_ups"]] == [follow_up.pk]
    assert api["follow_ups"][0]["parent_question"] == lora.pk

    submitted = leave(
        client,
        attempt,
        lora,
        UNRELATED,
        action="submit",
        fshown=follow_up.pk,
        **{f"followup-{follow_up.pk}": FOLLOW_UP_ANSWER},
    )
    assert submitted.url == f"/interviews/{attempt.pk}/review/"
    assert FollowUp.objects.count() == 1  # asked once
    review = client.get(submitted.url).content.decode()
    follow_up.refresh_from_db()
    assert follow_up.text.startswith("B 初始化为 0")
    assert follow_up.auto_score is not None
    assert follow_up.auto_score > 0.5
    assert "kp1" in follow_up.covered_points
    slot = AttemptQuestion.objects.get(attempt=attempt)
    assert slot.auto_score is not None
    assert slot.auto_score < 0.3
    assert slot.self_score is None  # the automatic grade never fills in the self-score
    assert 'data-testid="follow-up-review-1"' in review
    assert 'data-testid="follow-up-grade"' in review
    # Each missed key point comes with the reference answer's sentence covering it.
    assert "LoRA的低秩思路显著提升了微调效率" in review
    report = client.get(f"/interviews/{attempt.pk}/report/").content.decode()
    assert 'data-testid="chain-1"' in report
    assert 'data-testid="tag-auto"' in report
    api_report = client.get(f"/api/interviews/{attempt.pk}/report/").json()
    item = api_report["items"][0]
    assert item["auto_score"] == slot.auto_score
    assert item["auto_total"] == len(lora.live_revision.key_points)
    assert item["follow_ups"][0]["id"] == follow_up.pk
    assert api_report["tags"][0]["auto_percent"] is not None


@pytest.mark.parametrize(
    ("mode", "answer", "asked"),
    [
        (InterviewTemplate.FollowUps.NEVER, OFF_TOPIC, False),
        (InterviewTemplate.FollowUps.MISSED, OFF_TOPIC, True),
        (InterviewTemplate.FollowUps.ALWAYS, SOUND, True),
        (InterviewTemplate.FollowUps.MISSED, "", False),  # nothing to follow up on
    ],
)
def test_the_template_decides_when_follow_ups_are_asked(learner, lora, mode, answer, asked):
    attempt = interview(learner, lora, mode=mode)
    Answer.objects.create(attempt=attempt, question=lora, text=answer, saved_at=timezone.now())
    result = followups.ask_follow_ups(attempt=attempt, question_ids=[lora.pk])
    assert bool(result) == asked
    assert followups.ask_follow_ups(attempt=attempt, question_ids=[lora.pk]) == []


def test_a_follow_up_is_answered_inside_the_interview_clock(client, learner, lora):
    attempt = interview(learner, lora, minutes=1)
    Answer.objects.create(attempt=attempt, question=lora, text=OFF_TOPIC, saved_at=timezone.now())
    client.force_login(learner)
    asked = client.post(
        f"/api/interviews/{attempt.pk}/follow-ups/", {"questions": [lora.pk]}, format="json"
    )
    assert asked.status_code == 200
    [item] = asked.json()["follow_ups"]
    url = f"/api/interviews/{attempt.pk}/follow-ups/{item['id']}/"
    ok = client.put(url, {"text": "B=0"}, content_type="application/json")
    assert ok.status_code == 200
    assert ok.json()["answer"] == "B=0"
    Attempt.objects.filter(pk=attempt.pk).update(
        started_at=timezone.now() - timedelta(minutes=2),
        deadline=timezone.now() - timedelta(minutes=1),
    )
    late = client.put(url, {"text": "too late"}, content_type="application/json")
    assert late.status_code == 409
    assert FollowUp.objects.get(pk=item["id"]).text == "B=0"
    missing = client.put(
        f"/api/interviews/{attempt.pk}/follow-ups/999999/",
        {"text": "x"},
        content_type="application/json",
    )
    assert missing.status_code in {404, 409}


def test_contesting_a_grade_from_the_review(client, learner, lora):
    attempt = interview(learner, lora)
    Answer.objects.create(attempt=attempt, question=lora, text=SOUND, saved_at=timezone.now())
    Attempt.objects.filter(pk=attempt.pk).update(state="submitted", finished_at=timezone.now())
    client.force_login(learner)
    assert client.get(f"/interviews/{attempt.pk}/review/").status_code == 200
    url = f"/interviews/{attempt.pk}/contest/{lora.pk}/"
    sent = client.post(url, {f"contest-score-{lora.pk}": "3", f"contest-comment-{lora.pk}": "全对"})
    assert sent.status_code == 302
    dispute = GradeDispute.objects.get()
    assert (dispute.claimed_score, dispute.comment, dispute.answer) == (3, "全对", SOUND)
    bad = client.post(url, {f"contest-score-{lora.pk}": "9"})
    assert bad.status_code == 302
    assert GradeDispute.objects.count() == 1


def test_most_missed_key_points_on_the_report_and_dashboard_go_to_practice(client, learner, lora):
    for _ in range(2):
        attempt = interview(learner, lora)
        Answer.objects.create(
            attempt=attempt, question=lora, text=OFF_TOPIC, saved_at=timezone.now()
        )
        Attempt.objects.filter(pk=attempt.pk).update(state="submitted", finished_at=timezone.now())
        attempt.refresh_from_db()
        followups.grade_attempt(attempt=attempt)
    points = missed.most_missed(learner)
    assert points
    assert points[0].misses == 2
    assert points[0].question_id == lora.pk
    client.force_login(learner)
    report = client.get(f"/interviews/{attempt.pk}/report/").content.decode()
    assert points[0].text in report
    dashboard = client.get("/practice/dashboard/").content.decode()
    assert 'data-testid="most-missed"' in dashboard
    assert points[0].text in dashboard
    sent = client.post("/interviews/practice-missed/", {"next": "/practice/dashboard/"})
    assert sent.url == "/practice/dashboard/"
    assert PracticeRequest.objects.filter(user=learner, question=lora).exists()
    away = client.post("/interviews/practice-missed/", {"next": "https://evil.example/"})
    assert away.url == "/interviews/history/"


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx)


def test_pages_with_follow_ups_keep_a_constant_number_of_queries(client, learner, start):
    client.force_login(learner)
    client.get("/accounts/profile/")  # the user is kept from here on (interviewprep.backends)
    points = [{"id": "kp1", "text": "B 初始化为 0", "weight": 1, "aliases": ["B=0"]}]
    counts = {}
    for size in (1, 20):
        attempt = start(learner, count=size, minutes=60, now=timezone.now())
        for slot in attempt.slots.all():
            answers.save_answer(attempt=attempt, question_id=slot.question_id, text="答")
            FollowUp.objects.create(
                attempt=attempt, parent=slot, authored_id="fu1", prompt="追问", key_points=points
            )
        urls = [f"/interviews/{attempt.pk}/", f"/api/interviews/{attempt.pk}/"]
        before = [count_queries(client, url) for url in urls]
        services.submit_attempt(attempt=attempt)
        urls = [
            f"/interviews/{attempt.pk}/review/",
            f"/interviews/{attempt.pk}/report/",
            f"/api/interviews/{attempt.pk}/report/",
        ]
        counts[size] = before + [count_queries(client, url) for url in urls]
        assert FollowUp.objects.filter(attempt=attempt, auto_score__isnull=False).count() == size
    assert counts[1] == counts[20]


def test_grading_and_checking_take_a_fixed_number_of_queries(
    client, learner, lora, django_assert_num_queries
):
    cache.clear()
    client.force_login(learner)
    client.get("/accounts/profile/")  # the user is kept from here on (interviewprep.backends)
    url = f"/api/questions/{lora.pk}/grade/"
    with django_assert_num_queries(2):  # the session, the question with its revision
        assert (
            client.post(url, {"answer": SOUND}, content_type="application/json").status_code == 200
        )
    with django_assert_num_queries(2):
        assert (
            client.post(f"/practice/questions/{lora.pk}/check/", {"attempt": SOUND}).status_code
            == 200
        )
