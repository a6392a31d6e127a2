from django.contrib import admin

from .models import Bookmark, Card, Note, Review


@admin.register(Card)
class CardAdmin(admin.ModelAdmin):
    list_display = ("question", "user", "state", "due", "reps", "again_count", "leeched_at")
    list_filter = ("state",)
    raw_id_fields = ("user", "question")


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("question", "user", "rating", "reviewed_at", "duration_seconds")
    raw_id_fields = ("card", "user", "question")

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False  # reviews are history


admin.site.register(Bookmark)
admin.site.register(Note)
