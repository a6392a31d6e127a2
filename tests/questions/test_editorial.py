"""Editorial curation through HTTP (pages) and the services: each transition and who may do it."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from questions import editorial
from questions.editorial import drafts, flags, merging, revisions
from questions.importing import pipeline
from questions.models import (
    STALE_AFTER,
    AuditEntry,
    DuplicateCandidate,
    EditorialFlag,
    Notification,
    Question,
    QuestionRevision,
    RevisionDraft,
)
from questions.rendering import render_answer
from questions.search.backends import search_questions
from tests.conftest import FIXTURES_DIR
from tests.factories import FlagFactory, QuestionFactory, TagFactory, UserFactory
from tests.questions.revisions import publish

pytestmark = pytest.mark.django_db

CORRECT = (
    "MQA（Multi-query Attention）：所有查询头共享同一个键/值头。\n\n"
    "GQA（Grouped-query Attention）：把查询头分成若干组，每组共享一个键/值头。"
)


def _report(client, question, reason="wrong", comment="答案把 MQA 和 GQA 说反了"):
    return client.post(
        reverse("questions:report", args=[question.pk]), {"reason": reason, "comment": comment}
    )


def _draft_for(client, question) -> RevisionDraft:
    response = client.post(reverse("questions:start-draft", args=[question.pk]))
    assert response.status_code == 302
    return RevisionDraft.objects.active().get(question=question)


def _save(client, draft, version, body=CORRECT, title=None, tags=None, difficulty=None):
    return client.post(
        reverse("questions:draft", args=[draft.pk]),
        {
            "title": title or draft.title,
            "body_markdown": body,
            "tags": tags if tags is not None else draft.tag_slugs,
            "difficulty": difficulty or draft.difficulty,
            "version": version,
        },
    )


def _submit(client, draft, summary="更正 MQA 与 GQA 的定义", resolves=()):
    draft.refresh_from_db()
    return client.post(
        reverse("questions:draft-submit", args=[draft.pk]),
        {"summary": summary, "resolves": list(resolves), "version": draft.version},
    )


# --- reports -----------------------------------------------------------------------------


def test_learner_reports_a_problem_and_sees_it_in_my_reports(client, learner, mqa):
    client.force_login(learner)
    assert client.get(reverse("questions:report", args=[mqa.pk])).status_code == 200
    response = _report(client, mqa)
    assert response.status_code == 302
    flag = EditorialFlag.objects.get(reporter=learner)
    assert (flag.question, flag.reason, flag.status) == (mqa, "wrong", "open")
    html = client.get(reverse("questions:my-reports")).content.decode()
    assert "答案把 MQA 和 GQA 说反了" in html
    assert mqa.title in html


def test_a_report_without_comment_is_refused_with_the_text_kept(client, learner, mqa):
    client.force_login(learner)
    response = _report(client, mqa, reason="", comment="只写了描述")
    assert response.status_code == 400
    assert "只写了描述" in response.content.decode()
    response = _report(client, mqa, comment="   ")
    assert response.status_code == 400
    assert not EditorialFlag.objects.filter(reporter=learner).exists()


def test_anonymous_reporting_goes_to_login(client, mqa):
    response = _report(client, mqa)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.get(reverse("questions:my-reports"))["Location"].startswith(reverse("login"))


# --- the queue and triage ----------------------------------------------------------------


def test_queue_shows_imported_findings_with_their_correction(client, editor, mqa):
    client.force_login(editor)
    html = client.get(reverse("questions:editor-queue")).content.decode()
    finding = mqa.flags.get(severity="high")
    assert escape(finding.problem_zh)  # the Chinese UI shows the Chinese text in html
    assert escape(finding.correction_zh) in html
    assert mqa.title in html


def test_queue_filters_by_reason_and_tag_and_sorts(client, editor, learner, mqa):
    client.force_login(learner)
    _report(client, mqa, reason="typo", comment="错别字")
    client.force_login(editor)
    page = client.get(reverse("questions:editor-queue"), {"reason": "typo"}).context["page"]
    assert [q.pk for q in page.object_list] == [mqa.pk]
    assert [f.reason for f in page.object_list[0].queue_flags] == ["typo"]

    tag = mqa.tags.first()
    page = client.get(reverse("questions:editor-queue"), {"tag": tag.slug}).context["page"]
    assert mqa in page.object_list
    assert all(q.tags.filter(pk=tag.pk).exists() for q in page.object_list)

    by_severity = client.get(reverse("questions:editor-queue")).context["page"].object_list
    assert by_severity[0].top_rank == 0
    by_count = client.get(reverse("questions:editor-queue"), {"sort": "count"}).context["page"]
    counts = [q.open_count for q in by_count.object_list]
    assert counts == sorted(counts, reverse=True)
    by_age = client.get(reverse("questions:editor-queue"), {"sort": "age"}).context["page"]
    ages = [q.oldest for q in by_age.object_list]
    assert ages == sorted(ages)


@pytest.mark.parametrize(
    "name", ["editor-queue", "drafts", "editor-candidates", "editor-freshness"]
)
def test_editor_pages_admit_editors_and_refuse_learners(client, editor, learner, name):
    url = reverse(f"questions:{name}")
    assert client.get(url)["Location"].startswith(reverse("login"))
    client.force_login(learner)
    assert client.get(url).status_code == 403
    client.force_login(editor)
    assert client.get(url).status_code == 200


def test_decline_with_reason_is_shown_to_the_reporter(client, editor, learner, mqa):
    client.force_login(learner)
    _report(client, mqa, reason="typo", comment="第三行有错别字")
    flag = EditorialFlag.objects.get(reporter=learner)
    url = reverse("questions:flag-decline", args=[flag.pk])

    assert client.post(url, {"reason": "不是错别字"}).status_code == 403  # learner
    client.force_login(editor)
    client.post(url, {"reason": ""})
    flag.refresh_from_db()
    assert flag.status == "open", "a decline needs a reason"
    client.post(url, {"reason": "这是术语的正确写法"})
    flag.refresh_from_db()
    assert (flag.status, flag.handled_by) == ("declined", editor)

    client.force_login(learner)
    html = client.get(reverse("questions:my-reports")).content.decode()
    assert "这是术语的正确写法" in html
    assert Notification.objects.filter(user=learner, kind="flag_declined").exists()
    assert AuditEntry.objects.filter(action="flag_declined", actor=editor).exists()


def test_marking_for_revision_shows_the_notice_to_readers(client, editor, learner):
    question = QuestionFactory()
    client.force_login(learner)
    _report(client, question, reason="outdated", comment="这个模型早已更新")
    flag = EditorialFlag.objects.get(reporter=learner)
    assert 'class="notice revision"' not in client.get(question.get_absolute_url()).content.decode()

    url = reverse("questions:flag-needs-revision", args=[flag.pk])
    assert client.post(url).status_code == 403
    client.force_login(editor)
    client.post(url)
    question.refresh_from_db()
    assert question.status == "needs_revision"
    html = client.get(question.get_absolute_url()).content.decode()
    assert 'class="notice revision"' in html
    assert "这个模型早已更新" in html


def test_declining_the_last_high_flag_lifts_the_notice(editor):
    question = QuestionFactory(status="needs_revision")
    flag = FlagFactory(question=question, severity="high")
    flags.decline_flag(flag_id=flag.pk, editor=editor, reason="复核后答案正确")
    question.refresh_from_db()
    assert question.status == "published"
    with pytest.raises(editorial.EditorialError):
        flags.decline_flag(flag_id=flag.pk, editor=editor, reason="again")


# --- drafts, review, publishing ----------------------------------------------------------


def test_full_revision_cycle(client, learner, editor, reviewer, mqa):
    client.force_login(learner)
    _report(client, mqa)
    learner_flag = EditorialFlag.objects.get(reporter=learner)
    finding = mqa.flags.get(severity="high")
    mqa.refresh_from_db()  # the report gave it a new version (its page lists the flag)
    old_live = mqa.live_revision
    old_version = mqa.version

    client.force_login(editor)
    draft = _draft_for(client, mqa)
    page = client.get(draft.get_absolute_url())
    assert page.status_code == 200
    assert escape(mqa.title) in page.content.decode()
    assert _save(client, draft, draft.version).status_code == 302
    draft.refresh_from_db()
    assert draft.body_markdown == CORRECT
    assert _submit(client, draft, resolves=[learner_flag.pk, finding.pk]).status_code == 302
    draft.refresh_from_db()
    assert draft.state == "submitted"

    # The author cannot approve their own draft, even holding the reviewer role.
    editor.groups.add(*reviewer.groups.all())
    assert client.post(reverse("questions:draft-approve", args=[draft.pk])).status_code == 403
    # A learner cannot either.
    client.force_login(learner)
    assert client.post(reverse("questions:draft-approve", args=[draft.pk])).status_code == 403

    client.force_login(reviewer)
    url = reverse("questions:draft-request-changes", args=[draft.pk])
    client.post(url, {"comment": "请补充 GQA 的分组数"})
    draft.refresh_from_db()
    assert (draft.state, draft.review_comment) == ("changes_requested", "请补充 GQA 的分组数")

    client.force_login(editor)
    html = client.get(draft.get_absolute_url()).content.decode()
    assert "请补充 GQA 的分组数" in html
    body = CORRECT + "\n\n分组数介于 1（即 MQA）与查询头数（即 MHA）之间。"
    _save(client, draft, draft.version, body=body)
    _submit(client, draft, resolves=[learner_flag.pk, finding.pk])

    client.force_login(reviewer)
    response = client.post(reverse("questions:draft-approve", args=[draft.pk]))
    assert response.status_code == 302

    mqa.refresh_from_db()
    live = mqa.live_revision
    assert live.pk != old_live.pk
    assert (live.origin, live.author, live.reviewer) == ("editor", editor, reviewer)
    assert live.summary == "更正 MQA 与 GQA 的定义"
    assert live.published_at is not None
    assert live.number == old_live.number + 1
    assert mqa.body_markdown == body
    assert "所有查询头共享同一个键/值头" in mqa.body_html
    assert mqa.version == old_version + 1
    assert mqa.last_reviewed_at == live.published_at
    assert mqa.status == "published"
    # The older version is kept as it was.
    old_live.refresh_from_db()
    assert old_live.body_markdown != body
    for flag in (learner_flag, finding):
        flag.refresh_from_db()
        assert (flag.status, flag.resolved_in) == ("resolved", live)
    # Re-indexed: the new words are found.
    assert mqa in search_questions(Question.objects.all(), "分组数")
    # The learner who reported it is told.
    notice = Notification.objects.get(user=learner, kind="updated")
    assert notice.revision == live
    actions = set(AuditEntry.objects.filter(question=mqa).values_list("action", flat=True))
    assert {"draft_started", "draft_submitted", "changes_requested", "published"} <= actions


def test_publishing_keeps_the_notice_while_another_high_flag_is_open(editor, reviewer):
    question = QuestionFactory(status="needs_revision")
    resolved = FlagFactory(question=question, severity="high")
    FlagFactory(question=question, severity="high")
    draft = drafts.start_draft(question=question, editor=editor)
    drafts.submit_draft(
        draft_id=draft.pk,
        editor=editor,
        seen_version=draft.version,
        summary="s",
        resolves=[resolved.pk],
    )
    revisions.publish_revision(draft_id=draft.pk, reviewer=reviewer)
    question.refresh_from_db()
    assert question.status == "needs_revision"


def test_updated_notice_for_learners_with_an_unread_notification(client, learner, editor, reviewer):
    question = QuestionFactory()
    FlagFactory(question=question, reporter=learner)
    other = UserFactory()
    draft = drafts.start_draft(question=question, editor=editor)
    drafts.save_draft(
        draft_id=draft.pk,
        editor=editor,
        seen_version=draft.version,
        title=question.title,
        body_markdown="新答案",
        tag_slugs=[],
        difficulty="easy",
    )
    drafts.submit_draft(
        draft_id=draft.pk,
        editor=editor,
        seen_version=draft.version + 1,
        summary="重写答案",
        resolves=[],
    )
    with time_machine.travel("2026-03-04 10:00 +0000", tick=False):
        revisions.publish_revision(draft_id=draft.pk, reviewer=reviewer)

    client.force_login(other)
    assert 'class="notice updated"' not in client.get(question.get_absolute_url()).content.decode()
    client.force_login(learner)
    html = client.get(question.get_absolute_url()).content.decode()
    assert 'class="notice updated"' in html
    assert "2026-03-04" in html
    assert "重写答案" in html
    notice = Notification.objects.get(user=learner, kind="updated")
    client.post(reverse("questions:dismiss-notification", args=[notice.pk]))
    assert 'class="notice updated"' not in client.get(question.get_absolute_url()).content.decode()
    # Someone else's notification is a 404.
    client.force_login(other)
    assert (
        client.post(reverse("questions:dismiss-notification", args=[notice.pk])).status_code == 404
    )


def test_stale_save_is_refused_and_nothing_is_lost(client, editor, editor2, mqa):
    client.force_login(editor)
    draft = _draft_for(client, mqa)
    seen = draft.version  # both editors opened the draft at this version

    assert _save(client, draft, seen, body="甲的版本").status_code == 302
    client.force_login(editor2)
    response = _save(client, draft, seen, body="乙的版本：完全不同")
    assert response.status_code == 409
    html = response.content.decode()
    assert "乙的版本：完全不同" in html, "the second editor's text is kept in the form"
    assert 'class="conflict' in html
    assert "<del>甲</del>" in html or "甲" in html
    draft.refresh_from_db()
    assert draft.body_markdown == "甲的版本", "the first save is not overwritten"
    assert response.context["values"]["version"] == draft.version

    # Saving again after seeing the difference replaces it deliberately.
    assert _save(client, draft, draft.version, body="乙的版本：完全不同").status_code == 302
    draft.refresh_from_db()
    assert (draft.body_markdown, draft.edited_by) == ("乙的版本：完全不同", editor2)


def test_bad_draft_input_is_refused_with_text_kept(client, editor, mqa):
    client.force_login(editor)
    draft = _draft_for(client, mqa)
    response = _save(client, draft, draft.version, body="保留我的文字", tags=["no-such-tag"])
    assert response.status_code == 400
    assert "保留我的文字" in response.content.decode()
    assert "no-such-tag" in response.content.decode()
    response = _save(client, draft, draft.version, body="保留我的文字", title=" ")
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.body_markdown == mqa.body_markdown


def test_preview_is_sanitised_like_the_reader_page_and_has_a_chinese_diff(client, editor, mqa):
    client.force_login(editor)
    draft = _draft_for(client, mqa)
    url = reverse("questions:draft-preview", args=[draft.pk])
    body = mqa.body_markdown.replace("Multi", "多", 1) + "\n\n<script>alert(1)</script>**粗体**"
    response = client.post(
        url, {"title": mqa.title, "body_markdown": body}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "<html" not in html
    assert "<script>alert(1)</script>" not in html
    assert "<strong>粗体</strong>" in html
    assert render_answer(body) in html
    assert "<ins>多</ins>" in html
    assert RevisionDraft.objects.get(pk=draft.pk).body_markdown == mqa.body_markdown


def test_preview_and_save_refused_for_learners(client, learner, editor, mqa):
    draft = drafts.start_draft(question=mqa, editor=editor)
    client.force_login(learner)
    assert client.get(draft.get_absolute_url()).status_code == 403
    assert client.post(reverse("questions:draft-preview", args=[draft.pk])).status_code == 403
    assert _save(client, draft, draft.version, body="x").status_code == 403
    assert client.post(reverse("questions:start-draft", args=[mqa.pk])).status_code == 403


def test_only_one_active_draft_per_question(editor, editor2, mqa):
    first = drafts.start_draft(question=mqa, editor=editor)
    assert drafts.start_draft(question=mqa, editor=editor2) == first


# --- history and rollback ----------------------------------------------------------------


def test_history_compares_two_versions_and_rollback_grows_history(
    client, editor, reviewer, learner, mqa
):
    original = mqa.live_revision
    second = publish(mqa, editor, reviewer, CORRECT, summary="第二版")
    url = reverse("questions:history", args=[mqa.pk])

    html = client.get(url, {"a": original.number, "b": second.number}).content.decode()
    assert "第二版" in html
    assert 'class="diff"' in html
    assert "<ins>" in html

    rollback = reverse("questions:rollback", args=[mqa.pk])
    client.force_login(learner)
    assert client.post(rollback, {"number": original.number}).status_code == 403
    client.force_login(reviewer)
    client.post(rollback, {"number": original.number})
    mqa.refresh_from_db()
    live = mqa.live_revision
    assert live.number == second.number + 1
    assert live.body_markdown == original.body_markdown
    assert mqa.body_markdown == original.body_markdown
    assert QuestionRevision.objects.filter(question=mqa).count() == original.number + 2
    assert str(original.number) in live.summary


def test_a_draft_started_before_a_rollback_cannot_be_published(editor, reviewer, mqa):
    original = mqa.live_revision
    publish(mqa, editor, reviewer, CORRECT)
    draft = drafts.start_draft(question=mqa, editor=editor)
    drafts.submit_draft(
        draft_id=draft.pk, editor=editor, seen_version=draft.version, summary="s", resolves=[]
    )
    revisions.rollback_question(question=mqa, to_number=original.number, reviewer=reviewer)
    with pytest.raises(editorial.EditorialError):
        revisions.publish_revision(draft_id=draft.pk, reviewer=reviewer)
    draft.refresh_from_db()
    assert draft.state == "submitted", "the refused publish wrote nothing"


def test_reimport_after_publishing_keeps_the_editors_version(editor, reviewer, mqa):
    open_flags = list(mqa.flags.open().values_list("pk", flat=True))
    revision = publish(mqa, editor, reviewer, CORRECT, resolves=open_flags)
    mqa.refresh_from_db()
    assert mqa.status == "published"
    report = pipeline.import_bank(fixtures_dir=FIXTURES_DIR)
    assert report.created == 0
    mqa.refresh_from_db()
    assert mqa.live_revision == revision
    assert mqa.body_markdown == CORRECT
    assert mqa.status == "published", "resolved findings are not reopened"


# --- duplicates --------------------------------------------------------------------------


def test_merge_moves_flags_and_redirects(client, editor, learner):
    kept, duplicate = QuestionFactory(), QuestionFactory()
    flag = FlagFactory(question=duplicate, severity="high")
    url = reverse("questions:merge", args=[duplicate.pk])
    client.force_login(learner)
    assert client.post(url, {"kept": kept.pk}).status_code == 403
    client.force_login(editor)
    client.post(url, {"kept": kept.pk})
    duplicate.refresh_from_db()
    kept.refresh_from_db()
    flag.refresh_from_db()
    assert duplicate.duplicate_of == kept
    assert flag.question == kept
    assert kept.status == "needs_revision"
    response = client.get(duplicate.get_absolute_url())
    assert (response.status_code, response["Location"]) == (301, kept.get_absolute_url())
    with pytest.raises(editorial.EditorialError):
        merging.merge_question(duplicate=kept, kept=duplicate, editor=editor)


def test_candidates_are_listed_then_merged_or_dismissed(client, editor, learner):
    assert DuplicateCandidate.objects.filter(status="open").exists()
    url = reverse("questions:editor-candidates")
    client.force_login(editor)
    page = client.get(url).context["page"]
    first, second = page.object_list[0], page.object_list[1]

    client.post(
        reverse("questions:candidate-decide", args=[first.pk]),
        {"decision": "merge", "keep": first.other_id},
    )
    first.refresh_from_db()
    assert first.status == "confirmed"
    assert Question.objects.get(pk=first.question_id).duplicate_of_id == first.other_id

    client.post(reverse("questions:candidate-decide", args=[second.pk]), {"decision": "dismiss"})
    second.refresh_from_db()
    if second.status == "open":  # it involved the merged question and so left the list
        assert first.question_id in (second.question_id, second.other_id)
    else:
        assert second.status == "dismissed"
    assert first not in client.get(url).context["page"].object_list

    client.force_login(learner)
    assert (
        client.post(
            reverse("questions:candidate-decide", args=[second.pk]), {"decision": "dismiss"}
        ).status_code
        == 403
    )


# --- freshness and audit -----------------------------------------------------------------


def test_freshness_lists_fast_moving_topics_first_and_follows_reviews(editor, reviewer):
    questions = list(Question.objects.visible().stale())
    fast = [q.fast_moving for q in questions]
    assert any(fast)
    assert fast == sorted(fast, reverse=True)
    target = next(q for q in questions if q.fast_moving)
    with time_machine.travel(timezone.now(), tick=False):
        publish(target, editor, reviewer, "新的答案")
        assert target not in Question.objects.visible().stale()
    later = timezone.now() + STALE_AFTER + timedelta(days=1)
    assert target in Question.objects.visible().stale(now=later)


def test_question_page_shows_when_it_was_last_reviewed(client, editor, reviewer):
    question = QuestionFactory()
    assert (
        "has not been reviewed"
        in client.get(
            question.get_absolute_url(), headers={"Accept-Language": "en"}
        ).content.decode()
        or "尚未" in client.get(question.get_absolute_url()).content.decode()
    )
    with time_machine.travel("2026-02-01 08:00 +0000", tick=False):
        publish(question, editor, reviewer, "答案")
    assert "2026-02-01" in client.get(question.get_absolute_url()).content.decode()


def test_audit_log_is_for_staff(client, editor, staff, mqa):
    drafts.start_draft(question=mqa, editor=editor)
    url = reverse("questions:editor-audit")
    assert client.get(url)["Location"].startswith(reverse("login"))
    client.force_login(editor)
    assert client.get(url).status_code == 403
    client.force_login(staff)
    html = client.get(url).content.decode()
    assert editor.email in html
    assert mqa.title in html


# --- query counts ------------------------------------------------------------------------


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _isolate_flags():
    """Resolve the imported findings so the queue holds only the test's rows."""
    EditorialFlag.objects.update(status="resolved")


def test_queue_query_count_does_not_grow(client, editor, learner):
    _isolate_flags()
    client.force_login(editor)
    url = reverse("questions:editor-queue")
    FlagFactory(reporter=learner).question.tags.add(TagFactory())
    client.get(url)  # the editor's user row is then kept (interviewprep.backends)
    one = _count(client, url)
    for _ in range(49):
        question = FlagFactory(reporter=learner).question
        question.tags.add(TagFactory())
        FlagFactory(question=question)
    assert client.get(url).context["page"].paginator.count == 50
    assert _count(client, url) == one
    assert _count(client, url + "?sort=age&page=3") == one


def test_history_query_count_does_not_grow(client, editor, reviewer):
    question = QuestionFactory()
    publish(question, editor, reviewer, "v1")
    url = reverse("questions:history", args=[question.pk])
    one = _count(client, url)
    for n in range(49):
        publish(question, editor, reviewer, f"v{n}")
    assert QuestionRevision.objects.filter(question=question).count() == 50
    assert _count(client, url) == one


def test_candidates_drafts_freshness_reports_audit_query_counts(client, editor, staff, learner):
    DuplicateCandidate.objects.all().delete()
    client.force_login(staff)
    client.get(reverse("profile"))  # the user is kept from here on (interviewprep.backends)
    urls = [
        reverse("questions:editor-candidates"),
        reverse("questions:drafts"),
        reverse("questions:editor-freshness"),
        reverse("questions:editor-audit"),
        reverse("questions:my-reports"),
    ]

    def add_rows(n: int) -> None:
        for _ in range(n):
            a, b = sorted([QuestionFactory(), QuestionFactory()], key=lambda q: q.pk)
            DuplicateCandidate.objects.create(question=a, other=b, similarity=0.8)
            drafts.start_draft(question=a, editor=editor)
            FlagFactory(question=b, reporter=staff)

    add_rows(1)
    one = [_count(client, url) for url in urls]
    add_rows(49)
    assert [_count(client, url) for url in urls] == one
