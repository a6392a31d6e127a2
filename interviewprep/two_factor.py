"""The admin's second factor: a staff member's authenticator app (django-otp TOTP device).

The admin site (``admin_site.VerifiedAdminSite``) asks for its codes; these functions set one
up, confirm it and replace it. Only staff have one.
"""

import base64

import segno
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User


def confirmed_app(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def app_to_set_up(*, user: User) -> TOTPDevice:
    """The staff member's unconfirmed app: the same secret until a code confirms it."""
    if not user.is_staff:
        raise PermissionDenied
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=gettext("Authenticator app"), confirmed=False
        )
    return device


def setup_details(device: TOTPDevice) -> tuple[str, str]:
    """The QR code (inline SVG) and the key (base32) an app is set up from."""
    svg = segno.make(device.config_url).svg_inline(scale=4, title=gettext("QR code"))
    return svg, base64.b32encode(device.bin_key).decode()


@transaction.atomic
def confirm_app(*, request: HttpRequest, device: TOTPDevice) -> None:
    """``device`` gave a right code (``OneTimeCodeForm``): it is the staff member's app from
    now on, and this session counts as signed in with it."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)


@transaction.atomic
def remove_apps(*, request: HttpRequest) -> None:
    """Remove the signed-in staff member's apps, to set up another. Only from a session
    signed in with a code: a password alone must not swap the second factor."""
    user = request.user
    if not (user.is_staff and user.is_verified()):  # type: ignore[attr-defined, union-attr]
        raise PermissionDenied
    TOTPDevice.objects.filter(user=user).delete()
