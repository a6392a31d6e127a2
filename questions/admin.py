from django.contrib import admin
from django.db.models import F

from interviewprep import cache

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


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
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
    # The save's UPDATE sets a new version: the cached page and row are replaced on commit.
    def save_model(self, request, obj, form, change):
        if "difficulty" in form.changed_data:
            obj.difficulty_overridden = True
        if change:
            obj.version = F("version") + 1
        super().save_model(request, obj, form, change)
        if change:
            obj.refresh_from_db(fields=["version"])

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if "tags" in form.changed_data:
            Question.objects.filter(pk=form.instance.pk).update(tags_overridden=True)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    """A tag's names show on the page and row of each of its questions: saving or deleting
    it gives them a new version (and the bank-wide views, its counts, start over)."""

    list_display = ("slug", "name_zh", "name_en", "level")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._changed(obj)

    def delete_model(self, request, obj):
        self._changed(obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        self._changed(*queryset)
        super().delete_queryset(request, queryset)

    def _changed(self, *tags: Tag) -> None:
        Question.objects.tagged_with(*tags).bump_version()
        cache.flush_bank()


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
    exactly while an open high-severity flag remains (and give it a new version)."""

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
