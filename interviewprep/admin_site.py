"""The admin site. Its own module: Django imports it while the admin modules that register
with it are being imported."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django_otp import devices_for_user
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite
from django_otp.models import Device


class VerifiedLoginForm(OTPAdminAuthenticationForm):
    """django-otp's admin login form, in the site's words, taking the code from the one app
    a staff member has set up without asking them to pick it first."""

    otp_error_messages = {
        **OTPAdminAuthenticationForm.otp_error_messages,
        "token_required": _("Enter the code your authenticator app shows."),
        "invalid_token": _(
            "This code is not right or has expired. Enter the code the app shows now."
        ),
        "n_failed_attempts": ngettext_lazy(
            "Codes are refused for a while after %(failure_count)d wrong one; try again soon.",
            "Codes are refused for a while after %(failure_count)d wrong ones; try again soon.",
            "failure_count",
        ),
        "verification_not_allowed": _("Codes are refused for a while; try again soon."),
        "device_required": _("Choose the authenticator app the code comes from."),
        "no_device": _(
            "This account has no authenticator app yet: sign in to the site and set one up "
            "on the two-step sign-in page first."
        ),
    }

    def _chosen_device(self, user: Any) -> Device | None:
        chosen: Device | None = super()._chosen_device(user)
        if chosen is not None:
            return chosen
        devices = list(devices_for_user(user))  # confirmed ones
        if not devices:
            raise forms.ValidationError(self.otp_error_messages["no_device"], code="no_device")
        if len(devices) == 1:
            # Loaded for verification (locked), as django-otp loads a chosen one.
            return Device.from_persistent_id(devices[0].persistent_id, for_verify=True)
        return None


class VerifiedAdminSite(OTPAdminSite):
    """The admin (``admin.site``): staff sign in with their password and a one-time code from
    the authenticator app they set up on the ``two_factor`` page (django-otp's TOTP). A
    session signed in without the code sees the admin's login page."""

    login_form = VerifiedLoginForm
    login_template = "admin/verified_login.html"

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)
