from django.conf import settings
from django.contrib import admin
from django.urls import include, path, register_converter
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import accounts, views
from .converters import IdConverter

# Registered before the apps' URL modules below are imported, so they can use <id:...>.
register_converter(IdConverter, "id")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.health, name="health"),
    path("favicon.ico", views.favicon, name="favicon"),
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
    # The language menu also updates a signed-in learner's profile (Django's view inside).
    path("i18n/setlang/", accounts.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    # Figures copied from remote hosts (questions/figures.py), from the site's own origin.
    path(settings.MEDIA_URL.lstrip("/"), include("questions.media_urls")),
]

handler400 = "interviewprep.views.bad_request"
handler403 = "interviewprep.views.permission_denied"
handler404 = "interviewprep.views.page_not_found"
handler500 = "interviewprep.views.server_error"
