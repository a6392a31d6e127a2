"""Figures of answers, in media storage so readers never hot-link them.

:func:`fetch_figures` downloads the remote images the answers show (from hosts the operator
allows, ``settings.QUESTION_FIGURE_HOSTS``), checks each for size and type (PNG, JPEG, GIF or
WebP by its first bytes; SVG and anything else refused), stores it in Django's default
storage (the file system by default; S3-compatible storage through django-storages) under
``figures/`` and renders the answers that show it again, so they show the copy.
:func:`store_uploaded` stores the images an editor uploaded with a note the same way; the
note's Markdown then names them by their :func:`site_path` (``/media/figures/<hash>.png``).
:func:`copied_figures` is the mapping the renderer uses (remote URL or site path -> URL of the
copy).
"""

import hashlib
import html
import posixpath
import re
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.error import URLError
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import rendering
from .models import Figure, ImportBatch, Question

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
    earlier: list[str] = field(default_factory=list)  # copied by an earlier run


@dataclass(frozen=True)
class UploadedImage:
    """An image uploaded with notes, checked by :func:`check_image` (nothing stored yet)."""

    name: str
    content: bytes
    content_type: str = ""
    refusal: str = ""  # a Figure.Refusal, or "" when it may be stored

    @property
    def stored_name(self) -> str:
        """Its name in storage: the content's hash, so the same image is stored once."""
        extension = self.content_type.removeprefix("image/").replace("jpeg", "jpg")
        return f"figures/{hashlib.sha256(self.content).hexdigest()[:40]}.{extension}"


def check_image(name: str, data: bytes, *, max_bytes: int) -> UploadedImage:
    """An uploaded image with its type read from its first bytes, or why it is refused."""
    if name.lower().endswith(".svg") or data.lstrip()[:5].lower() in {b"<?xml", b"<svg"}:
        return UploadedImage(name, data, refusal=Figure.Refusal.SVG)
    if len(data) > max_bytes:
        return UploadedImage(name, data, refusal=Figure.Refusal.TOO_LARGE)
    kind = image_type(data)
    if kind is None:
        return UploadedImage(name, data, refusal=Figure.Refusal.NOT_IMAGE)
    return UploadedImage(name, data, content_type=kind[0])


def store_uploaded(*, batch: ImportBatch, images: Sequence[UploadedImage]) -> list[Figure]:
    """A :class:`Figure` of ``batch`` for each image: stored in media storage under its
    content's hash (once, whichever import brings it first), or refused (``error``, no file)."""
    rows = []
    for image in images:
        figure = Figure(
            batch=batch,
            name=image.name[:200],
            sha256=hashlib.sha256(image.content).hexdigest(),
            size=len(image.content),
            content_type=image.content_type,
            error=image.refusal,
        )
        if not image.refusal:
            if default_storage.exists(image.stored_name):
                figure.file.name = image.stored_name
            else:
                name = posixpath.basename(image.stored_name)
                figure.file.save(name, ContentFile(image.content), save=False)
        rows.append(figure)
    return Figure.objects.bulk_create(rows)


def placeholders(body_html: str) -> list[str]:
    """The remote images a rendered answer shows as placeholders (not copied yet)."""
    return [html.unescape(url) for url in _PLACEHOLDER.findall(body_html)]


def site_path(name: str) -> str:
    """The path of a stored figure on the site (``/media/figures/<name>``, served by
    ``views.figure`` whatever the storage): what a note's Markdown says for an image uploaded
    with it, so that every later rendering finds the copy without knowing the import."""
    return reverse("figure", args=[posixpath.basename(name)])


def site_prefix() -> str:
    """The start of every :func:`site_path`."""
    return site_path("x")[:-1]


def _mapping(rows: Iterable[tuple[str | None, str]]) -> dict[str, str]:
    # A copied remote image is found by its URL, an uploaded one by its site path.
    return {url or site_path(name): default_storage.url(name) for url, name in rows}


def copied_figures() -> dict[str, str]:
    """Remote URL or site path -> URL of its copy in media storage, for every stored figure."""
    return _mapping(Figure.objects.exclude(file="").values_list("url", "file"))


_REMOTE_IMAGE = re.compile(
    r"""!\[[^\]]*\]\(\s*<?((?:https?:)?//[^\s)>]+)|<img\s[^>]*?src\s*=\s*["']?((?:https?:)?//[^"'\s>]+)""",
    re.IGNORECASE,
)


def figures_for(markdown_text: str) -> dict[str, str]:
    """:func:`copied_figures` for the images one answer shows (no query if none)."""
    urls = {html.unescape(a or b) for a, b in _REMOTE_IMAGE.findall(markdown_text)}
    prefix = site_prefix()
    names = {
        f"figures/{name}"
        for name in re.findall(re.escape(prefix) + r"""([\w.-]+)""", markdown_text)
    }
    if not urls and not names:
        return {}
    found = Figure.objects.exclude(file="").filter(
        Q(url__in=urls) | Q(url__isnull=True, file__in=names)
    )
    return _mapping(found.values_list("url", "file"))


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
        for url in placeholders(body):
            found.setdefault(url, []).append(pk)
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
            raise _Refused(
                _("redirected to %(host)s, which is not allowed")
                % {"host": target.hostname or newurl}
            )
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
        raise _Refused(_("download failed: %(error)s") % {"error": error}) from error
    if len(data) > max_bytes:
        raise _Refused(_("larger than %(limit)d bytes") % {"limit": max_bytes})
    if "svg" in declared or data.lstrip()[:5].lower() in {b"<?xml", b"<svg"}:
        raise _Refused(_("SVG is refused (it can carry scripts)"))
    kind = image_type(data)
    if kind is None:
        raise _Refused(
            _("not a PNG, JPEG, GIF or WebP image (declared %(type)s)") % {"type": declared}
        )
    return data, *kind


def fetch_figures(
    *,
    hosts: Iterable[str] | None = None,
    max_bytes: int | None = None,
    wanted: Mapping[str, Sequence[int]] | None = None,
) -> FetchReport:
    """Copy the answers' remote images from allowed ``hosts`` (default: the setting) into
    media storage and render the answers showing them again; idempotent (a copied image is
    not fetched again; a refused one is tried again on the next run). ``wanted`` (remote URL
    -> pks of the questions showing it) limits it to those images; default: every one
    (:func:`remote_images`)."""
    allowed = {h.lower() for h in (settings.QUESTION_FIGURE_HOSTS if hosts is None else hosts)}
    limit = settings.QUESTION_FIGURE_MAX_BYTES if max_bytes is None else max_bytes
    report = FetchReport()
    wanted = remote_images() if wanted is None else wanted
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
            report.earlier.append(url)
            continue
        try:
            data, content_type, extension = _download(url, hosts=allowed, max_bytes=limit)
        except _Refused as refusal:
            Figure.objects.update_or_create(url=url, defaults={"error": str(refusal)[:300]})
            report.refused.append((url, str(refusal)))
            continue
        name = f"{hashlib.sha256(url.encode()).hexdigest()[:40]}.{extension}"
        figure, _created = Figure.objects.get_or_create(url=url)
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
