"""Pages and API over HTTP: ownership, the whole flow, and constant query counts."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from interviews import answers, services
from interviews.models import Answer, Attempt, InterviewTemplate, PracticeRequest
from questions.models import Question
from quizzes.models import Card
from quizzes.queue import todays_queue
from tests.queries import count_queries

from .conftest import T0

pytestmark = pytest.mark.django_db


def now_attempt(start, user, **kwargs):
    return start(user, now=timezone.now(), **kwargs)


def page_urls(attempt):
    pk = attempt.pk
    return [
        f"/interviews/{pk}/",
        f"/interviews/{pk}/clock/",
        f"/interviews/{pk}/review/",
        f"/interviews/{pk}/report/",
        f"/api/interviews/{pk}/",
        f"/api/interviews/{pk}/report/",
    ]


def test_owner_reads_and_another_learner_gets_404(client, learner, other_learner, start):
    attempt = now_attempt(start, learner)
    question = attempt.slots.first().question_id
    for user, expected in ((learner, {200, 302, 409}), (other_learner, {404})):
        client.force_login(user)
        for url in page_urls(attempt):
            assert client.get(url).status_code in expected, (user, url)
        put = client.put(
            f"/api/interviews/{attempt.pk}/answers/{question}/",
            json.dumps({"text": f"by {user.pk}"}),
            content_type="application/json",
        )
        assert put.status_code == (200 if user == learner else 404)
        for url in (f"/api/interviews/{attempt.pk}/submit/", f"/interviews/{attempt.pk}/practice/"):
            response = client.post(url)
            assert (response.status_code == 404) == (user == other_learner), (user, url)
    assert Answer.objects.get(attempt=attempt).text == f"by {learner.pk}"


def test_anonymous_is_sent_to_login(client, learner, start):
    attempt = now_attempt(start, learner)
    response = client.get(f"/interviews/{attempt.pk}/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=")
    assert client.get(f"/api/interviews/{attempt.pk}/").status_code == 401


def test_whole_flow_through_the_api(client, learner):
    client.force_login(learner)
    templates = client.get("/api/interviews/templates/").json()
    assert templates == []  # none loaded in this test
    with time_machine.travel(T0, tick=False) as clock:
        started = client.post(
            "/api/interviews/",
            {"count": 3, "minutes": 10, "tags": ["rag"], "difficulties": ["easy", "medium"]},
            content_type="application/json",
        )
        assert started.status_code == 201, started.json()
        data = started.json()
        assert data["state"] == "started"
        assert data["remaining_seconds"] == 600
        assert len(data["questions"]) == 3
        assert all("rag" in q["tags"] for q in data["questions"])
        pk, first = data["id"], data["questions"][0]["id"]
        saved = client.put(
            f"/api/interviews/{pk}/answers/{first}/",
            {"text": "检索增强生成：先检索再生成", "seconds": 30},
            content_type="application/json",
        )
        assert saved.status_code == 200
        clock.shift(timedelta(minutes=2))
        assert client.get(f"/api/interviews/{pk}/").json()["remaining_seconds"] == 480
        assert client.get(f"/api/interviews/{pk}/report/").status_code == 409
        assert client.post(f"/api/interviews/{pk}/submit/").json()["state"] == "submitted"
        again = client.post(f"/api/interviews/{pk}/submit/")
        assert again.status_code == 409
        assert "已经交卷" in again.json()["detail"]  # "already submitted", in the default language
        assert again.json()["code"] == "illegal_transition"
        assert again.json()["review_url"] == f"/interviews/{pk}/review/"
        late = client.put(
            f"/api/interviews/{pk}/answers/{first}/",
            {"text": "改"},
            content_type="application/json",
        )
        assert late.status_code == 409
        bad = client.post(
            f"/api/interviews/{pk}/review/",
            {"items": [{"question": first, "score": 7}]},
            content_type="application/json",
        )
        assert bad.status_code == 400
        assert "score" in json.dumps(bad.json())
        reviewed = client.post(
            f"/api/interviews/{pk}/review/",
            {"items": [{"question": first, "score": 1, "points": [0]}]},
            content_type="application/json",
        )
        assert reviewed.json() == {"state": "reviewed"}
        report = client.get(f"/api/interviews/{pk}/report/").json()
    assert list(report) == [
        "id",
        "state",
        "score",
        "score_max",
        "percent",
        "scored",
        "answered",
        "seconds_used",
        "seconds_allowed",
        "seconds_on_questions",
        "tags",
        "weakest_tags",
        "weak_question_ids",
        "items",
    ]
    assert (report["id"], report["state"], report["percent"]) == (pk, "reviewed", 11)
    scored_tags = {row["slug"] for row in report["tags"] if row["percent"] == 33}
    assert report["weakest_tags"]
    assert set(report["weakest_tags"]) <= scored_tags
    assert report["score"] == 1
    assert report["score_max"] == 9
    assert report["seconds_used"] == 120
    assert report["seconds_on_questions"] == 30
    assert report["items"][0]["answer"] == "检索增强生成：先检索再生成"
    assert report["items"][0]["coverage_hint_percent"] is not None
    # The first question scored 1, the other two are unanswered: all three are weak.
    assert set(report["weak_question_ids"]) == {q["id"] for q in data["questions"]}
    assert Answer.objects.get(attempt_id=pk).text == "检索增强生成：先检索再生成"


def test_late_save_through_the_api_keeps_the_earlier_answer(client, learner):
    client.force_login(learner)
    with time_machine.travel(T0, tick=False) as clock:
        data = client.post(
            "/api/interviews/", {"count": 1, "minutes": 1}, content_type="application/json"
        ).json()
        url = f"/api/interviews/{data['id']}/answers/{data['questions'][0]['id']}/"
        assert client.put(url, {"text": "准时"}, content_type="application/json").status_code == 200
        clock.shift(timedelta(seconds=70))
        late = client.put(url, {"text": "迟到"}, content_type="application/json")
        assert late.status_code == 409
        assert (late.json()["state"], late.json()["code"]) == ("expired", "attempt_closed")
        assert "截止时间" in late.json()["detail"]  # "after the deadline"
        page = client.get(f"/interviews/{data['id']}/", follow=True)
    assert page.redirect_chain[-1][0].endswith("/review/")
    assert "准时" in page.content.decode()
    attempt = Attempt.objects.get(pk=data["id"])
    assert attempt.finished_at == attempt.deadline


def test_a_form_sent_after_the_deadline_shows_its_text_on_the_review(client, learner):
    """Without JavaScript, text posted too late is not saved but not lost from sight: the
    review shows it marked as not saved, beside what was kept, until the self-assessment."""
    client.force_login(learner)
    with time_machine.travel(T0, tick=False) as clock:
        data = client.post(
            "/api/interviews/", {"count": 2, "minutes": 1}, content_type="application/json"
        ).json()
        pk = data["id"]
        first, second = (q["id"] for q in data["questions"])
        url = f"/api/interviews/{pk}/answers/{first}/"
        saved = client.put(url, {"text": "准时的答案"}, content_type="application/json")
        assert saved.status_code == 200
        clock.shift(timedelta(seconds=70))
        late = client.post(
            f"/interviews/{pk}/save/",
            {
                "shown": [first, second],
                f"text-{first}": "准时的答案，加上迟到的一句",
                f"text-{second}": "第二题\n两行",
                "goto": 2,
            },
            follow=True,
        )
        assert late.redirect_chain[-1][0].endswith(f"/interviews/{pk}/review/")
        page = late.content.decode()
        assert "截止时间" in page  # the message: after the deadline, not saved
        # "Not saved: after the deadline": each question's box is shown, not hidden.
        assert page.count("未保存：已过截止时间") == 2
        assert 'data-testid="unsaved-1">' in page
        assert 'data-testid="unsaved-2">' in page
        assert "准时的答案，加上迟到的一句" in page
        assert "第二题<br>两行" in page
        assert Answer.objects.get(attempt_id=pk, question_id=first).text == "准时的答案"
        assert not Answer.objects.filter(attempt_id=pk, question_id=second).exists()
        again = client.get(f"/interviews/{pk}/review/").content.decode()
        assert "准时的答案，加上迟到的一句" in again
        # A late form that sent only what was already kept has nothing unsaved to show.
        client.post(f"/interviews/{pk}/save/", {"shown": [first], f"text-{first}": "准时的答案"})
        same = client.get(f"/interviews/{pk}/review/").content.decode()
        assert 'data-testid="unsaved-1" hidden' in same


def test_pages_flow_without_javascript(client, learner):
    client.force_login(learner)
    template = InterviewTemplate.objects.create(
        slug="t",
        name="RAG · 10 分钟",
        duration_minutes=10,
        question_count=2,
        follow_ups=InterviewTemplate.FollowUps.NEVER,  # test_follow_ups.py covers them
    )
    assert "RAG · 10 分钟" in client.get("/interviews/").content.decode()
    response = client.post("/interviews/start/", {"template": template.pk, "layout": "one"})
    attempt = Attempt.objects.get(user=learner)
    assert response.url == f"/interviews/{attempt.pk}/"
    first, second = attempt.slots.order_by("position")
    page = client.get(response.url).content.decode()
    assert escape(first.question.title) in page
    assert 'data-testid="clock"' in page
    saved = client.post(
        f"/interviews/{attempt.pk}/save/",
        {"shown": first.question_id, f"text-{first.question_id}": "第一题答案", "goto": 2},
    )
    assert saved.url.endswith("?q=2")
    page = client.get(saved.url).content.decode()
    assert escape(second.question.title) in page
    client.post(f"/interviews/{attempt.pk}/layout/", {"layout": "all"})
    page = client.get(f"/interviews/{attempt.pk}/").content.decode()
    assert escape(first.question.title) in page
    assert escape(second.question.title) in page
    assert "第一题答案" in page
    submitted = client.post(
        f"/interviews/{attempt.pk}/save/",
        {"shown": second.question_id, f"text-{second.question_id}": "第二题", "action": "submit"},
    )
    assert submitted.url == f"/interviews/{attempt.pk}/review/"
    review = client.get(submitted.url).content.decode()
    assert "第一题答案" in review
    # Questions with key points show the automatic grade beside the self-assessment.
    assert 'data-testid="auto-grade"' in review
    assert 'name="form-0-score"' in review
    # The self-assessment is a formset: one form per question, as the page renders it.
    assert 'name="form-1-score"' in review
    assessed = client.post(
        submitted.url,
        {
            "form-TOTAL_FORMS": "2",
            "form-INITIAL_FORMS": "2",
            "form-0-question": first.question_id,
            "form-0-score": "3",
            "form-1-question": second.question_id,
            "form-1-score": "0",
        },
    )
    assert assessed.url == f"/interviews/{attempt.pk}/report/"
    report = client.get(f"/interviews/{attempt.pk}/report/").content.decode()
    assert "3 / 6" in report
    client.post(f"/interviews/{attempt.pk}/practice/")
    client.post(f"/interviews/{attempt.pk}/practice/")  # twice: still one card, due now
    assert set(PracticeRequest.objects.values_list("question_id", flat=True)) == {
        second.question_id
    }
    queue = todays_queue(user=learner)
    assert queue.items[0].question.pk == second.question_id  # first of today's new questions
    assert Card.objects.filter(user=learner, question_id=second.question_id).count() == 1
    history = client.get("/interviews/history/").content.decode()
    assert "<svg" in history
    assert "50%" in history


def test_custom_interview_with_bad_input_gets_a_clear_error(client, learner):
    client.force_login(learner)
    response = client.post("/interviews/start/", {"count": 0, "minutes": 10, "layout": "one"})
    assert response.status_code == 400
    assert Attempt.objects.count() == 0
    api = client.post("/api/interviews/", {"count": 2}, content_type="application/json")
    assert api.status_code == 400
    assert "minutes" in json.dumps(api.json())


def test_a_self_assessment_that_does_not_parse_is_refused_with_a_message(client, learner, start):
    attempt = start(learner, count=1, now=timezone.now())
    services.submit_attempt(attempt=attempt)
    client.force_login(learner)
    url = f"/interviews/{attempt.pk}/review/"
    slot = attempt.slots.get()
    management = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1"}
    tampered = {**management, "form-0-question": slot.question_id, "form-0-score": "x"}
    response = client.post(url, tampered, follow=True)
    assert response.redirect_chain[-1][0] == url
    assert "输入整数。" in response.content.decode()  # "Enter a whole number."
    out_of_range = {**management, "form-0-question": slot.question_id, "form-0-score": "7"}
    response = client.post(url, out_of_range, follow=True)
    assert response.redirect_chain[-1][0] == url
    assert "评分只能是 0、1、2 或 3。" in response.content.decode()
    slot.refresh_from_db()
    assert slot.self_score is None
    attempt.refresh_from_db()
    assert attempt.state == "submitted"


def test_review_marks_questions_under_revision(client, learner, start):
    revised = Question.objects.practicable().filter(status="needs_revision").first()
    attempt = start(learner, count=1, now=timezone.now())
    attempt.slots.update(question=revised)
    services.submit_attempt(attempt=attempt)
    client.force_login(learner)
    review = client.get(f"/interviews/{attempt.pk}/review/").content.decode()
    assert 'class="notice revision"' in review


def test_editor_page_for_templates(client, learner):
    from django.contrib.auth.models import Group

    client.force_login(learner)
    data = {
        "name": "PEFT 专项 · 20 分钟",
        "slug": "peft-x",
        "duration_minutes": 20,
        "question_count": 4,
        "difficulty_mix": '{"medium": 1}',
        "is_active": "on",
    }
    assert client.post("/interviews/templates/new/", data).status_code == 403
    learner.groups.add(Group.objects.get_or_create(name="editor")[0])
    bad = client.post("/interviews/templates/new/", {**data, "difficulty_mix": '{"extreme": 1}'})
    assert bad.status_code == 400
    assert "extreme" in bad.content.decode()
    assert client.post("/interviews/templates/new/", data).status_code == 302
    assert InterviewTemplate.objects.get(slug="peft-x").created_by == learner


@pytest.mark.parametrize("layout", ["one", "all"])
def test_attempt_page_and_api_queries_do_not_grow(client, learner, start, layout):
    client.force_login(learner)
    client.get("/accounts/profile/")  # the user is kept from here on (interviewprep.backends)
    counts = {}
    for size in (1, 50):
        attempt = start(learner, count=size, minutes=60, now=timezone.now(), layout=layout)
        for slot in attempt.slots.all():
            answers.save_answer(attempt=attempt, question_id=slot.question_id, text="答")
        counts[size] = [
            count_queries(client, f"/interviews/{attempt.pk}/"),
            count_queries(client, f"/api/interviews/{attempt.pk}/"),
        ]
        assert attempt.slots.count() == size
    assert counts[1] == counts[50]


def test_review_report_and_history_queries_do_not_grow(client, learner, start):
    client.force_login(learner)
    client.get("/accounts/profile/")  # the user is kept from here on (interviewprep.backends)
    counts = {}
    for size in (1, 50):
        attempt = start(learner, count=size, minutes=60, now=timezone.now())
        services.submit_attempt(attempt=attempt)
        counts[size] = [
            count_queries(client, f"/interviews/{attempt.pk}/review/"),
            count_queries(client, f"/interviews/{attempt.pk}/report/"),
            count_queries(client, f"/api/interviews/{attempt.pk}/report/"),
        ]
    assert counts[1] == counts[50]


def test_history_queries_do_not_grow(client, learner, other_learner, start):
    client.force_login(learner)
    client.get("/accounts/profile/")  # the user is kept from here on (interviewprep.backends)
    start(learner, count=1, now=timezone.now())
    one = count_queries(client, "/interviews/history/")
    for _ in range(49):
        attempt = start(learner, count=2, now=timezone.now())
        services.submit_attempt(attempt=attempt)
    assert Attempt.objects.filter(user=learner).count() == 50
    assert count_queries(client, "/interviews/history/") == one


def test_a_save_from_a_window_that_missed_another_ones_is_refused_through_the_api(
    client, learner, start
):
    attempt = now_attempt(start, learner)
    question = attempt.slots.first().question_id
    client.force_login(learner)
    url = f"/api/interviews/{attempt.pk}/answers/{question}/"

    def put(body):
        return client.put(url, json.dumps(body), content_type="application/json")

    # Window A saves twice (knowing of its own saves), window B still thinks there are none.
    first = put({"text": "A 的第一版", "base_saves": 0})
    assert first.status_code == 200
    assert first.json()["saves"] == 1
    assert put({"text": "A 的第二版", "marked": True, "base_saves": 1}).json()["saves"] == 2
    stale = put({"text": "B 的旧文字", "base_saves": 0, "seconds": 30})
    assert stale.status_code == 409
    body = stale.json()
    assert body["code"] == "answer_changed"
    assert "另一个窗口" in body["detail"]  # "another window"
    assert body["answer"]["text"] == "A 的第二版"
    assert body["answer"]["marked"] is True
    assert body["answer"]["saves"] == 2
    assert body["state"] == "started"
    stored = Answer.objects.get(attempt=attempt, question_id=question)
    assert (stored.text, stored.saves, stored.seconds_spent) == ("A 的第二版", 2, 0)
    # B keeps its text, now on the count the refusal reported.
    kept = put({"text": "B 的旧文字", "base_saves": 2})
    assert kept.status_code == 200
    assert kept.json()["saves"] == 3
    # A stale count with the text already stored replaces nothing: the mark and time are kept
    # (a page's own save still in flight when it sends the same text again).
    same = put({"text": "B 的旧文字", "marked": False, "seconds": 5, "base_saves": 1})
    assert same.status_code == 200
    stored = Answer.objects.get(attempt=attempt, question_id=question)
    assert (stored.saves, stored.marked, stored.seconds_spent) == (4, False, 5)
    # A client that sends no count is not checked: the last save wins, as before.
    assert put({"text": "不带计数"}).status_code == 200
    assert Answer.objects.get(attempt=attempt, question_id=question).text == "不带计数"
    # A first save from a window that saw no answer meets the one another window created.
    other = attempt.slots.all()[1].question_id
    other_url = f"/api/interviews/{attempt.pk}/answers/{other}/"
    assert (
        client.put(
            other_url, '{"text": "A", "base_saves": 0}', content_type="application/json"
        ).status_code
        == 200
    )
    late = client.put(other_url, '{"text": "B", "base_saves": 0}', content_type="application/json")
    assert late.status_code == 409
    assert late.json()["answer"]["text"] == "A"
    bad = put({"text": "x", "base_saves": -1})
    assert bad.status_code == 400
    assert "base_saves" in bad.json()


def test_the_page_form_shows_both_texts_when_another_window_saved_first(client, learner, start):
    attempt = now_attempt(start, learner)
    question = attempt.slots.first().question_id
    client.force_login(learner)
    page = client.get(f"/interviews/{attempt.pk}/").content.decode()
    assert f'name="saves-{question}" value="0"' in page
    # Another window saves; this page still sends the count it was rendered with.
    answers.save_answer(
        attempt=attempt, question_id=question, text="另一个窗口的答案", base_saves=0
    )
    form = {
        "shown": question,
        f"text-{question}": "这个窗口的答案",
        f"saves-{question}": "0",
        "action": "submit",
    }
    response = client.post(f"/interviews/{attempt.pk}/save/", form)
    assert response.status_code == 409
    html = response.content.decode()
    # Both texts are on the page: the learner's in the form, the other beside it.
    assert ">这个窗口的答案</textarea>" in html
    assert "另一个窗口的答案</blockquote>" in html
    assert f'name="saves-{question}" value="1"' in html
    assert "你的文字尚未保存" in html  # "your text was not saved"
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.STARTED  # not submitted
    assert Answer.objects.get(attempt=attempt, question_id=question).text == "另一个窗口的答案"
    # Sending the page again keeps this window's text and submits.
    form[f"saves-{question}"] = "1"
    again = client.post(f"/interviews/{attempt.pk}/save/", form)
    if attempt.follow_ups.exists():
        # Leaving the answer asked the interviewer's follow-up first; submitting again ends it.
        assert again.url == f"/interviews/{attempt.pk}/?q=1"
        form[f"saves-{question}"] = "2"
        again = client.post(f"/interviews/{attempt.pk}/save/", form)
    assert again.url == f"/interviews/{attempt.pk}/review/"
    assert Answer.objects.get(attempt=attempt, question_id=question).text == "这个窗口的答案"


def test_a_review_without_any_score_is_refused_not_called_saved(client, learner, start):
    """Issue 19 (4): "saved" on the review page while the report says "not assessed yet"."""
    attempt = now_attempt(start, learner, count=2)
    services.submit_attempt(attempt=attempt)
    first = attempt.slots.first().question_id
    client.force_login(learner)
    page = client.post(
        f"/interviews/{attempt.pk}/review/",
        {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-question": str(first)},
        follow=True,
    )
    shown = [str(message) for message in page.context["messages"]]
    assert shown == ["请至少为一道题打分：自评尚未保存。"]
    api = client.post(
        f"/api/interviews/{attempt.pk}/review/",
        {"items": [{"question": first, "score": None, "points": [0]}]},
        content_type="application/json",
    )
    assert api.status_code == 400
    assert api.json()["code"] == "nothing_assessed"
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED


def test_interview_wording_history_order_and_times(client, learner, start):
    """Issue 19 (15): one name for the review, 下一题, newest first, both times named."""
    older = now_attempt(start, learner, count=2)
    services.submit_attempt(attempt=older)
    newer = now_attempt(start, learner, count=2)
    client.force_login(learner)
    attempt_page = client.get(f"/interviews/{newer.pk}/").content.decode()
    assert "下一题" in attempt_page
    assert 'class="legend muted"><span class="nav-item' not in attempt_page
    review = client.get(f"/interviews/{older.pk}/review/").content.decode()
    assert "<h1>复盘" in review
    assert "复习" not in review
    history = client.get("/interviews/history/").content.decode()
    assert history.index(f"/interviews/{newer.pk}/") < history.index(f"/interviews/{older.pk}/")
    report = client.get(f"/interviews/{older.pk}/report/").content.decode()
    assert "答题用时" in report


def test_weak_questions_all_enter_practice_beyond_the_daily_new_limit(client, learner, start):
    """An interview's weak questions are offered today even when today's new questions are
    used up, are not counted against the limit, and the message says what happened."""
    from quizzes import services as practice
    from quizzes.models import Rating

    learner.daily_goal = 1
    learner.save()
    client.force_login(learner)
    attempt = now_attempt(start, learner, count=3)
    weak = list(attempt.slots.values_list("question_id", flat=True))
    studied = Question.objects.practicable().exclude(pk__in=weak).order_by("id").first()
    practice.record_review(user=learner, question=studied, rating=Rating.GOOD)
    assert todays_queue(user=learner).new_count == 0  # today's one new question is used up
    assert client.post(f"/api/interviews/{attempt.pk}/submit/").status_code == 200

    response = client.post(f"/interviews/{attempt.pk}/practice/", follow=True)
    page = response.content.decode()
    assert "已加入练习：3 道新题排在今天队列的最前面，不占每日新题上限。" in page

    queue = todays_queue(user=learner)
    assert [item.question.pk for item in queue.items if item.kind == "new"] == weak
    assert (queue.new_count, queue.requested_count, queue.new_today) == (3, 3, 1)
    # Rating one of them does not use up the daily limit: the other two remain.
    practice.record_review(user=learner, question=Question.objects.get(pk=weak[0]), rating=3)
    queue = todays_queue(user=learner)
    assert [item.question.pk for item in queue.items if item.kind == "new"] == weak[1:]
    assert queue.new_today == 1


def test_an_autosave_is_one_statement_and_tells_the_time_left(
    client, learner, other_learner, start, django_assert_num_queries
):
    attempt = now_attempt(start, learner)
    question = attempt.slots.first().question_id
    url = f"/api/interviews/{attempt.pk}/answers/{question}/"
    total = attempt.duration_seconds + attempt.extra_seconds
    client.force_login(learner)

    def put(body):
        return client.put(url, json.dumps(body), content_type="application/json")

    assert put({"text": "预热"}).status_code == 200  # the session and the user are read once
    with (
        time_machine.travel(attempt.started_at + timedelta(seconds=61.5), tick=False),
        django_assert_num_queries(2),  # the session, then the upsert
    ):
        saved = put({"text": "一条语句", "seconds": total + 500, "base_saves": 1})
    assert saved.status_code == 200
    assert saved.json()["saves"] == 2
    assert saved.json()["remaining_seconds"] == total - 61  # whole seconds, rounded up
    stored = Answer.objects.get(attempt=attempt, question_id=question)
    # The time a save adds is capped at the interview's length, as save_answer caps it.
    assert (stored.text, stored.seconds_spent) == ("一条语句", total)

    # A save the statement did not store reads the attempt to say why, as before.
    with time_machine.travel(attempt.deadline + timedelta(minutes=1), tick=False):
        late = put({"text": "太晚了"})
    assert late.status_code == 409
    assert late.json()["state"] == "expired"
    assert Answer.objects.get(attempt=attempt, question_id=question).text == "一条语句"
    # Another learner's attempt is a 404 and stays untouched, whatever the question.
    theirs = now_attempt(start, other_learner)
    their_question = theirs.slots.first().question_id
    answers.save_answer(attempt=theirs, question_id=their_question, text="别人的")
    stolen = client.put(
        f"/api/interviews/{theirs.pk}/answers/{their_question}/",
        '{"text": "改写"}',
        content_type="application/json",
    )
    assert stolen.status_code == 404
    assert Answer.objects.get(attempt=theirs, question_id=their_question).text == "别人的"
