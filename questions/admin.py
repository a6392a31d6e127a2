from django.contrib import admin
from django.db import transaction

from interviewprep.admin import CachedFromAdmin

from . import caches
from .editorial import flags
from .models import (
    DuplicateCandidate,
    EditorialFlag,
    GradeDispute,
    Question,
    QuestionRevision,
    QuestionSource,
    Tag,
)


class SourceInline(admin.TabularInline):
    model = QuestionSource
    extra = 0
    fields = ("file_name", "start_line", "end_line", "match", "similarity")
    readonly_fields = fields
    can_delete = False


class DropsCachedPages(CachedFromAdmin):
    """Changes made here drop the cached question pages they show on (questions/caches.py);
    ``question_field`` names the question an object belongs to ("pk" for a question)."""

    question_field = "question_id"

    def changed(self, *objects) -> None:
        caches.forget_questions(*(getattr(obj, self.question_field) for obj in objects))


@admin.register(Question)
class QuestionAdmin(DropsCachedPages):
    question_field = "pk"
    list_display = ("id", "title", "kind", "difficulty", "status", "has_answer", "updated_at")
    list_filter = ("kind", "difficulty", "status", "has_answer", "tags")
    search_fields = ("title",)
    filter_horizontal = ("tags",)
    # Content changes go through revisions (rendered, reviewed, kept in history), not here; the
    # status follows the question's flags (questions.editorial.refresh_status).
    readonly_fields = (
        "status",
        "title",
        "body_markdown",
        "import_key",
        "body_html",
        "live_revision",
        "version",
        "duplicate_of",
        "created_at",
        "updated_at",
        "last_reviewed_at",
    )
    exclude = ("search_title", "search_body")
    inlines = (SourceInline,)

    # An editor's choice of difficulty or tags sticks: later imports no longer recompute it.
    def save_model(self, request, obj, form, change):
        if "difficulty" in form.changed_data:
            obj.difficulty_overridden = True
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if "tags" in form.changed_data:
            Question.objects.filter(pk=form.instance.pk).update(tags_overridden=True)


@admin.register(Tag)
class TagAdmin(DropsCachedPages):
    list_display = ("slug", "name_zh", "name_en", "level")

    # A tag's names show on every page of its questions: the bank's cached views start over.
    def changed(self, *objects) -> None:
        transaction.on_commit(caches.invalidate)


@admin.register(QuestionRevision)
class QuestionRevisionAdmin(admin.ModelAdmin):
    list_display = ("question", "number", "origin", "author", "created_at")
    list_select_related = ("question", "author")

    def has_change_permission(self, request, obj=None):  # revisions are immutable
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EditorialFlag)
class EditorialFlagAdmin(admin.ModelAdmin):
    """Saved and deleted through the editorial services, which keep a question under revision
    exactly while an open high-severity flag remains (and drop its cached page)."""

    list_display = ("question", "reason", "severity", "status", "created_at")
    list_filter = ("status", "severity", "reason")
    list_select_related = ("question",)
    search_fields = ("problem", "question__title")
    raw_id_fields = ("question", "reporter")

    def save_model(self, request, obj, form, change):
        moved_from = form.initial.get("question") if "question" in form.changed_data else None
        flags.save_flag(flag=obj, editor=request.user, moved_from=moved_from)

    def delete_model(self, request, obj):
        flags.delete_flags(flags=[obj], editor=request.user)

    def delete_queryset(self, request, queryset):
        flags.delete_flags(flags=queryset, editor=request.user)


@admin.register(DuplicateCandidate)
class DuplicateCandidateAdmin(admin.ModelAdmin):
    list_display = ("question", "other", "similarity", "status")
    list_filter = ("status",)
    list_select_related = ("question", "other")
    raw_id_fields = ("question", "other")


@admin.register(GradeDispute)
class GradeDisputeAdmin(admin.ModelAdmin):
    list_display = ("created_at", "question", "score", "claimed_score", "status")
    list_filter = ("status",)
    raw_id_fields = ("question", "revision", "user")
    readonly_fields = ("answer", "score", "covered", "missed", "claimed_score", "comment")
