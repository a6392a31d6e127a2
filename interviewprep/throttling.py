"""Login throttling: the glue between django-axes and our email login.

The policy lives in settings (``AXES_*`` in the "Accounts" block): within
``AXES_COOLOFF_TIME``, an (account, address) pair is locked after ``AXES_FAILURE_LIMIT``
failures, an account after more from several addresses, and a whole address (an office or a
campus shares one) only after far more, across accounts: ``LOGIN_FAILURE_LIMITS``, one limit
for each entry of ``AXES_LOCKOUT_PARAMETERS``. One person's typos never lock out the others
behind the same address.
"""

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import Sum
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext

#: The code of the form error that explains a throttled login.
LOCKED_OUT = "locked_out"


def lockout_message() -> str:
    """The text shown when a login is refused because of too many failures (web and API)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return gettext(
        "Too many failed login attempts. Please wait %(minutes)d minutes and try again."
    ) % {"minutes": minutes}


def normalised_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """``AXES_USERNAME_CALLABLE``: count ``Alice@x.org`` and ``alice@x.org`` as one account.

    Emails are matched case-insensitively at login, so the throttle must be too.
    """
    if credentials:
        username = credentials.get("username")
    else:
        username = getattr(request, "data", request.POST).get("username")
    return username.strip().lower() if isinstance(username, str) else None


class LoginAttemptHandler(AxesDatabaseHandler):
    """Axes' database handler; a success forgets only that *account's* failures.

    The stock handler also forgets every failure from the client's address on a successful
    login, which would let someone with an account of their own reset the per-address limit
    between guesses at other people's passwords.
    """

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """The failures that count against the limits, scaled to ``AXES_FAILURE_LIMIT``.

        Axes compares one count with one limit; each lockout parameter has its own limit here
        (``LOGIN_FAILURE_LIMITS``). A parameter's count ``n`` of its limit ``L`` is reported as
        ``n * AXES_FAILURE_LIMIT // L``, which reaches ``AXES_FAILURE_LIMIT`` exactly when
        ``n`` reaches ``L``; the largest of these is the answer.
        """
        base = settings.AXES_FAILURE_LIMIT
        scaled = [
            (attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0) * base // limit
            for attempts, limit in zip(
                self.get_user_attempts(request, credentials),
                settings.LOGIN_FAILURE_LIMITS,
                strict=True,
            )
        ]
        return max(scaled, default=0)

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        from axes.models import AccessAttempt

        username = get_client_username(request, credentials)
        if username is None:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any = None
) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: keep the page the login view rendered, as 429.

    Our ``LoginForm`` has already put ``lockout_message()`` into the form's errors (code
    ``locked_out``), so the person sees the login page again with the reason. Other login
    forms (the admin's) get the plain message.
    """
    context = getattr(original_response, "context_data", None) or {}
    form = context.get("form")
    if (
        original_response is not None
        and isinstance(form, BaseForm)
        and form.has_error(NON_FIELD_ERRORS, LOCKED_OUT)
    ):
        original_response.status_code = 429
        return original_response
    return HttpResponse(lockout_message(), status=429, content_type="text/plain; charset=utf-8")
