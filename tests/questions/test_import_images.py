"""Images that come with a note, and the import preview's "copy the remote images" button,
through the real stack: the Django test client and DRF's APIClient, a real database, media
storage in a temporary folder, remote images on a local HTTP server."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from questions.importing.images import link_images, local_images
from questions.importing.pipeline import rerender_all
from questions.models import Figure, ImportBatch, ImportFile, Question
from tests.factories import UserFactory
from tests.questions.images import GIF, SVG, png

LORA = png(3, 2)
# Every way a note shows a file beside it, and one image that did not come with it.
NOTE = """# 微调笔记

## 1. 介绍下LoRA

LoRA 在冻结的权重旁加低秩矩阵。

![图1 LoRA结构](images/lora.png)

## 2. LoRA 的秩怎么选？

同一张图，换种写法：<img src="./lora.png" alt="LoRA结构图">

![](lora.png)

## 3. QLoRA 比 LoRA 省在哪里？

量化到 4 比特，再加 LoRA。

![分页优化器](assets/paged.png)

![QLoRA示意图](qlora.gif "QLoRA")

## 4. 什么是提示词注入？

攻击者在输入里夹带指令。![注入示意](attack.svg)
"""


def _sha_name(data: bytes, extension: str) -> str:
    return f"figures/{hashlib.sha256(data).hexdigest()[:40]}.{extension}"


def _files(*extra):
    return [
        SimpleUploadedFile("lora-notes.md", NOTE.encode()),
        SimpleUploadedFile("lora.png", LORA, content_type="image/png"),
        SimpleUploadedFile("qlora.gif", GIF, content_type="image/gif"),
        SimpleUploadedFile("attack.svg", SVG, content_type="image/svg+xml"),
        *extra,
    ]


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _page(user, **options) -> Client:
    client = Client(**options)
    client.force_login(user)
    return client


def _stored(media) -> list[str]:
    folder = media / "figures"
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


# ------------------------------------------------------------------------------------------
# Finding and relinking references (pure)
# ------------------------------------------------------------------------------------------


def test_local_images_are_every_reference_to_a_file_beside_the_note():
    text = (
        '![a](images/lora.png) ![b](<my dir/lo ra.png> "t") <img alt="c" src=\'./x.gif\'> '
        "![d](https://cdn.example/y.png) ![e](//cdn.example/z.png) ![f](data:image/png;base64,AA) "
        "![g](/media/figures/abc.png) ![h](C:\\notes\\w.png) <img src=../up/v.webp>"
    )
    assert local_images(text, site_prefix="/media/figures/") == [
        "images/lora.png",
        "my dir/lo ra.png",
        "C:\\notes\\w.png",
        "./x.gif",
        "../up/v.webp",
    ]


def test_references_are_matched_by_file_name_as_an_editor_expects():
    text = (
        "![a](images/lora.png) ![b](./lora.png) ![c](lora.png) ![d](LoRA.PNG) "
        '![e](imgs/lora%20v2.png) <img src="./lora.png" alt="f"> <img src=\'../x/lora.png\'> '
        "![g](other.png) ![h](https://cdn.example/lora.png) `keep`"
    )
    targets = {"lora.png": "/media/figures/1.png", "lora v2.png": "/media/figures/2.png"}
    assert link_images(text, targets) == (
        "![a](/media/figures/1.png) ![b](/media/figures/1.png) ![c](/media/figures/1.png) "
        "![d](/media/figures/1.png) ![e](/media/figures/2.png) "
        '<img src="/media/figures/1.png" alt="f"> <img src="/media/figures/1.png"> '
        "![g](other.png) ![h](https://cdn.example/lora.png) `keep`"
    )


# ------------------------------------------------------------------------------------------
# Uploading images with a note
# ------------------------------------------------------------------------------------------


def test_api_upload_stores_the_images_the_note_shows_and_says_what_it_refused(editor, media):
    response = _api(editor).post("/api/editorial/imports/", {"files": _files()}, format="multipart")
    assert response.status_code == 201, response.json()
    body = response.json()
    lora_name, gif_name = _sha_name(LORA, "png"), _sha_name(GIF, "gif")
    assert body["images"]["found"] == [
        {
            "name": "lora.png",
            "url": f"/media/{lora_name}",
            "size": len(LORA),
            "content_type": "image/png",
        },
        {
            "name": "qlora.gif",
            "url": f"/media/{gif_name}",
            "size": len(GIF),
            "content_type": "image/gif",
        },
    ]
    assert [(r["name"], r["code"]) for r in body["images"]["refused"]] == [("attack.svg", "svg")]
    assert "SVG" in body["images"]["refused"][0]["reason"]
    # The one reference no uploaded file matches; the refused SVG is not listed twice.
    items = {item["position"]: item for item in body["items"]}
    assert body["images"]["missing"] == [{"reference": "assets/paged.png", "item": items[3]["id"]}]
    # Only the images stored: nothing of the SVG, one file for three references to lora.png.
    assert _stored(media) == sorted([lora_name.split("/")[1], gif_name.split("/")[1]])
    assert (media / lora_name).read_bytes() == LORA

    # Every form of reference shows the stored copy, from the site's own origin.
    lora_src = f'src="/media/{lora_name}"'
    assert f'<img alt="图1 LoRA结构" {lora_src} loading="lazy">' in items[1]["body_html"]
    assert items[2]["body_html"].count(lora_src) == 2
    assert f"](/media/{lora_name})" in items[1]["body_markdown"]
    assert '<img alt="QLoRA示意图"' in items[3]["body_html"]
    # A missing or refused image is the tidy placeholder with its caption, never a file name.
    assert 'class="img-missing" role="img" aria-label="分页优化器"' in items[3]["body_html"]
    assert "paged.png" not in items[3]["body_html"]
    assert 'aria-label="注入示意"' in items[4]["body_html"]
    assert "attack.svg" not in items[4]["body_html"]
    assert "<img" not in items[4]["body_html"]

    served = Client().get(f"/media/{lora_name}")
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == LORA
    assert (
        Client().get("/media/figures/" + hashlib.sha256(SVG).hexdigest()[:40] + ".svg").status_code
        == 404
    )


def test_an_image_is_refused_alone_when_too_large_a_fake_or_shown_by_no_note(
    editor, media, settings
):
    settings.IMPORT_MAX_IMAGE_BYTES = len(LORA) + 10
    extra = [
        SimpleUploadedFile("big.png", png(200, 200)),
        SimpleUploadedFile("qlora.gif", b"GIF? no, <html>"),  # same name, other bytes
        SimpleUploadedFile("paged.png", b"<html>not an image</html>"),
        SimpleUploadedFile("unused.png", png(1, 1)),
    ]
    response = _api(editor).post(
        "/api/editorial/imports/", {"files": _files(*extra)}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    images = response.json()["images"]
    assert [f["name"] for f in images["found"]] == ["lora.png", "qlora.gif"]
    assert {r["name"]: r["code"] for r in images["refused"]} == {
        "attack.svg": "svg",
        "big.png": "too_large",
        "paged.png": "not_image",
        "unused.png": "unused",
        "qlora.gif": "same_name",
    }
    # The fake paged.png is refused, so the reference to it is not "missing" as well.
    assert images["missing"] == []
    assert len(_stored(media)) == 2
    assert Figure.objects.filter(file="").count() == 5


@pytest.mark.parametrize(
    ("limit", "note"),
    [
        ({"IMPORT_MAX_BATCH_BYTES": len(NOTE.encode()) + len(LORA)}, NOTE.encode()),
        ({}, b"\x89PNG\r\n\x1a\n\x00\x00 a binary note"),
        ({"IMPORT_MAX_IMAGES": 2}, NOTE.encode()),
    ],
    ids=["images-count-in-the-batch-limit", "binary-note", "too-many-images"],
)
def test_a_refused_upload_stores_no_image(editor, media, settings, limit, note):
    for name, value in limit.items():
        setattr(settings, name, value)
    files = _files()
    files[0] = SimpleUploadedFile("lora-notes.md", note)
    response = _api(editor).post("/api/editorial/imports/", {"files": files}, format="multipart")
    assert response.status_code == 400
    assert response.json()["code"] == "import_refused"
    assert not ImportBatch.objects.exists()
    assert not Figure.objects.exists()
    assert _stored(media) == []


def test_images_without_a_note_are_refused(editor, media):
    response = _page(editor).post(
        "/questions/editor/imports/", {"files": [SimpleUploadedFile("lora.png", LORA)]}
    )
    assert response.status_code == 400
    assert not Figure.objects.exists()
    assert _stored(media) == []


def test_page_upload_preview_confirm_publish_and_a_reader_sees_the_copy(
    editor, reviewer, learner, media
):
    page = _page(editor)
    form = page.get("/questions/editor/imports/").content.decode()
    assert ".png,.jpg,.jpeg,.gif,.webp" in form
    response = page.post("/questions/editor/imports/", {"files": _files()})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    preview = page.get(batch.get_absolute_url()).content.decode()
    lora_name = _sha_name(LORA, "png")
    assert f'<a href="/media/{lora_name}">lora.png</a>' in preview
    assert "qlora.gif" in preview
    assert "<strong>attack.svg</strong>: 不接受 SVG：它可能携带脚本。" in preview
    english = page.get(batch.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<strong>attack.svg</strong>: SVG is refused: it can carry scripts." in english
    assert "Missing (readers see a placeholder" in english
    assert "<code>assets/paged.png</code>" in preview
    assert f'src="/media/{lora_name}"' in preview  # the rendered answer in the preview

    items = list(batch.items.order_by("position"))
    decisions = {"form-TOTAL_FORMS": len(items), "form-INITIAL_FORMS": len(items)}
    for n, item in enumerate(items):
        decisions |= {
            f"form-{n}-item": item.pk,
            f"form-{n}-include": "on",
            f"form-{n}-title": item.title,
            f"form-{n}-tags": " ".join(item.tag_slugs),
        }
    assert page.post(f"/questions/editor/imports/{batch.pk}/confirm/", decisions).status_code == 302
    publish = _page(reviewer).post(f"/questions/editor/imports/{batch.pk}/publish/")
    assert publish.status_code == 302

    question = Question.objects.get(title="介绍下LoRA")
    assert question.status == Question.Status.PUBLISHED
    shown = _page(learner).get(question.get_absolute_url()).content.decode()
    assert f'<img alt="图1 LoRA结构" src="/media/{lora_name}" loading="lazy">' in shown
    qlora = Question.objects.get(title="QLoRA 比 LoRA 省在哪里？")
    shown = Client().get(qlora.get_absolute_url()).content.decode()
    assert 'aria-label="分页优化器"' in shown
    assert "paged.png" not in shown

    # Rendering the whole bank again (load_bank --rerender) keeps the copy.
    Question.objects.filter(pk=question.pk).update(body_html="stale")
    rerender_all()
    question.refresh_from_db()
    assert f'src="/media/{lora_name}"' in question.body_html


def test_the_same_image_in_two_imports_is_one_file(editor, media):
    client = _api(editor)
    for name in ("first.md", "second.md"):
        files = _files()
        files[0] = SimpleUploadedFile(name, NOTE.replace("LoRA", name).encode())
        assert (
            client.post("/api/editorial/imports/", {"files": files}, format="multipart").status_code
            == 201
        )
    assert Figure.objects.filter(name="lora.png").exclude(file="").count() == 2
    assert len(_stored(media)) == 2
    lora_name = _sha_name(LORA, "png")
    assert Client().get(f"/media/{lora_name}").status_code == 200
    assert ImportFile.objects.count() == 2


# ------------------------------------------------------------------------------------------
# The "copy the remote images" button
# ------------------------------------------------------------------------------------------


def _remote_note(server) -> str:
    return (
        "# 远程图片\n\n## 1. 什么是RLHF？\n\n人类反馈强化学习。\n\n"
        f"![奖励模型]({server}/ok.png)\n\n"
        f"![]({server}/evil.svg)\n\n## 2. 什么是DPO？\n\n直接偏好优化。\n\n"
        "![DPO对比](https://elsewhere.example/dpo.png)\n"
    )


@pytest.fixture
def remote_batch(editor, server, media, settings):
    settings.QUESTION_FIGURE_HOSTS = ["127.0.0.1"]
    note = SimpleUploadedFile("remote.md", _remote_note(server).encode())
    _page(editor).post("/questions/editor/imports/", {"files": [note]})
    return ImportBatch.objects.get()


def test_editor_copies_the_remote_images_from_the_preview(editor, reviewer, server, remote_batch):
    page = _page(editor, enforce_csrf_checks=True)
    url = remote_batch.get_absolute_url()
    preview = page.get(url).content.decode()
    assert 'id="fetch-images"' in preview
    assert preview.count('class="img-remote"') == 3
    csrf = page.cookies["csrftoken"].value

    response = page.post(
        f"/questions/editor/imports/{remote_batch.pk}/fetch-images/",
        {"csrfmiddlewaretoken": csrf},
        follow=True,
    )
    assert response.status_code == 200
    shown = response.content.decode()
    assert "已复制 1 张图片（另有 0 张此前已复制），拒绝 1 张。" in shown
    assert f"已拒绝 {server}/evil.svg：不接受 SVG（它可能携带脚本）" in shown
    assert "elsewhere.example" in shown
    figure = Figure.objects.get(url=f"{server}/ok.png")
    item = remote_batch.items.get(position=1)
    assert f'<img alt="奖励模型" src="/media/{figure.file.name}" loading="lazy">' in item.body_html
    assert 'class="img-remote"' in remote_batch.items.get(position=2).body_html

    # Confirmed and published, the question shows the copy.
    items = list(remote_batch.items.order_by("position"))
    decisions = {"form-TOTAL_FORMS": 2, "form-INITIAL_FORMS": 2}
    for n, it in enumerate(items):
        decisions |= {
            f"form-{n}-item": it.pk,
            f"form-{n}-include": "on",
            f"form-{n}-title": it.title,
        }
    _page(editor).post(f"/questions/editor/imports/{remote_batch.pk}/confirm/", decisions)
    _page(reviewer).post(f"/questions/editor/imports/{remote_batch.pk}/publish/")
    question = Question.objects.get(title="什么是RLHF？")
    assert (
        f'src="/media/{figure.file.name}"'
        in Client().get(question.get_absolute_url()).content.decode()
    )


def test_the_button_needs_a_csrf_token(editor, remote_batch):
    page = _page(editor, enforce_csrf_checks=True)
    response = page.post(f"/questions/editor/imports/{remote_batch.pk}/fetch-images/")
    assert response.status_code == 403
    assert not Figure.objects.exists()


def test_only_editors_may_copy_images(learner, remote_batch, server):
    only_reviewer = UserFactory(email="only-reviewer@example.com", roles=["reviewer"])
    url = f"/questions/editor/imports/{remote_batch.pk}/fetch-images/"
    api_url = f"/api/editorial/imports/{remote_batch.pk}/fetch-images/"
    # A reviewer sees the preview, without the button, and may not press it.
    assert (
        'id="fetch-images"'
        not in _page(only_reviewer).get(remote_batch.get_absolute_url()).content.decode()
    )
    for user in (learner, only_reviewer):
        assert _page(user).post(url).status_code == 403
        assert _api(user).post(api_url).status_code == 403
    assert Client().post(url).status_code == 302  # to the sign-in page
    assert APIClient().post(api_url).status_code in (401, 403)
    assert not Figure.objects.filter(url__startswith=server).exists()


def test_api_copies_the_remote_images_of_an_import(editor, server, remote_batch):
    response = _api(editor).post(f"/api/editorial/imports/{remote_batch.pk}/fetch-images/")
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "copied": [f"{server}/ok.png"],
        "earlier": [],
        "refused": [{"url": f"{server}/evil.svg", "reason": "不接受 SVG（它可能携带脚本）"}],
        "not_allowed": ["elsewhere.example"],
        "rerendered": 0,
    }
    again = _api(editor).post(f"/api/editorial/imports/{remote_batch.pk}/fetch-images/").json()
    assert again["copied"] == []
    assert again["earlier"] == []  # the preview shows the copy: nothing left to copy
    preview = _api(editor).get(f"/api/editorial/imports/{remote_batch.pk}/").json()
    assert "/media/figures/" in preview["items"][0]["body_html"]


def test_copying_images_is_rate_limited(editor, remote_batch, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "fetch_images": (1, 10, 3600)}
    url = f"/api/editorial/imports/{remote_batch.pk}/fetch-images/"
    client = _api(editor)
    assert client.post(url).status_code == 200
    refused = client.post(url)
    assert refused.status_code == 429
    assert "Retry-After" in refused


def test_the_schema_describes_the_images_and_the_button(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"]["/api/editorial/imports/{id}/fetch-images/"]["post"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "FetchReport"
    )
    batch = schema["components"]["schemas"]["ImportBatch"]["properties"]
    assert batch["images"]["allOf"][0]["$ref"].endswith("ImageReport")
    assert "QUESTION_FIGURE_HOSTS" in operation["description"]
