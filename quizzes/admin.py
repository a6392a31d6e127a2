from django.contrib import admin

from interviewprep.admin import CachedFromAdmin

from .models import Bookmark, Card, Note, Review
from .state import learner_state_changed


class DropsLearnerState(CachedFromAdmin):
    """Changes made here drop their learners' cached question states (quizzes/state.py)."""

    def changed(self, *objects) -> None:
        learner_state_changed(*{obj.user_id for obj in objects})


@admin.register(Card)
class CardAdmin(DropsLearnerState):
    list_display = ("question", "user", "state", "due", "reps", "again_count", "leeched_at")
    list_filter = ("state",)
    raw_id_fields = ("user", "question")


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("question", "user", "rating", "reviewed_at", "duration_seconds")
    raw_id_fields = ("card", "user", "question")

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False  # reviews are history


admin.site.register(Bookmark, DropsLearnerState)
admin.site.register(Note, DropsLearnerState)
