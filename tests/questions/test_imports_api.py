"""Editors import notes through the API: upload, preview, confirm, publish by another reviewer;
and write new questions. Every rule through the real stack (DRF APIClient, real database)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from questions.models import (
    ImportBatch,
    ImportFile,
    ImportItem,
    Question,
    QuestionSource,
    RevisionDraft,
)

NOTE = """# 大模型面试笔记

## 1. 什么是梯度累积？

梯度累积把几个小批次的梯度相加后再更新参数，用小显存模拟大批次。

## 2. 介绍下LoRA

LoRA 在权重旁加低秩矩阵 A、B，只训练它们。

## 3. KV cache 为什么能加速推理？

缓存已计算的键和值，生成新词时不必重算前缀。<script>alert(1)</script>
"""
TITLES = ["什么是梯度累积？", "介绍下LoRA", "KV cache 为什么能加速推理？"]
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _note(name="notes.md", text=NOTE, content: bytes | None = None):
    data = content if content is not None else text.encode("utf-8")
    return SimpleUploadedFile(name, data, content_type="text/markdown")


def _upload(client, *files, **data):
    return client.post(
        "/api/editorial/imports/", {"files": list(files), **data}, format="multipart"
    )


def _stored() -> tuple[int, int, int]:
    return ImportBatch.objects.count(), ImportFile.objects.count(), ImportItem.objects.count()


def test_upload_previews_every_question(editor):
    response = _upload(_client(editor), _note())
    assert response.status_code == 201, response.json()
    body = response.json()
    assert [item["title"] for item in body["items"]] == TITLES
    lora = body["items"][1]
    assert lora["suggested_tags"]
    assert lora["difficulty"] in ("easy", "medium", "hard")
    assert lora["provenance"][0] == "notes.md:7-9 › 2. 介绍下LoRA"
    # The bank has LoRA questions: found as likely duplicates, with their similarity.
    bank_lora = Question.objects.visible().get(title="请说下你对Lora的理解")
    assert bank_lora.pk in [d["id"] for d in lora["duplicates"]]
    assert all(0.45 <= d["similarity"] <= 1 for d in lora["duplicates"])
    # Sanitised by render_answer, as everywhere else.
    kv = body["items"][2]["body_html"]
    assert "<script>" not in kv
    assert "&lt;script&gt;" in kv
    assert body["files"][0]["sha256"] == ImportFile.objects.get().sha256
    assert len(body["files"][0]["sha256"]) == 64
    assert body["repeated"] == []
    # Nothing is in the bank yet.
    assert not Question.objects.filter(title="什么是梯度累积？").exists()


def test_pasted_text_is_an_upload_too(editor):
    response = _client(editor).post(
        "/api/editorial/imports/", {"text": NOTE, "name": "粘贴"}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["files"][0]["name"] == "粘贴.md"
    assert len(response.json()["items"]) == 3


def test_crlf_bom_and_gb18030_are_read(editor):
    client = _client(editor)
    crlf = b"\xef\xbb\xbf" + NOTE.replace("\n", "\r\n").encode("utf-8")
    gbk = NOTE.encode("gb18030")
    response = _upload(client, _note("crlf.md", content=crlf), _note("gbk.txt", content=gbk))
    assert response.status_code == 201, response.json()
    items = response.json()["items"]
    assert [item["title"] for item in items] == TITLES + TITLES
    assert [f["encoding"] for f in response.json()["files"]] == ["utf-8", "gb18030"]


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (lambda: [_note("picture.md", content=PNG)], "picture.md"),
        (lambda: [_note(), _note("bad.md", content=b"\xff\xfe\x00\x01\x02")], "bad.md"),
        (lambda: [_note("slides.pdf")], "slides.pdf"),
        (lambda: [_note("big.md", text=NOTE + "x" * 2000)], "big.md"),
        (lambda: [_note("a.md"), _note("b.md"), _note("c.md")], ""),
        (lambda: [_note("empty-of-questions.md", text="\n  \n")], "empty-of"),
        (lambda: [], ""),
    ],
    ids=[
        "binary",
        "undecodable",
        "not-a-note",
        "file-too-big",
        "batch-too-big",
        "no-heading",
        "none",
    ],
)
def test_refused_uploads_store_nothing(editor, settings, files, message):
    settings.IMPORT_MAX_FILE_BYTES = len(NOTE.encode()) + 100
    settings.IMPORT_MAX_BATCH_BYTES = 2 * len(NOTE.encode()) + 100
    before = (_stored(), Question.objects.count(), QuestionSource.objects.count())
    response = _upload(_client(editor), *files())
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "import_refused"
    assert message in response.json()["detail"]
    assert (_stored(), Question.objects.count(), QuestionSource.objects.count()) == before


def test_too_many_files_is_refused(editor, settings):
    settings.IMPORT_MAX_FILES = 1
    response = _upload(_client(editor), _note("a.md"), _note("b.md"))
    assert response.status_code == 400
    assert _stored() == (0, 0, 0)


def test_only_editors_upload(learner, reviewer):
    learner_only = _upload(_client(learner), _note())
    assert learner_only.status_code == 403
    assert APIClient().get("/api/editorial/imports/").status_code in (401, 403)
    assert _stored() == (0, 0, 0)


def _confirm(client, batch_id, decisions=()):
    return client.post(
        f"/api/editorial/imports/{batch_id}/confirm/", {"decisions": list(decisions)}, format="json"
    )


def test_confirm_creates_pending_questions_that_a_second_reviewer_publishes(editor, reviewer):
    client = _client(editor)
    batch = _upload(client, _note()).json()
    items = batch["items"]
    lora = Question.objects.visible().get(title="请说下你对Lora的理解")
    response = _confirm(
        client,
        batch["id"],
        [
            {"item": items[0]["id"], "title": "梯度累积是什么？", "tags": ["llm-basics"]},
            {"item": items[1]["id"], "same_as": lora.pk},
            {"item": items[2]["id"], "include": False},
        ],
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "confirmed"
    created = Question.objects.get(title="梯度累积是什么？")
    assert created.status == Question.Status.PENDING
    assert not Question.objects.visible().filter(pk=created.pk).exists()
    assert APIClient().get(f"/questions/{created.pk}/").status_code == 404
    draft = RevisionDraft.objects.get(question=created)
    assert draft.state == RevisionDraft.State.SUBMITTED
    assert draft.tag_slugs == ["llm-basics"]
    # Same as #N: the section is another source of that question; nothing new for it.
    source = QuestionSource.objects.get(question=lora, raw_title="2. 介绍下LoRA")
    assert source.file_name.startswith("notes.md@")
    assert not Question.objects.filter(title="KV cache 为什么能加速推理？").exists()
    # Confirming twice is refused.
    assert _confirm(client, batch["id"]).status_code == 400

    # The importer, even as a reviewer, cannot publish their own import.
    editor.groups.add(*reviewer.groups.all())
    editor = type(editor).objects.get(pk=editor.pk)  # roles are cached on the user object
    own = _client(editor).post(f"/api/editorial/imports/{batch['id']}/publish/", {}, format="json")
    assert own.status_code == 403
    assert own.json()["code"] == "permission_denied"
    created.refresh_from_db()
    assert created.status == Question.Status.PENDING

    published = _client(reviewer).post(
        f"/api/editorial/imports/{batch['id']}/publish/", {}, format="json"
    )
    assert published.status_code == 200, published.json()
    assert published.json()["status"] == "published"
    created.refresh_from_db()
    assert created.status == Question.Status.PUBLISHED
    assert created.live_revision.reviewer == reviewer
    assert created.live_revision.author == editor
    assert list(created.tags.values_list("slug", flat=True)) == ["llm-basics"]
    assert Question.objects.practicable().filter(pk=created.pk).exists()
    assert APIClient().get(f"/questions/{created.pk}/").status_code == 200


def test_publish_one_by_one(editor, reviewer):
    client = _client(editor)
    batch = _upload(client, _note()).json()
    _confirm(client, batch["id"])
    first, second = batch["items"][0]["id"], batch["items"][1]["id"]
    url = f"/api/editorial/imports/{batch['id']}/publish/"
    response = _client(reviewer).post(url, {"items": [first]}, format="json")
    assert response.status_code == 200
    states = {item["id"]: item["draft_state"] for item in response.json()["items"]}
    assert states[first] == "published"
    assert states[second] == "submitted"
    assert response.json()["status"] == "confirmed"
    # An item already published is not awaiting review.
    again = _client(reviewer).post(url, {"items": [first]}, format="json")
    assert again.status_code == 400
    # An editor without the reviewer role may not publish.
    assert _client(editor).post(url, {}, format="json").status_code == 403


def test_same_as_an_unknown_question_is_refused_whole(editor):
    client = _client(editor)
    batch = _upload(client, _note()).json()
    response = _confirm(client, batch["id"], [{"item": batch["items"][0]["id"], "same_as": 10**9}])
    assert response.status_code == 400
    assert "#1000000000" in response.json()["detail"]
    assert ImportBatch.objects.get().status == ImportBatch.Status.PREVIEW
    assert not Question.objects.filter(status=Question.Status.PENDING).exists()


def test_the_same_file_again_is_recognised(editor, editor2, reviewer):
    client = _client(editor)
    first = _upload(client, _note()).json()
    _confirm(client, first["id"])
    _client(reviewer).post(f"/api/editorial/imports/{first['id']}/publish/", {}, format="json")
    second = _upload(_client(editor2), _note("renamed-but-same.md")).json()
    # Another name, the same content: recognised by its hash.
    assert second["repeated"] == ["renamed-but-same.md"]
    assert second["files"][0]["repeat_of_batch"] == first["id"]

    third = _upload(_client(editor2), _note()).json()
    assert third["repeated"] == ["notes.md"]
    created = dict(
        ImportItem.objects.filter(batch_id=first["id"]).values_list("title", "question_id")
    )
    for item in third["items"]:
        assert item["already_imported_as"] == created[item["title"]]
        assert item["decision"] == "same_as"
    # Under another name too: the same content joins the same questions.
    assert [item["already_imported_as"] for item in second["items"]] == [
        created[item["title"]] for item in second["items"]
    ]
    count = Question.objects.count()
    assert _confirm(_client(editor2), third["id"]).status_code == 200
    assert Question.objects.count() == count  # nothing twice


def test_import_list_records_who_when_what(editor, reviewer):
    client = _client(editor)
    batch = _upload(client, _note()).json()
    _confirm(client, batch["id"])
    listing = _client(reviewer).get("/api/editorial/imports/")
    assert listing.status_code == 200
    row = listing.json()["results"][0] if "results" in listing.json() else listing.json()[0]
    assert row["id"] == batch["id"]
    assert row["created_by"] == editor.public_name
    assert row["files"][0]["name"] == "notes.md"
    assert row["item_count"] == 3
    assert row["created"] == 3


def test_new_question_waits_for_another_reviewer(editor, reviewer):
    response = _client(editor).post(
        "/api/editorial/questions/",
        {
            "title": "什么是投机解码？",
            "body_markdown": "用小模型起草、大模型并行验证。",
            "tag_slugs": ["llm-basics"],
            "difficulty": "medium",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    draft = response.json()
    question = Question.objects.get(pk=draft["question"])
    assert question.status == Question.Status.PENDING
    assert draft["state"] == "submitted"
    own = _client(editor).post(f"/api/revisions/{draft['id']}/approve/")
    assert own.status_code == 403
    approved = _client(reviewer).post(f"/api/revisions/{draft['id']}/approve/")
    assert approved.status_code == 200, approved.json()
    question.refresh_from_db()
    assert question.status == Question.Status.PUBLISHED
    assert Question.objects.practicable().filter(pk=question.pk).exists()


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"title": "x", "body_markdown": "y", "difficulty": "impossible"}, 400),
        ({"title": "  ", "body_markdown": "y", "difficulty": "easy"}, 400),
        ({"title": "x", "body_markdown": "y", "difficulty": "easy", "tag_slugs": ["nope"]}, 400),
    ],
)
def test_new_question_bad_input(editor, payload, status):
    count = Question.objects.count()
    response = _client(editor).post("/api/editorial/questions/", payload, format="json")
    assert response.status_code == status
    assert Question.objects.count() == count


def test_duplicate_check_while_typing(editor, learner):
    lora = Question.objects.visible().get(title="请说下你对Lora的理解")
    found = _client(editor).get("/api/editorial/questions/duplicates/", {"title": "介绍下LoRA"})
    assert found.status_code == 200
    assert lora.pk in [d["id"] for d in found.json()]
    none = _client(editor).get("/api/editorial/questions/duplicates/", {"title": "今天天气很好"})
    assert none.json() == []
    assert (
        _client(learner).get("/api/editorial/questions/duplicates/", {"title": "x"}).status_code
        == 403
    )
