from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("interviewprep.auth_urls")),
    path("questions/", include("questions.urls")),
    path("api/", include("interviewprep.api_urls")),
    path("api/", include("questions.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularRedocView.as_view(url_name="schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
