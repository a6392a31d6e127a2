"""Editors import notes through the API: upload, preview, confirm, publish by another reviewer."""

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

NOTE = """# 大模型面试笔记

## 1. 什么是梯度累积？

梯度累积把几个小批次的梯度相加后再更新参数，用小显存模拟大批次。

## 2. 介绍下LoRA

LoRA 在权重旁加低秩矩阵 A、B，只训练它们。

## 3. KV cache 为什么能加速推理？

缓存已计算的键和值，生成新词时不必重算前缀。<script>alert(1)</script>
"""


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _upload(client, *files, **data):
    return client.post(
        "/api/editorial/imports/", {"files": list(files), **data}, format="multipart"
    )


def _note(name="notes.md", text=NOTE):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/markdown")


def test_upload_previews_every_question(editor):
    response = _upload(_client(editor), _note())
    assert response.status_code == 201, response.json()
    body = response.json()
    titles = [item["title"] for item in body["items"]]
    assert titles == ["什么是梯度累积？", "介绍下LoRA", "KV cache 为什么能加速推理？"]
    lora = body["items"][1]
    assert lora["suggested_tags"]
    assert lora["difficulty"] in ("easy", "medium", "hard")
    assert "notes.md:7-9" in lora["provenance"][0]
    # The bank has LoRA questions: found as likely duplicates, with their similarity.
    assert lora["duplicates"], lora
    assert all(0 < d["similarity"] <= 1 for d in lora["duplicates"])
    assert "<script>" not in body["items"][2]["body_html"]
    assert body["files"][0]["sha256"]
    assert body["repeated"] == []
