"""Practice pages. Every action works as a plain form (POST, then redirect) and, with htmx,
swaps the practice card in place."""

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.middleware import HtmxDetails

from interviewprep import cache, ratelimit
from interviewprep.errors import DomainError, InvalidForm, cleaned, shows_refusal
from interviewprep.models import User
from questions import assessment, pages
from questions.models import Question

from . import charts, learner_scheduler, plan, scheduling, services, state
from .access import get_practicable_question, get_visible_question
from .forms import (
    BookmarkForm,
    CheckForm,
    ContestForm,
    DeckForm,
    NoteForm,
    PlanTopicsForm,
    ReviewForm,
)
from .models import Bookmark, Card, Note, Rating
from .progress import learner_progress
from .queue import answer_change, card_to_show, deck_remaining, queue_head, todays_queue
from .queue import build_deck as deck_ids

DECK_SESSION_KEY = "practice_deck"
BOOKMARKS_PAGE_SIZE = 50
FORECAST_HEIGHT = 75
FORECAST_BASELINE = 95


class PracticeRequest(HttpRequest):
    htmx: HtmxDetails
    user: User  # type: ignore[assignment]


def _session_url(deck: bool) -> str:
    url = reverse("practice:session")
    return f"{url}?deck=1" if deck else url


def _card_context(request: PracticeRequest, *, deck: bool) -> dict[str, Any]:
    """What the practice card shows: the next question of today's queue or of the deck."""
    user = request.user
    context: dict[str, Any] = {"deck": deck}
    card_id: int | None = None
    question_id: int | None = None
    scheduler = None  # read with the queue's head; a deck asks for it
    if deck:
        context["undoable"] = services.last_undoable_review(user=user)
        saved = request.session.get(DECK_SESSION_KEY)
        if saved:
            remaining = deck_remaining(
                user=user, ids=saved["ids"], since=datetime.fromisoformat(saved["built_at"])
            )
            context.update(deck_total=len(saved["ids"]), deck_left=len(remaining))
            question_id = remaining[0] if remaining else None
        else:
            context["deck_missing"] = True
    else:
        head = queue_head(user=user)
        context.update(queue=head, undoable=head.undoable)
        card_id, question_id, scheduler = head.card_id, head.new_question_id, head.scheduler
    shown = card_to_show(user=user, card_id=card_id, question_id=question_id)
    if shown is None:
        if not deck:
            context["next_due"] = (
                Card.objects.for_user(user)
                .studied()
                .order_by("due")
                .values_list("due", flat=True)
                .first()
            )
        return context

    question = shown.question
    # Asked by question, the queue's is one without a card (a deck's may have one).
    card = services.show_card(user=user, question=question, card=shown.card, unseen=not deck)
    intervals = services.next_intervals(user=user, card=card, scheduler=scheduler)
    context.update(
        question=question,
        card=card,
        ratings=[
            (value, label, scheduling.format_interval(intervals[value]))
            for value, label in Rating.choices
        ],
        change=answer_change(card=card, question=question),
        note=shown.note,
        tags=shown.tags,
    )
    return context


@login_required
@require_GET
def home(request: PracticeRequest) -> HttpResponse:
    todays = todays_queue(user=request.user)
    changed = [item for item in todays.items if item.kind == "changed"]
    return render(
        request,
        "quizzes/home.html",
        {"queue": todays, "changed": changed, "deck_form": DeckForm()},
    )


@login_required
@require_POST
def build_deck(request: PracticeRequest) -> HttpResponse:
    form = DeckForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "quizzes/home.html",
            {"queue": todays_queue(user=request.user), "changed": [], "deck_form": form},
            status=400,
        )
    ids = deck_ids(
        user=request.user,
        tags=[tag.slug for tag in form.cleaned_data["tags"]],
        difficulty=form.cleaned_data["difficulty"],
        bookmarked=form.cleaned_data["bookmarked"],
        wrong=form.cleaned_data["wrong"],
    )
    if not ids:
        messages.warning(request, _("No question matches this filter. Try a wider one."))
        return redirect("practice:home")
    request.session[DECK_SESSION_KEY] = {"ids": ids, "built_at": timezone.now().isoformat()}
    return redirect(_session_url(deck=True))


@login_required
@require_GET
@vary_on_headers("HX-Request")
def session(request: PracticeRequest) -> HttpResponse:
    deck = request.GET.get("deck") == "1"
    return _session_page(request, _card_context(request, deck=deck))


SESSION_TEMPLATE = "quizzes/session.html"


def _session_page(
    request: PracticeRequest, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    """The practice card (htmx swaps it alone), or the page with it. Around the card, a hole,
    the page is the same for every learner of a kind at its canonical path: it is rendered
    once per process and language (``cache.frame_page_key``), which took 0.9 of the
    page's 6 ms (bench bank). Another query string renders it all, as it names the path."""
    if request.htmx:
        return render(request, f"{SESSION_TEMPLATE}#card", context, status=status)
    kind = pages.whole_page_kind(request)
    path = request.get_full_path()
    if kind is None or path != _session_url(context["deck"]):
        return render(request, SESSION_TEMPLATE, context, status=status)
    frame = cache.cached(
        cache.frame_page_key(SESSION_TEMPLATE, path, get_language(), kind),
        lambda: pages.render_for_kind(request, SESSION_TEMPLATE, {}, kind=kind),
        None,
        using=cache.FRAME,
    )
    html = pages.for_reader(request, frame, SESSION_TEMPLATE, kind=kind, context=context)
    return HttpResponse(html, status=status)


def _posted_deck(request: PracticeRequest) -> bool:
    return ReviewForm(request.POST).in_deck()


def _next_card(request: PracticeRequest) -> HttpResponse:
    deck = _posted_deck(request)
    if request.htmx:
        return _session_page(request, _card_context(request, deck=deck))
    return redirect(_session_url(deck))


def _card_refused(request: PracticeRequest, error: str) -> HttpResponse:
    """The same question again with what the learner typed, saying what was wrong."""
    context = _card_context(request, deck=_posted_deck(request))
    context.update(error=error, attempt=request.POST.get("attempt", ""), revealed=True)
    return _session_page(request, context, status=400)


def _review_refused(request: PracticeRequest, error: DomainError) -> HttpResponse:
    if isinstance(error, services.AlreadyRated):
        # A double submit: the first rating stands, the learner moves on.
        messages.info(request, error.message)
        return _next_card(request)
    return _card_refused(request, error.message)


@login_required
@require_POST
@shows_refusal(_review_refused)
def review(request: PracticeRequest) -> HttpResponse:
    """Rate the current card, then show the next one (htmx) or redirect to it."""
    data = cleaned(ReviewForm(request.POST))
    services.record_review(
        user=request.user,
        question=get_practicable_question(data["question"]),
        rating=data["rating"],
        attempt=data["attempt"],
        expected_reps=data["expected_reps"],
    )
    return _next_card(request)


@login_required
@require_POST
@shows_refusal(lambda request, error: _session_url(_posted_deck(request)), level=messages.INFO)
def undo(request: PracticeRequest) -> HttpResponse:
    """Undo the learner's latest rating and show that card again."""
    card = services.undo_last_review(user=request.user)
    messages.info(
        request, _("Rating undone: %(title)s is back in your queue.") % {"title": card.question}
    )
    return _next_card(request)


@login_required
@require_GET
def dashboard(request: PracticeRequest) -> HttpResponse:
    progress = learner_progress(user=request.user)
    forecast = charts.bars(
        [(day.strftime("%m-%d"), count) for day, count in progress.forecast],
        length=FORECAST_HEIGHT,
        pitch=36,
        baseline=FORECAST_BASELINE,
    )
    mastery = charts.bars(
        [(m.tag.name, m.percent) for m in progress.tags], length=200, pitch=22, largest=100
    )
    return render(
        request,
        "quizzes/dashboard.html",
        {
            "progress": progress,
            "heatmap": charts.heatmap(progress.reviews_by_day, today=progress.today),
            "forecast": forecast,
            "mastery": list(zip(progress.tags, mastery, strict=True)),
            "mastery_height": 22 * len(mastery),
            "scheduler": learner_scheduler.profile_for(request.user),
            "min_reviews": learner_scheduler.min_reviews(),
            **_plan_context(request.user),
        },
    )


PLAN_CHART_DAYS = 60
PLAN_CHART_WIDTH = 600


def _plan_context(user: User, form: PlanTopicsForm | None = None) -> dict[str, Any]:
    """The plan toward the interview date and its load chart (the first 60 days)."""
    study_plan = plan.study_plan(user)
    form = form or PlanTopicsForm(
        initial={"tags": list(study_plan.tags.all()) if study_plan.pk else []}
    )
    result = plan.compute(
        user, parameters=learner_scheduler.parameters_in_use(learner_scheduler.profile_for(user))
    )
    if result is None:
        return {"plan": None, "plan_form": form}
    shown = result.load[:PLAN_CHART_DAYS]
    pitch = max(4, PLAN_CHART_WIDTH // max(1, len(shown)))
    bars = charts.bars(
        [(day.strftime("%m-%d"), count) for day, count in shown],
        length=FORECAST_HEIGHT,
        pitch=pitch,
        baseline=FORECAST_BASELINE,
    )
    return {
        "plan": result,
        "plan_form": form,
        "plan_bars": [(bar, i % 7 == 0) for i, bar in enumerate(bars)],
        "plan_bar_width": max(2, pitch - 2),
        "plan_chart_width": pitch * len(bars) + 10,
        "plan_retention": round(result.desired_retention * 100),
    }


@login_required
@require_GET
def export_page(request: PracticeRequest) -> HttpResponse:
    """Download my cards for Anki or as CSV (the form GETs ``/api/practice/export/``)."""
    return render(request, "quizzes/export.html", {"form": DeckForm()})


@login_required
@require_POST
def plan_topics(request: PracticeRequest) -> HttpResponse:
    """Choose the topics the plan toward the interview date covers."""
    form = PlanTopicsForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.get("tags", [])))
        return redirect("practice:dashboard")
    services.set_plan_topics(user=request.user, tags=form.cleaned_data["tags"])
    messages.success(request, _("Your plan's topics were saved."))
    return redirect(reverse("practice:dashboard") + "#plan-heading")


@login_required
@require_GET
def bookmarks(request: PracticeRequest) -> HttpResponse:
    marks = Bookmark.objects.filter(user=request.user).select_related("question")
    page = Paginator(marks, BOOKMARKS_PAGE_SIZE).get_page(request.GET.get("page"))
    notes = {
        note.question_id: note
        for note in Note.objects.filter(
            user=request.user, question_id__in=[b.question_id for b in page.object_list]
        )
    }
    rows = [(bookmark, notes.get(bookmark.question_id)) for bookmark in page.object_list]
    return render(request, "quizzes/bookmarks.html", {"page": page, "rows": rows})


def _tools_response(request: PracticeRequest, question: Question, **extra: Any) -> HttpResponse:
    """The question page's bookmark/note controls (htmx) or a redirect back to the page."""
    if request.htmx:
        context = state.tools_state(request.user, question) | extra
        status = 400 if extra.get("note_error") else 200
        return render(request, "quizzes/question_tools.html", context, status=status)
    if extra.get("note_error"):
        messages.error(request, extra["note_error"])
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = question.get_absolute_url()
    return redirect(back)


@login_required
@require_POST
def bookmark(request: PracticeRequest, pk: int) -> HttpResponse:
    """Add (``action=add``) or remove (``action=remove``) a bookmark."""
    question = get_visible_question(pk)
    if cleaned(BookmarkForm(request.POST))["action"] == "remove":
        services.remove_bookmark(user=request.user, question=question)
    else:
        services.add_bookmark(user=request.user, question=question)
    return _tools_response(request, question)


@login_required
@require_POST
@shows_refusal(
    lambda request, error, pk: _tools_response(
        request,
        get_visible_question(pk),
        note_error=error.message,
        # What the learner typed, if the form refused it (the service keeps it otherwise).
        **(
            {"note_text": NoteForm(request.POST)["text"].value()}
            if isinstance(error, InvalidForm)
            else {}
        ),
    )
)
def note(request: PracticeRequest, pk: int) -> HttpResponse:
    question = get_visible_question(pk)
    services.save_note(user=request.user, question=question, **cleaned(NoteForm(request.POST)))
    return _tools_response(request, question)


def _check_refused(request: PracticeRequest, error: DomainError, pk: int) -> HttpResponse:
    context = {"error": error.message, "question": get_practicable_question(pk)}
    if request.htmx:
        # htmx swaps only successful responses: the refusal is the fragment's content.
        return render(request, "quizzes/check.html#result", context)
    return render(request, "quizzes/check.html", context, status=error.status)


@login_required
@require_POST
@vary_on_headers("HX-Request")
@shows_refusal(_check_refused)
def check(request: PracticeRequest, pk: int) -> HttpResponse:
    """ "Check my answer": the attempt graded against the key points, before the answer is
    shown (htmx swaps in the result; without JavaScript it is a page of its own)."""
    question = get_practicable_question(pk)
    ratelimit.limit(request, "grading")
    attempt = cleaned(CheckForm(request.POST))["attempt"]
    result = assessment.grade_answer(question=question, answer=attempt)
    context = {
        "question": question,
        "attempt": attempt,
        "grade": assessment.explain(result, assessment.live_revision(question)),
        "scores": range(4),
    }
    template = "quizzes/check.html#result" if request.htmx else "quizzes/check.html"
    return render(request, template, context)


@login_required
@require_POST
@vary_on_headers("HX-Request")
@shows_refusal(_check_refused)
def contest(request: PracticeRequest, pk: int) -> HttpResponse:
    """The learner contests the automatic grade of a practice attempt."""
    question = get_practicable_question(pk)
    data = cleaned(ContestForm(request.POST))
    assessment.contest_grade(
        user=request.user,
        question=question,
        answer=data["attempt"],
        claimed_score=data["score"] if data["score"] is not None else -1,
        comment=data["comment"],
    )
    context = {"question": question, "contested": True}
    template = "quizzes/check.html#result" if request.htmx else "quizzes/check.html"
    return render(request, template, context)
