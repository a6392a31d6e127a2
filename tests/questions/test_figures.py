"""Remote figures: tidy placeholders until copied, and ``manage.py fetch_images`` copying them
from allowed hosts into media storage, against a local HTTP server."""

import io

import pytest
from django.core.management import CommandError, call_command

from questions import figures
from questions.importing.pipeline import rerender_all
from questions.models import Figure, Question
from questions.rendering import figure_caption, render_answer
from tests.factories import QuestionFactory
from tests.questions.conftest import FigureServer
from tests.questions.images import png

CDN = "https://cdn.nlark.com/yuque/0/2024/png/406504/1710728491382-639e76c4.png"


# ------------------------------------------------------------------------------------------
# Placeholders
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("alt", "title", "caption"),
    [
        ("", "", ""),
        ("image-20250304163648618", "", ""),
        ("1710728491382-639e76c4.png", "", ""),
        ("image.png", "多模态结构", "多模态结构"),
        ("有无kv-cache计算过程", "", "有无kv-cache计算过程"),
        ("9f86d081884c7d659a2feaa0c55ad015", "", ""),
        ("LLaVA1 Linear Layer", "", "LLaVA1 Linear Layer"),
    ],
)
def test_a_figure_caption_is_its_alt_text_or_title_never_a_file_name(alt, title, caption):
    assert figure_caption(alt, title) == caption


def test_an_uncopied_remote_figure_is_a_placeholder_with_its_caption():
    html = render_answer(f'![image-20250304163648618]({CDN} "结构图")', allow_remote_images=False)
    assert 'class="img-remote"' in html
    assert ">结构图</a>" in html
    assert "1710728491382" not in html.split(">", 2)[-1]  # only in the href


def test_a_copied_figure_is_an_image_from_the_site():
    html = render_answer(f"![架构]({CDN})", figures={CDN: "/media/figures/a.png"})
    assert '<img alt="架构" src="/media/figures/a.png" loading="lazy">' in html
    assert "cdn.nlark.com" not in html


@pytest.mark.django_db
def test_no_seed_answer_shows_a_hashed_file_name():
    shown = [q.body_html for q in Question.objects.filter(body_html__contains='class="img-remote"')]
    assert shown  # 77 remote images in 25 answers
    for body in shown:
        for text in body.split('class="img-remote"')[1:]:
            label = text.split(">", 1)[1].split("<", 1)[0]
            assert not label.endswith((".png", ".jpg", ".jpeg", ".gif")), label


# ------------------------------------------------------------------------------------------
# fetch_images against a local server
# ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_fetch_images_copies_allowed_images_and_refuses_the_rest(server, media, client):
    body = "\n\n".join(
        [
            f"![结构图]({server}/ok.png)",
            f"![]({server}/evil.svg)",
            f"![]({server}/fake.png)",
            f"![]({server}/big.png)",
            f"![]({server}/away.png)",
            "![](https://elsewhere.example/x.png)",
        ]
    )
    question = QuestionFactory(body_markdown=body)
    assert question.body_html.count('class="img-remote"') == 6

    out, err = io.StringIO(), io.StringIO()
    call_command("fetch_images", "--host", "127.0.0.1", stdout=out, stderr=err)

    refused = err.getvalue()
    # In the site's language (Chinese): SVG refused, not an image, too large, redirected away.
    assert "evil.svg: 不接受 SVG（它可能携带脚本）" in refused
    assert "fake.png: 不是 PNG、JPEG、GIF 或 WebP 图片" in refused
    assert "big.png: 超过 2000 字节" in refused
    assert "away.png: 被重定向到 localhost，该主机不在允许之列" in refused
    assert "not allowed: images on elsewhere.example stay placeholders" in out.getvalue()
    assert "Copied 1 images, refused 4; 1 answers rendered again." in out.getvalue()

    figure = Figure.objects.get(url=f"{server}/ok.png")
    assert (figure.content_type, figure.size) == ("image/png", len(png()))
    assert (media / figure.file.name).read_bytes() == png()
    question.refresh_from_db()
    copy = f'<img alt="结构图" src="/media/{figure.file.name}" loading="lazy">'
    assert copy in question.body_html
    assert question.body_html.count('class="img-remote"') == 5
    served = client.get(f"/media/{figure.file.name}")
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"

    assert client.get("/media/figures/nope.png").status_code == 404

    hits = len(FigureServer.hits)
    call_command("fetch_images", "--host", "127.0.0.1", stdout=io.StringIO(), stderr=io.StringIO())
    assert "/ok.png" not in FigureServer.hits[hits:]  # a copied image is not fetched again
    assert Figure.objects.exclude(file="").count() == 1


@pytest.mark.django_db
def test_a_rerendered_or_republished_answer_keeps_the_copy(server, media):
    question = QuestionFactory(body_markdown=f"![图]({server}/ok.png)")
    figures.fetch_figures(hosts=["127.0.0.1"])
    Question.objects.filter(pk=question.pk).update(body_html="stale")

    rerender_all()
    question.refresh_from_db()
    assert "/media/figures/" in question.body_html


@pytest.mark.django_db
def test_serving_a_figure_is_one_query(server, media, client, django_assert_num_queries):
    QuestionFactory(body_markdown=f"![图]({server}/ok.png)")
    figures.fetch_figures(hosts=["127.0.0.1"])
    name = Figure.objects.get().file.name
    with django_assert_num_queries(1):
        response = client.get(f"/media/{name}")
    assert b"".join(response.streaming_content) == png()
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"


def test_fetch_images_needs_an_allowed_host(settings):
    settings.QUESTION_FIGURE_HOSTS = []
    with pytest.raises(CommandError, match="No host is allowed"):
        call_command("fetch_images")


def test_image_types_are_read_from_the_bytes():
    assert figures.image_type(png()) == ("image/png", "png")
    assert figures.image_type(b"\xff\xd8\xff\xe0rest") == ("image/jpeg", "jpg")
    assert figures.image_type(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == ("image/webp", "webp")
    assert figures.image_type(b"<svg/>") is None
