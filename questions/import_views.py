"""Pages for importing notes and writing new questions (editors; reviewers publish).

Thin views over ``questions.editorial.imports``, the services the API calls too. A refused
action re-renders its page with the message (400), or shows it on the page it goes back to;
403 when the user may not do it.
"""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from interviewprep import ratelimit
from interviewprep.errors import DomainError, cleaned, shows_refusal
from interviewprep.roles import Role, has_role, role_required

from .editorial import import_images, imports
from .editorial.drafts import can_review
from .editorial.parsing import likely_duplicates, section_for
from .forms import ItemDecisionFormSet, NewQuestionForm, PublishItemsForm, UploadForm
from .models import ImportBatch, ImportItem, Question, RevisionDraft, Tag
from .rendering import render_answer

EDITORS = (Role.EDITOR, Role.REVIEWER)
PAGE_SIZE = 20


def _import_list(request: HttpRequest, error: str = "", status: int = 200) -> HttpResponse:
    batches = (
        ImportBatch.objects.select_related("created_by")
        .prefetch_related("files__repeat_of")
        .annotate(
            item_count=Count("items", distinct=True),
            created=Count("items__draft", distinct=True),
        )
        .order_by("-created_at", "-id")
    )
    page = Paginator(batches, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "error": error,
        "limits": {
            "files": settings.IMPORT_MAX_FILES,
            "file": settings.IMPORT_MAX_FILE_BYTES,
            "batch": settings.IMPORT_MAX_BATCH_BYTES,
            "images": settings.IMPORT_MAX_IMAGES,
            "image": settings.IMPORT_MAX_IMAGE_BYTES,
        },
        "can_import": has_role(request.user, Role.EDITOR),
    }
    return render(request, "questions/editor/imports.html", context, status=status)


def _upload_refused(request: HttpRequest, error: DomainError) -> HttpResponse:
    return _import_list(request, error.message, status=400)


@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
@shows_refusal(_upload_refused)
def import_list(request: HttpRequest) -> HttpResponse:
    """Every import, newest first, and the upload form (POST uploads)."""
    if request.method == "GET":
        return _import_list(request)
    if not has_role(request.user, Role.EDITOR):
        return _import_list(request, _("Only editors can import notes."), status=403)
    ratelimit.limit(request, "upload")
    data = cleaned(UploadForm(request.POST, request.FILES))
    uploads = [imports.read_upload(file) for file in data["files"]]
    if data["text"].strip():
        uploads.append(imports.pasted(data["name"], data["text"]))
    batch = imports.upload_notes(editor=request.user, uploads=uploads)
    return redirect(batch)


def _batch(pk: int) -> ImportBatch:
    return get_object_or_404(
        ImportBatch.objects.select_related("created_by", "confirmed_by").prefetch_related(
            "files__repeat_of", "figures"
        ),
        pk=pk,
    )


def _import_page(request: HttpRequest, pk: int, error: str = "", status: int = 200) -> HttpResponse:
    batch = _batch(pk)
    items = list(
        batch.items.select_related("file", "draft", "question", "same_as").order_by("position")
    )
    user = request.user
    reviewable = [
        item for item in items if item.draft and item.draft.state == RevisionDraft.State.SUBMITTED
    ]
    may_publish = (
        has_role(user, Role.REVIEWER)
        and user.pk not in imports.importer_ids(batch)
        and all(can_review(user, item.draft) for item in reviewable if item.draft)
    )
    context = {
        "batch": batch,
        "items": items,
        "error": error,
        "editable": batch.status == ImportBatch.Status.PREVIEW and has_role(user, Role.EDITOR),
        "reviewable": reviewable,
        "may_publish": may_publish and bool(reviewable),
        "is_importer": user.pk in imports.importer_ids(batch),
        "repeated": [file for file in batch.files.all() if file.repeat_of_id],
        "Decision": ImportItem.Decision,
        "images": import_images.image_report(batch, items),
        "image_limit": settings.IMPORT_MAX_IMAGE_BYTES,
        "may_fetch_images": has_role(user, Role.EDITOR)
        and any("img-remote" in item.body_html for item in items),
    }
    return render(request, "questions/editor/import.html", context, status=status)


def _import_refused(request: HttpRequest, error: DomainError, pk: int) -> HttpResponse:
    return _import_page(request, pk, error.message, status=400)


@role_required(*EDITORS)
@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The preview: every parsed item with its controls; then what confirming created."""
    return _import_page(request, pk)


@role_required(Role.EDITOR)
@require_POST
@shows_refusal(_import_refused)
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(pk)
    forms = ItemDecisionFormSet(request.POST)
    rows = cleaned(forms)
    decisions = [
        imports.Decision(
            item_id=row["item"],
            include=row["include"],
            title=row["title"],
            tag_slugs=form.tag_slugs(),
            same_as=row["same_as"],
        )
        for form, row in zip(forms.forms, rows, strict=True)
    ]
    imports.confirm_import(batch_id=batch.pk, editor=request.user, decisions=decisions)
    messages.success(request, _("Imported. A reviewer other than you publishes the questions."))
    return redirect(batch)


@role_required(Role.REVIEWER)
@require_POST
@shows_refusal(_import_refused)
def import_publish(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(pk)
    data = cleaned(PublishItemsForm(request.POST))
    published = imports.publish_import(
        batch_id=batch.pk, reviewer=request.user, item_ids=data["items"] or None
    )
    messages.success(request, _("Published %(n)s questions.") % {"n": len(published)})
    return redirect(batch)


@role_required(Role.EDITOR)
@require_POST
@shows_refusal(_import_refused)
def import_fetch_images(request: HttpRequest, pk: int) -> HttpResponse:
    """Copy the remote images of the import's answers from the allowed hosts; the result is
    shown on the import's page."""
    batch = _batch(pk)
    ratelimit.limit(request, "fetch_images")
    report = import_images.fetch_import_figures(batch_id=batch.pk, editor=request.user)
    found = len(report.copied) + len(report.earlier) + len(report.refused)
    if not found and not report.not_allowed:
        messages.info(request, _("No answer of this import shows a remote image to copy."))
        return redirect(batch)
    messages.success(
        request,
        _("Copied %(copied)s images (%(earlier)s copied before), refused %(refused)s.")
        % {
            "copied": len(report.copied),
            "earlier": len(report.earlier),
            "refused": len(report.refused),
        },
    )
    for url, why in report.refused:
        messages.warning(request, _("Refused %(url)s: %(why)s") % {"url": url, "why": why})
    if report.not_allowed:
        messages.warning(
            request,
            _(
                "Images on these hosts stay placeholders, as the hosts are not allowed "
                "(QUESTION_FIGURE_HOSTS): %(hosts)s"
            )
            % {"hosts": ", ".join(report.not_allowed)},
        )
    return redirect(batch)


# --- new questions ------------------------------------------------------------------------


def _new_page(
    request: HttpRequest, values: dict[str, Any], error: str = "", status: int = 200
) -> HttpResponse:
    context = {
        "values": values,
        "error": error,
        "tags": Tag.objects.order_by("level", "slug"),
        "difficulties": Question.Difficulty.choices,
        "preview_html": render_answer(values["body_markdown"]),
        "duplicates": _duplicates(values["title"]),
    }
    return render(request, "questions/editor/new.html", context, status=status)


def _values(form: NewQuestionForm) -> dict[str, Any]:
    form.is_valid()
    data = form.cleaned_data
    return {
        "title": data.get("title", ""),
        "body_markdown": data.get("body_markdown", ""),
        "tag_slugs": data.get("tags", []),
        "difficulty": data.get("difficulty", "") or Question.Difficulty.MEDIUM,
        "summary": data.get("summary", ""),
    }


def _duplicates(title: str) -> list[Any]:
    section = section_for(title[:300])
    return likely_duplicates(section) if section else []


def _new_refused(request: HttpRequest, error: DomainError) -> HttpResponse:
    return _new_page(request, _values(NewQuestionForm(request.POST)), error.message, 400)


@role_required(Role.EDITOR)
@require_http_methods(["GET", "POST"])
@shows_refusal(_new_refused)
def question_new(request: HttpRequest) -> HttpResponse:
    """GET the editor; POST creates the question awaiting review, with its draft submitted."""
    if request.method == "GET":
        return _new_page(request, _values(NewQuestionForm({})))
    data = cleaned(NewQuestionForm(request.POST))
    draft = imports.create_question(
        editor=request.user,
        title=data["title"],
        body_markdown=data["body_markdown"],
        tag_slugs=data["tags"],
        difficulty=data["difficulty"],
        summary=data["summary"],
    )
    messages.success(request, _("Sent for review. A reviewer other than you publishes it."))
    return redirect(draft)


@role_required(Role.EDITOR)
@require_POST
def question_new_preview(request: HttpRequest) -> HttpResponse:
    """htmx: the answer rendered as readers will see it (writes nothing)."""
    values = _values(NewQuestionForm(request.POST))
    context = {"preview_html": render_answer(values["body_markdown"])}
    return render(request, "questions/editor/new.html#preview", context)


@role_required(Role.EDITOR)
@require_POST
def question_new_duplicates(request: HttpRequest) -> HttpResponse:
    """htmx: the bank's likely duplicates of the title being typed (writes nothing)."""
    values = _values(NewQuestionForm(request.POST))
    context = {"duplicates": _duplicates(values["title"])}
    return render(request, "questions/editor/new.html#duplicates", context)
