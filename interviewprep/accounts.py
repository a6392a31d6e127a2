"""Account views: sign-up, login (Django's view with our form), profile.

Logout, password change and password reset are Django's own views (see ``auth_urls.py``);
the two that set a new password also email the account's owner about it.
"""

from functools import partial
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import activate, get_language, gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language as django_set_language

from . import ratelimit
from . import two_factor as two_factor_apps
from .forms import LoginForm, OneTimeCodeForm, ProfileForm, SignUpForm, TimeZoneForm
from .models import Language, User
from .tasks import send_password_changed_notice

# Sign-up logs the new user in without authenticate(); name the backend that owns the user.
MODEL_BACKEND = "interviewprep.backends.RoleAwareModelBackend"


def _safe_next(request: HttpRequest) -> str:
    """The ``next`` parameter if it points into this site, else the default landing page."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def set_language_cookie(response: HttpResponse, language: str) -> None:
    """Remember ``language`` the way Django's ``set_language`` view does."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


@sensitive_post_parameters("password1", "password2")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    if request.method == "POST":
        ratelimit.limit(request, "signup")
    form = SignUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                user: User = form.save()
        except IntegrityError:
            # Someone signed up with the same address between our check and the insert.
            form.add_error("email", gettext("An account with this email address already exists."))
        else:
            # login() gives the session a new key: no session fixation.
            login(request, user, backend=MODEL_BACKEND)
            return HttpResponseRedirect(_safe_next(request))
    return render(
        request, "registration/signup.html", {"form": form, "next": request.GET.get("next", "")}
    )


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset request, rate-limited: each request sends an email to the address."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        ratelimit.limit(request, "password_reset")
        return super().post(request, *args, **kwargs)


class LoginView(auth_views.LoginView):
    """Django's login view (safe ``next`` handling, session rotation) with our form.

    On success it switches the UI to the language saved in the profile.
    """

    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        user = cast(User, form.get_user())
        if user.ui_language:
            set_language_cookie(response, user.ui_language)
        return response


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The header's language menu: Django's ``set_language``, and for a signed-in learner
    the profile's UI language too, so the choice survives the next sign-in."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    user = request.user
    if user.is_authenticated and language in Language.values:
        cast(User, user).set_ui_language(language)
    return response


@require_POST
@login_required
def set_time_zone(request: HttpRequest) -> HttpResponse:
    """The browser's time zone, reported once by static/js/timezone.js while the profile
    has none (the profile page changes it afterwards)."""
    form = TimeZoneForm(request.POST)
    if not form.is_valid():
        return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain")
    cast(User, request.user).set_time_zone(form.cleaned_data["time_zone"], only_if_unset=True)
    return HttpResponse(status=204)


class LogoutView(auth_views.LogoutView):
    """Django's logout view, which also says that it signed the person out."""

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.success(request, gettext("You have signed out."))
        return response


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        # Switch now, so the confirmation below is already in the chosen language.
        activate(user.ui_language)
        messages.success(request, gettext("Your profile has been saved."))
        response = redirect("profile")
        set_language_cookie(response, user.ui_language)
        return response
    return render(request, "account/profile.html", {"form": form})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Staff set up the authenticator app whose codes the admin asks for (django-otp TOTP).

    A new secret is shown (QR code and text) until a code from the app confirms it; the
    session is then verified and goes on to the admin. With a confirmed app, a verified
    session may replace it; a lost one is removed by another admin (TOTP devices in the
    admin).
    """
    user = cast(User, request.user)
    if not user.is_staff:
        raise PermissionDenied
    confirmed = two_factor_apps.confirmed_app(user)
    if confirmed is not None:
        verified = user.is_verified()  # type: ignore[attr-defined]
        if request.method == "POST" and request.POST.get("action") == "replace" and verified:
            two_factor_apps.remove_apps(request=request)
            messages.success(
                request, gettext("Your authenticator app was removed: set up the new one.")
            )
            return redirect("two_factor")
        return render(
            request, "account/two_factor.html", {"confirmed": confirmed, "verified": verified}
        )
    device = two_factor_apps.app_to_set_up(user=user)
    form = OneTimeCodeForm(request.POST if request.method == "POST" else None, device=device)
    if request.method == "POST" and form.is_valid():
        two_factor_apps.confirm_app(request=request, device=device)
        messages.success(
            request,
            gettext("Two-step sign-in is on. The admin asks for a code each time you sign in."),
        )
        return redirect("admin:index")
    qr_code, secret = two_factor_apps.setup_details(device)
    context = {"form": form, "qr_code": qr_code, "secret": secret}
    return render(request, "account/two_factor.html", context)


def notify_password_changed(request: HttpRequest, user: User) -> None:
    """Email ``user`` that their password changed, once the change is committed."""
    notice = partial(
        send_password_changed_notice.enqueue,
        user_id=user.pk,
        reset_url=request.build_absolute_uri(reverse("password_reset")),
        language=get_language(),
    )
    transaction.on_commit(notice)


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        notify_password_changed(self.request, form.user)
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        notify_password_changed(self.request, form.user)
        return response
