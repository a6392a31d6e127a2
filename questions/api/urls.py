from django.urls import path
from rest_framework.routers import DefaultRouter

from .editorial import EditorialFlagViewSet, RevisionDraftViewSet
from .imports import DuplicateCheckView, ImportViewSet, NewQuestionView
from .views import QuestionViewSet, TagViewSet

app_name = "api"
router = DefaultRouter()
router.register("questions", QuestionViewSet, basename="question")
router.register("tags", TagViewSet, basename="tag")
router.register("editorial/flags", EditorialFlagViewSet, basename="editorial-flag")
router.register("revisions", RevisionDraftViewSet, basename="revision")
router.register("editorial/imports", ImportViewSet, basename="editorial-import")
urlpatterns = [
    path("editorial/questions/", NewQuestionView.as_view(), name="editorial-question-new"),
    path(
        "editorial/questions/duplicates/",
        DuplicateCheckView.as_view(),
        name="editorial-question-duplicates",
    ),
    *router.urls,
]
