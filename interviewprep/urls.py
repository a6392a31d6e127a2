from django.conf import settings
from django.contrib import admin
from django.urls import include, path, register_converter
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views
from .converters import IdConverter

# Registered before the apps' URL modules below are imported, so they can use <id:...>.
register_converter(IdConverter, "id")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.health, name="health"),
    path("accounts/", include("interviewprep.auth_urls")),
    path("questions/", include("questions.urls")),
    path("practice/", include("quizzes.urls")),
    path("interviews/", include("interviews.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/docs/",
        # Swagger UI sets inline styles; its scripts still come only from our own origin.
        csp_override({**settings.SECURE_CSP, "style-src": ["'self'", "'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="schema")
        ),
        name="api-docs",
    ),
    path("api/", include("interviewprep.api_urls")),
    path("api/interviews/", include("interviews.api.urls")),
    path("api/", include("questions.api.urls")),
    path("api/", include("quizzes.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler400 = "interviewprep.views.bad_request"
handler403 = "interviewprep.views.permission_denied"
handler404 = "interviewprep.views.page_not_found"
handler500 = "interviewprep.views.server_error"
