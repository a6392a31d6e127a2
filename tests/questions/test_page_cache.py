"""The question page's public part is cached (questions/pages.py, keys in interviewprep/cache.py)
under the question's version: a second visit reads the version and the reader's own state, and
every kind of write shows on the page at once."""

import re
from types import SimpleNamespace

import pytest
from django.contrib.messages import INFO
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache as django_cache
from django.core.cache import caches as django_caches
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from interviewprep import cache
from questions import pages
from questions.editorial import flags, merging, notifications, revisions
from questions.models import EditorialFlag, Notification, Question, SeriesLink
from quizzes.models import Note
from quizzes.services import add_bookmark
from tests.factories import (
    FlagFactory,
    QuestionFactory,
    SourceFactory,
    TagFactory,
    UserFactory,
    sign_in_to_admin,
)
from tests.questions.revisions import publish

pytestmark = pytest.mark.django_db


def page(client, question: Question) -> str:
    response = client.get(question.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def row(client, tag) -> str:
    """The list's row of the one question tagged ``tag``: rows are kept under the same
    versions as pages, so every write that shows on the page shows in the list too."""
    rows = client.get(reverse("questions:list"), {"tag": tag.slug}).context["rows"]
    assert len(rows) == 1
    return rows[0][0]


def tables_read(client, question: Question) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        page(client, question)
    return [
        query["sql"].split(" FROM ", 1)[1].split()[0].strip('"') for query in ctx.captured_queries
    ]


def reads_the_answer(client, question: Question) -> bool:
    """Whether showing ``question``'s page read its answer: the page was rendered again."""
    with CaptureQueriesContext(connection) as ctx:
        page(client, question)
    return any("body_html" in query["sql"] for query in ctx.captured_queries)


def test_a_second_visit_reads_the_version_and_the_readers_own_state(client, learner):
    question = QuestionFactory()
    question.tags.add(TagFactory())
    SourceFactory(question=question)
    FlagFactory(question=question)
    assert reads_the_answer(client, question)
    # Anonymous: the question's version, nothing of the reader.
    assert tables_read(client, question) == ["questions_question"]

    client.force_login(learner)
    read = tables_read(client, question)
    # Their session, their user row with their roles (interviewprep.backends), the version,
    # and one query for their note, bookmark, practice and whether they have "answer
    # updated" notices (read only when they have some).
    expected = ["django_session", "interviewprep_user", "questions_question", "quizzes_bookmark"]
    assert sorted(read) == expected
    # The user is kept from then on, until they change. (The tests keep sessions in the
    # database; production reads them from Redis.)
    expected.remove("interviewprep_user")
    assert sorted(tables_read(client, question)) == expected


def test_the_public_page_is_read_in_one_cache_read_without_the_readers_state(
    client, learner, monkeypatch
):
    question = QuestionFactory()
    client.force_login(learner)
    page(client, question)  # renders and keeps the page
    backend = type(django_caches["default"])
    reads: list[list[str]] = []
    depth = [0]  # the local-memory backend's get_many calls its get: count the outer call

    def counted(real, keys, self, *args, **kwargs):
        if not depth[0]:
            reads.append(keys)
        depth[0] += 1
        try:
            return real(self, *args, **kwargs)
        finally:
            depth[0] -= 1

    def get_many(self, keys, *args, **kwargs):
        return counted(real_get_many, list(keys), self, keys, *args, **kwargs)

    def get(self, key, *args, **kwargs):
        return counted(real_get, [key], self, key, *args, **kwargs)

    real_get_many, real_get = backend.get_many, backend.get
    monkeypatch.setattr(backend, "get_many", get_many)
    monkeypatch.setattr(backend, "get", get)
    assert "note-text" in page(client, question)  # quizzes' block is on the page
    about_the_page = [keys for keys in reads if any(f":{question.pk}" in key for key in keys)]
    # The page does not depend on practice: no key of the learner's is read with it.
    # The whole page kept for learners, its holes filled with this one's own parts.
    kept = cache.whole_page_key(question.pk, "zh-hans", pages.LEARNER)
    assert about_the_page == [[cache.GENERATION_KEY, kept]]


def test_each_language_has_its_own_copy(client):
    question = QuestionFactory(difficulty="hard")
    assert "困难" in page(client, question)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = page(client, question)
    assert "Hard" in html
    assert "困难" not in html


def test_the_page_shows_reports_and_their_triage_at_once(client, learner, editor):
    question = QuestionFactory()
    tag = TagFactory()
    question.tags.add(tag)
    page(client, question)
    assert "badge revision" not in row(client, tag)
    flags.report_problem(
        question=question, reporter=learner, reason="outdated", comment="数字过时了"
    )
    assert "数字过时了" in page(client, question)

    flag = EditorialFlag.objects.get(question=question, reporter=learner)
    flags.mark_needs_revision(flag_id=flag.pk, editor=editor)
    assert 'class="notice revision"' in page(client, question)
    assert "badge revision" in row(client, tag)


def test_the_page_shows_publishing_rolling_back_and_merging_at_once(client, editor, reviewer, mqa):
    question = mqa
    assert "改正后的答案" not in page(client, question)
    publish(question, editor, reviewer, "改正后的答案")
    assert "改正后的答案" in page(client, question)

    revisions.rollback_question(question=question, to_number=1, reviewer=reviewer)
    assert "改正后的答案" not in page(client, question)

    kept = QuestionFactory()
    merging.merge_question(duplicate=question, kept=kept, editor=editor)
    response = client.get(question.get_absolute_url())
    assert response.status_code == 301
    assert response["Location"] == kept.get_absolute_url()


def test_the_page_shows_declining_a_flag_at_once(client, editor):
    question = QuestionFactory(status="needs_revision")
    tag = TagFactory()
    question.tags.add(tag)
    flag = FlagFactory(question=question, severity="high", problem="答案有误")
    assert 'class="notice revision"' in page(client, question)
    assert "badge revision" in row(client, tag)
    flags.decline_flag(flag_id=flag.pk, editor=editor, reason="答案没有问题")
    assert 'class="notice revision"' not in page(client, question)
    assert "badge revision" not in row(client, tag)
    assert "答案有误" not in page(client, question)


def test_the_page_shows_changes_made_in_the_admin_at_once(
    client, django_capture_on_commit_callbacks
):
    question = QuestionFactory(difficulty="easy")
    tag = TagFactory(name_zh="旧标签名")
    question.tags.add(tag)
    flag = FlagFactory(question=question, problem="管理员会删掉的问题")
    html = page(client, question)
    assert "旧标签名" in html
    assert "管理员会删掉的问题" in html
    assert "简单" in row(client, tag)

    sign_in_to_admin(client, UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:questions_question_change", args=[question.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(difficulty="hard", **{"sources-TOTAL_FORMS": 0, "sources-INITIAL_FORMS": 0})
    assert client.post(url, data).status_code == 302
    assert "困难" in page(client, question)
    assert "困难" in row(client, tag)

    tag_url = reverse("admin:questions_tag_change", args=[tag.pk])
    tag_form = client.get(tag_url).context["adminform"].form
    tag_data = {name: tag_form[name].value() for name in tag_form.fields}
    tag_data.update(name_zh="新标签名")
    # The bank's generation is replaced once the rename commits.
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(tag_url, tag_data).status_code == 302
    # (The admin's "changed successfully" message names the tag too: look in the article.)
    assert "新标签名" in page(client, question).split("<article", 1)[1]
    assert "新标签名" in row(client, tag)

    delete = reverse("admin:questions_editorialflag_delete", args=[flag.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert "管理员会删掉的问题" not in page(client, question).split("<article", 1)[1]


def test_a_page_rendered_before_a_write_commits_is_not_read_after_it(client, editor):
    question = QuestionFactory()
    flag = FlagFactory(question=question, problem="请核对")
    page(client, question)
    before = pages.question_page(question.pk)
    key = cache.question_page_key(question.pk, "zh-hans")
    stale = django_cache.get(key)
    flags.mark_needs_revision(flag_id=flag.pk, editor=editor)
    # Another request read the question before this write committed and stores what it
    # rendered after it: under the version it read, which the write replaced.
    django_cache.set(key, stale)
    assert pages.question_page(question.pk) != before
    assert 'class="notice revision"' in page(client, question)


def test_a_new_version_leaves_the_other_questions_cached(client):
    first, second = QuestionFactory(), QuestionFactory()
    page(client, first)
    page(client, second)
    Question.objects.filter(pk=first.pk).update(title="只改了第一题")
    assert "只改了第一题" not in page(client, first)  # a write without a new version
    Question.objects.filter(pk=first.pk).bump_version()
    assert "只改了第一题" in page(client, first)
    assert tables_read(client, second) == ["questions_question"]


def test_what_one_reader_sees_of_their_own_is_not_cached_for_the_next(client, editor, learner):
    question = QuestionFactory()
    client.force_login(editor)
    client.post(reverse("practice:note", args=[question.pk]), {"text": "编辑自己的笔记"})
    html = page(client, question)
    assert "编辑自己的笔记" in html
    assert reverse("questions:start-draft", args=[question.pk]) in html

    client.force_login(learner)
    html = page(client, question)
    assert "编辑自己的笔记" not in html
    assert reverse("questions:start-draft", args=[question.pk]) not in html


def test_the_readers_own_writes_show_on_the_page_at_once(client, learner):
    """Each of the learner's writes, through the pages and the API, shows on the next view
    (their state is read per request, not kept with the page)."""
    question = Question.objects.practicable().order_by("id").first()
    client.force_login(learner)
    bookmark = reverse("practice:bookmark", args=[question.pk])
    note = reverse("practice:note", args=[question.pk])
    assert 'aria-pressed="false"' in page(client, question)

    client.post(bookmark, {"action": "add"})
    assert 'aria-pressed="true"' in page(client, question)
    client.post(bookmark, {"action": "remove"})
    assert 'aria-pressed="false"' in page(client, question)
    client.post(reverse("practice-api:bookmark-list"), {"question": question.pk})
    assert 'aria-pressed="true"' in page(client, question)

    client.post(note, {"text": "缓存之后写的笔记"})
    assert "缓存之后写的笔记</textarea>" in page(client, question)
    client.put(
        reverse("practice-api:note", args=[question.pk]),
        {"text": "从 API 改的笔记"},
        content_type="application/json",
    )
    assert "从 API 改的笔记</textarea>" in page(client, question)
    client.post(note, {"text": ""})
    assert "从 API 改的笔记" not in page(client, question)

    assert "已在练习中" not in page(client, question)
    client.post(
        reverse("practice:review"), {"question": question.pk, "rating": 3, "expected_reps": 0}
    )
    assert "已在练习中" in page(client, question)


def test_a_published_revision_and_its_dismissal_show_to_the_learner_at_once(
    client, learner, editor, reviewer, monkeypatch, django_capture_on_commit_callbacks
):
    question = Question.objects.practicable().order_by("id").first()
    client.force_login(learner)
    client.post(
        reverse("practice:review"), {"question": question.pk, "rating": 3, "expected_reps": 0}
    )
    assert 'class="notice updated"' not in page(client, question)
    # In production a worker tells the learners after the publication commits.
    queued = []
    worker = SimpleNamespace(enqueue=lambda **kwargs: queued.append(kwargs))
    monkeypatch.setattr(revisions, "notify_learners_of_update", worker)
    with django_capture_on_commit_callbacks(execute=True):
        publish(question, editor, reviewer, "改正后的答案", summary="改正了")
    assert "改正后的答案" in page(client, question)
    assert 'class="notice updated"' not in page(client, question)
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.notify_update(**queued[0]) == 1
    notice = Notification.objects.get(user=learner, question=question)
    assert 'class="notice updated"' in page(client, question)

    client.post(reverse("questions:dismiss-notification", args=[notice.pk]))
    assert 'class="notice updated"' not in page(client, question)


def test_the_admins_changes_to_a_learners_things_show_on_their_page_at_once(client, learner):
    question = Question.objects.practicable().order_by("id").first()
    note = Note.objects.create(user=learner, question=question, text="原来的笔记")
    client.force_login(learner)
    assert "原来的笔记</textarea>" in page(client, question)
    staff = sign_in_to_admin(Client(), UserFactory(is_staff=True, is_superuser=True))

    url = reverse("admin:quizzes_note_change", args=[note.pk])
    data = {"user": learner.pk, "question": question.pk, "text": "管理员改过的笔记"}
    data |= {"updated_at_0": "2026-12-06", "updated_at_1": "10:00:00"}
    assert staff.post(url, data).status_code == 302
    assert "管理员改过的笔记</textarea>" in page(client, question)

    bookmark, _created = add_bookmark(user=learner, question=question)
    assert 'aria-pressed="true"' in page(client, question)
    delete = reverse("admin:quizzes_bookmark_delete", args=[bookmark.pk])
    assert staff.post(delete, {"post": "yes"}).status_code == 302
    assert 'aria-pressed="false"' in page(client, question)


def csrf_token_of(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match is not None
    return match.group(1)


def test_readers_without_a_session_share_one_rendering_with_their_own_csrf_tokens():
    """The whole page of a reader without a session is rendered once (questions.pages
    whole_page); each reader gets their own CSRF token in it, and it works."""
    question = QuestionFactory()
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    rendered = first.get(question.get_absolute_url())
    assert rendered.templates  # rendered, then kept
    kept = second.get(question.get_absolute_url())
    assert kept.templates == []  # nothing rendered: the kept page
    html = kept.content.decode()
    assert question.title in html
    assert pages.CSRF_PLACEHOLDER not in html
    # The page's forms and htmx header carry this reader's token, not the first reader's.
    token = csrf_token_of(html)
    assert token != csrf_token_of(rendered.content.decode())
    assert f'"X-CSRFToken": "{token}"' in html
    switched = second.post(
        reverse("set_language"),
        {"language": "en", "next": question.get_absolute_url(), "csrfmiddlewaretoken": token},
    )
    assert switched.status_code == 302
    # The kept page is in the reader's language.
    english = second.get(question.get_absolute_url()).content.decode()
    assert 'lang="en"' in english
    assert "Log in" in english


def test_a_reader_with_messages_or_a_query_string_gets_the_page_rendered(client):
    question = QuestionFactory()
    page(client, question)  # kept whole for readers without a session
    with_query = client.get(question.get_absolute_url(), {"from": "list"})
    assert with_query.templates
    assert "from%3Dlist" in with_query.content.decode()  # the sign-in link comes back here
    storage = CookieStorage(RequestFactory().get("/"))
    client.cookies[CookieStorage.cookie_name] = storage._encode([Message(INFO, "你已退出登录。")])
    assert "你已退出登录。" in page(client, question)
    # The message was this reader's alone.
    assert "你已退出登录。" not in page(Client(), question)


def test_a_signed_in_reader_never_gets_the_page_kept_for_readers_without_a_session(client, learner):
    question = QuestionFactory()
    page(Client(), question)  # kept whole
    client.force_login(learner)
    response = client.get(question.get_absolute_url())
    assert response.templates
    html = response.content.decode()
    assert "note-text" in html  # their own note box, not the invitation to sign in
    assert 'data-testid="sign-in-to-bookmark"' not in html


def test_the_whole_page_follows_every_new_version(client):
    question = QuestionFactory(title="多查询注意力 v1")
    assert "多查询注意力 v1" in page(client, question)
    assert "多查询注意力 v1" in page(Client(), question)  # kept whole
    Question.objects.filter(pk=question.pk).bump_version(title="多查询注意力 v2")
    html = page(Client(), question)
    assert "多查询注意力 v2" in html
    assert "多查询注意力 v1" not in html


def test_signed_in_readers_share_one_rendering_with_their_own_parts_filled_in():
    """A learner's page is the one kept for learners with its holes filled for them
    (interviewprep/templatetags/holes.py): their name, their note, nobody else's."""
    question = QuestionFactory()
    # A name with a space: a CSRF token (letters and digits) in the page could hold "Ada".
    ada = UserFactory(display_name="Ada Lovelace", time_zone="Asia/Shanghai")
    bo = UserFactory(display_name="Bo", time_zone="Asia/Shanghai")
    Note.objects.create(user=ada, question=question, text="Ada 的私人笔记")
    first, second = Client(), Client()
    first.force_login(ada)
    second.force_login(bo)
    rendered = first.get(question.get_absolute_url())
    assert "questions/detail.html" in [t.name for t in rendered.templates]
    kept = second.get(question.get_absolute_url())
    assert "questions/detail.html" not in [t.name for t in kept.templates]
    html = kept.content.decode()
    assert question.title in html
    assert ">Bo</a>" in html
    assert "Ada Lovelace" not in html
    assert "Ada 的私人笔记" not in html
    assert "\x00" not in html  # no hole nor placeholder left
    assert 'id="note-text"' in html  # Bo's own (empty) note box
    # Bo's page works: their token is in its forms.
    token = csrf_token_of(html)
    note = second.post(
        reverse("practice:note", args=[question.pk]),
        {"text": "Bo 的笔记", "csrfmiddlewaretoken": token},
        HTTP_REFERER=question.get_absolute_url(),
    )
    assert note.status_code in {200, 302}
    assert "Bo 的笔记" in page(second, question)
    assert "Ada 的私人笔记" in page(first, question)


def test_editors_get_the_page_kept_for_editors(client, editor, learner):
    question = QuestionFactory()
    client.force_login(learner)
    page(client, question)  # kept for learners
    client.force_login(editor)
    html = page(client, question)
    assert reverse("questions:start-draft", args=[question.pk]) in html
    assert reverse("questions:editor-queue") in html  # the editors' navigation
    client.force_login(learner)
    html = page(client, question)
    assert reverse("questions:start-draft", args=[question.pk]) not in html
    assert reverse("questions:editor-queue") not in html


def test_a_signed_in_readers_messages_and_time_zone_are_their_own(client, learner):
    question = QuestionFactory()
    page(Client(), question)
    other = Client()
    other.force_login(UserFactory(time_zone="Asia/Shanghai"))
    page(other, question)  # kept for learners
    client.force_login(learner)  # no time zone yet: the page asks the browser for it
    storage = CookieStorage(RequestFactory().get("/"))
    client.cookies[CookieStorage.cookie_name] = storage._encode([Message(INFO, "笔记已保存。")])
    html = page(client, question)
    assert "笔记已保存。" in html
    assert "js/timezone" in html
    assert "笔记已保存。" not in page(client, question)  # shown once
    assert "js/timezone" not in page(other, question)


def test_a_release_with_other_templates_renders_the_page_again(client, monkeypatch):
    question = QuestionFactory()
    page(client, question)
    assert tables_read(client, question) == ["questions_question"]
    monkeypatch.setattr(pages, "rendering_fingerprint", lambda: "the next release")
    with CaptureQueriesContext(connection) as ctx:
        page(client, question)
    # Stale whatever its version: the page is read with its version, not after reading it.
    assert [("body_html" in query["sql"]) for query in ctx.captured_queries] == [True]
    assert not reads_the_answer(client, question)  # kept again


def test_the_fingerprint_changes_with_the_translations(settings, tmp_path):
    before = pages.rendering_fingerprint()
    pages.rendering_fingerprint.cache_clear()
    settings.LOCALE_PATHS = [tmp_path]
    try:
        assert pages.rendering_fingerprint() != before  # no catalogs there
    finally:
        pages.rendering_fingerprint.cache_clear()


def test_a_page_is_read_in_one_query_with_its_version_the_first_time(client, editor, reviewer):
    """Nothing kept, or kept under another generation of the bank: the page's data is read
    with its version in one query, and the related questions' ranking with their titles in
    one more, which the next page with the same tags does not repeat."""
    tag = TagFactory()
    question, other = QuestionFactory(), QuestionFactory()
    for each in (question, other):
        each.tags.add(tag)
        SourceFactory(question=each)
        FlagFactory(question=each)
    SeriesLink.objects.create(question=question, other=other)
    publish(question, editor, reviewer, "第二版的答案。")

    def queries(client, shown: Question) -> list[str]:
        with CaptureQueriesContext(connection) as ctx:
            page(client, shown)
        return [query["sql"] for query in ctx.captured_queries]

    first = queries(client, question)
    assert len(first) == 2
    assert "body_html" in first[0]
    assert "COUNT(" in first[1]
    assert len(queries(client, other)) == 1  # its tags' ranking is kept
    cache.flush_bank()
    assert len(queries(client, question)) == 2  # not the version first


def test_the_page_shows_its_relations_in_their_order(client, editor, reviewer):
    """What the page reads in one query (questions.pages) comes out as the ORM's relations
    did: tags by level then slug, sources by file and line with their match, open flags by
    severity then line (unplaced last), series members by id, the live revision's number."""
    basic, advanced = TagFactory(slug="z-basic", level=0), TagFactory(slug="a-advanced", level=2)
    # A series link is stored lower id first: ``before`` links to the question as its
    # ``question``, the question to the others as theirs.
    before = QuestionFactory()
    question = QuestionFactory()
    after, merged, unlinked = QuestionFactory(), QuestionFactory(), QuestionFactory()
    question.tags.add(advanced, basic)
    SourceFactory(question=question, file_name="b.txt", heading_line=5, start_line=5, end_line=9)
    SourceFactory(
        question=question,
        file_name="a.txt",
        heading_line=7,
        start_line=8,
        end_line=12,
        match="near",
    )
    FlagFactory(question=question, severity="low", problem="低：第一行", first_line=1)
    FlagFactory(question=question, severity="high", problem="高：未定位", first_line=None)
    FlagFactory(question=question, severity="high", problem="高：第九行", first_line=9)
    FlagFactory(question=question, severity="medium", problem="中：第三行", first_line=3)
    FlagFactory(question=question, severity="high", problem="已解决", status="resolved")
    SeriesLink.objects.create(question=before, other=question)
    SeriesLink.objects.create(question=question, other=after)
    SeriesLink.objects.create(question=question, other=merged)
    SeriesLink.objects.create(question=question, other=unlinked, active=False)
    Question.objects.filter(pk=merged.pk).update(duplicate_of=after)
    publish(question, editor, reviewer, "第二版的答案。")

    html = page(client, question).split("<article", 1)[1]

    def order(*texts: str) -> list[int]:
        return [html.index(text) for text in texts]

    assert order(basic.name_zh, advanced.name_zh) == sorted(order(basic.name_zh, advanced.name_zh))
    assert order("来自 a.txt，第 8-12 行", "近似重复", "来自 b.txt，第 5-9 行") == sorted(
        order("来自 a.txt，第 8-12 行", "近似重复", "来自 b.txt，第 5-9 行")
    )
    assert html.count("近似重复") == 1
    series = html[html.index('class="series"') :].split("</section>", 1)[0]
    members = [series.index(q.title) for q in (before, question, after)]
    assert members == sorted(members)
    assert merged.title not in series
    assert unlinked.title not in series
    live = Question.objects.get(pk=question.pk).live_revision
    published = timezone.localtime(live.created_at)
    assert f"第 {live.number} 版，发布于 {published:%Y-%m-%d}" in html

    # Open flags, as known issues of a published answer and as the reasons (the high ones)
    # of the notice of an answer under revision.
    for status in (Question.Status.PUBLISHED, Question.Status.NEEDS_REVISION):
        Question.objects.filter(pk=question.pk).bump_version(status=status)
        html = page(client, question).split("<article", 1)[1]
        shown = ["高：第九行", "高：未定位", "中：第三行", "低：第一行"]
        if status == Question.Status.NEEDS_REVISION:
            html = html[html.index('class="notice revision"') :].split("</div>", 1)[0]
            shown = shown[:2]
        else:
            html = html[html.index('class="known-issues"') :].split("</details>", 1)[0]
        assert order(*shown) == sorted(order(*shown))
        assert html.count("<li>") == len(shown)


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [("7:gen:print", 7), ("7:old:print", None), ("7:gen:other", None), ("x:gen:print", None)],
)
def test_a_stamp_tells_its_version_only_under_this_generation_and_fingerprint(stamp, expected):
    assert cache.stamp_version(stamp, {cache.GENERATION_KEY: "gen"}, "print") == expected
    assert cache.stamp_version(stamp, {}, "print") is None  # no generation: all are stale
