"""Editors import notes in the product, and write new questions.

:func:`upload_notes`
    Checks an upload against the limits (``settings.IMPORT_MAX_FILES``,
    ``IMPORT_MAX_FILE_BYTES``, ``IMPORT_MAX_BATCH_BYTES``; text only: a binary or undecodable
    note is refused by name) *before* anything is written, then records the batch, its files
    (name, SHA-256, a file uploaded before is recognised as a repeat) and the preview of every
    section the pipeline parses (:mod:`.parsing`). Images may come with the notes
    (``IMPORT_MAX_IMAGES``, ``IMPORT_MAX_IMAGE_BYTES`` each, counted in the batch's bytes):
    those the notes show by file name are stored (:func:`questions.figures.store_uploaded`)
    and the answers show the copies; an SVG, a file that is not a PNG, JPEG, GIF or WebP by
    its bytes, one too large or one no note shows is refused alone, and the preview says so
    (:func:`.import_images.image_report`).
:func:`confirm_import`
    Applies the editor's decisions: each included item becomes a question *awaiting review*
    (``Question.Status.PENDING``, seen by no reader) with a submitted draft; an item "same as
    #N" becomes another source of question N; a left-out item creates nothing.
:func:`publish_import`
    A reviewer other than the importer publishes the batch's drafts (all, or the items named),
    through :func:`.revisions.publish_revision`: the revision rule, unchanged.
:func:`create_question`
    An editor's new question, awaiting review the same way.
"""

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from interviewprep.errors import NotPermitted
from interviewprep.roles import Role

from .. import figures
from ..importing.images import IMAGE_SUFFIXES
from ..models import (
    AuditEntry,
    Figure,
    ImportBatch,
    ImportFile,
    ImportItem,
    Question,
    QuestionSource,
    RevisionDraft,
)
from ..rendering import render_answer
from ..search.tokens import search_fields
from . import EditorialError, audit, require
from .drafts import _clean_content, check_reviewer
from .parsing import likely_duplicates, parse_text, tag_specs
from .revisions import publish_revision

#: The names of files an upload may hold (the notes are Markdown or plain text).
TEXT_SUFFIXES = (".md", ".markdown", ".txt")
#: Encodings a note is read in, in this order (UTF-8 with or without a BOM, then GB18030).
ENCODINGS = ("utf-8-sig", "gb18030")
#: The name pasted text gets when the editor gives none.
PASTED_NAME = "pasted.md"


class ImportRefused(EditorialError):
    """An upload refused as a whole; nothing of it was stored."""

    code = "import_refused"


@dataclass(frozen=True)
class Upload:
    """One file of an upload: its name and its bytes (read with :func:`read_upload`)."""

    name: str
    content: bytes


@dataclass(frozen=True)
class Decision:
    """The editor's decision on one item (:func:`confirm_import`)."""

    item_id: int
    include: bool = True
    title: str | None = None
    tag_slugs: Sequence[str] | None = None
    same_as: int | None = None


def _is_image(name: str) -> bool:
    return PurePath(name).suffix.lower() in IMAGE_SUFFIXES


def read_upload(file: Any) -> Upload:
    """An uploaded file as an :class:`Upload`, reading at most one byte more than the limit
    of a note or an image (enough for :func:`upload_notes` to refuse it) whatever its size."""
    name = file.name or ""
    limit = settings.IMPORT_MAX_IMAGE_BYTES if _is_image(name) else settings.IMPORT_MAX_FILE_BYTES
    return Upload(name, file.read(limit + 1))


def pasted(name: str, text: str) -> Upload:
    """Pasted text as an upload, named ``name`` (a Markdown file without a suffix)."""
    name = name.strip() or PASTED_NAME
    if PurePath(name).suffix.lower() not in TEXT_SUFFIXES:
        name += ".md"
    return Upload(name, text.encode("utf-8"))


def _decode(upload: Upload) -> tuple[str, str]:
    """(text, encoding) of a text file, or :class:`ImportRefused` naming it."""
    # NUL never occurs in text in these encodings; it is in nearly every binary format.
    if b"\x00" not in upload.content:
        for encoding in ENCODINGS:
            try:
                text = upload.content.decode(encoding)
            except UnicodeDecodeError:
                continue
            controls = sum(1 for c in text if ord(c) < 32 and c not in "\n\r\t\f")
            if controls <= len(text) // 100:
                return text, encoding.removesuffix("-sig")
    raise ImportRefused(
        _("“%(name)s” is not a text file (UTF-8 or GB18030); nothing was imported.")
        % {"name": upload.name}
    )


def _check_images(uploads: Sequence[Upload]) -> list[figures.UploadedImage]:
    """Each image checked for type and size; a second image of one name is refused (the
    notes could not say which they show), the same bytes twice are one image."""
    if len(uploads) > settings.IMPORT_MAX_IMAGES:
        raise ImportRefused(
            _("At most %(n)s images can come with the notes; nothing was imported.")
            % {"n": settings.IMPORT_MAX_IMAGES}
        )
    checked: dict[str, figures.UploadedImage] = {}
    refused = []
    for upload in uploads:
        image = figures.check_image(
            upload.name, upload.content, max_bytes=settings.IMPORT_MAX_IMAGE_BYTES
        )
        earlier = checked.get(upload.name)
        if earlier is None:
            checked[upload.name] = image
        elif earlier.content != upload.content:
            refused.append(replace(image, refusal=Figure.Refusal.SAME_NAME))
    return [*checked.values(), *refused]


def _check(
    uploads: Sequence[Upload],
) -> tuple[list[tuple[Upload, str, str]], list[figures.UploadedImage]]:
    """Every limit, before anything is written; the decoded notes and the checked images."""
    notes = [upload for upload in uploads if not _is_image(upload.name)]
    if not notes:
        raise ImportRefused(_("Choose at least one file, or paste a note."))
    if len(notes) > settings.IMPORT_MAX_FILES:
        raise ImportRefused(
            _("At most %(n)s files can be imported at once; nothing was imported.")
            % {"n": settings.IMPORT_MAX_FILES}
        )
    for upload in notes:
        if PurePath(upload.name).suffix.lower() not in TEXT_SUFFIXES:
            raise ImportRefused(
                _(
                    "“%(name)s” is neither a note (.md, .markdown or .txt) nor an image (.png, "
                    ".jpg, .gif or .webp); nothing was imported."
                )
                % {"name": upload.name}
            )
        if len(upload.content) > settings.IMPORT_MAX_FILE_BYTES:
            raise ImportRefused(
                _("“%(name)s” is larger than %(limit)s; nothing was imported.")
                % {"name": upload.name, "limit": filesizeformat(settings.IMPORT_MAX_FILE_BYTES)}
            )
    if sum(len(upload.content) for upload in uploads) > settings.IMPORT_MAX_BATCH_BYTES:
        raise ImportRefused(
            _("The files together are larger than %(limit)s; nothing was imported.")
            % {"limit": filesizeformat(settings.IMPORT_MAX_BATCH_BYTES)}
        )
    images = _check_images([upload for upload in uploads if _is_image(upload.name)])
    return [(upload, *_decode(upload)) for upload in notes], images


def _clean_name(name: str) -> str:
    # Browsers send a bare file name; a client may send a path. Keep the last part only.
    return PurePath(name.replace("\\", "/")).name.strip()[:200] or PASTED_NAME


@transaction.atomic
def upload_notes(*, editor: Any, uploads: Sequence[Upload]) -> ImportBatch:
    """Record an upload and the preview of every section parsed from it; see the module
    docstring. Refused whole (:class:`ImportRefused`, nothing stored) over a limit, for a
    file that is not text, or when no section is found in a file."""
    require(editor, Role.EDITOR)
    uploads = [Upload(_clean_name(upload.name), upload.content) for upload in uploads]
    decoded, images = _check(uploads)
    stored = {image.name: image.stored_name for image in images if not image.refusal}
    links = {name: figures.site_path(path) for name, path in stored.items()}
    copies = {links[name]: default_storage.url(path) for name, path in stored.items()}
    specs = tag_specs()
    parsed_files = []
    shown: set[str] = set()
    for upload, text, encoding in decoded:
        parsed = parse_text(upload.name, text, specs, images=links, figures=copies)
        shown.update(name for entry in parsed for name in entry.images)
        if not parsed:
            raise ImportRefused(
                _(
                    "No question or note was found in “%(name)s”: give each question a "
                    "heading. Nothing was imported."
                )
                % {"name": upload.name}
            )
        parsed_files.append((upload, text, encoding, parsed))

    batch = ImportBatch.objects.create(created_by=editor)
    figures.store_uploaded(
        batch=batch,
        images=[
            image
            if image.refusal or image.name in shown
            else replace(image, refusal=Figure.Refusal.UNUSED)
            for image in images
        ],
    )
    position = 0
    for upload, text, encoding, parsed in parsed_files:
        digest = hashlib.sha256(upload.content).hexdigest()
        file = ImportFile.objects.create(
            batch=batch,
            name=upload.name,
            sha256=digest,
            size=len(upload.content),
            encoding=encoding,
            text=text,
            repeat_of=ImportFile.objects.filter(sha256=digest).exclude(batch=batch).first(),
        )
        # The sections of the same content imported before, under this name or another.
        names = {f.source_name for f in ImportFile.objects.filter(sha256=digest)}
        earlier = dict(
            QuestionSource.objects.filter(file_name__in=names)
            .order_by("file_name")
            .values_list("heading_line", "question_id")
        )
        items = []
        for entry in parsed:
            section = entry.section
            position += 1
            already = earlier.get(section.heading_line)
            items.append(
                ImportItem(
                    batch=batch,
                    file=file,
                    position=position,
                    kind=section.kind,
                    parsed_title=section.title[:300],
                    title=section.title[:300],
                    body_markdown=section.body,
                    body_html=entry.body_html,
                    has_answer=section.has_answer,
                    suggested_tags=entry.suggested_tags,
                    tag_slugs=entry.suggested_tags,
                    difficulty=entry.difficulty,
                    raw_title=section.raw_title[:500],
                    heading_line=section.heading_line,
                    end_line=section.end_line,
                    original_text=section.original_text,
                    provenance=entry.provenance,
                    duplicates=[likely.as_dict() for likely in likely_duplicates(section)],
                    already_imported_as_id=already,
                    # A section imported before joins its question again unless told otherwise.
                    decision=ImportItem.Decision.SAME_AS
                    if already
                    else ImportItem.Decision.INCLUDE,
                    same_as_id=already,
                )
            )
        ImportItem.objects.bulk_create(items)
    return batch


def _source(item: ImportItem, question: Question, match: str, similarity: float) -> None:
    QuestionSource.objects.update_or_create(
        file_name=item.file.source_name,
        heading_line=item.heading_line,
        defaults={
            "question": question,
            "start_line": item.heading_line,
            "end_line": item.end_line,
            "raw_title": item.raw_title,
            "original_text": item.original_text,
            "normalised_markdown": item.body_markdown,
            "match": match,
            "similarity": similarity,
        },
    )


def _new_question(
    *,
    author: Any,
    editor: Any,
    kind: str,
    title: str,
    body_markdown: str,
    tag_slugs: Sequence[str],
    difficulty: str,
    summary: str,
) -> tuple[Question, RevisionDraft]:
    """A question awaiting review and its submitted draft (what a reviewer publishes)."""
    title, body_markdown, slugs, difficulty = _clean_content(
        title=title, body_markdown=body_markdown, tag_slugs=tag_slugs, difficulty=difficulty
    )
    now = timezone.now()
    search_title, search_body = search_fields(title, body_markdown)
    question = Question.objects.create(
        kind=kind,
        title=title,
        body_markdown=body_markdown,
        body_html=render_answer(body_markdown, figures=figures.figures_for(body_markdown)),
        has_answer=bool(body_markdown.strip()),
        difficulty=difficulty,
        status=Question.Status.PENDING,
        search_title=search_title,
        search_body=search_body,
        created_at=now,
        updated_at=now,
    )
    draft = RevisionDraft.objects.create(
        question=question,
        base_revision=None,
        state=RevisionDraft.State.SUBMITTED,
        title=title,
        body_markdown=body_markdown,
        tag_slugs=slugs,
        difficulty=difficulty,
        summary=summary[:300],
        author=author,
        edited_by=editor,
        submitted_at=now,
    )
    return question, draft


@transaction.atomic
def confirm_import(*, batch_id: int, editor: Any, decisions: Iterable[Decision]) -> ImportBatch:
    """Apply the editor's decisions to a previewed batch (see the module docstring). An item
    without a decision keeps its default (included, or "same as" the question a section
    imported before joined). Refused when the batch was confirmed already, a decision names an
    item of another batch, or "same as" names a question readers cannot see."""
    require(editor, Role.EDITOR)
    claimed = ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.Status.PREVIEW).update(
        status=ImportBatch.Status.CONFIRMED, confirmed_by=editor, confirmed_at=timezone.now()
    )
    batch = ImportBatch.objects.select_related("created_by").get(pk=batch_id)
    if not claimed:
        raise EditorialError(_("This import was confirmed already."), code="import_confirmed")
    items = {item.pk: item for item in batch.items.select_related("file")}
    chosen: dict[int, Decision] = {}
    for decision in decisions:
        if decision.item_id not in items:
            raise EditorialError(
                _("Item %(id)s is not part of this import.") % {"id": decision.item_id}
            )
        chosen[decision.item_id] = decision
    created = joined = 0
    for item in items.values():
        wanted = chosen.get(item.pk)
        if wanted is not None:
            item.title = (wanted.title if wanted.title is not None else item.title).strip()
            if wanted.tag_slugs is not None:
                item.tag_slugs = list(wanted.tag_slugs)
            if wanted.same_as is not None:
                item.decision, item.same_as_id = ImportItem.Decision.SAME_AS, wanted.same_as
            elif wanted.include:
                item.decision, item.same_as_id = ImportItem.Decision.INCLUDE, None
            else:
                item.decision, item.same_as_id = ImportItem.Decision.SKIP, None
        if item.decision == ImportItem.Decision.SAME_AS:
            target = Question.objects.visible().filter(pk=item.same_as_id or 0).first()
            if target is None:
                raise EditorialError(
                    _("“%(title)s”: there is no question #%(id)s to add it to.")
                    % {"title": item.title, "id": item.same_as_id}
                )
            similarity = next(
                (d["similarity"] for d in item.duplicates if d["id"] == target.pk), 1.0
            )
            match = QuestionSource.Match.EXACT if similarity >= 1 else QuestionSource.Match.NEAR
            _source(item, target, match, similarity)
            item.question = target
            joined += 1
        elif item.decision == ImportItem.Decision.INCLUDE:
            item.question, item.draft = _new_question(
                author=batch.created_by,
                editor=editor,
                kind=item.kind,
                title=item.title,
                body_markdown=item.body_markdown,
                tag_slugs=item.tag_slugs,
                difficulty=item.difficulty,
                summary=_("Imported from %(name)s") % {"name": item.file.name},
            )
            _source(item, item.question, QuestionSource.Match.CANONICAL, 1.0)
            created += 1
        item.save()
    names = ", ".join(file.name for file in batch.files.all())
    detail = f"#{batch.pk} {names}: +{created} new, {joined} joined"
    audit(editor, AuditEntry.Action.IMPORTED, None, detail)
    return batch


def importer_ids(batch: ImportBatch) -> set[int]:
    """Who may not publish the batch: whoever uploaded or confirmed it."""
    return {pk for pk in (batch.created_by_id, batch.confirmed_by_id) if pk}


@transaction.atomic
def publish_import(
    *, batch_id: int, reviewer: Any, item_ids: Iterable[int] | None = None
) -> list[Question]:
    """Publish the batch's drafts awaiting review (all, or those of ``item_ids``) as a
    reviewer other than the importer (:func:`.drafts.check_reviewer`); returns the published
    questions. The batch is published once none of its drafts awaits review."""
    require(reviewer, Role.REVIEWER)
    batch = ImportBatch.objects.get(pk=batch_id)
    if reviewer.pk in importer_ids(batch):
        raise NotPermitted(
            _("Notes must be published by a reviewer other than the editor who imported them.")
        )
    waiting = batch.items.filter(
        draft__state=RevisionDraft.State.SUBMITTED, draft__isnull=False
    ).select_related("draft", "question")
    if item_ids is not None:
        wanted = set(item_ids)
        waiting = waiting.filter(pk__in=wanted)
        if waiting.count() != len(wanted):
            raise EditorialError(_("Only items of this import awaiting review can be published."))
    published = []
    for item in waiting:
        assert item.draft is not None
        assert item.question is not None
        check_reviewer(item.draft, reviewer)
        publish_revision(draft_id=item.draft.pk, reviewer=reviewer)
        published.append(item.question)
    if not published:
        raise EditorialError(_("Nothing in this import awaits review."))
    remaining = batch.items.filter(draft__state=RevisionDraft.State.SUBMITTED).exists()
    if not remaining:
        ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.PUBLISHED)
    return published


@transaction.atomic
def create_question(
    *,
    editor: Any,
    title: str,
    body_markdown: str,
    tag_slugs: Sequence[str],
    difficulty: str,
    summary: str = "",
) -> RevisionDraft:
    """An editor's new question: awaiting review (no reader sees it) with its draft submitted;
    a reviewer other than the editor publishes it as any revision is published."""
    require(editor, Role.EDITOR)
    question, draft = _new_question(
        author=editor,
        editor=editor,
        kind=Question.Kind.QUESTION,
        title=title,
        body_markdown=body_markdown,
        tag_slugs=tag_slugs,
        difficulty=difficulty,
        summary=summary.strip() or _("New question"),
    )
    if not question.has_answer:
        raise EditorialError(_("Write the answer: a question without one cannot be practised."))
    audit(editor, AuditEntry.Action.QUESTION_WRITTEN, question, title)
    return draft
