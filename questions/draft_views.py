"""The editors' pages of one draft: start it, edit it with preview and diff, submit it for
review, withdraw or reassign it, and the reviewer's approval or request for changes.

Thin views as in :mod:`.editor_views`: a refused action shows the editor again with the
editor's text and the message (409 beside what is saved now when someone saved meanwhile), or
the message on the draft's page.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from interviewprep.errors import DomainError, cleaned, shows_refusal
from interviewprep.roles import Role, has_role, role_required

from .access import get_draft_for_editor
from .diff import diff_html
from .editor_views import EDITORS
from .editorial import drafts, revisions
from .forms import CommentForm, DraftForm, ReassignForm, SubmitForm
from .grading import format_key_points
from .models import Question, RevisionDraft, Tag
from .rendering import render_answer


def _to_draft(request: HttpRequest, error: DomainError, pk: int) -> str:
    return reverse("questions:draft", args=[pk])


@role_required(Role.EDITOR)
@require_POST
@shows_refusal(lambda request, error, pk: reverse("questions:detail", args=[pk]))
def start_draft(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(Question, pk=pk)
    return redirect(drafts.start_draft(question=question, editor=request.user))


def _draft_context(
    request: HttpRequest, draft: RevisionDraft, values: dict[str, Any]
) -> dict[str, Any]:
    question = draft.question
    published = question.live_revision
    old_body = published.body_markdown if published else ""
    old_title = published.title if published else ""
    user = request.user
    return {
        "draft": draft,
        "question": question,
        "values": values,
        "tags": Tag.objects.order_by("level", "slug"),
        "difficulties": Question.Difficulty.choices,
        "open_flags": list(question.flags.open().by_severity()),
        "resolves": {flag.pk for flag in draft.resolves.all()},
        "can_edit": draft.editable and has_role(user, Role.EDITOR),
        "can_review": draft.state == RevisionDraft.State.SUBMITTED
        and drafts.can_review(user, draft),
        "can_withdraw": draft.state == RevisionDraft.State.SUBMITTED
        and has_role(user, Role.EDITOR)
        and user.pk in (draft.author_id, draft.edited_by_id),
        "editors": (
            get_user_model().objects.filter(groups__name=Role.EDITOR.value).order_by("pk")
            if user.is_staff
            else ()
        ),
        **_preview(
            old_title,
            old_body,
            values["title"],
            values["body_markdown"],
            format_key_points(published.key_points) if published else "",
            values["key_points"],
        ),
    }


def _preview(
    old_title: str, old_body: str, title: str, body: str, old_points: str, points: str
) -> dict[str, Any]:
    return {
        # render_answer is the sanitiser readers' pages go through; the preview is its output.
        "preview_html": render_answer(body),
        "preview_title": title,
        "title_diff": diff_html(old_title, title),
        "body_diff": diff_html(old_body, body, old_label=_("Published"), new_label=_("This draft")),
        # Key points are reviewed with the answer they summarise: one diff under the other.
        "key_points_diff": diff_html(
            old_points, points, old_label=_("Published"), new_label=_("This draft")
        ),
    }


def _values(draft: RevisionDraft) -> dict[str, Any]:
    return {
        "title": draft.title,
        "body_markdown": draft.body_markdown,
        "tag_slugs": list(draft.tag_slugs),
        "difficulty": draft.difficulty,
        "key_points": format_key_points(draft.key_points),
        "version": draft.version,
    }


def _draft_refused(request: HttpRequest, error: DomainError, pk: int) -> HttpResponse:
    """The editor again, with the editor's text and the refusal; for a stale save (409), what
    is saved now beside it: the next save deliberately replaces theirs."""
    values = DraftForm(request.POST).values()
    if not isinstance(error, drafts.DraftConflict):
        context = _draft_context(request, get_draft_for_editor(request.user, pk), values)
        context["error"] = error.message
        return render(request, "questions/editor/draft.html", context, status=400)
    current = error.current
    context = _draft_context(request, current, {**values, "version": current.version})
    context["error"] = error.message
    context["conflict"] = {
        "draft": current,
        "title": diff_html(current.title, values["title"]),
        "body": diff_html(
            current.body_markdown,
            values["body_markdown"],
            old_label=_("Saved by %(who)s") % {"who": current.edited_by},
            new_label=_("Your text"),
        ),
    }
    return render(request, "questions/editor/draft.html", context, status=409)


@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
@shows_refusal(_draft_refused)
def draft_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The editor: GET shows the draft; POST saves it (refused if someone saved meanwhile)."""
    draft = get_draft_for_editor(request.user, pk)
    if request.method == "GET":
        return render(
            request, "questions/editor/draft.html", _draft_context(request, draft, _values(draft))
        )
    if not has_role(request.user, Role.EDITOR):
        raise PermissionDenied
    data = cleaned(DraftForm(request.POST))
    drafts.save_draft(
        draft_id=draft.pk,
        editor=request.user,
        seen_version=data["version"] or 0,
        title=data["title"],
        body_markdown=data["body_markdown"],
        tag_slugs=data["tags"],
        difficulty=data["difficulty"],
        key_points_text=data["key_points"] if "key_points" in request.POST else None,
    )
    messages.success(request, _("Draft saved."))
    return redirect(draft)


@role_required(Role.EDITOR)
@require_POST
def draft_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: the rendered preview and the diff of the text being typed (writes nothing)."""
    draft = get_draft_for_editor(request.user, pk)
    published = draft.question.live_revision
    values = DraftForm(request.POST).values()
    context = _preview(
        published.title if published else "",
        published.body_markdown if published else "",
        values["title"],
        values["body_markdown"],
        format_key_points(published.key_points) if published else "",
        values["key_points"],
    )
    return render(request, "questions/editor/draft.html#preview", context)


@role_required(Role.EDITOR)
@require_POST
@shows_refusal(_to_draft)
def draft_submit(request: HttpRequest, pk: int) -> HttpResponse:
    draft = get_draft_for_editor(request.user, pk)
    data = cleaned(SubmitForm(request.POST))
    drafts.submit_draft(
        draft_id=draft.pk,
        editor=request.user,
        seen_version=data["version"] or 0,
        summary=data["summary"],
        resolves=data["resolves"],
    )
    messages.success(request, _("Submitted for review."))
    return redirect(draft)


@role_required(Role.EDITOR)
@require_POST
@shows_refusal(_to_draft)
def draft_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    draft = drafts.withdraw_draft(
        draft_id=get_draft_for_editor(request.user, pk).pk, editor=request.user
    )
    messages.success(request, _("Withdrawn from review: the draft can be edited again."))
    return redirect(draft)


@login_required
@require_POST
@shows_refusal(_to_draft)
def draft_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff: hand a draft to another editor (the draft's author and last editor)."""
    draft = get_object_or_404(RevisionDraft, pk=pk)
    editor = get_object_or_404(get_user_model(), pk=cleaned(ReassignForm(request.POST))["editor"])
    drafts.reassign_draft(draft_id=draft.pk, admin=request.user, editor=editor)
    messages.success(request, _("The draft was reassigned."))
    return redirect(draft)


@role_required(Role.REVIEWER)
@require_POST
@shows_refusal(_to_draft)
def draft_approve(request: HttpRequest, pk: int) -> HttpResponse:
    draft = get_draft_for_editor(request.user, pk)
    revisions.publish_revision(draft_id=draft.pk, reviewer=request.user)
    messages.success(request, _("Published."))
    return redirect(draft.question)


@role_required(Role.REVIEWER)
@require_POST
@shows_refusal(_to_draft)
def draft_request_changes(request: HttpRequest, pk: int) -> HttpResponse:
    draft = get_draft_for_editor(request.user, pk)
    drafts.request_changes(
        draft_id=draft.pk, reviewer=request.user, **cleaned(CommentForm(request.POST))
    )
    messages.success(request, _("Sent back to the author."))
    return redirect(draft)
