"""The editorial API: each endpoint, its transition and who may call it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from questions.editorial import drafts, revisions
from questions.models import EditorialFlag, Notification, RevisionDraft
from tests.factories import FlagFactory, QuestionFactory

pytestmark = pytest.mark.django_db

BODY = "MQA：所有查询头共享一个键/值头；GQA：每组查询头共享一个键/值头。"


def test_report_a_problem(client, learner, mqa):
    url = f"/api/questions/{mqa.pk}/flags/"
    payload = {"reason": "wrong", "comment": "MQA 与 GQA 说反了"}
    assert client.post(url, payload, content_type="application/json").status_code in {401, 403}
    client.force_login(learner)
    response = client.post(url, payload, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["status"] == "open"
    bad = client.post(url, {"reason": "wrong", "comment": "  "}, content_type="application/json")
    assert bad.status_code == 400
    assert EditorialFlag.objects.filter(reporter=learner).count() == 1


def test_flag_list_and_decline_are_for_editors(client, learner, editor, mqa):
    flag = FlagFactory(question=mqa, reporter=learner, reason="typo")
    url = "/api/editorial/flags/"
    decline = f"/api/editorial/flags/{flag.pk}/decline/"
    assert client.get(url).status_code in {401, 403}
    client.force_login(learner)
    assert client.get(url).status_code == 403
    assert (
        client.post(decline, {"reason": "no"}, content_type="application/json").status_code == 403
    )

    client.force_login(editor)
    data = client.get(url, {"reason": "typo"}).json()
    assert [item["id"] for item in data["results"]] == [flag.pk]
    tagged = client.get(url, {"tag": mqa.tags.first().slug}).json()
    assert flag.pk in [item["id"] for item in tagged["results"]]
    assert client.post(decline, {"reason": ""}, content_type="application/json").status_code == 400
    response = client.post(decline, {"reason": "写法正确"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["status"] == "declined"
    again = client.post(decline, {"reason": "写法正确"}, content_type="application/json")
    assert again.status_code == 400
    assert again.json() == {"detail": "该报告已被处理。", "code": "invalid"}


def test_draft_submit_review_and_publish(client, learner, editor, editor2, reviewer, mqa):
    FlagFactory(question=mqa, reporter=learner)
    create = f"/api/questions/{mqa.pk}/revisions/"
    payload = {"title": mqa.title, "body_markdown": BODY}
    client.force_login(learner)
    assert client.post(create, payload, content_type="application/json").status_code == 403

    client.force_login(editor)
    response = client.post(create, payload, content_type="application/json")
    assert response.status_code == 201
    draft = response.json()
    assert draft["body_markdown"] == BODY
    # A second create without the version it edited is a conflict, not an overwrite.
    client.force_login(editor2)
    response = client.post(
        create, {**payload, "body_markdown": "乙"}, content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json()["current"]["body_markdown"] == BODY
    stale = client.post(
        create,
        {**payload, "body_markdown": "乙", "version": draft["version"] - 1},
        content_type="application/json",
    )
    assert stale.status_code == 409
    assert stale.json()["code"] == "draft_changed"
    assert stale.json()["current"]["version"] == draft["version"]
    assert RevisionDraft.objects.get(pk=draft["id"]).body_markdown == BODY

    client.force_login(editor)
    flags = list(mqa.flags.open().values_list("pk", flat=True))
    submit = f"/api/revisions/{draft['id']}/submit/"
    response = client.post(
        submit,
        {"summary": "更正定义", "resolves": flags, "version": draft["version"]},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    version = response.json()["version"]

    approve = f"/api/revisions/{draft['id']}/approve/"
    changes = f"/api/revisions/{draft['id']}/request-changes/"
    assert client.post(approve).status_code == 403  # editor without the reviewer role
    client.force_login(learner)
    assert client.post(approve).status_code == 403
    client.force_login(reviewer)
    response = client.post(changes, {"comment": "补充分组数"}, content_type="application/json")
    assert response.json()["state"] == "changes_requested"

    client.force_login(editor)
    response = client.post(
        create, {**payload, "version": version + 1}, content_type="application/json"
    )
    assert response.status_code == 200
    response = client.post(
        submit,
        {"summary": "更正定义", "resolves": flags, "version": response.json()["version"]},
        content_type="application/json",
    )
    assert response.status_code == 200

    client.force_login(reviewer)
    response = client.post(approve)
    assert response.status_code == 200
    assert response.json()["author"] == editor.public_name  # never the email address
    assert response.json()["reviewer"] == reviewer.public_name
    mqa.refresh_from_db()
    assert (mqa.body_markdown, mqa.status) == (BODY, "published")
    assert Notification.objects.filter(user=learner, question=mqa, kind="updated").exists()
    assert client.post(approve).status_code == 400

    history = client.get(f"/api/questions/{mqa.pk}/history/").json()
    assert history["results"][0]["summary"] == "更正定义"
    assert history["results"][0]["number"] == mqa.live_revision.number


def test_author_cannot_approve_own_draft(client, reviewer, mqa):
    draft = drafts.start_draft(question=mqa, editor=reviewer)
    drafts.submit_draft(
        draft_id=draft.pk, editor=reviewer, seen_version=draft.version, summary="s", resolves=[]
    )
    client.force_login(reviewer)
    response = client.post(f"/api/revisions/{draft.pk}/approve/")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert response.json()["detail"] == "这份草稿由你发起：必须由另一位未编辑过它的审校人审查。"
    draft.refresh_from_db()
    assert draft.state == "submitted"


def test_history_is_public_and_schema_lists_the_endpoints(client, mqa):
    assert client.get(f"/api/questions/{mqa.pk}/history/").status_code == 200
    paths = client.get(
        "/api/schema/", headers={"Accept": "application/vnd.oai.openapi+json"}
    ).json()["paths"]
    assert {
        "/api/questions/{id}/flags/",
        "/api/questions/{id}/revisions/",
        "/api/questions/{id}/history/",
        "/api/editorial/flags/",
        "/api/editorial/flags/{id}/decline/",
        "/api/revisions/{id}/submit/",
        "/api/revisions/{id}/approve/",
        "/api/revisions/{id}/request-changes/",
    } <= set(paths)


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_api_list_query_counts_do_not_grow(client, editor, reviewer, learner):
    EditorialFlag.objects.update(status="resolved")
    question = QuestionFactory()
    client.force_login(editor)
    client.get("/api/me/")  # the user is kept from here on (interviewprep.backends)

    def add(n: int) -> None:
        for _ in range(n):
            FlagFactory(reporter=learner)
            drafts.start_draft(question=QuestionFactory(), editor=editor)
            draft = drafts.start_draft(question=question, editor=editor)
            drafts.submit_draft(
                draft_id=draft.pk,
                editor=editor,
                seen_version=draft.version,
                summary="s",
                resolves=[],
            )
            revisions.publish_revision(draft_id=draft.pk, reviewer=reviewer)

    urls = ["/api/editorial/flags/", "/api/revisions/", f"/api/questions/{question.pk}/history/"]
    add(1)
    one = [_count(client, url) for url in urls]
    add(49)
    assert client.get(urls[0]).json()["count"] == 50
    assert [_count(client, url) for url in urls] == one
