from rest_framework.routers import DefaultRouter

from .editorial import EditorialFlagViewSet, RevisionDraftViewSet
from .views import QuestionViewSet, TagViewSet

app_name = "api"
router = DefaultRouter()
router.register("questions", QuestionViewSet, basename="question")
router.register("tags", TagViewSet, basename="tag")
router.register("editorial/flags", EditorialFlagViewSet, basename="editorial-flag")
router.register("revisions", RevisionDraftViewSet, basename="revision")
urlpatterns = router.urls
