"""The practice API: today's queue, reviews, progress, bookmarks and private notes.

Every endpoint needs an authenticated learner and only ever sees that learner's objects:
another learner's bookmark or note is a 404.
"""

import json
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, mixins, status, viewsets
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from interviewprep.models import User
from quizzes import export, learner_scheduler, services, tasks
from quizzes.access import get_note_for_user, get_visible_question
from quizzes.models import Bookmark, Card, Note, Review
from quizzes.progress import learner_progress
from quizzes.queue import build_deck as deck_ids
from quizzes.queue import todays_queue

from .serializers import (
    BookmarkSerializer,
    ExportQuerySerializer,
    NoteSerializer,
    ProgressSerializer,
    QueueItemSerializer,
    QueueSerializer,
    ReviewInputSerializer,
    ReviewSerializer,
    SchedulerSerializer,
    UndoneSerializer,
)

EXPORT_LIMIT = 1000


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


class QueueView(generics.GenericAPIView[Any]):
    permission_classes = [IsAuthenticated]
    serializer_class = QueueItemSerializer

    @extend_schema(
        summary="Today's practice queue",
        responses=QueueSerializer,
        description=(
            "Due reviews first (by due date; a question whose answer changed since your last "
            "review is due now), then new questions up to your daily goal. The first item is "
            "the one to present: the time spent on it is counted from this request."
        ),
    )
    def get(self, request: Request) -> Response:
        user = _user(request)
        queue = todays_queue(user=user)
        page = self.paginate_queryset(queue.items)  # type: ignore[arg-type]
        assert page is not None
        if page and page[0] is queue.head:
            services.show_card(user=user, question=queue.items[0].question)
        scheduler = learner_scheduler.scheduler_for(user)
        for item in page:
            item.intervals = services.next_intervals(user=user, card=item.card, scheduler=scheduler)
        response = self.get_paginated_response(self.get_serializer(page, many=True).data)
        response.data.update(
            due_count=queue.due_count,
            new_count=queue.new_count,
            requested_count=queue.requested_count,
            new_today=queue.new_today,
            daily_goal=queue.new_limit,
        )
        return response


class ReviewCreateView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Rate your recall of a question",
        request=ReviewInputSerializer,
        responses={201: ReviewSerializer},
    )
    def post(self, request: Request) -> Response:
        data = ReviewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = services.record_review(
            user=_user(request),
            question=data.validated_data["question"],
            rating=data.validated_data["rating"],
            attempt=data.validated_data.get("attempt", ""),
            expected_reps=data.validated_data.get("expected_reps"),
        )
        review.card = Card.objects.get(pk=review.card_id)
        return Response(ReviewSerializer(review).data, status=status.HTTP_201_CREATED)


class UndoReviewView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Undo my latest rating",
        request=None,
        responses={200: UndoneSerializer},
        description=(
            "The card returns to its state before the rating and the review is deleted from "
            "your history. Repeat to undo the one before. 409 when there is nothing to undo."
        ),
    )
    def post(self, request: Request) -> Response:
        card = services.undo_last_review(user=_user(request))
        return Response(UndoneSerializer(card).data)


def _scheduler_data(user: User) -> dict[str, Any]:
    profile = learner_scheduler.profile_for(user)
    scheduler = learner_scheduler.scheduler_from(profile)
    return {
        "parameters": list(scheduler.parameters),
        "fitted": profile.in_use,
        "desired_retention": scheduler.desired_retention,
        "fitted_at": profile.fitted_at,
        "fitted_reviews": profile.fitted_reviews,
        "reviews": Review.objects.filter(user=user).count(),
        "min_reviews": learner_scheduler.min_reviews(),
        "default": {"log_loss": profile.default_log_loss, "rmse": profile.default_rmse},
        "fitted_scores": {"log_loss": profile.fitted_log_loss, "rmse": profile.fitted_rmse},
    }


class SchedulerView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="My scheduler: parameters, retention, fit", responses=SchedulerSerializer
    )
    def get(self, request: Request) -> Response:
        return Response(SchedulerSerializer(_scheduler_data(_user(request))).data)


class OptimizeSchedulerView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Fit my scheduler to my reviews now",
        request=None,
        responses={202: SchedulerSerializer},
        description=(
            "Queues the fit (it runs in the background; with the immediate backend it is done "
            "when this answers) and answers with the scheduler as it stands. 409 with fewer "
            "reviews than min_reviews."
        ),
    )
    def post(self, request: Request) -> Response:
        user = _user(request)
        learner_scheduler.require_enough_reviews(Review.objects.filter(user=user).count())
        tasks.optimize_scheduler.enqueue(user_id=user.pk)
        return Response(
            SchedulerSerializer(_scheduler_data(user)).data, status=status.HTTP_202_ACCEPTED
        )


class _FileRenderer(BaseRenderer):
    """Passes the view's bytes through; a refusal (a dict) is written as JSON."""

    charset = None

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context=None):  # type: ignore[no-untyped-def]
        if isinstance(data, bytes | str):
            return data.encode() if isinstance(data, str) else data
        return json.dumps(data, ensure_ascii=False).encode()


class ApkgRenderer(_FileRenderer):
    media_type = "application/apkg"
    format = "apkg"


class CsvRenderer(_FileRenderer):
    media_type = "text/csv"
    format = "csv"


class _ExportNegotiation(DefaultContentNegotiation):
    """``?format=`` picks the file; an unknown one answers JSON (the view refuses it: 400)
    instead of DRF's 404."""

    def select_renderer(self, request, renderers, format_suffix=None):  # type: ignore[no-untyped-def]
        wanted = request.query_params.get("format") or "apkg"
        for renderer in renderers:
            if renderer.format == wanted:
                return renderer, renderer.media_type
        return JSONRenderer(), JSONRenderer.media_type


class ExportView(generics.GenericAPIView[Any]):
    permission_classes = [IsAuthenticated]
    serializer_class = ExportQuerySerializer  # the query; the response is a file
    filterset_class = None
    pagination_class = None
    renderer_classes = [ApkgRenderer, CsvRenderer, JSONRenderer]
    content_negotiation_class = _ExportNegotiation

    @extend_schema(
        summary="Export my cards: an Anki package or CSV",
        request=None,
        parameters=[ExportQuerySerializer],
        responses={
            (200, "application/apkg"): OpenApiTypes.BINARY,
            (200, "text/csv"): OpenApiTypes.STR,
        },
        description=(
            "format=apkg (default): an Anki package, one note per question (rendered answer, "
            "tags, provenance). format=csv: your cards and review history, one row each, with "
            "a header. Without a filter, every question you have a card for; with tags, "
            "difficulty, bookmarked or wrong, that filtered deck (at most 1,000 questions)."
        ),
    )
    def handle_exception(self, exc: Exception) -> Response:
        # A refusal is JSON whatever file was asked for.
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)

    def get(self, request: Request) -> Response:
        query = ExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        options = query.validated_data
        user = _user(request)
        filtered = any(options.get(key) for key in ("tags", "difficulty", "bookmarked", "wrong"))
        ids = (
            deck_ids(
                user=user,
                tags=options.get("tags", []),
                difficulty=options.get("difficulty", ""),
                bookmarked=options.get("bookmarked", False),
                wrong=options.get("wrong", False),
                limit=EXPORT_LIMIT,
            )
            if filtered
            else None
        )
        questions = export.export_questions(user, ids)
        site = request.build_absolute_uri("/").rstrip("/")
        stamp = timezone.localdate().isoformat()
        if options["format"] == "csv":
            body: bytes = export.csv_export(user, questions, site=site).encode()
            name = f"interviewprep-{stamp}.csv"
        else:
            body = export.anki_package(questions, site=site, deck_name="InterviewPrep")
            name = f"interviewprep-{stamp}.apkg"
        response = Response(body)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class ProgressView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="My practice progress", responses=ProgressSerializer)
    def get(self, request: Request) -> Response:
        return Response(ProgressSerializer(learner_progress(user=_user(request))).data)


@extend_schema_view(
    list=extend_schema(summary="My bookmarks"),
    create=extend_schema(
        summary="Bookmark a question (idempotent: 200 when it was already bookmarked)",
        responses={201: BookmarkSerializer, 200: BookmarkSerializer},
    ),
    retrieve=extend_schema(summary="One of my bookmarks"),
    destroy=extend_schema(summary="Remove a bookmark"),
)
class BookmarkViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[Bookmark],
):
    permission_classes = [IsAuthenticated]
    serializer_class = BookmarkSerializer
    lookup_value_regex = "[0-9]{1,18}"
    filterset_class = None

    def get_queryset(self) -> QuerySet[Bookmark]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Bookmark.objects.none()
        return Bookmark.objects.filter(user=_user(self.request)).select_related("question")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        bookmark, created = services.add_bookmark(
            user=_user(request), question=serializer.validated_data["question"]
        )
        return Response(
            self.get_serializer(bookmark).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    def perform_destroy(self, instance: Bookmark) -> None:
        services.remove_bookmark(user=_user(self.request), question=instance.question)


@extend_schema_view(get=extend_schema(summary="My private notes"))
class NoteListView(generics.ListAPIView[Note]):
    permission_classes = [IsAuthenticated]
    serializer_class = NoteSerializer
    filterset_class = None

    def get_queryset(self) -> QuerySet[Note]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Note.objects.none()
        return Note.objects.filter(user=_user(self.request))


class NoteDetailView(APIView):
    """My private note on one question (nobody else can read it)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(summary="My note on a question", responses=NoteSerializer)
    def get(self, request: Request, question_id: int) -> Response:
        return Response(NoteSerializer(get_note_for_user(_user(request), question_id)).data)

    @extend_schema(
        summary="Write my note on a question (empty text deletes it)",
        request=NoteSerializer,
        responses={200: NoteSerializer, 204: None},
    )
    def put(self, request: Request, question_id: int) -> Response:
        question = get_visible_question(question_id)
        data = NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        note = services.save_note(
            user=_user(request), question=question, text=data.validated_data["text"]
        )
        if note is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(NoteSerializer(note).data)

    @extend_schema(summary="Delete my note on a question", responses={204: None})
    def delete(self, request: Request, question_id: int) -> Response:
        note = get_note_for_user(_user(request), question_id)
        services.save_note(user=_user(request), question=note.question, text="")
        return Response(status=status.HTTP_204_NO_CONTENT)
