"""The images of an editor's import: what its preview shows of them (:func:`image_report`)
and copying the remote images its answers show (:func:`fetch_import_figures`, as
``manage.py fetch_images`` does for the whole bank)."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from interviewprep.roles import Role

from .. import figures
from ..importing.images import local_images, matcher
from ..models import Figure, ImportBatch, ImportItem
from ..rendering import render_answer
from . import require


@dataclass(frozen=True)
class MissingImage:
    """An image an answer shows from a file that did not come with the note."""

    reference: str
    item: ImportItem


@dataclass(frozen=True)
class ImageReport:
    """The images of an import, as its preview shows them."""

    found: list[Figure]
    refused: list[Figure]
    missing: list[MissingImage]


def image_report(batch: ImportBatch, items: Iterable[ImportItem]) -> ImageReport:
    """The images uploaded with ``batch`` (stored, or refused and why) and the local images
    its ``items`` show that no uploaded file matches (each answer shows a placeholder
    instead). An image that was refused is not listed as missing as well."""
    uploaded = list(batch.figures.all())
    refused = [figure for figure in uploaded if not figure.file]
    is_refused = matcher(figure.name for figure in refused)
    prefix = figures.site_prefix()
    missing = [
        MissingImage(src, item)
        for item in items
        for src in dict.fromkeys(local_images(item.body_markdown, site_prefix=prefix))
        if is_refused(src) is None
    ]
    return ImageReport([figure for figure in uploaded if figure.file], refused, missing)


def fetch_import_figures(*, batch_id: int, editor: Any) -> figures.FetchReport:
    """Copy the remote images the answers of an import show (from the hosts the operator
    allows, as :func:`questions.figures.fetch_figures` does for the whole bank), then render
    its previews and the questions it created again so they show the copies. No transaction
    around it: it waits on remote hosts."""
    require(editor, Role.EDITOR)
    items = list(
        ImportBatch.objects.get(pk=batch_id).items.only("pk", "body_markdown", "body_html")
    )
    created = dict(
        ImportItem.objects.filter(batch_id=batch_id, draft__isnull=False).values_list(
            "pk", "question_id"
        )
    )
    wanted: dict[str, list[int]] = {}
    for item in items:
        for url in figures.placeholders(item.body_html):
            wanted.setdefault(url, []).extend([created[item.pk]] if item.pk in created else [])
    report = figures.fetch_figures(wanted=wanted)
    for item in items:
        if figures.placeholders(item.body_html):
            body = render_answer(
                item.body_markdown, figures=figures.figures_for(item.body_markdown)
            )
            if body != item.body_html:
                ImportItem.objects.filter(pk=item.pk).update(body_html=body)
    return report
