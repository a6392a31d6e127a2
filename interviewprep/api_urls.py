"""Account API, included under ``api/``."""

from django.urls import path

from . import api

urlpatterns = [
    path("auth/token/", api.ObtainTokenView.as_view(), name="api-token"),
    path("auth/logout/", api.LogoutTokenView.as_view(), name="api-logout"),
    path("me/", api.MeView.as_view(), name="api-me"),
]
