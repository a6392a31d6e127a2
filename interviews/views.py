"""Pages of the mock interviews. Thin: parse input, call a service or a query, render."""

from typing import Any, NamedTuple

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from interviewprep.errors import DomainError, cleaned, shows_refusal
from interviewprep.roles import Role, role_required
from questions import assessment
from questions.models import Tag
from quizzes import charts

from . import catalogue, followups, missed, reports, services
from .access import get_attempt_for_user
from .answers import save_answer
from .forms import (
    AnswerForm,
    AssessmentFormSet,
    AttemptSaveForm,
    ContestForm,
    CustomInterviewForm,
    FollowUpAnswerForm,
    LayoutForm,
    StartTemplateForm,
    TemplateForm,
)
from .models import (
    MAX_SELF_SCORE,
    SAVE_GRACE,
    WARNING_PERCENTS,
    Answer,
    Attempt,
    AttemptQuestion,
    FollowUp,
    InterviewTemplate,
    score_percent,
)

HISTORY_TREND_POINTS = 30


def _templates() -> Any:
    return InterviewTemplate.objects.filter(is_active=True).prefetch_related(
        Prefetch("tags", queryset=Tag.objects.order_by("level", "slug"))
    )


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "interviews/index.html",
        {
            "templates": _templates(),
            "form": CustomInterviewForm(),
            "open_attempts": Attempt.objects.for_user(request.user)
            .filter(state=Attempt.State.STARTED, deadline__gt=timezone.now())
            .select_related("template"),
        },
    )


@require_POST
@login_required
@shows_refusal(lambda request, error: reverse("interviews:index"))
def start(request: HttpRequest) -> HttpResponse:
    if "template" in request.POST:
        chosen = StartTemplateForm(request.POST)
        if not chosen.is_valid():
            messages.error(request, _("This interview template is not available."))
            return redirect("interviews:index")
        template, criteria = chosen.cleaned_data["template"], None
        layout = chosen.cleaned_data["layout"]
    else:
        form = CustomInterviewForm(request.POST)
        if not form.is_valid():
            context = {"templates": _templates(), "form": form, "open_attempts": []}
            return render(request, "interviews/index.html", context, status=400)
        template, criteria = None, form.criteria()
        layout = form.cleaned_data["layout"]
    attempt = services.start_attempt(
        user=request.user, template=template, criteria=criteria, layout=layout
    )
    return redirect(attempt)


class _ShownAnswer(NamedTuple):
    slot: AttemptQuestion
    answer: Answer | None
    # The learner's text that another window's save kept from being stored, if any.
    unsaved_text: str | None
    follow_ups: list[FollowUp]


def _attempt_context(
    attempt: Attempt, position: int | None, conflicts: dict[int, str] | None = None
) -> dict[str, Any]:
    """The attempt page's context. ``conflicts`` maps a question to the text the learner sent
    for it that another window's save stopped (``services.AnswerChanged``): the page shows
    that text for them to keep and the stored one beside it."""
    conflicts = conflicts or {}
    slots = list(attempt.slots.all())
    answers = {answer.question_id: answer for answer in attempt.answers.all()}
    rows = [(slot, answers.get(slot.question_id)) for slot in slots]
    if attempt.layout == Attempt.Layout.ONE:
        current = min(max(position or 1, 1), len(rows))
        shown_rows = [rows[current - 1]]
    else:
        current = 0
        shown_rows = rows
    asked: dict[int, list[FollowUp]] = {}
    for follow_up in attempt.follow_ups.all():
        asked.setdefault(follow_up.parent_id, []).append(follow_up)
    shown = [
        _ShownAnswer(slot, answer, conflicts.get(slot.question_id), asked.get(slot.pk, []))
        for slot, answer in shown_rows
    ]
    now = timezone.now()
    return {
        "attempt": attempt,
        "rows": rows,
        "shown": shown,
        "current": current,
        "previous": current - 1 if current > 1 else None,
        "next": current + 1 if 0 < current < len(rows) else None,
        "remaining": attempt.seconds_remaining(now),
        "warning": attempt.warning_level(now),
        "warning_percents": WARNING_PERCENTS,
        "grace_seconds": int(SAVE_GRACE.total_seconds()),
        "answered_count": sum(1 for _slot, answer in rows if answer and answer.is_answered),
        # The learner's zone (TimeZoneMiddleware): autosave stamps use it, as the page does.
        "time_zone": timezone.get_current_timezone_name(),
    }


@require_GET
@never_cache
@login_required
def attempt_page(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = get_attempt_for_user(
        request.user, pk, queryset=Attempt.objects.with_questions().select_related("template")
    )
    if not attempt.is_open:
        return redirect("interviews:review", pk=attempt.pk)
    try:
        position = int(request.GET.get("q", "1"))
    except ValueError:
        position = 1
    return render(request, "interviews/attempt.html", _attempt_context(attempt, position))


def _page_to_go_to(pk: int, form: AttemptSaveForm) -> str:
    return reverse("interviews:attempt", args=[pk]) + f"?q={form.next_position()}"


def _save_refused(request: HttpRequest, error: DomainError, pk: int) -> str:
    """Back to the question the learner was on, or to the review once the attempt ended."""
    if isinstance(error, services.InterviewError) and error.attempt and not error.attempt.is_open:
        return reverse("interviews:review", args=[pk])
    return _page_to_go_to(pk, AttemptSaveForm(request.POST))


@require_POST
@login_required
@shows_refusal(_save_refused)
def attempt_save(request: HttpRequest, pk: int) -> HttpResponse:
    """The form behind the page: saves what is shown, then navigates or submits.

    Works without JavaScript; with it, autosave has usually stored the same text already.
    """
    attempt = get_attempt_for_user(request.user, pk)
    form = AttemptSaveForm(request.POST)
    page = cleaned(form)
    conflicts: dict[int, str] = {}
    answers = {
        question_id: cleaned(AnswerForm(request.POST, question_id=question_id))
        for question_id in page["shown"]
    }
    for question_id, answer in answers.items():
        try:
            save_answer(
                attempt=attempt,
                question_id=question_id,
                text=answer["text"],
                marked=answer["marked"],
                seconds=answer["seconds"] or 0,
                base_saves=answer["saves"],
            )
        except services.AnswerChanged:
            # Not a refusal of the whole form: the other answers shown are still saved.
            conflicts[question_id] = answer["text"]
        except services.AttemptClosed:
            # Sent after the deadline: the review shows what was typed, marked as not saved
            # (with JavaScript, the page's own copy in the browser does the same).
            request.session[_late_key(attempt.pk)] = {
                str(pk): sent["text"] for pk, sent in answers.items() if sent["text"].strip()
            }
            raise
    for follow_up_id in page["fshown"]:
        data = cleaned(FollowUpAnswerForm(request.POST, follow_up_id=follow_up_id))
        followups.save_follow_up(attempt=attempt, follow_up_id=follow_up_id, text=data["followup"])
    if conflicts:
        # Nothing was lost: the page comes back with the learner's text in place and
        # the other window's beside it; sending it again keeps the learner's.
        messages.error(
            request,
            _(
                "An answer was saved from another window since this page last saved it. "
                "Your text was not saved: check it below and save again to keep it."
            ),
        )
        return render(
            request,
            "interviews/attempt.html",
            _attempt_context(attempt, page["stay"], conflicts),
            status=409,
        )
    # Leaving answered questions (or submitting) is when an interviewer follows up.
    asked = followups.ask_follow_ups(attempt=attempt, question_ids=page["shown"])
    if asked:
        messages.info(
            request,
            _(
                "The interviewer has a follow-up question on your answer: answer it below "
                "(the clock keeps running), then go on."
            ),
        )
        stay = min(follow_up.parent.position for follow_up in asked)
        return redirect(reverse("interviews:attempt", args=[attempt.pk]) + f"?q={stay}")
    if page["action"] == "submit":
        services.submit_attempt(attempt=attempt)
        messages.success(request, _("Your interview was submitted."))
        return redirect("interviews:review", pk=attempt.pk)
    return redirect(_page_to_go_to(attempt.pk, form))


def clock_payload(attempt: Attempt) -> dict[str, Any]:
    now = timezone.now()
    return {
        "state": attempt.state,
        "remaining_seconds": attempt.seconds_remaining(now),
        "total_seconds": attempt.total_seconds,
        "warning": attempt.warning_level(now),
        "deadline": attempt.deadline.isoformat(),
        "review_url": reverse("interviews:review", args=[attempt.pk]),
    }


@require_GET
@never_cache
@login_required
def clock(request: HttpRequest, pk: int) -> JsonResponse:
    """What the page's clock shows: the server's remaining time (expires a due attempt)."""
    return JsonResponse(clock_payload(get_attempt_for_user(request.user, pk)))


@require_POST
@login_required
@shows_refusal(lambda request, error, pk: reverse("interviews:attempt", args=[pk]))
def layout(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = get_attempt_for_user(request.user, pk)
    services.set_layout(attempt=attempt, **cleaned(LayoutForm(request.POST)))
    return redirect(attempt)


@require_POST
@login_required
@shows_refusal(
    lambda request, error, pk: reverse("interviews:review", args=[pk]), level=messages.INFO
)
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = get_attempt_for_user(request.user, pk)
    services.submit_attempt(attempt=attempt)
    messages.success(request, _("Your interview was submitted."))
    return redirect("interviews:review", pk=attempt.pk)


def _late_key(pk: int) -> str:
    """The session key of the answers a form sent after attempt ``pk``'s deadline."""
    return f"interviews:late:{pk}"


def _finished_attempt(request: HttpRequest, pk: int) -> Attempt:
    return get_attempt_for_user(
        request.user, pk, queryset=Attempt.objects.with_questions().select_related("template")
    )


@require_http_methods(["GET", "POST"])
@login_required
@shows_refusal(lambda request, error, pk: reverse("interviews:review", args=[pk]))
def review(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = _finished_attempt(request, pk)
    if attempt.is_open:
        messages.info(request, _("The interview is still running; review it once it has ended."))
        return redirect(attempt)
    if request.method == "POST":
        formset = AssessmentFormSet(request.POST)
        cleaned(formset)
        services.record_review(
            attempt=attempt, assessments=[form.assessment() for form in formset.forms]
        )
        request.session.pop(_late_key(attempt.pk), None)
        messages.success(request, _("Your self-assessment was saved."))
        return redirect("interviews:report", pk=attempt.pk)
    if followups.grade_attempt(attempt=attempt):
        attempt = _finished_attempt(request, pk)
    items = reports.review_items(attempt)
    # What a form without JavaScript sent after the deadline, where it differs from what
    # was kept: shown until the learner leaves the review.
    late: dict[str, str] = request.session.get(_late_key(attempt.pk), {})
    for item in items:
        sent = late.get(str(item.question.pk), "")
        item.late_text = sent if sent != item.text else ""
    formset = AssessmentFormSet(
        initial=[
            {
                "question": item.question.pk,
                "score": item.slot.self_score,
                "points": item.slot.points_ticked,
            }
            for item in items
        ]
    )
    return render(
        request,
        "interviews/review.html",
        {
            "attempt": attempt,
            "formset": formset,
            "items": list(zip(items, formset.forms, strict=True)),
            "scores": range(MAX_SELF_SCORE + 1),
        },
    )


@require_GET
@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = _finished_attempt(request, pk)
    if attempt.is_open:
        return redirect(attempt)
    if followups.grade_attempt(attempt=attempt):
        attempt = _finished_attempt(request, pk)
    return render(
        request,
        "interviews/report.html",
        {
            "report": reports.build_report(attempt),
            "max_score": MAX_SELF_SCORE,
            "most_missed": missed.most_missed(request.user),
        },
    )


@require_POST
@login_required
@shows_refusal(lambda request, error, pk, question_id: reverse("interviews:review", args=[pk]))
def contest(request: HttpRequest, pk: int, question_id: int) -> HttpResponse:
    """The learner contests the automatic grade of their answer to ``question_id``."""
    attempt = get_attempt_for_user(request.user, pk)
    slot = get_object_or_404(
        AttemptQuestion.objects.select_related("question__live_revision"),
        attempt=attempt,
        question_id=question_id,
    )
    answer = Answer.objects.filter(attempt=attempt, question_id=question_id).first()
    data = cleaned(ContestForm(request.POST, question_id=question_id))
    assessment.contest_grade(
        user=request.user,
        question=slot.question,
        answer=answer.text if answer else "",
        claimed_score=data["score"] if data["score"] is not None else -1,
        comment=data["comment"],
    )
    messages.success(request, _("Thank you: the editors will look at this grade."))
    return redirect("interviews:review", pk=attempt.pk)


@require_POST
@login_required
def practice_missed(request: HttpRequest) -> HttpResponse:
    """Send the questions behind the learner's most-missed key points to practice; back to
    the page the button was on."""
    ids = [row.question_id for row in missed.most_missed(request.user)]
    queued = services.send_to_practice(user=request.user, question_ids=ids)
    # What happened to each question, exactly (new, brought forward, already due...).
    messages.success(request, queued.describe())
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("interviews:history")
    return redirect(back)


@require_POST
@login_required
def practice(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = get_attempt_for_user(request.user, pk)
    if attempt.is_open:
        return redirect(attempt)
    queued = services.send_to_practice(
        user=request.user, question_ids=services.weak_question_ids(attempt), attempt=attempt
    )
    messages.success(request, queued.describe())
    return redirect("interviews:report", pk=attempt.pk)


@require_GET
@login_required
def history(request: HttpRequest) -> HttpResponse:
    # Newest first, whatever the aggregation does to the model's ordering.
    attempts = list(
        Attempt.objects.for_user(request.user)
        .select_related("template")
        .with_scores()
        .order_by("-started_at", "-id")
    )
    for attempt in attempts:
        attempt.percent = (  # type: ignore[attr-defined]
            score_percent(attempt.score_sum, attempt.slot_count)  # type: ignore[attr-defined]
            if attempt.scored  # type: ignore[attr-defined]
            else None
        )
    trend = [
        (f"{timezone.localtime(a.started_at):%m-%d} {a.title}", a.percent)  # type: ignore[attr-defined]
        for a in reversed(attempts[:HISTORY_TREND_POINTS])
    ]
    return render(
        request,
        "interviews/history.html",
        {
            "attempts": attempts,
            "trend": charts.trend(trend),
        },
    )


@require_GET
@role_required(Role.EDITOR)
def template_list(request: HttpRequest) -> HttpResponse:
    templates = InterviewTemplate.objects.prefetch_related("tags")
    return render(request, "interviews/template_list.html", {"templates": templates})


@require_http_methods(["GET", "POST"])
@role_required(Role.EDITOR)
def template_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    instance = get_object_or_404(InterviewTemplate, pk=pk) if pk else InterviewTemplate()
    form = TemplateForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        catalogue.save_template(
            template=form.save(commit=False), tags=form.cleaned_data["tags"], editor=request.user
        )
        messages.success(request, _("The interview template was saved."))
        return redirect("interviews:templates")
    status = 400 if request.method == "POST" else 200
    return render(request, "interviews/template_form.html", {"form": form}, status=status)
