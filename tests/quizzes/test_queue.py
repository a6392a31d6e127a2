"""Today's queue, decks, and what changed since the learner's last review."""

import random
import re
from datetime import UTC, datetime, timedelta

import fsrs
import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils.html import escape

from questions.models import EditorialFlag, Question, Tag
from quizzes import queue as practice_queue
from quizzes import services
from quizzes.learner_scheduler import active_plan, scheduler_for
from quizzes.models import Bookmark, Card, Note, Rating, Review, SchedulerProfile
from quizzes.queue import build_deck, queue_head, todays_queue
from tests.factories import CardFactory, FlagFactory, QuestionFactory, TagFactory

from .conftest import publish

pytestmark = pytest.mark.django_db
NOW = datetime(2025, 3, 10, 4, 0, tzinfo=UTC)
SESSION = reverse("practice:session")


def practicable(n: int) -> list[Question]:
    return list(Question.objects.practicable().order_by("id")[:n])


@time_machine.travel(NOW, tick=False)
def test_due_reviews_come_first_by_due_date_then_new_up_to_the_daily_goal(learner):
    learner.daily_goal = 3
    learner.save()
    a, b, c, d = practicable(4)
    CardFactory(user=learner, question=a, due=NOW - timedelta(hours=1))
    CardFactory(user=learner, question=b, due=NOW - timedelta(days=2))
    CardFactory(user=learner, question=c, due=NOW - timedelta(minutes=5))
    CardFactory(user=learner, question=d, due=NOW + timedelta(hours=1))  # not due yet
    queue = todays_queue(user=learner)
    new = [q for q in practicable(10) if q not in (a, b, c, d)][:3]
    assert [(item.kind, item.question) for item in queue.items] == [
        ("review", b),
        ("review", a),
        ("review", c),
        *[("new", q) for q in new],
    ]
    assert (queue.due_count, queue.new_count) == (3, 3)
    assert queue.items[0].due == NOW - timedelta(days=2)


def test_new_questions_started_today_count_against_the_daily_goal(learner):
    learner.daily_goal = 3
    learner.save()
    with time_machine.travel(NOW, tick=False):
        first, second = practicable(2)
        services.record_review(user=learner, question=first, rating=Rating.EASY)
        services.record_review(user=learner, question=second, rating=Rating.EASY)
        queue = todays_queue(user=learner)
        assert (queue.new_today, queue.new_count) == (2, 1)
    # Tomorrow the goal is fresh.
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        assert todays_queue(user=learner).new_count == 3


def test_questions_without_an_answer_or_merged_or_notes_are_never_offered(learner):
    learner.daily_goal = 200  # the most a profile allows; more than the bank's questions
    learner.save()
    unanswered = QuestionFactory(has_answer=False, body_markdown="")
    assert Question.objects.practicable().count() < 200
    offered = {item.question.pk for item in todays_queue(user=learner).items}
    assert offered == set(Question.objects.practicable().values_list("pk", flat=True))
    assert unanswered.pk not in offered
    assert not offered & set(Question.objects.filter(kind="note").values_list("pk", flat=True))
    assert not offered & set(
        Question.objects.exclude(duplicate_of=None).values_list("pk", flat=True)
    )


def test_a_changed_answer_is_shown_with_its_diff_and_requeued(client, learner):
    question = practicable(1)[0]
    old_body = question.body_markdown
    with time_machine.travel(NOW, tick=False):
        services.record_review(user=learner, question=question, rating=Rating.EASY)
    card = Card.objects.get(user=learner, question=question)
    assert card.seen_revision == question.live_revision.number
    later = NOW + timedelta(days=1)
    assert card.due > later  # not due: only the change brings it back
    with time_machine.travel(later, tick=False):
        assert question not in [item.question for item in todays_queue(user=learner).items]
        publish(question, old_body + "\n\n补充：GQA 也能减小 KV cache。")
        queue = todays_queue(user=learner)
        reviews = [item for item in queue.items if item.kind != "new"]
        assert [(item.kind, item.question) for item in reviews] == [("changed", question)]
        assert reviews[0].due == later
        assert queue.items[0] == reviews[0]  # reviews come before new questions

        client.force_login(learner)
        html = client.get(SESSION).content.decode()
        assert 'class="notice changed"' in html
        assert 'class="diff-add">+ 补充：GQA 也能减小 KV cache。</span>' in html
        response = client.post(
            reverse("practice:review"), {"question": question.pk, "rating": Rating.GOOD}
        )
        assert response.status_code == 302
    card.refresh_from_db()
    assert card.seen_revision == question.live_revision.number
    with time_machine.travel(later, tick=False):
        assert question not in [item.question for item in todays_queue(user=learner).items]
        assert "diff-add" not in client.get(reverse("practice:home")).content.decode()


def test_a_question_under_revision_shows_its_notice_during_practice(client, learner):
    question = practicable(1)[0]
    question.status = Question.Status.NEEDS_REVISION
    question.save()
    FlagFactory(question=question, severity=EditorialFlag.Severity.HIGH, problem="公式写错了")
    client.force_login(learner)
    html = client.get(SESSION).content.decode()
    assert escape(question.title) in html
    assert 'class="notice revision"' in html
    assert "公式写错了" in html


def test_deck_from_tags_difficulty_bookmarks_and_mistakes(learner, other):
    tag = TagFactory()
    easy, hard, untagged = (
        QuestionFactory(difficulty="easy"),
        QuestionFactory(difficulty="hard"),
        QuestionFactory(),
    )
    easy.tags.add(tag)
    hard.tags.add(tag)
    unanswered = QuestionFactory(has_answer=False)
    unanswered.tags.add(tag)
    assert build_deck(user=learner, tags=[tag.slug]) == [easy.pk, hard.pk]
    assert build_deck(user=learner, tags=[tag.slug], difficulty="hard") == [hard.pk]

    Bookmark.objects.create(user=learner, question=untagged)
    Bookmark.objects.create(user=other, question=easy)
    assert build_deck(user=learner, bookmarked=True) == [untagged.pk]

    services.record_review(user=learner, question=hard, rating=Rating.AGAIN)
    services.record_review(user=learner, question=easy, rating=Rating.GOOD)
    services.record_review(user=other, question=untagged, rating=Rating.AGAIN)
    assert build_deck(user=learner, wrong=True) == [hard.pk]
    # Studied questions come first, the most overdue first.
    assert build_deck(user=learner, tags=[tag.slug]) == [hard.pk, easy.pk]
    with pytest.raises(services.PracticeError):
        build_deck(user=learner, difficulty="impossible")


def _random_practice_state(rng: random.Random, learner) -> None:
    """A learner's cards in every state the queue distinguishes, on questions of every kind
    the bank holds (merged, awaiting review, notes, unanswered), drawn from ``rng``."""
    learner.daily_goal = rng.choice([1, 2, 3, 5, 8, 200])
    learner.interview_date = None
    all_questions = list(Question.objects.order_by("id"))
    for question in rng.sample(all_questions, 12):
        change = rng.random()
        if change < 0.15:
            question.duplicate_of = Question.objects.practicable().exclude(pk=question.pk).first()
        elif change < 0.25:
            question.status = Question.Status.PENDING
        elif change < 0.3:
            question.has_answer = False
        question.save()
    # Some states lack some kinds, so that each kind of item gets to head the queue.
    kinds = ["due", "future", "changed", "requested", "waiting", "today"]
    kinds = rng.sample(kinds, rng.randint(1, len(kinds)))
    for question in rng.sample(all_questions, rng.randint(0, 30)):
        kind = rng.choice(kinds)
        card = CardFactory(
            user=learner,
            question=question,
            due=NOW + timedelta(hours=rng.randint(-200, -1) if kind != "future" else 5),
            seen_revision=question.live_revision.number if question.live_revision else None,
            created_at=NOW - timedelta(minutes=rng.randint(1, 500)),
        )
        if kind == "changed" and question.live_revision:
            publish(question, question.body_markdown + "\n\n更正。")
        elif kind in ("requested", "waiting"):
            card.reps, card.first_reviewed_at, card.last_review = 0, None, None
            if kind == "requested":
                card.requested_at = NOW - timedelta(minutes=rng.randint(1, 500))
        elif kind == "today":
            card.first_reviewed_at = NOW - timedelta(minutes=rng.randint(1, 200))
            if rng.random() < 0.3:  # requested before its first review: not counted
                card.requested_at = card.first_reviewed_at - timedelta(minutes=1)
        card.save()
    if rng.random() < 0.3:
        # A plan toward an interview date, covering some topics or the whole bank.
        learner.interview_date = (NOW + timedelta(days=rng.randint(2, 30))).date()
        learner.save()
        current = active_plan(learner)
        if rng.random() < 0.7:
            current.tags.set(rng.sample(list(Tag.objects.all()), 2))
    learner.save()


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("seed", range(30))
def test_the_practice_cards_head_and_counts_match_the_whole_queue(learner, seed):
    """``queue_head`` (one SQL query) against ``todays_queue`` (the ORM), on random states."""
    _random_practice_state(random.Random(seed), learner)
    queue = todays_queue(user=learner)
    head = queue_head(user=learner)
    assert (head.due_count, head.new_count, head.requested_count, head.new_today) == (
        queue.due_count,
        queue.new_count,
        queue.requested_count,
        queue.new_today,
    )
    first = queue.head
    if first is None:
        assert head.empty
        return
    # A new question the learner was shown before (or asked for) is offered by its card.
    card = Card.objects.filter(user=learner, question=first.question).first()
    assert (head.card_id, head.new_question_id) == (
        (card.pk, None) if card is not None else (None, first.question.pk)
    )


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("fitted", [True, False])
@pytest.mark.parametrize("planned", [True, False])
def test_the_head_reads_the_latest_rating_and_the_scheduler_the_services_would(
    learner, fitted, planned
):
    """What ``queue_head`` reads beside the head is what the services read on their own."""
    head = queue_head(user=learner)
    assert head.undoable is None
    first, second = practicable(2)
    services.record_review(user=learner, question=first, rating=Rating.HARD)
    services.record_review(user=learner, question=second, rating=Rating.EASY)
    SchedulerProfile.objects.create(
        user=learner,
        parameters=[0.3, 0.4, *fsrs.Scheduler().parameters[2:]],
        in_use=fitted,
        desired_retention=0.85,
    )
    if planned:
        learner.interview_date = (NOW + timedelta(days=10)).date()
        learner.save()

    head = queue_head(user=learner)
    latest = services.last_undoable_review(user=learner)
    assert (head.undoable.pk, head.undoable.rating) == (latest.pk, Rating.EASY)
    assert head.undoable.question.title == second.title
    expected = scheduler_for(learner)
    assert head.scheduler.parameters == expected.parameters
    assert head.scheduler.desired_retention == expected.desired_retention
    # A fitted profile in use changes the parameters; a plan sets the retention.
    assert (tuple(head.scheduler.parameters)[:2] == (0.3, 0.4)) == fitted
    assert (head.scheduler.desired_retention != 0.85) == planned

    # A rating without the card's state before it (an older one) cannot be undone.
    Review.objects.filter(pk=latest.pk).update(card_before=None)
    assert queue_head(user=learner).undoable is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's covering indexes")
def test_the_queue_statement_finds_what_it_reads_in_small_indexes():
    """A new card's question is read from a covering index (questions/migrations/0021), a
    studied card's later versions from the index of versions after the first (0022), never
    from the tables that hold the answers."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes "
            "WHERE indexname IN ('question_queue_cover', 'revision_later')"
        )
        indexes = dict(cursor.fetchall())
    assert indexes["question_queue_cover"].endswith(
        "(id) INCLUDE (live_revision_id, duplicate_of_id, status, kind, has_answer)"
    )
    assert indexes["revision_later"].endswith("(question_id, number) WHERE (number > 1)")
    statement = practice_queue._HEAD_SQL[True] + practice_queue._HEAD_SQL[False]
    read = set(re.findall(r"\bq\.(\w+)", statement))
    assert read == {"id", "duplicate_of_id", "status", "kind", "has_answer"}
    assert set(re.findall(r"\br\.(\w+)", statement)) == {"question_id", "number"}
    # The index's condition holds in the statement's, so the planner may use it.
    assert "r.number > 1" in statement


@time_machine.travel(NOW, tick=False)
def test_the_practice_card_reads_the_head_in_a_constant_number_of_queries(
    client, learner, django_assert_num_queries
):
    due = practicable(40)
    for question in due:
        CardFactory(user=learner, question=question, due=NOW - timedelta(hours=1))
    client.force_login(learner)
    client.get(SESSION)  # the first show records when the card was put in front of them
    # The session; the queue with the latest review and the scheduler profile; the card with
    # its tags and the note.
    with django_assert_num_queries(3):
        response = client.get(SESSION)
    assert escape(due[0].title) in response.text


@time_machine.travel(NOW, tick=False)
def test_a_new_learners_first_card_is_made_without_looking_for_it_first(
    client, learner, django_assert_num_queries
):
    """The queue's statement found no card for its next new question: the card is inserted
    at once."""
    first = practicable(1)[0]
    client.force_login(learner)
    # The session; the user; the queue; the question with its tags and the note; the card's
    # INSERT between a savepoint and its release (no SELECT of the card before it).
    with django_assert_num_queries(7) as queries:
        response = client.get(SESSION)
    assert escape(first.title) in response.text
    assert not any(
        query["sql"].startswith("SELECT") and "quizzes_card" in query["sql"].split("WHERE")[0]
        for query in queries.captured_queries[2:]
    )
    card = Card.objects.get(user=learner, question=first)
    assert (card.reps, card.shown_at, card.created_at) == (0, NOW, NOW)


@time_machine.travel(NOW, tick=False)
def test_a_card_made_meanwhile_in_another_tab_is_the_one_shown(learner):
    question = practicable(1)[0]
    earlier = NOW - timedelta(seconds=30)
    made = CardFactory(user=learner, question=question, due=NOW, shown_at=earlier, reps=0)
    card = services.show_card(user=learner, question=question, unseen=True)
    assert card.pk == made.pk
    assert card.shown_at == earlier  # the first look counts, as on a reload
    assert Card.objects.filter(user=learner, question=question).count() == 1


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("shown_by", ["card", "question"])
def test_the_practice_card_shows_its_question_tags_note_and_revision_notice(
    client, learner, other, shown_by
):
    """What the card reads in one query: the question's tags in the pages' order, the
    learner's own note (not another learner's), and the reasons of an answer under revision."""
    question = QuestionFactory(title="卡片上的问题", status=Question.Status.NEEDS_REVISION)
    advanced = TagFactory(name_zh="甲高级", level=Tag.Level.ADVANCED)
    basic = TagFactory(name_zh="乙基础", level=Tag.Level.BASIC)
    question.tags.add(advanced, basic)
    FlagFactory(question=question, severity=EditorialFlag.Severity.HIGH, problem="公式写错了")
    Note.objects.create(user=learner, question=question, text="我的笔记\n第二行")
    Note.objects.create(user=other, question=question, text="别人的笔记")
    if shown_by == "card":
        CardFactory(user=learner, question=question, due=NOW - timedelta(hours=1))
    else:  # a new question heads the queue when nothing is due
        Question.objects.exclude(pk=question.pk).update(has_answer=False)
    client.force_login(learner)
    page = client.get(SESSION).content.decode()
    assert "卡片上的问题" in page
    assert page.index("乙基础") < page.index("甲高级")
    assert "我的笔记<br>第二行" in page
    assert "别人的笔记" not in page
    assert "公式写错了" in page
