from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

app_name = "practice-api"
router = SimpleRouter()
router.register("practice/bookmarks", views.BookmarkViewSet, basename="bookmark")
urlpatterns = [
    path("practice/queue/", views.QueueView.as_view(), name="queue"),
    path("practice/reviews/", views.ReviewCreateView.as_view(), name="reviews"),
    path("practice/reviews/undo/", views.UndoReviewView.as_view(), name="undo"),
    path("practice/notes/", views.NoteListView.as_view(), name="notes"),
    path("practice/export/", views.ExportView.as_view(), name="export"),
    path("practice/notes/<id:question_id>/", views.NoteDetailView.as_view(), name="note"),
    path("me/progress/", views.ProgressView.as_view(), name="progress"),
    path("me/scheduler/", views.SchedulerView.as_view(), name="scheduler"),
    path("me/scheduler/optimize/", views.OptimizeSchedulerView.as_view(), name="optimize"),
    *router.urls,
]
