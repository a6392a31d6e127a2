"""The editors' import API and new questions: the services of
``questions.editorial.imports`` (the HTML pages call the same ones).

``POST /api/editorial/imports/`` takes multipart ``files`` (one or more) or pasted ``text``
(with ``name``) and answers 201 with the preview; ``POST .../{id}/confirm/`` the decisions;
``POST .../{id}/publish/`` (a reviewer other than the importer) publishes;
``POST .../{id}/fetch-images/`` (an editor) copies the remote images its answers show. Images
uploaded in ``files`` with the notes are stored when a note shows them (the preview's
``images``). A refused upload answers 400 with ``detail`` and ``code`` and stores nothing.
"""

from typing import Any

from django.db.models import Count, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from interviewprep import ratelimit
from interviewprep.parsers import BoundedJSONParser
from interviewprep.roles import IsEditor, IsReviewer
from questions import figures
from questions.editorial import import_images, imports
from questions.editorial.parsing import likely_duplicates, section_for
from questions.models import ImportBatch, ImportFile, ImportItem, Question

from .editorial import DraftSerializer


class ImportFileSerializer(serializers.ModelSerializer[ImportFile]):
    repeat_of_batch = serializers.IntegerField(
        source="repeat_of.batch_id", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = ImportFile
        fields = ("id", "name", "sha256", "size", "encoding", "repeat_of_batch")
        read_only_fields = fields


class DuplicateSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    similarity = serializers.FloatField()


class ImportItemSerializer(serializers.ModelSerializer[ImportItem]):
    file = serializers.CharField(source="file.name", read_only=True)
    duplicates = DuplicateSerializer(many=True, read_only=True)
    draft_state = serializers.CharField(source="draft.state", read_only=True, default=None)

    class Meta:
        model = ImportItem
        fields = (
            "id",
            "position",
            "file",
            "kind",
            "parsed_title",
            "title",
            "body_markdown",
            "body_html",
            "suggested_tags",
            "tag_slugs",
            "difficulty",
            "provenance",
            "duplicates",
            "already_imported_as",
            "decision",
            "same_as",
            "question",
            "draft",
            "draft_state",
        )
        read_only_fields = fields


class UploadedImageSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(help_text="The file name it was uploaded as.")
    url = serializers.CharField(help_text="Where the site serves the stored copy.")
    size = serializers.IntegerField()
    content_type = serializers.CharField()


class RefusedImageSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    code = serializers.CharField(help_text="svg, not_image, too_large, same_name or unused.")
    reason = serializers.CharField()


class MissingImageSerializer(serializers.Serializer[Any]):
    reference = serializers.CharField(help_text="The image's source as the note writes it.")
    item = serializers.IntegerField(help_text="The item whose answer shows it.")


class ImageReportSerializer(serializers.Serializer[Any]):
    found = UploadedImageSerializer(many=True)
    refused = RefusedImageSerializer(many=True)
    missing = MissingImageSerializer(many=True)

    def to_representation(self, report: import_images.ImageReport) -> dict[str, Any]:
        return {
            "found": [
                {
                    "name": figure.name,
                    "url": figure.file.url,
                    "size": figure.size,
                    "content_type": figure.content_type,
                }
                for figure in report.found
            ],
            "refused": [
                {"name": figure.name, "code": figure.error, "reason": figure.refusal}
                for figure in report.refused
            ],
            "missing": [
                {"reference": missing.reference, "item": missing.item.pk}
                for missing in report.missing
            ],
        }


class ImportBatchSerializer(serializers.ModelSerializer[ImportBatch]):
    created_by = serializers.CharField(source="created_by.public_name", read_only=True)
    files = ImportFileSerializer(many=True, read_only=True)
    items = ImportItemSerializer(many=True, read_only=True)
    repeated = serializers.SerializerMethodField()
    images = serializers.SerializerMethodField()

    class Meta:
        model = ImportBatch
        fields: tuple[str, ...] = (
            "id",
            "status",
            "created_by",
            "created_at",
            "confirmed_at",
            "files",
            "repeated",
            "images",
            "items",
        )
        read_only_fields = fields

    def get_repeated(self, batch: ImportBatch) -> list[str]:
        """Names of the files uploaded before (recognised by their SHA-256)."""
        return [file.name for file in batch.files.all() if file.repeat_of_id]

    @extend_schema_field(ImageReportSerializer)
    def get_images(self, batch: ImportBatch) -> dict[str, Any]:
        """The images uploaded with the notes (stored, or refused and why) and those the
        answers show that came with no file."""
        report = import_images.image_report(batch, batch.items.all())
        return ImageReportSerializer(report).data


class ImportListSerializer(ImportBatchSerializer):
    item_count = serializers.IntegerField(read_only=True)
    created = serializers.IntegerField(read_only=True)

    class Meta(ImportBatchSerializer.Meta):
        fields = (
            *ImportBatchSerializer.Meta.fields[:-2],
            "item_count",
            "created",
        )
        read_only_fields = fields


class UploadSerializer(serializers.Serializer[Any]):
    files = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        help_text="Notes (.md, .markdown, .txt) and the images they show (PNG, JPEG, GIF, "
        "WebP), matched by file name: ![图1](images/lora.png) shows lora.png.",
    )
    text = serializers.CharField(required=False, trim_whitespace=False)
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)


class DecisionSerializer(serializers.Serializer[Any]):
    item = serializers.IntegerField()
    include = serializers.BooleanField(default=True)
    title = serializers.CharField(required=False, max_length=300)
    tags = serializers.ListField(child=serializers.CharField(), required=False)
    same_as = serializers.IntegerField(required=False, allow_null=True)


class RefusedFetchSerializer(serializers.Serializer[Any]):
    url = serializers.CharField()
    reason = serializers.CharField()


class FetchReportSerializer(serializers.Serializer[Any]):
    copied = serializers.ListField(child=serializers.CharField(), help_text="Copied now.")
    earlier = serializers.ListField(
        child=serializers.CharField(), help_text="Copied before; the answers show the copies."
    )
    refused = RefusedFetchSerializer(many=True)
    not_allowed = serializers.ListField(
        child=serializers.CharField(),
        help_text="Hosts not in QUESTION_FIGURE_HOSTS: their images stay placeholders.",
    )
    rerendered = serializers.IntegerField(help_text="Questions rendered again.")

    def to_representation(self, report: figures.FetchReport) -> dict[str, Any]:
        return {
            "copied": report.copied,
            "earlier": report.earlier,
            "refused": [{"url": url, "reason": why} for url, why in report.refused],
            "not_allowed": report.not_allowed,
            "rerendered": report.rerendered,
        }


class ConfirmSerializer(serializers.Serializer[Any]):
    decisions = DecisionSerializer(many=True, required=False)


class PublishSerializer(serializers.Serializer[Any]):
    items = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Items to publish; all those awaiting review when left out.",
    )


def uploads_from(request: Request) -> list[imports.Upload]:
    """The files (``files``) and the pasted text (``text``, ``name``) of a request."""
    files = request.FILES.getlist("files")
    uploads = [imports.read_upload(upload) for upload in files]
    data: Any = request.data
    text = data.get("text") or ""
    if text.strip():
        uploads.append(imports.pasted(data.get("name") or "", text))
    return uploads


class ImportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[ImportBatch]
):
    """Every import (who, when, files and hashes, status, what it created), newest first."""

    lookup_value_regex = "[0-9]{1,18}"
    filterset_class = None
    filter_backends: list[Any] = []
    # JSON bounded in size and depth, as everywhere in the API.
    parser_classes = [MultiPartParser, FormParser, BoundedJSONParser]

    def get_permissions(self) -> list[Any]:
        if self.action == "publish":
            return [IsReviewer()]
        if self.action in ("create", "confirm", "fetch_images"):
            return [IsEditor()]
        return [(IsEditor | IsReviewer)()]

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return ImportListSerializer if self.action == "list" else ImportBatchSerializer

    def get_queryset(self) -> QuerySet[ImportBatch]:
        batches = ImportBatch.objects.select_related("created_by").prefetch_related(
            "files__repeat_of"
        )
        if self.action == "list":
            return batches.annotate(
                item_count=Count("items", distinct=True),
                created=Count("items__draft", distinct=True),
            ).order_by("-created_at", "-id")
        return batches.prefetch_related("items__file", "items__draft", "figures")

    def _preview(self, batch: ImportBatch, code: int = status.HTTP_200_OK) -> Response:
        batch = self.get_queryset().get(pk=batch.pk)
        return Response(ImportBatchSerializer(batch).data, status=code)

    @extend_schema(
        summary="Upload notes: the preview of every parsed question",
        request={"multipart/form-data": UploadSerializer},
        responses={201: ImportBatchSerializer},
    )
    def create(self, request: Request) -> Response:
        ratelimit.limit(request, "upload")
        UploadSerializer(data=request.data).is_valid(raise_exception=True)
        batch = imports.upload_notes(editor=request.user, uploads=uploads_from(request))
        return self._preview(batch, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Confirm an import with the editor's decisions",
        request=ConfirmSerializer,
        responses=ImportBatchSerializer,
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str) -> Response:
        batch = self.get_object()
        data = ConfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decisions = [
            imports.Decision(
                item_id=entry["item"],
                include=entry["include"],
                title=entry.get("title"),
                tag_slugs=entry.get("tags"),
                same_as=entry.get("same_as"),
            )
            for entry in data.validated_data.get("decisions", [])
        ]
        imports.confirm_import(batch_id=batch.pk, editor=request.user, decisions=decisions)
        return self._preview(batch)

    @extend_schema(
        summary="Publish an import's questions (a reviewer other than the importer)",
        request=PublishSerializer,
        responses=ImportBatchSerializer,
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        batch = self.get_object()
        data = PublishSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        imports.publish_import(
            batch_id=batch.pk, reviewer=request.user, item_ids=data.validated_data.get("items")
        )
        return self._preview(batch)

    @extend_schema(
        summary="Copy the remote images of an import's answers (allowed hosts only)",
        request=None,
        responses=FetchReportSerializer,
    )
    @action(detail=True, methods=["post"], url_path="fetch-images")
    def fetch_images(self, request: Request, pk: str) -> Response:
        """Copy the remote images this import's answers show into media storage, from the
        hosts the operator allows (``QUESTION_FIGURE_HOSTS``) only, as ``manage.py
        fetch_images`` does; the previews and the questions it created show the copies. An
        editor's; rate-limited as uploads are."""
        batch = self.get_object()
        ratelimit.limit(request, "fetch_images")
        report = import_images.fetch_import_figures(batch_id=batch.pk, editor=request.user)
        return Response(FetchReportSerializer(report).data)


class NewQuestionSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=300)
    body_markdown = serializers.CharField(trim_whitespace=False)
    tag_slugs = serializers.ListField(child=serializers.CharField(), required=False)
    difficulty = serializers.ChoiceField(choices=Question.Difficulty.choices)
    summary = serializers.CharField(required=False, allow_blank=True, max_length=300)


class NewQuestionView(APIView):
    """``POST /api/editorial/questions/``: an editor's new question, awaiting review; the
    answer is its draft, which a reviewer other than the editor approves
    (``/api/revisions/{id}/approve/``)."""

    permission_classes = [IsEditor]

    @extend_schema(
        summary="Write a new question (published by a reviewer)",
        request=NewQuestionSerializer,
        responses={201: DraftSerializer},
    )
    def post(self, request: Request) -> Response:
        data = NewQuestionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        draft = imports.create_question(
            editor=request.user,
            title=values["title"],
            body_markdown=values["body_markdown"],
            tag_slugs=values.get("tag_slugs", []),
            difficulty=values["difficulty"],
            summary=values.get("summary", ""),
        )
        return Response(DraftSerializer(draft).data, status=status.HTTP_201_CREATED)


class DuplicateCheckView(APIView):
    """``GET /api/editorial/questions/duplicates/?title=``: the bank's likely duplicates."""

    permission_classes = [IsEditor]

    @extend_schema(
        summary="Likely duplicates of a title being written",
        responses=DuplicateSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        section = section_for(request.query_params.get("title", "")[:300])
        found = likely_duplicates(section) if section else []
        return Response([likely.as_dict() for likely in found])
