from django.contrib import admin

from .models import (
    Answer,
    Attempt,
    AttemptQuestion,
    ExtraTimeAllowance,
    InterviewTemplate,
    PracticeRequest,
)


@admin.register(InterviewTemplate)
class InterviewTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "duration_minutes", "question_count", "is_active", "position")
    list_editable = ("is_active", "position")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("tags",)
    readonly_fields = ("created_by", "created_at", "updated_at")


@admin.register(ExtraTimeAllowance)
class ExtraTimeAllowanceAdmin(admin.ModelAdmin):
    list_display = ("user", "extra_minutes", "reason", "granted_by", "created_at")
    search_fields = ("user__email", "reason")
    autocomplete_fields = ("user",)
    readonly_fields = ("granted_by", "created_at")

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        if not change:
            obj.granted_by = request.user
        super().save_model(request, obj, form, change)


class AttemptQuestionInline(admin.TabularInline):
    model = AttemptQuestion
    fields = ("position", "question", "self_score", "points_ticked")
    readonly_fields = fields
    can_delete = False
    extra = 0


class ReadOnlyAdmin(admin.ModelAdmin):
    """Attempts and answers change only through the services (state machine, deadline)."""

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Attempt)
class AttemptAdmin(ReadOnlyAdmin):
    list_display = ("title", "user", "state", "started_at", "deadline", "finished_at")
    list_filter = ("state",)
    search_fields = ("user__email", "title")
    inlines = (AttemptQuestionInline,)


@admin.register(Answer)
class AnswerAdmin(ReadOnlyAdmin):
    list_display = ("attempt", "question", "saved_at", "saves", "marked")
    search_fields = ("attempt__user__email",)


@admin.register(PracticeRequest)
class PracticeRequestAdmin(admin.ModelAdmin):
    list_display = ("user", "question", "attempt", "created_at", "consumed_at")
    list_filter = ("consumed_at",)
