from django.contrib import admin

from .models import (
    DuplicateCandidate,
    EditorialFlag,
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
    readonly_fields = ("import_key", "body_html", "live_revision", "version", "duplicate_of")
    exclude = ("search_title", "search_body")
    inlines = (SourceInline,)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("slug", "name_zh", "name_en", "level")


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
    list_display = ("question", "reason", "severity", "status", "created_at")
    list_filter = ("status", "severity", "reason")
    list_select_related = ("question",)
    search_fields = ("problem", "question__title")
    raw_id_fields = ("question", "reporter")


@admin.register(DuplicateCandidate)
class DuplicateCandidateAdmin(admin.ModelAdmin):
    list_display = ("question", "other", "similarity", "status")
    list_filter = ("status",)
    list_select_related = ("question", "other")
    raw_id_fields = ("question", "other")
