"""Remote figures of answers, copied into media storage so readers never hot-link them.

:func:`fetch_figures` downloads the remote images the answers show (from hosts the operator
allows, ``settings.QUESTION_FIGURE_HOSTS``), checks each for size and type (PNG, JPEG, GIF or
WebP by its first bytes; SVG and anything else refused), stores it in Django's default
storage (the file system by default; S3-compatible storage through django-storages) under
``figures/`` and renders the answers that show it again, so they show the copy.
:func:`copied_figures` is the mapping the renderer uses (remote URL -> URL of the copy).
"""

import hashlib
import html
import re
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.error import URLError
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from . import rendering
from .models import Figure, Question

#: Seconds to wait for a remote host.
TIMEOUT = 10
# The placeholder the renderer writes for a remote image that is not copied.
_PLACEHOLDER = re.compile(r'<a class="img-remote" href="([^"]+)"')
# Image types by their first bytes (the declared Content-Type is not trusted).
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"GIF87a", "image/gif", "gif"),
    (b"GIF89a", "image/gif", "gif"),
)


@dataclass
class FetchReport:
    copied: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (url, why)
    not_allowed: list[str] = field(default_factory=list)  # hosts not in the allowed list
    rerendered: int = 0


def copied_figures() -> dict[str, str]:
    """Remote URL -> URL of its copy in media storage, for every copied figure."""
    return {
        url: default_storage.url(name)
        for url, name in Figure.objects.exclude(file="").values_list("url", "file")
    }


_REMOTE_IMAGE = re.compile(
    r"""!\[[^\]]*\]\(\s*<?((?:https?:)?//[^\s)>]+)|<img\s[^>]*?src\s*=\s*["']?((?:https?:)?//[^"'\s>]+)""",
    re.IGNORECASE,
)


def figures_for(markdown_text: str) -> dict[str, str]:
    """:func:`copied_figures` for the remote images one answer shows (no query if none)."""
    urls = {html.unescape(a or b) for a, b in _REMOTE_IMAGE.findall(markdown_text)}
    if not urls:
        return {}
    return {
        url: default_storage.url(name)
        for url, name in Figure.objects.filter(url__in=urls)
        .exclude(file="")
        .values_list("url", "file")
    }


def image_type(data: bytes) -> tuple[str, str] | None:
    """(content type, extension) of PNG, JPEG, GIF or WebP data, else None."""
    for signature, content_type, extension in _SIGNATURES:
        if data.startswith(signature):
            return content_type, extension
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None


def remote_images() -> dict[str, list[int]]:
    """The remote images the answers show as placeholders: URL -> question pks."""
    found: dict[str, list[int]] = {}
    for pk, body in Question.objects.filter(body_html__contains="img-remote").values_list(
        "pk", "body_html"
    ):
        for url in _PLACEHOLDER.findall(body):
            found.setdefault(html.unescape(url), []).append(pk)
    return found


class _Refused(Exception):
    pass


class _AllowedRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to an allowed host (checked before it is followed)."""

    def __init__(self, hosts: set[str]) -> None:
        self.hosts = hosts

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        target = urlsplit(newurl)
        if target.scheme not in {"http", "https"} or (target.hostname or "") not in self.hosts:
            raise _Refused(f"redirected to {target.hostname or newurl}, which is not allowed")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _download(url: str, *, hosts: set[str], max_bytes: int) -> tuple[bytes, str, str]:
    # Only http(s) URLs on an allowed host get here (see fetch_figures).
    request = urllib.request.Request(url, headers={"User-Agent": "InterviewPrep fetch_images"})  # noqa: S310
    opener = urllib.request.build_opener(_AllowedRedirects(hosts))
    try:
        with opener.open(request, timeout=TIMEOUT) as response:
            declared = response.headers.get_content_type()
            data = response.read(max_bytes + 1)
    except (URLError, OSError, ValueError) as error:
        raise _Refused(f"download failed: {error}") from error
    if len(data) > max_bytes:
        raise _Refused(f"larger than {max_bytes} bytes")
    if "svg" in declared or data.lstrip()[:5].lower() in {b"<?xml", b"<svg"}:
        raise _Refused("SVG is refused (it can carry scripts)")
    kind = image_type(data)
    if kind is None:
        raise _Refused(f"not a PNG, JPEG, GIF or WebP image (declared {declared})")
    return data, *kind


def fetch_figures(
    *, hosts: Iterable[str] | None = None, max_bytes: int | None = None
) -> FetchReport:
    """Copy the answers' remote images from allowed ``hosts`` (default: the setting) into
    media storage and render the answers showing them again; idempotent (a copied image is
    not fetched again; a refused one is tried again on the next run)."""
    allowed = {h.lower() for h in (settings.QUESTION_FIGURE_HOSTS if hosts is None else hosts)}
    limit = settings.QUESTION_FIGURE_MAX_BYTES if max_bytes is None else max_bytes
    report = FetchReport()
    wanted = remote_images()
    copied = set(Figure.objects.exclude(file="").values_list("url", flat=True))
    changed: set[int] = set()
    for url, questions in wanted.items():
        try:
            parts = urlsplit(url)
            host = (parts.hostname or "").lower() if parts.scheme in {"http", "https"} else ""
        except ValueError:  # "http://[x/a.png"
            host = ""
        if host not in allowed:
            report.not_allowed.append(host or url)
            continue
        if url in copied:
            changed.update(questions)  # copied before, but the answer still shows a placeholder
            continue
        try:
            data, content_type, extension = _download(url, hosts=allowed, max_bytes=limit)
        except _Refused as refusal:
            Figure.objects.update_or_create(url=url, defaults={"error": str(refusal)[:300]})
            report.refused.append((url, str(refusal)))
            continue
        name = f"{hashlib.sha256(url.encode()).hexdigest()[:40]}.{extension}"
        figure, _ = Figure.objects.get_or_create(url=url)
        figure.file.save(name, ContentFile(data), save=False)
        figure.content_type, figure.size, figure.error = content_type, len(data), ""
        figure.fetched_at = timezone.now()
        figure.save()
        report.copied.append(url)
        changed.update(questions)
    report.not_allowed = sorted(set(report.not_allowed))
    report.rerendered = rerender_questions(sorted(changed))
    return report


@transaction.atomic
def rerender_questions(pks: Sequence[int]) -> int:
    """Render the answers of ``pks`` again with the copied figures; returns how many changed."""
    figures = copied_figures()
    count = 0
    for question in Question.objects.filter(pk__in=pks).only("pk", "body_markdown", "body_html"):
        body = rendering.render_answer(question.body_markdown, figures=figures)
        if body != question.body_html:
            # A new version in the same UPDATE: the cached page and row are replaced.
            Question.objects.filter(pk=question.pk).bump_version(body_html=body)
            count += 1
    return count
