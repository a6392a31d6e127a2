"""The interviews API. Each action calls the same service as its HTML page."""

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from interviewprep.errors import refusal_payload

from .. import followups, reports, services
from ..access import get_attempt_for_user
from ..answers import save_own_answer
from ..models import Attempt, InterviewTemplate
from .serializers import (
    AnswerInputSerializer,
    AnswerRefusedSerializer,
    AnswerSavedSerializer,
    AskedFollowUpSerializer,
    AskFollowUpsSerializer,
    AttemptSerializer,
    AttemptStateSerializer,
    FollowUpAnswerSerializer,
    InterviewReportSerializer,
    InterviewReviewInputSerializer,
    StartSerializer,
    StoredAnswerSerializer,
    TemplateSerializer,
    attempt_data,
    follow_up_data,
)


@refusal_payload(services.InterviewError)
def _attempt_payload(error: services.InterviewError) -> dict[str, Any]:
    """A refusal about an attempt says its state and where its review is."""
    if error.attempt is None:
        return {}
    return {
        "state": error.attempt.state,
        "review_url": reverse("interviews:review", args=[error.attempt.pk]),
    }


@refusal_payload(services.AnswerChanged)
def _stored_answer_payload(error: services.AnswerChanged) -> dict[str, Any]:
    # The client shows the stored answer beside its own text (static/js/interview.js).
    return {"answer": StoredAnswerSerializer(error.answer).data}


def _loaded(request: Request, pk: int) -> Attempt:
    return get_attempt_for_user(request.user, pk, queryset=Attempt.objects.with_questions())


@extend_schema(
    summary="Interview templates offered to learners", responses=TemplateSerializer(many=True)
)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def templates(request: Request) -> Response:
    rows = InterviewTemplate.objects.filter(is_active=True).prefetch_related("tags")
    return Response(TemplateSerializer(rows, many=True).data)


@extend_schema(
    summary="Start an interview", request=StartSerializer, responses={201: AttemptSerializer}
)
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def start(request: Request) -> Response:
    serializer = StartSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    criteria = None
    if "template" not in data:
        criteria = services.Criteria(
            count=data["count"],
            minutes=data["minutes"],
            tag_slugs=tuple(tag.slug for tag in data.get("tags", [])),
            difficulty_mix=dict.fromkeys(data.get("difficulties", []), 1),
        )
    attempt = services.start_attempt(
        user=request.user, template=data.get("template"), criteria=criteria, layout=data["layout"]
    )
    return Response(attempt_data(_loaded(request, attempt.pk)), status=status.HTTP_201_CREATED)


@extend_schema(
    summary="An interview: its questions, the learner's answers, time left, state",
    responses=AttemptSerializer,
)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def detail(request: Request, pk: int) -> Response:
    return Response(attempt_data(_loaded(request, pk)))


@extend_schema(
    summary="Autosave one answer",
    request=AnswerInputSerializer,
    responses={200: AnswerSavedSerializer, 409: AnswerRefusedSerializer},
)
@api_view(["PUT"])
@permission_classes([IsAuthenticated])
def answer(request: Request, pk: int, question_id: int) -> Response:
    serializer = AnswerInputSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    saved, remaining = save_own_answer(
        user=request.user,
        attempt_id=pk,
        question_id=question_id,
        text=data.get("text"),
        marked=data["marked"],
        seconds=data["seconds"],
        base_saves=data["base_saves"],
    )
    return Response(
        {
            "question": saved.question_id,
            "saved_at": saved.saved_at.isoformat(),
            "saves": saved.saves,
            "remaining_seconds": remaining,
        }
    )


@extend_schema(
    summary="Ask the follow-ups (追问) the answers to these questions call for",
    description=(
        "Grades the saved answers to `questions` and asks, for each, the first authored "
        "follow-up whose key point the answer missed (or the first, if the template says "
        "always), once per question. Answers with the interview, follow-ups listed."
    ),
    request=AskFollowUpsSerializer,
    responses=AttemptSerializer,
)
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def ask_follow_ups(request: Request, pk: int) -> Response:
    attempt = get_attempt_for_user(request.user, pk)
    serializer = AskFollowUpsSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    followups.ask_follow_ups(attempt=attempt, question_ids=serializer.validated_data["questions"])
    return Response(attempt_data(_loaded(request, pk)))


@extend_schema(
    summary="Save the answer to a follow-up (inside the interview's clock)",
    request=FollowUpAnswerSerializer,
    responses={200: AskedFollowUpSerializer, 409: AnswerRefusedSerializer},
)
@api_view(["PUT"])
@permission_classes([IsAuthenticated])
def follow_up_answer(request: Request, pk: int, follow_up_id: int) -> Response:
    attempt = get_attempt_for_user(request.user, pk)
    serializer = FollowUpAnswerSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    follow_up = followups.save_follow_up(
        attempt=attempt, follow_up_id=follow_up_id, text=serializer.validated_data["text"]
    )
    return Response(follow_up_data(follow_up))


@extend_schema(summary="Submit (end) the interview", request=None, responses=AttemptSerializer)
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def submit(request: Request, pk: int) -> Response:
    attempt = get_attempt_for_user(request.user, pk)
    services.submit_attempt(attempt=attempt)
    return Response(attempt_data(_loaded(request, pk)))


@extend_schema(
    summary="Store the learner's self-assessment",
    request=InterviewReviewInputSerializer,
    responses=AttemptStateSerializer,
)
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def review(request: Request, pk: int) -> Response:
    attempt = get_attempt_for_user(request.user, pk)
    serializer = InterviewReviewInputSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    assessments = [
        services.Assessment(
            question_id=item["question"], score=item["score"], points=tuple(item["points"])
        )
        for item in serializer.validated_data["items"]
    ]
    services.record_review(attempt=attempt, assessments=assessments)
    return Response({"state": attempt.state})


@extend_schema(summary="The report of a finished interview", responses=InterviewReportSerializer)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def report(request: Request, pk: int) -> Response:
    attempt = _loaded(request, pk)
    if attempt.is_open:
        raise services.IllegalTransition(
            "The interview is still running; no report yet.", attempt=attempt
        )
    if followups.grade_attempt(attempt=attempt):
        attempt = _loaded(request, pk)
    return Response(InterviewReportSerializer(reports.build_report(attempt)).data)
