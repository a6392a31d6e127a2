"""The import and new-question pages through the Django test client: forms for every write,
the same rules as the API (limits, binary refusal, re-upload, reviewer != importer, same as)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from questions.models import ImportBatch, ImportItem, Question, QuestionSource
from tests.questions.test_imports_api import NOTE, PNG, TITLES


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _upload(client, *files, **data):
    return client.post("/questions/editor/imports/", {"files": list(files), **data})


def _note(name="notes.md", content: bytes | None = None):
    return SimpleUploadedFile(name, content if content is not None else NOTE.encode("utf-8"))


def _decisions(batch: ImportBatch, **changes) -> dict:
    """The preview form as posted: every item ticked, its title and tags as shown."""
    items = list(batch.items.order_by("position"))
    data = {"form-TOTAL_FORMS": len(items), "form-INITIAL_FORMS": len(items)}
    for n, item in enumerate(items):
        data |= {
            f"form-{n}-item": item.pk,
            f"form-{n}-include": "on",
            f"form-{n}-title": item.title,
            f"form-{n}-tags": " ".join(item.tag_slugs),
        }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_upload_preview_confirm_publish(editor, reviewer):
    client = _client(editor)
    page = client.get("/questions/editor/imports/")
    assert page.status_code == 200
    assert b'type="file" name="files" multiple' in page.content
    response = _upload(client, _note())
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == batch.get_absolute_url()
    preview = client.get(batch.get_absolute_url()).content.decode()
    for title in TITLES:
        assert title in preview
    assert "notes.md:7-9 › 2. 介绍下LoRA" in preview
    assert "请说下你对Lora的理解" in preview  # a likely duplicate in the bank
    assert "<script>alert" not in preview

    lora = Question.objects.visible().get(title="请说下你对Lora的理解")
    confirmed = client.post(
        f"/questions/editor/imports/{batch.pk}/confirm/",
        _decisions(
            batch,
            **{
                "form-0-title": "梯度累积是什么？",
                "form-1-same_as": str(lora.pk),
                "form-2-include": None,  # unticked
            },
        ),
    )
    assert confirmed.status_code == 302
    created = Question.objects.get(title="梯度累积是什么？")
    assert created.status == Question.Status.PENDING
    assert QuestionSource.objects.filter(question=lora, raw_title="2. 介绍下LoRA").exists()
    assert not Question.objects.filter(title=TITLES[2]).exists()
    assert ImportItem.objects.get(batch=batch, position=3).decision == "skip"

    # The importer sees no publish button and cannot publish by posting either.
    own = client.get(batch.get_absolute_url()).content.decode()
    assert "/publish/" not in own
    reviewer_editor = _client(editor)
    editor.groups.add(*reviewer.groups.all())
    refused = reviewer_editor.post(f"/questions/editor/imports/{batch.pk}/publish/")
    assert refused.status_code == 403
    created.refresh_from_db()
    assert created.status == Question.Status.PENDING

    other = _client(reviewer)
    assert "/publish/" in other.get(batch.get_absolute_url()).content.decode()
    published = other.post(f"/questions/editor/imports/{batch.pk}/publish/", follow=True)
    assert published.status_code == 200
    created.refresh_from_db()
    assert created.status == Question.Status.PUBLISHED
    assert Client().get(created.get_absolute_url()).status_code == 200


def test_publish_one_item_from_the_page(editor, reviewer):
    client = _client(editor)
    _upload(client, _note())
    batch = ImportBatch.objects.get()
    client.post(f"/questions/editor/imports/{batch.pk}/confirm/", _decisions(batch))
    first = batch.items.get(position=1)
    _client(reviewer).post(f"/questions/editor/imports/{batch.pk}/publish/", {"items": first.pk})
    statuses = dict(batch.items.values_list("position", "question__status"))
    assert statuses == {1: "published", 2: "pending", 3: "pending"}


@pytest.mark.parametrize(
    ("files", "shown"),
    [
        ([_note("picture.md", PNG)], "picture.md"),
        ([_note("slides.pdf")], "slides.pdf"),
        ([_note("big.md", NOTE.encode() * 3)], "big.md"),
    ],
    ids=["binary", "not-a-note", "too-big"],
)
def test_refused_upload_shows_the_reason_and_stores_nothing(editor, settings, files, shown):
    settings.IMPORT_MAX_FILE_BYTES = len(NOTE.encode()) * 2
    response = _upload(_client(editor), *files)
    assert response.status_code == 400
    assert shown in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_reupload_is_said_so(editor):
    client = _client(editor)
    _upload(client, _note())
    _upload(client, _note())
    second = ImportBatch.objects.order_by("id").last()
    page = client.get(second.get_absolute_url()).content.decode()
    assert "notice repeat" in page
    listing = client.get("/questions/editor/imports/").content.decode()
    assert listing.count('class="badge repeat"') == 1


def test_learners_may_not_import(learner):
    client = _client(learner)
    assert client.get("/questions/editor/imports/").status_code == 403
    assert _upload(client, _note()).status_code == 403
    assert client.get("/questions/editor/new/").status_code == 403
    assert not ImportBatch.objects.exists()


def test_confirm_with_a_broken_form_is_a_form_error(editor):
    client = _client(editor)
    _upload(client, _note())
    batch = ImportBatch.objects.get()
    response = client.post(f"/questions/editor/imports/{batch.pk}/confirm/", {"form-0-item": "x"})
    assert response.status_code == 400
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEW


def test_new_question_page(editor, reviewer):
    client = _client(editor)
    page = client.get("/questions/editor/new/")
    assert page.status_code == 200
    preview = client.post("/questions/editor/new/preview/", {"body_markdown": "**粗体** <script>"})
    assert "<strong>粗体</strong>" in preview.content.decode()
    assert "<script>" not in preview.content.decode()
    warning = client.post("/questions/editor/new/duplicates/", {"title": "介绍下LoRA"})
    assert "请说下你对Lora的理解" in warning.content.decode()
    quiet = client.post("/questions/editor/new/duplicates/", {"title": "今天天气很好"})
    assert "duplicate-warning" not in quiet.content.decode()

    refused = client.post(
        "/questions/editor/new/", {"title": "", "body_markdown": "答案", "difficulty": "easy"}
    )
    assert refused.status_code == 400
    assert "答案" in refused.content.decode()  # the editor's text is kept

    sent = client.post(
        "/questions/editor/new/",
        {
            "title": "什么是投机解码？",
            "body_markdown": "小模型起草，大模型验证。",
            "difficulty": "medium",
        },
    )
    assert sent.status_code == 302
    question = Question.objects.get(title="什么是投机解码？")
    assert question.status == Question.Status.PENDING
    draft = question.drafts.get()
    # The author cannot approve; another reviewer publishes it through the draft page.
    editor.groups.add(*reviewer.groups.all())
    assert _client(editor).post(f"/questions/editor/drafts/{draft.pk}/approve/").status_code == 403
    _client(reviewer).post(f"/questions/editor/drafts/{draft.pk}/approve/")
    question.refresh_from_db()
    assert question.status == Question.Status.PUBLISHED
