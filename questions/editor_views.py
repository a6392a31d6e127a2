"""Pages for reporting problems (learners) and curating the bank (editors, reviewers, staff).

Thin views: parse the request, call one function of ``questions.editorial``, render. A refused
action re-renders its page with the message and the user's text, with status 400 (403 when the
user may not do it).
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from interviewprep.roles import Role, has_role, role_required

from . import editorial
from .diff import diff_html
from .models import (
    AuditEntry,
    DuplicateCandidate,
    EditorialFlag,
    Question,
    QuestionRevision,
    RevisionDraft,
    Tag,
)
from .rendering import render_answer
from .views import HtmxHttpRequest

PAGE_SIZE = 20
EDITORS = (Role.EDITOR, Role.REVIEWER)


def _page(request: HttpRequest, items: Any) -> Any:
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _back(request: HttpRequest, default: str) -> HttpResponse:
    """Redirect to the same-site ``next`` field, else to ``default``."""
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = default
    return redirect(target or default)


# --- learners ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def report_problem(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(Question.objects.visible(), pk=pk)
    context: dict[str, Any] = {
        "question": question,
        "reasons": [(r.value, r.label) for r in editorial.LEARNER_REASONS],
        "reason": request.POST.get("reason", ""),
        "comment": request.POST.get("comment", ""),
    }
    if request.method == "POST":
        try:
            editorial.report_problem(
                question=question,
                reporter=request.user,
                reason=context["reason"],
                comment=context["comment"],
            )
        except editorial.EditorialError as error:
            context["error"] = error.message
            return render(request, "questions/report.html", context, status=400)
        messages.success(request, _("Thank you. Editors will look at your report."))
        return redirect("questions:my-reports")
    return render(request, "questions/report.html", context)


@login_required
@require_GET
def my_reports(request: HttpRequest) -> HttpResponse:
    flags = (
        EditorialFlag.objects.filter(reporter_id=request.user.pk)
        .select_related("question", "resolved_in")
        .order_by("-created_at", "-id")
    )
    return render(request, "questions/my_reports.html", {"page": _page(request, flags)})


@login_required
@require_POST
def dismiss_notification(request: HttpRequest, pk: int) -> HttpResponse:
    editorial.dismiss_notification(user=request.user, notification_id=pk)
    return _back(request, reverse("questions:my-reports"))


@require_GET
def history(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(Question.objects.visible().select_related("live_revision"), pk=pk)
    revisions = list(
        QuestionRevision.objects.filter(question=question)
        .select_related("author", "reviewer")
        .order_by("-number")
    )
    by_number = {revision.number: revision for revision in revisions}
    newest = revisions[0].number if revisions else None
    a = by_number.get(_int(request.GET.get("a")) or -1)
    b = by_number.get(_int(request.GET.get("b")) or newest or -1)
    if a is None and b is not None:
        a = by_number.get(b.number - 1, b)
    comparison = None
    if a is not None and b is not None:
        comparison = {
            "a": a,
            "b": b,
            "title": diff_html(a.title, b.title),
            "body": diff_html(
                a.body_markdown,
                b.body_markdown,
                old_label=_("Version %(n)s") % {"n": a.number},
                new_label=_("Version %(n)s") % {"n": b.number},
            ),
        }
    return render(
        request,
        "questions/history.html",
        {
            "question": question,
            "revisions": revisions,
            "comparison": comparison,
            "can_rollback": has_role(request.user, Role.REVIEWER),
        },
    )


# --- editors: flags ----------------------------------------------------------------------


@role_required(*EDITORS)
@require_GET
@vary_on_headers("HX-Request")
def flag_queue(request: HtmxHttpRequest) -> HttpResponse:
    tag = request.GET.get("tag", "")
    reason = request.GET.get("reason", "")
    sort = request.GET.get("sort", "severity")
    if reason not in EditorialFlag.Reason.values:
        reason = ""
    page = _page(request, editorial.flag_queue(tag=tag, reason=reason, sort=sort))
    query = request.GET.copy()
    query.pop("page", None)
    context: dict[str, Any] = {
        "page": page,
        "query": query.urlencode(),
        "tag": tag,
        "reason": reason,
        "sort": sort,
        "reasons": EditorialFlag.Reason.choices,
        "sorts": [("severity", _("Severity")), ("count", _("Reports")), ("age", _("Oldest"))],
        "can_edit": has_role(request.user, Role.EDITOR),
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "questions/editor/queue.html#results", context)
    context["tags"] = Tag.objects.order_by("slug")
    return render(request, "questions/editor/queue.html", context)


@role_required(Role.EDITOR)
@require_POST
def decline_flag(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(EditorialFlag, pk=pk)
    try:
        editorial.decline_flag(
            flag_id=pk, editor=request.user, reason=request.POST.get("reason", "")
        )
    except editorial.EditorialError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Report declined; the reporter will see your reason."))
    return _back(request, reverse("questions:editor-queue"))


@role_required(Role.EDITOR)
@require_POST
def mark_needs_revision(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(EditorialFlag, pk=pk)
    try:
        editorial.mark_needs_revision(flag_id=pk, editor=request.user)
    except editorial.EditorialError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The question is marked as under revision."))
    return _back(request, reverse("questions:editor-queue"))


# --- editors: drafts ---------------------------------------------------------------------


@role_required(Role.EDITOR)
@require_POST
def start_draft(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(Question, pk=pk)
    try:
        draft = editorial.start_draft(question=question, editor=request.user)
    except editorial.EditorialError as error:
        messages.error(request, error.message)
        return redirect(question)
    return redirect(draft)


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
        and has_role(user, Role.REVIEWER)
        and user.pk not in (draft.author_id, draft.edited_by_id),
        **_preview(old_title, old_body, values["title"], values["body_markdown"]),
    }


def _preview(old_title: str, old_body: str, title: str, body: str) -> dict[str, Any]:
    return {
        # render_answer is the sanitiser readers' pages go through; the preview is its output.
        "preview_html": render_answer(body),
        "preview_title": title,
        "title_diff": diff_html(old_title, title),
        "body_diff": diff_html(old_body, body, old_label=_("Published"), new_label=_("This draft")),
    }


def _values(draft: RevisionDraft) -> dict[str, Any]:
    return {
        "title": draft.title,
        "body_markdown": draft.body_markdown,
        "tag_slugs": list(draft.tag_slugs),
        "difficulty": draft.difficulty,
        "version": draft.version,
    }


def _posted_values(request: HttpRequest) -> dict[str, Any]:
    return {
        "title": request.POST.get("title", ""),
        "body_markdown": request.POST.get("body_markdown", ""),
        "tag_slugs": request.POST.getlist("tags"),
        "difficulty": request.POST.get("difficulty", ""),
        "version": _int(request.POST.get("version")) or 0,
    }


@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def draft_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The editor: GET shows the draft; POST saves it (refused if someone saved meanwhile)."""
    draft = editorial.get_draft_for_editor(request.user, pk)
    if request.method == "GET":
        return render(
            request, "questions/editor/draft.html", _draft_context(request, draft, _values(draft))
        )
    if not has_role(request.user, Role.EDITOR):
        raise PermissionDenied
    values = _posted_values(request)
    try:
        editorial.save_draft(
            draft_id=draft.pk,
            editor=request.user,
            seen_version=values["version"],
            title=values["title"],
            body_markdown=values["body_markdown"],
            tag_slugs=values["tag_slugs"],
            difficulty=values["difficulty"],
        )
    except editorial.DraftConflict as conflict:
        current = conflict.current
        # Keep the editor's text in the form; the next save deliberately replaces theirs.
        context = _draft_context(request, current, {**values, "version": current.version})
        context["error"] = conflict.message
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
    except editorial.EditorialError as error:
        context = _draft_context(request, draft, values)
        context["error"] = error.message
        return render(request, "questions/editor/draft.html", context, status=400)
    messages.success(request, _("Draft saved."))
    return redirect(draft)


@role_required(Role.EDITOR)
@require_POST
def draft_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: the rendered preview and the diff of the text being typed (writes nothing)."""
    draft = editorial.get_draft_for_editor(request.user, pk)
    published = draft.question.live_revision
    context = _preview(
        published.title if published else "",
        published.body_markdown if published else "",
        request.POST.get("title", ""),
        request.POST.get("body_markdown", ""),
    )
    return render(request, "questions/editor/draft.html#preview", context)


def _draft_action(request: HttpRequest, pk: int, action: Any, success: str) -> HttpResponse:
    draft = editorial.get_draft_for_editor(request.user, pk)
    try:
        action(draft)
    except editorial.NotPermitted as error:
        raise PermissionDenied(error.message) from error
    except editorial.EditorialError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect(draft)


@role_required(Role.EDITOR)
@require_POST
def draft_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _draft_action(
        request,
        pk,
        lambda draft: editorial.submit_draft(
            draft_id=draft.pk,
            editor=request.user,
            seen_version=_int(request.POST.get("version")) or 0,
            summary=request.POST.get("summary", ""),
            resolves=[i for i in map(_int, request.POST.getlist("resolves")) if i is not None],
        ),
        _("Submitted for review."),
    )


@role_required(Role.REVIEWER)
@require_POST
def draft_approve(request: HttpRequest, pk: int) -> HttpResponse:
    draft = editorial.get_draft_for_editor(request.user, pk)
    try:
        editorial.publish_revision(draft_id=draft.pk, reviewer=request.user)
    except editorial.NotPermitted as error:
        raise PermissionDenied(error.message) from error
    except editorial.EditorialError as error:
        messages.error(request, error.message)
        return redirect(draft)
    messages.success(request, _("Published."))
    return redirect(draft.question)


@role_required(Role.REVIEWER)
@require_POST
def draft_request_changes(request: HttpRequest, pk: int) -> HttpResponse:
    return _draft_action(
        request,
        pk,
        lambda draft: editorial.request_changes(
            draft_id=draft.pk, reviewer=request.user, comment=request.POST.get("comment", "")
        ),
        _("Sent back to the author."),
    )


@role_required(*EDITORS)
@require_GET
def draft_list(request: HttpRequest) -> HttpResponse:
    drafts = (
        RevisionDraft.objects.active()
        .select_related("question", "author", "edited_by")
        .order_by("-submitted_at", "-updated_at", "id")
    )
    return render(request, "questions/editor/drafts.html", {"page": _page(request, drafts)})


@role_required(Role.REVIEWER)
@require_POST
def rollback(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(Question.objects.visible(), pk=pk)
    try:
        editorial.rollback_question(
            question=question,
            to_number=_int(request.POST.get("number")) or 0,
            reviewer=request.user,
            summary=request.POST.get("summary", ""),
        )
    except editorial.EditorialError as error:
        messages.error(request, error.message)
        return redirect("questions:history", pk=pk)
    messages.success(request, _("Rolled back: a new version was published."))
    return redirect("questions:history", pk=pk)


# --- editors: duplicates, freshness, audit -----------------------------------------------


@role_required(Role.EDITOR)
@require_POST
def merge(request: HttpRequest, pk: int) -> HttpResponse:
    duplicate = get_object_or_404(Question, pk=pk)
    kept = Question.objects.filter(pk=_int(request.POST.get("kept")) or 0).first()
    if kept is None:
        messages.error(request, _("Give the number of the question to keep."))
        return _back(request, reverse("questions:editor-queue"))
    try:
        editorial.merge_question(duplicate=duplicate, kept=kept, editor=request.user)
    except editorial.EditorialError as error:
        messages.error(request, error.message)
        return _back(request, reverse("questions:editor-queue"))
    messages.success(request, _("Merged: the old address now leads here."))
    return redirect(kept)


@role_required(*EDITORS)
@require_GET
def candidates(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "questions/editor/candidates.html",
        {
            "page": _page(request, editorial.open_candidates()),
            "can_edit": has_role(request.user, Role.EDITOR),
        },
    )


@role_required(Role.EDITOR)
@require_POST
def decide_candidate(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(DuplicateCandidate, pk=pk)
    try:
        if request.POST.get("decision") == "dismiss":
            editorial.dismiss_candidate(candidate_id=pk, editor=request.user)
            messages.success(request, _("Marked as not a duplicate."))
        else:
            editorial.confirm_candidate(
                candidate_id=pk, keep_id=_int(request.POST.get("keep")) or 0, editor=request.user
            )
            messages.success(request, _("Merged."))
    except editorial.EditorialError as error:
        messages.error(request, error.message)
    return redirect("questions:editor-candidates")


@role_required(*EDITORS)
@require_GET
def freshness(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "questions/editor/freshness.html",
        {
            "page": _page(request, editorial.stale_questions()),
            "stale_days": editorial.STALE_AFTER.days,
            "fast_moving": editorial.FAST_MOVING_TAGS,
        },
    )


@role_required(Role.STAFF)
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    entries = AuditEntry.objects.select_related("actor", "question").order_by("-created_at", "-id")
    return render(request, "questions/editor/audit.html", {"page": _page(request, entries)})
