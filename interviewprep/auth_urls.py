"""Account pages, included at ``accounts/``.

Names are Django's own (``login``, ``logout``, ``password_reset_done``...) without a
namespace, because Django's auth views reverse them by those names.
"""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import accounts

urlpatterns = [
    path("signup/", accounts.signup, name="signup"),
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("logout/", accounts.LogoutView.as_view(), name="logout"),
    path("profile/", accounts.profile, name="profile"),
    path("time-zone/", accounts.set_time_zone, name="set_time_zone"),
    path("two-factor/", accounts.two_factor, name="two_factor"),
    path(
        "password/change/",
        accounts.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
