"""Pages for reporting problems (learners) and curating the bank (editors, reviewers, staff).

Thin views: parse the request, call one function of ``questions.editorial``, render. A refused
action (``shows_refusal``) re-renders its form with the message and the user's text, with status
400 (409 for a stale draft), or shows the message on the page it goes back to; 403 when the user
may not do it.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from interviewprep import ratelimit
from interviewprep.errors import DomainError, cleaned, shows_refusal
from interviewprep.roles import Role, has_role, role_required

from .diff import diff_html
from .editorial import flags, merging, notifications, revisions, series
from .forms import (
    CandidateForm,
    DeclineForm,
    MergeForm,
    ReportForm,
    RollbackForm,
    SeriesForm,
)
from .models import (
    FAST_MOVING_TAGS,
    STALE_AFTER,
    AuditEntry,
    DuplicateCandidate,
    EditorialFlag,
    GradeDispute,
    Question,
    QuestionRevision,
    RevisionDraft,
    Tag,
    in_flag_queue,
    series_of,
)
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


def _next(request: HttpRequest, default: str) -> str:
    """The same-site ``next`` field, else ``default``."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return default
    return target or default


def _back(request: HttpRequest, default: str) -> HttpResponse:
    """Redirect to the same-site ``next`` field, else to ``default``."""
    return redirect(_next(request, default))


def _back_to_queue(request: HttpRequest, error: DomainError, pk: int) -> str:
    return _next(request, reverse("questions:editor-queue"))


# --- learners ----------------------------------------------------------------------------


def _report_page(request: HttpRequest, pk: int, error: str = "", status: int = 200) -> HttpResponse:
    form = ReportForm(request.POST or None)
    context = {
        "question": get_object_or_404(Question.objects.visible(), pk=pk),
        "reasons": [(r.value, r.label) for r in flags.LEARNER_REASONS],
        "reason": form["reason"].value() or "",
        "comment": form["comment"].value() or "",
        "error": error,
    }
    return render(request, "questions/report.html", context, status=status)


def _report_refused(request: HttpRequest, error: DomainError, pk: int) -> HttpResponse:
    return _report_page(request, pk, error.message, status=400)


@login_required
@require_http_methods(["GET", "POST"])
@shows_refusal(_report_refused)
def report_problem(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "GET":
        return _report_page(request, pk)
    ratelimit.limit(request, "report")
    flags.report_problem(
        question=get_object_or_404(Question.objects.visible(), pk=pk),
        reporter=request.user,
        **cleaned(ReportForm(request.POST)),
    )
    messages.success(request, _("Thank you. Editors will look at your report."))
    return redirect("questions:my-reports")


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
    notifications.dismiss_notification(user=request.user, notification_id=pk)
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
    page = _page(
        request, in_flag_queue(Question.objects.visible(), tag=tag, reason=reason, sort=sort)
    )
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
@shows_refusal(_back_to_queue)
def decline_flag(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(EditorialFlag, pk=pk)
    flags.decline_flag(flag_id=pk, editor=request.user, **cleaned(DeclineForm(request.POST)))
    messages.success(request, _("Report declined; the reporter will see your reason."))
    return _back(request, reverse("questions:editor-queue"))


@role_required(Role.EDITOR)
@require_POST
@shows_refusal(_back_to_queue)
def mark_needs_revision(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(EditorialFlag, pk=pk)
    flags.mark_needs_revision(flag_id=pk, editor=request.user)
    messages.success(request, _("The question is marked as under revision."))
    return _back(request, reverse("questions:editor-queue"))


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
@shows_refusal(lambda request, error, pk: reverse("questions:history", args=[pk]))
def rollback(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(Question.objects.visible(), pk=pk)
    data = cleaned(RollbackForm(request.POST))
    revisions.rollback_question(
        question=question,
        to_number=data["number"] or 0,
        reviewer=request.user,
        summary=data["summary"],
    )
    messages.success(request, _("Rolled back: a new version was published."))
    return redirect("questions:history", pk=pk)


# --- editors: duplicates, freshness, audit -----------------------------------------------


@role_required(Role.EDITOR)
@require_POST
@shows_refusal(_back_to_queue)
def merge(request: HttpRequest, pk: int) -> HttpResponse:
    duplicate = get_object_or_404(Question, pk=pk)
    kept = Question.objects.filter(pk=cleaned(MergeForm(request.POST))["kept"] or 0).first()
    if kept is None:
        messages.error(request, _("Give the number of the question to keep."))
        return _back(request, reverse("questions:editor-queue"))
    merging.merge_question(duplicate=duplicate, kept=kept, editor=request.user)
    messages.success(request, _("Merged: the old address now leads here."))
    return redirect(kept)


@role_required(*EDITORS)
@require_GET
def candidates(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "questions/editor/candidates.html",
        {
            "page": _page(request, DuplicateCandidate.objects.undecided()),
            "can_edit": has_role(request.user, Role.EDITOR),
        },
    )


@role_required(Role.EDITOR)
@require_POST
@shows_refusal(lambda request, error, pk: reverse("questions:editor-candidates"))
def decide_candidate(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(DuplicateCandidate, pk=pk)
    data = cleaned(CandidateForm(request.POST))
    if data["decision"] == "dismiss":
        merging.dismiss_candidate(candidate_id=pk, editor=request.user)
        messages.success(request, _("Marked as not a duplicate."))
    else:
        merging.confirm_candidate(candidate_id=pk, keep_id=data["keep"] or 0, editor=request.user)
        messages.success(request, _("Merged."))
    return redirect("questions:editor-candidates")


@role_required(*EDITORS)
@require_GET
def series_page(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(Question.objects.visible(), pk=pk)
    return render(
        request,
        "questions/editor/series.html",
        {
            "question": question,
            "series": series_of(question),
            "can_edit": has_role(request.user, Role.EDITOR),
        },
    )


@role_required(Role.EDITOR)
@require_POST
@shows_refusal(lambda request, error, pk: reverse("questions:editor-series", args=[pk]))
def series_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(Question.objects.visible(), pk=pk)
    data = cleaned(SeriesForm(request.POST))
    other = Question.objects.filter(pk=data["other"]).first()
    if other is None:
        messages.error(request, _("There is no question with that number."))
        return redirect("questions:editor-series", pk=pk)
    linked = data["action"] == "link"
    series.set_series_link(question=question, other=other, linked=linked, editor=request.user)
    messages.success(request, _("Series linked.") if linked else _("Taken out of the series."))
    return redirect("questions:editor-series", pk=pk)


@role_required(*EDITORS)
@require_GET
def freshness(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "questions/editor/freshness.html",
        {
            "page": _page(request, Question.objects.visible().stale()),
            "stale_days": STALE_AFTER.days,
            "fast_moving": FAST_MOVING_TAGS,
        },
    )


@role_required(Role.STAFF)
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    entries = AuditEntry.objects.select_related("actor", "question").order_by("-created_at", "-id")
    return render(request, "questions/editor/audit.html", {"page": _page(request, entries)})


@role_required(*EDITORS)
@require_GET
def grade_disputes(request: HttpRequest) -> HttpResponse:
    """Learners' contested automatic grades, newest first (``export_grade_disputes`` writes
    them into the grader's calibration set)."""
    disputes = GradeDispute.objects.select_related("question", "user", "revision")
    return render(request, "questions/editor/disputes.html", {"page": _page(request, disputes)})
