"""The SQL query count of every page and API endpoint, pinned (``django_assert_num_queries``).

Each URL name of the URLconf (Django's admin aside) has one case: who asks, for which object
of a small world built with the factories, and the exact number of queries of that first
request with nothing cached (the signed-in user included). A URL added without a case fails
:func:`test_every_url_has_a_pinned_count`. Endpoints that only take POST are pinned on the
GET that refuses them (405), so a refusal that starts reading the database shows here too.
A count that changes for a good reason is updated here, with the reason in the commit.
"""

from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from interviewprep import cache
from interviews import services as interviews
from interviews.models import FollowUp, InterviewTemplate
from questions.editorial import imports
from questions.models import DuplicateCandidate, Notification, Question
from quizzes import services as practice
from tests.factories import (
    AttemptFactory,
    CardFactory,
    DraftFactory,
    FlagFactory,
    ReviewFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Case:
    who: str  # "anon", "learner", "editor", "reviewer" or "staff"
    args: str = ""  # the world's attribute(s) the URL takes, comma-separated
    queries: int = 0
    status: int = 200
    query: str = ""  # a query string


def _names(patterns, namespace: str | None = None) -> set[str]:
    found: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern).startswith("admin/"):
                continue  # Django's own admin, behind its second factor
            inner = pattern.namespace or namespace
            if namespace and pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}"
            found |= _names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            found.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return found


POST = 405

CASES: dict[str, Case] = {
    # Project and accounts.
    "home": Case("anon", queries=2),
    "health": Case("anon", queries=1),
    "signup": Case("anon", queries=0),
    "login": Case("anon", queries=0),
    "logout": Case("learner", queries=2, status=POST),
    "profile": Case("learner", queries=2),
    "two_factor": Case("staff", queries=5),
    "password_change": Case("learner", queries=2),
    "password_change_done": Case("learner", queries=2),
    "password_reset": Case("anon", queries=0),
    "password_reset_done": Case("anon", queries=0),
    "password_reset_confirm": Case("anon", "reset_uid,reset_token", queries=5, status=302),
    "password_reset_complete": Case("anon", queries=0),
    "set_language": Case("anon", queries=0, status=POST),
    "schema": Case("anon", queries=0),
    "api-docs": Case("anon", queries=0),
    "api-token": Case("anon", queries=0, status=POST),
    "api-logout": Case("learner", queries=2, status=POST),
    "api-me": Case("learner", queries=2),
    "api:api-root": Case("anon", queries=0),
    # The bank.
    # The count, the page of ids, its rows (with their tags' ids), the sidebar's tag counts
    # (whose tags the rows show) and source files.
    "questions:list": Case("anon", queries=5),
    "questions:detail": Case("anon", "question", queries=2),
    "questions:report": Case("learner", "question", queries=3),
    "questions:history": Case("anon", "question", queries=2),
    "questions:my-reports": Case("learner", queries=4),
    "questions:dismiss-notification": Case("learner", "notification", queries=2, status=POST),
    "questions:editor-queue": Case("editor", queries=7),
    "questions:flag-decline": Case("editor", "flag", queries=2, status=POST),
    "questions:flag-needs-revision": Case("editor", "flag", queries=2, status=POST),
    "questions:start-draft": Case("editor", "question", queries=2, status=POST),
    "questions:merge": Case("editor", "question", queries=2, status=POST),
    "questions:rollback": Case("reviewer", "question", queries=2, status=POST),
    "questions:drafts": Case("editor", queries=4),
    "questions:draft": Case("editor", "draft", queries=6),
    "questions:draft-preview": Case("editor", "draft", queries=2, status=POST),
    "questions:draft-submit": Case("editor", "draft", queries=2, status=POST),
    "questions:draft-approve": Case("reviewer", "draft", queries=2, status=POST),
    "questions:draft-request-changes": Case("reviewer", "draft", queries=2, status=POST),
    "questions:editor-candidates": Case("editor", queries=4),
    "questions:candidate-decide": Case("editor", "candidate", queries=2, status=POST),
    "questions:editor-freshness": Case("editor", queries=5),
    "questions:editor-audit": Case("staff", queries=4),
    "api:question-list": Case("anon", queries=3),
    "api:question-detail": Case("anon", "question", queries=4),
    "api:question-flags": Case("learner", "question", queries=2, status=POST),
    "api:question-history": Case("anon", "question", queries=3),
    "api:question-revisions": Case("editor", "question", queries=2, status=POST),
    "api:tag-list": Case("anon", queries=1),
    "api:tag-detail": Case("anon", "tag", queries=1),
    "api:editorial-flag-list": Case("editor", queries=4),
    "api:editorial-flag-detail": Case("editor", "flag", queries=3),
    "api:editorial-flag-decline": Case("editor", "flag", queries=2, status=POST),
    "api:editorial-flag-needs-revision": Case("editor", "flag", queries=2, status=POST),
    "api:revision-list": Case("editor", queries=5),
    "api:revision-detail": Case("editor", "draft", queries=4),
    "api:revision-approve": Case("reviewer", "draft", queries=2, status=POST),
    "api:revision-request-changes": Case("reviewer", "draft", queries=2, status=POST),
    "api:revision-submit": Case("editor", "draft", queries=2, status=POST),
    # Practice.
    "practice:home": Case("learner", queries=10),
    "practice:session": Case("learner", queries=5),
    "practice:review": Case("learner", queries=2, status=POST),
    "practice:deck": Case("learner", queries=2, status=POST),
    "practice:dashboard": Case("learner", queries=12),
    "practice:bookmarks": Case("learner", queries=5),
    "practice:bookmark": Case("learner", "question", queries=2, status=POST),
    "practice:note": Case("learner", "question", queries=2, status=POST),
    "practice-api:queue": Case("learner", queries=12),
    "practice-api:reviews": Case("learner", queries=2, status=POST),
    "practice-api:notes": Case("learner", queries=4),
    "practice-api:note": Case("learner", "question", queries=3),
    "practice-api:progress": Case("learner", queries=7),
    "practice-api:bookmark-list": Case("learner", queries=4),
    "practice-api:bookmark-detail": Case("learner", "bookmark", queries=3),
    # Mock interviews.
    "interviews:index": Case("learner", queries=6),
    "interviews:start": Case("learner", queries=2, status=POST),
    "interviews:history": Case("learner", queries=3),
    "interviews:templates": Case("editor", queries=4),
    "interviews:template-new": Case("editor", queries=3),
    "interviews:template-edit": Case("editor", "template", queries=6),
    "interviews:attempt": Case("learner", "attempt", queries=7),
    "interviews:save": Case("learner", "attempt", queries=2, status=POST),
    "interviews:clock": Case("learner", "attempt", queries=3),
    "interviews:layout": Case("learner", "attempt", queries=2, status=POST),
    "interviews:submit": Case("learner", "attempt", queries=2, status=POST),
    "interviews:review": Case("learner", "finished", queries=18),
    "interviews:report": Case("learner", "finished", queries=20),
    "interviews:practice": Case("learner", "finished", queries=2, status=POST),
    "interviews-api:start": Case("learner", queries=2, status=POST),
    "interviews-api:templates": Case("learner", queries=4),
    "interviews-api:detail": Case("learner", "attempt", queries=7),
    "interviews-api:answer": Case("learner", "attempt,answered", queries=2, status=POST),
    "interviews-api:submit": Case("learner", "attempt", queries=2, status=POST),
    "interviews-api:review": Case("learner", "finished", queries=2, status=POST),
    "interviews-api:report": Case("learner", "finished", queries=18),
    "interviews-api:ask-follow-ups": Case("learner", "attempt", queries=2, status=POST),
    "interviews-api:follow-up": Case("learner", "attempt,follow_up", queries=2, status=POST),
    "interviews:contest": Case("learner", "finished,finished_question", queries=2, status=POST),
    "interviews:practice-missed": Case("learner", queries=2, status=POST),
    # Grading, contesting, checking an answer.
    "api:question-grade": Case("learner", "question", queries=2, status=POST),
    "practice:check": Case("learner", "question", queries=2, status=POST),
    "practice:contest": Case("learner", "question", queries=2, status=POST),
    "questions:editor-disputes": Case("editor", queries=3),
    # Editors' imports and new questions.
    "api:editorial-import-list": Case("editor", queries=5),
    # The preview's images (uploaded with the notes) are one query more.
    "api:editorial-import-detail": Case("editor", "batch", queries=7),
    "api:editorial-import-confirm": Case("editor", "batch", queries=2, status=POST),
    "api:editorial-import-fetch-images": Case("editor", "batch", queries=2, status=POST),
    "api:editorial-import-publish": Case("reviewer", "batch", queries=2, status=POST),
    "api:editorial-question-new": Case("editor", queries=2, status=POST),
    "api:editorial-question-duplicates": Case("editor", queries=5, query="title=LoRA"),
    "questions:imports": Case("editor", queries=5),
    "questions:import": Case("editor", "batch", queries=6),
    "questions:import-confirm": Case("editor", "batch", queries=2, status=POST),
    "questions:import-fetch-images": Case("editor", "batch", queries=2, status=POST),
    "questions:import-publish": Case("reviewer", "batch", queries=2, status=POST),
    "questions:question-new": Case("editor", queries=3),
    "questions:question-new-preview": Case("editor", queries=2, status=POST),
    "questions:question-new-duplicates": Case("editor", queries=2, status=POST),
    # Practice beyond Anki: undo, the plan's topics, export, the learner's own scheduler.
    "practice:undo": Case("learner", queries=2, status=POST),
    "practice:plan-topics": Case("learner", queries=2, status=POST),
    "practice:export": Case("learner", queries=3),
    "practice-api:undo": Case("learner", queries=2, status=POST),
    "practice-api:export": Case("learner", queries=7, query="format=csv"),
    "practice-api:scheduler": Case("learner", queries=4),
    "practice-api:optimize": Case("learner", queries=2, status=POST),
    # Series of questions on one topic, edited by editors.
    "questions:editor-series": Case("editor", "question", queries=4),
    "questions:editor-series-edit": Case("editor", "question", queries=2, status=POST),
    # A copied figure that does not exist.
    "figure": Case("anon", "missing_figure", queries=1, status=404),
    # Rollback through the API; withdrawing and reassigning a draft.
    "api:question-rollback": Case("reviewer", "question", queries=2, status=POST),
    "api:revision-withdraw": Case("editor", "draft", queries=2, status=POST),
    "questions:draft-withdraw": Case("editor", "draft", queries=2, status=POST),
    "questions:draft-reassign": Case("staff", "draft", queries=2, status=POST),
    # The browser's own requests.
    "favicon": Case("anon", queries=0, status=302),
    "set_time_zone": Case("learner", queries=2, status=POST),
}


@pytest.fixture
def world(learner, editor, reviewer) -> SimpleNamespace:
    """One of each object a URL takes, owned by ``learner``, built with the factories."""
    question, second = Question.objects.practicable().order_by("pk")[:2]
    card = CardFactory(user=learner, question=question)
    ReviewFactory(card=card)
    bookmark, _created = practice.add_bookmark(user=learner, question=question)
    practice.save_note(user=learner, question=question, text="my note")
    flag = FlagFactory(question=question, reporter=learner)
    notification = Notification.objects.create(
        user=learner, question=question, kind=Notification.Kind.FLAG_DECLINED
    )
    attempt = AttemptFactory(user=learner, count=2)
    follow_up = FollowUp.objects.create(
        attempt=attempt,
        parent=attempt.slots.order_by("position").first(),
        authored_id="fu1",
        prompt="追问：为什么？",
    )
    note = "# 笔记\n\n## 1. 什么是温度采样？\n\n温度越高，分布越平。\n"
    batch = imports.upload_notes(editor=editor, uploads=[imports.Upload("n.md", note.encode())])
    finished = AttemptFactory(user=learner, count=2)
    interviews.submit_attempt(attempt=finished)
    staff = UserFactory(email="staff@example.com", is_staff=True, roles=["editor"])
    return SimpleNamespace(
        users={"learner": learner, "editor": editor, "reviewer": reviewer, "staff": staff},
        question=question.pk,
        tag=question.tags.order_by("slug").first().slug,
        card=card.pk,
        bookmark=bookmark.pk,
        flag=flag.pk,
        notification=notification.pk,
        draft=DraftFactory(question=second, editor=editor).pk,
        candidate=DuplicateCandidate.objects.create(
            question=question, other=second, similarity=0.9
        ).pk,
        template=InterviewTemplate.objects.create(
            name="Counted", slug="counted", duration_minutes=10, question_count=2
        ).pk,
        attempt=attempt.pk,
        follow_up=follow_up.pk,
        batch=batch.pk,
        finished_question=finished.slots.order_by("position").first().question_id,
        answered=attempt.slots.order_by("position").first().question_id,
        finished=finished.pk,
        missing_figure="missing.png",
        reset_uid=urlsafe_base64_encode(force_bytes(learner.pk)),
        reset_token=default_token_generator.make_token(learner),
    )


def test_every_url_has_a_pinned_count():
    names = _names(get_resolver().url_patterns)
    assert sorted(names - CASES.keys()) == [], "a URL without a pinned query count"
    assert sorted(CASES.keys() - names) == [], "a pinned count for a URL that is gone"


@pytest.mark.parametrize("name", sorted(CASES))
def test_query_count(name, world, django_assert_num_queries):
    case = CASES[name]
    args = [getattr(world, arg) for arg in case.args.split(",") if arg]
    url = reverse(name, args=args) + (f"?{case.query}" if case.query else "")
    client = Client(headers={"accept-language": "en"})
    if case.who != "anon":
        client.force_login(world.users[case.who])
    with django_assert_num_queries(case.queries):
        response = client.get(url)
    assert response.status_code == case.status, url


def test_a_question_page_seen_before_reads_only_its_version(world, django_assert_num_queries):
    client = Client()
    url = reverse("questions:detail", args=[world.question])
    # The first view: the page with its version, the ranking of its tags' related questions.
    with django_assert_num_queries(2):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(1):
        assert client.get(url).status_code == 200
    client.force_login(world.users["learner"])
    client.get(url)
    # The session, the version and the learner's own state (their user is cached).
    with django_assert_num_queries(3):
        assert client.get(url).status_code == 200


def test_a_signed_in_first_view_of_a_question_page(world, django_assert_num_queries):
    """What the bench counts for a question page not seen yet, after an import (the bank's
    cached views dropped), for a learner whose user is cached: at most six queries."""
    client = Client()
    client.force_login(world.users["learner"])
    client.get(reverse("questions:detail", args=[world.answered]))  # keeps the user
    cache.flush_bank()
    url = reverse("questions:detail", args=[world.question])
    # The session, the page with its version, the related ranking, the learner's own state.
    with django_assert_num_queries(4):
        assert client.get(url).status_code == 200
