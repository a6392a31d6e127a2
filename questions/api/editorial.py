"""The editorial API: reports, the editors' queue, drafts and their review, history.

Same services as the HTML pages (``questions.editorial``). A refused action answers 400 with
``detail`` and ``code``; a rule about who may do it 403; a stale draft save 409 with the saved
draft (``interviewprep.errors`` turns the refusals into these answers).
"""

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from interviewprep import ratelimit
from interviewprep.errors import refusal_payload
from interviewprep.fields import ApiCountField, ApiIdField
from interviewprep.roles import IsEditor, IsReviewer
from questions.editorial import drafts, flags, revisions
from questions.grading import format_key_points
from questions.models import EditorialFlag, Question, QuestionRevision, RevisionDraft


class ReportSerializer(serializers.Serializer[Any]):
    reason = serializers.ChoiceField(choices=[r.value for r in flags.LEARNER_REASONS])
    comment = serializers.CharField(max_length=flags.COMMENT_MAX)


class EditorialFlagSerializer(serializers.ModelSerializer[EditorialFlag]):
    question_title = serializers.CharField(source="question.title", read_only=True)
    # The public name: editors never see a learner's email address.
    reporter = serializers.CharField(source="reporter.public_name", read_only=True, default=None)
    problem = serializers.CharField(
        source="shown_problem", read_only=True, help_text="In the reader's language when known."
    )
    correction = serializers.CharField(
        source="shown_correction", read_only=True, help_text="In the reader's language when known."
    )

    class Meta:
        model = EditorialFlag
        fields = (
            "id",
            "question",
            "question_title",
            "reason",
            "severity",
            "status",
            "problem",
            "correction",
            "reporter",
            "created_at",
            "decline_reason",
        )
        read_only_fields = fields


class DeclineSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField()


class PublicNamesSerializer(serializers.Serializer[Any]):
    """``author`` and ``reviewer`` by their public names: email addresses stay private."""

    author = serializers.SerializerMethodField()
    reviewer = serializers.SerializerMethodField()

    def get_author(self, obj: Any) -> str | None:
        return obj.author.public_name if obj.author else None

    def get_reviewer(self, obj: Any) -> str | None:
        return obj.reviewer.public_name if obj.reviewer else None


class DraftSerializer(PublicNamesSerializer, serializers.ModelSerializer[RevisionDraft]):
    resolves: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )

    class Meta:
        model = RevisionDraft
        fields = (
            "id",
            "question",
            "state",
            "title",
            "body_markdown",
            "tag_slugs",
            "difficulty",
            "summary",
            "key_points",
            "resolves",
            "version",
            "author",
            "reviewer",
            "review_comment",
            "updated_at",
        )
        read_only_fields = fields


class KeyPointInputSerializer(serializers.Serializer[Any]):
    id = serializers.CharField(max_length=40)
    text = serializers.CharField(max_length=300)
    weight = serializers.IntegerField(min_value=1, max_value=3, default=1)
    aliases = serializers.ListField(
        child=serializers.CharField(max_length=100), default=list, max_length=30
    )
    source_sentence = serializers.CharField(max_length=1000, allow_blank=True, default="")


class DraftWriteSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=300)
    body_markdown = serializers.CharField(allow_blank=True, trim_whitespace=False)
    tag_slugs = serializers.ListField(child=serializers.CharField(), required=False)
    difficulty = serializers.ChoiceField(choices=Question.Difficulty.choices, required=False)
    key_points = KeyPointInputSerializer(
        many=True, required=False, help_text="Replaces the draft's key points when given."
    )
    version = ApiCountField(
        required=False, help_text="The draft version you edited; required once a draft exists."
    )


class SubmitSerializer(serializers.Serializer[Any]):
    summary = serializers.CharField(max_length=300)
    resolves = serializers.ListField(child=ApiIdField(), required=False)
    version = ApiCountField()


class CommentSerializer(serializers.Serializer[Any]):
    comment = serializers.CharField()


class RevisionSerializer(PublicNamesSerializer, serializers.ModelSerializer[QuestionRevision]):
    class Meta:
        model = QuestionRevision
        fields = (
            "number",
            "origin",
            "title",
            "body_markdown",
            "tag_slugs",
            "difficulty",
            "summary",
            "restored_number",
            "author",
            "reviewer",
            "created_at",
            "published_at",
        )
        read_only_fields = fields


class RollbackSerializer(serializers.Serializer[Any]):
    number = ApiCountField(min_value=1, help_text="The version to publish again.")
    summary = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class DraftConflictSerializer(serializers.Serializer[Any]):
    """A save refused because the draft changed since it was read (409)."""

    detail = serializers.CharField()
    code = serializers.CharField()
    current = DraftSerializer(help_text="The draft as it is saved now.")


@refusal_payload(drafts.DraftConflict)
def _conflict_payload(error: drafts.DraftConflict) -> dict[str, Any]:
    return {"current": DraftSerializer(error.current).data}


class QuestionEditorialMixin(viewsets.GenericViewSet[Question]):
    """Actions on one question, added to the question viewset."""

    @extend_schema(
        summary="Report a problem with a question",
        request=ReportSerializer,
        responses={201: EditorialFlagSerializer},
    )
    @action(detail=True, methods=["post"], url_path="flags", permission_classes=[IsAuthenticated])
    def flags(self, request: Request, pk: str) -> Response:
        question = get_object_or_404(Question.objects.visible(), pk=pk)
        data = ReportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ratelimit.limit(request, "report")
        flag = flags.report_problem(question=question, reporter=request.user, **data.validated_data)
        return Response(EditorialFlagSerializer(flag).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Start or save the question's revision draft",
        request=DraftWriteSerializer,
        responses={200: DraftSerializer, 201: DraftSerializer, 409: DraftConflictSerializer},
    )
    @action(detail=True, methods=["post"], url_path="revisions", permission_classes=[IsEditor])
    def revisions(self, request: Request, pk: str) -> Response:
        question = get_object_or_404(Question.objects.visible(), pk=pk)
        data = DraftWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        existing = RevisionDraft.objects.active().filter(question=question).first()
        if existing is not None and "version" not in values:
            raise drafts.DraftConflict(
                existing, "This question already has a draft; send its version to save it."
            )
        draft = existing or drafts.start_draft(question=question, editor=request.user)
        saved = drafts.save_draft(
            draft_id=draft.pk,
            editor=request.user,
            seen_version=values.get("version", draft.version),
            title=values["title"],
            body_markdown=values["body_markdown"],
            tag_slugs=values.get("tag_slugs", draft.tag_slugs),
            difficulty=values.get("difficulty", draft.difficulty),
            # The editors' text form is what save_draft checks (ids, weights, how many).
            key_points_text=format_key_points(values["key_points"])
            if "key_points" in values
            else None,
        )
        code = status.HTTP_200_OK if existing else status.HTTP_201_CREATED
        return Response(DraftSerializer(saved).data, status=code)

    @extend_schema(
        summary="Roll the question back: publish an old version's content again",
        description=(
            "Reviewers only. The findings that later versions resolved open again; the new "
            "version's origin is `rollback` with `restored_number`."
        ),
        request=RollbackSerializer,
        responses={201: RevisionSerializer},
    )
    @action(detail=True, methods=["post"], url_path="rollback", permission_classes=[IsReviewer])
    def rollback(self, request: Request, pk: str) -> Response:
        question = get_object_or_404(Question.objects.visible(), pk=pk)
        data = RollbackSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        revision = revisions.rollback_question(
            question=question,
            to_number=data.validated_data["number"],
            reviewer=request.user,
            summary=data.validated_data["summary"],
        )
        return Response(RevisionSerializer(revision).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Published versions of a question, newest first",
        responses=RevisionSerializer(many=True),
    )
    @action(detail=True, methods=["get"], url_path="history", permission_classes=[AllowAny])
    def history(self, request: Request, pk: str) -> Response:
        question = get_object_or_404(Question.objects.visible(), pk=pk)
        revisions = (
            QuestionRevision.objects.filter(question=question)
            .select_related("author", "reviewer")
            .order_by("-number")
        )
        page = self.paginate_queryset(revisions)  # type: ignore[arg-type]
        serializer = RevisionSerializer(page, many=True)  # type: ignore[arg-type]
        return self.get_paginated_response(serializer.data)


class EditorialFlagViewSet(viewsets.ReadOnlyModelViewSet[EditorialFlag]):
    """Open reports for editors (``?tag=``, ``?reason=``), most severe first."""

    lookup_value_regex = "[0-9]{1,18}"
    serializer_class = EditorialFlagSerializer
    permission_classes = [IsEditor]
    filterset_class = None
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[EditorialFlag]:
        flags = EditorialFlag.objects.open().select_related("question", "reporter").by_severity()
        if self.action != "list":
            return EditorialFlag.objects.select_related("question", "reporter")
        if reason := self.request.query_params.get("reason"):
            flags = flags.filter(reason=reason)
        if tag := self.request.query_params.get("tag"):
            flags = flags.filter(
                Exists(
                    Question.tags.through.objects.filter(
                        question=OuterRef("question"), tag__slug=tag
                    )
                )
            )
        return flags

    @extend_schema(summary="Decline a report with a reason", request=DeclineSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str) -> Response:
        flag = self.get_object()
        data = DeclineSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        flag = flags.decline_flag(
            flag_id=flag.pk, editor=request.user, reason=data.validated_data["reason"]
        )
        return Response(EditorialFlagSerializer(flag).data)

    @extend_schema(summary="Confirm a report: the question needs revision", request=None)
    @action(detail=True, methods=["post"], url_path="needs-revision")
    def needs_revision(self, request: Request, pk: str) -> Response:
        flag = self.get_object()
        flag = flags.mark_needs_revision(flag_id=flag.pk, editor=request.user)
        return Response(EditorialFlagSerializer(flag).data)


class RevisionDraftViewSet(viewsets.ReadOnlyModelViewSet[RevisionDraft]):
    """Active drafts (editors and reviewers) and their review."""

    lookup_value_regex = "[0-9]{1,18}"
    serializer_class = DraftSerializer
    filterset_class = None
    filter_backends: list[Any] = []

    def get_permissions(self) -> list[Any]:
        if self.action in ("approve", "request_changes"):
            return [IsReviewer()]
        if self.action in ("submit", "withdraw"):
            return [IsEditor()]
        return [(IsEditor | IsReviewer)()]

    def get_queryset(self) -> QuerySet[RevisionDraft]:
        drafts = RevisionDraft.objects.select_related("author", "reviewer").prefetch_related(
            "resolves"
        )
        if self.action == "list":
            drafts = drafts.active()
        return drafts.order_by("-updated_at", "id")

    @extend_schema(
        summary="Withdraw a submitted draft from review (its author or last editor)",
        request=None,
        responses=DraftSerializer,
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        draft = drafts.withdraw_draft(draft_id=self.get_object().pk, editor=request.user)
        return Response(DraftSerializer(draft).data)

    @extend_schema(summary="Submit a draft for review", request=SubmitSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        draft = self.get_object()
        data = SubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        draft = drafts.submit_draft(
            draft_id=draft.pk,
            editor=request.user,
            seen_version=values["version"],
            summary=values["summary"],
            resolves=values.get("resolves", []),
        )
        return Response(DraftSerializer(draft).data)

    @extend_schema(
        summary="Approve and publish a submitted draft",
        request=None,
        responses=RevisionSerializer,
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        draft = self.get_object()
        revision = revisions.publish_revision(draft_id=draft.pk, reviewer=request.user)
        return Response(RevisionSerializer(revision).data)

    @extend_schema(summary="Send a submitted draft back with a comment", request=CommentSerializer)
    @action(detail=True, methods=["post"], url_path="request-changes")
    def request_changes(self, request: Request, pk: str) -> Response:
        draft = self.get_object()
        data = CommentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        draft = drafts.request_changes(
            draft_id=draft.pk, reviewer=request.user, comment=data.validated_data["comment"]
        )
        return Response(DraftSerializer(draft).data)
