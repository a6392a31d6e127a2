"""The admin asks staff for a code from an authenticator app besides their password."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from interviewprep import two_factor
from tests.factories import current_code

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

ADMIN = "/admin/"
ADMIN_LOGIN = "/admin/login/"


@pytest.fixture
def staff(make_user):
    return make_user("staff@example.org", is_staff=True, is_superuser=True)


def admin_login(client: Client, email: str, code: str = "") -> int:
    """Sign in through the admin's own login form; the status of the admin's index after."""
    client.post(
        f"{ADMIN_LOGIN}?next={ADMIN}",
        {"username": email, "password": PASSWORD, "otp_token": code, "next": ADMIN},
    )
    return client.get(ADMIN).status_code


def enrol(client: Client, user) -> TOTPDevice:
    client.force_login(user)
    page = client.get(reverse("two_factor"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("two_factor"), {"code": current_code(device)})
    assert response.url == ADMIN
    device.refresh_from_db()
    return device


def test_a_password_alone_does_not_open_the_admin(staff):
    client = Client()
    client.force_login(staff)  # signed in to the site with the password
    assert client.get(ADMIN).url.startswith(ADMIN_LOGIN)
    # The admin's form wants a code, and there is no app to take one from yet.
    assert admin_login(Client(), staff.email) == 302
    assert admin_login(Client(), staff.email, "123456") == 302
    form = Client().post(ADMIN_LOGIN, {"username": staff.email, "password": PASSWORD})
    assert "还没有设置验证器应用" in form.content.decode()  # "no authenticator app yet"
    assert reverse("two_factor") in form.content.decode()


def test_staff_set_up_an_app_and_then_sign_in_with_its_code(staff):
    client = Client()
    client.force_login(staff)
    page = client.get(reverse("two_factor")).content.decode()
    device = TOTPDevice.objects.get(user=staff)
    assert not device.confirmed
    assert "<svg" in page  # the QR code
    assert 'data-testid="totp-secret"' in page
    # The same secret on a second look (until confirmed): an app set up from the first works.
    client.get(reverse("two_factor"))
    assert TOTPDevice.objects.filter(user=staff).count() == 1

    wrong = client.post(reverse("two_factor"), {"code": "000000"})
    assert wrong.status_code == 200
    assert "验证码不对" in wrong.content.decode()  # "this code is not right"
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get(ADMIN).status_code == 302

    # Right away, even the right code is refused: a wrong one holds the next ones back.
    held_back = client.post(reverse("two_factor"), {"code": current_code(device)})
    assert "稍后再试" in held_back.content.decode()  # "try again soon"
    with time_machine.travel(timezone.now() + timedelta(seconds=2)):
        device = enrol(client, staff)
    assert device.confirmed
    assert client.get(ADMIN).status_code == 200  # this session is verified

    # Another browser: password and a fresh code from the app.
    assert admin_login(Client(), staff.email, "") == 302
    device.last_t = -1  # the next code (a code works once; the test cannot wait 30 s)
    device.save()
    browser = Client()
    assert admin_login(browser, staff.email, current_code(device)) == 200
    # The same code a second time is refused.
    assert admin_login(Client(), staff.email, current_code(device)) == 302


def test_the_setup_page_is_for_staff_only(make_user):
    client = Client()
    assert client.get(reverse("two_factor")).url.startswith(reverse("login"))
    client.force_login(make_user("learner@example.org"))
    assert client.get(reverse("two_factor")).status_code == 403
    assert not TOTPDevice.objects.exists()


def test_only_a_verified_session_replaces_the_app(staff):
    verified = Client()
    device = enrol(verified, staff)
    password_only = Client()
    password_only.force_login(staff)
    page = password_only.get(reverse("two_factor")).content.decode()
    assert 'value="replace"' not in page
    password_only.post(reverse("two_factor"), {"action": "replace"})
    assert TOTPDevice.objects.get(user=staff) == device  # kept: a stolen password is not enough

    response = verified.post(reverse("two_factor"), {"action": "replace"}, follow=True)
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert not TOTPDevice.objects.get(user=staff).confirmed  # a new secret to set up


def test_removing_the_app_needs_a_session_signed_in_with_a_code(staff, rf):
    device = TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    request = rf.post("/")
    request.user = staff
    staff.is_verified = lambda: False  # what OTPMiddleware says of a password-only session
    with pytest.raises(PermissionDenied):
        two_factor.remove_apps(request=request)
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    staff.is_verified = lambda: True
    two_factor.remove_apps(request=request)
    assert not TOTPDevice.objects.filter(user=staff).exists()
