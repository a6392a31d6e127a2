from rest_framework.routers import DefaultRouter

from .views import QuestionViewSet, TagViewSet

app_name = "api"
router = DefaultRouter()
router.register("questions", QuestionViewSet, basename="question")
router.register("tags", TagViewSet, basename="tag")
urlpatterns = router.urls
