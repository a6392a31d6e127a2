"""One small world for the security tests, built through the services as its owners would.

``learner`` owns every private object; ``other`` is a second learner who must never reach
them; ``editor`` and ``reviewer`` hold the editorial roles.
"""

from types import SimpleNamespace

import pytest
from django.test import Client

from interviews import answers
from interviews import services as interviews
from interviews.models import Attempt, FollowUp, InterviewTemplate
from questions.editorial import drafts, flags, imports
from questions.models import DuplicateCandidate, EditorialFlag, Notification, Question
from quizzes import services as practice
from tests.factories import UserFactory


def client_for(user, **kwargs) -> Client:
    client = Client(headers={"accept-language": "en"}, **kwargs)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def world(db) -> SimpleNamespace:
    learner = UserFactory(email="owner@example.com")
    other = UserFactory(email="other@example.com")
    editor = UserFactory(email="editor@example.com", roles=["editor"])
    reviewer = UserFactory(email="reviewer@example.com", roles=["reviewer"])
    staff = UserFactory(email="staff@example.com", is_staff=True)
    questions = list(Question.objects.practicable().order_by("pk")[:4])

    criteria = interviews.Criteria(count=2, minutes=30)
    open_attempt = interviews.start_attempt(user=learner, criteria=criteria)
    first = open_attempt.slots.order_by("position").first()
    assert first is not None
    answers.save_answer(attempt=open_attempt, question_id=first.question_id, text="mine")
    finished = interviews.start_attempt(user=learner, criteria=criteria)
    interviews.submit_attempt(attempt=finished)

    practice.show_card(user=learner, question=questions[0])
    bookmark, _created = practice.add_bookmark(user=learner, question=questions[0])
    note = practice.save_note(user=learner, question=questions[1], text="my private note")
    assert note is not None

    open_flag = flags.report_problem(
        question=questions[0], reporter=learner, reason="wrong", comment="owner's report"
    )
    declined = flags.report_problem(
        question=questions[1], reporter=learner, reason="unclear", comment="declined report"
    )
    flags.decline_flag(flag_id=declined.pk, editor=editor, reason="It is clear.")
    notification = Notification.objects.get(user=learner)
    draft = drafts.start_draft(question=questions[2], editor=editor)
    pending = drafts.start_draft(question=questions[3], editor=editor)
    drafts.save_draft(
        draft_id=pending.pk,
        editor=editor,
        seen_version=pending.version,
        title=pending.title,
        body_markdown=pending.body_markdown + "\n\nCorrected.",
        tag_slugs=pending.tag_slugs,
        difficulty=pending.difficulty,
    )
    pending.refresh_from_db()
    drafts.submit_draft(
        draft_id=pending.pk, editor=editor, seen_version=pending.version, summary="fix", resolves=[]
    )
    candidate = DuplicateCandidate.objects.create(
        question=questions[0], other=questions[1], similarity=0.9
    )
    # An import awaiting the editor's decisions, and one confirmed and awaiting review.
    import_note = "# 笔记\n\n## 1. 什么是温度采样？\n\n温度越高，分布越平。\n"
    previewed = imports.upload_notes(
        editor=editor, uploads=[imports.Upload("world.md", import_note.encode())]
    )
    confirmed = imports.upload_notes(
        editor=editor, uploads=[imports.Upload("world-2.md", import_note.encode())]
    )
    imports.confirm_import(batch_id=confirmed.pk, editor=editor, decisions=[])
    template = InterviewTemplate.objects.create(
        name="Sec", slug="sec", duration_minutes=10, question_count=2
    )

    follow_up = FollowUp.objects.create(
        attempt=open_attempt, parent=first, authored_id="fu1", prompt="追问：为什么？"
    )

    return SimpleNamespace(
        learner=learner,
        other=other,
        editor=editor,
        reviewer=reviewer,
        staff=staff,
        questions=questions,
        open_attempt=Attempt.objects.get(pk=open_attempt.pk),
        answered_question_id=first.question_id,
        finished=finished,
        bookmark=bookmark,
        note=note,
        flag=EditorialFlag.objects.get(pk=open_flag.pk),
        notification=notification,
        draft=draft,
        submitted=pending,
        candidate=candidate,
        template=template,
        previewed=previewed,
        confirmed=confirmed,
        follow_up=follow_up,
        finished_question_id=finished.slots.order_by("position").first().question_id,
    )
