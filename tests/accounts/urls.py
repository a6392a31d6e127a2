"""The site's URLs plus views that exist only to test the role checks."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from rest_framework.response import Response
from rest_framework.views import APIView

from interviewprep.roles import IsEditor, IsReviewer, Role, role_required


@role_required(Role.EDITOR)
def editor_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("editor page")


class ReviewerApi(APIView):
    permission_classes = [IsReviewer]

    def get(self, request):
        return Response({"ok": True})


class EditorApi(APIView):
    permission_classes = [IsEditor]

    def get(self, request):
        return Response({"ok": True})


urlpatterns = [
    path("test/editor/", editor_page, name="test-editor"),
    path("test/api/reviewer/", ReviewerApi.as_view()),
    path("test/api/editor/", EditorApi.as_view()),
    path("", include("interviewprep.urls")),
]
