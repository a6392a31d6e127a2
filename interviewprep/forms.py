"""Account forms: thin subclasses of Django's auth forms for an email-login user."""

from datetime import date
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import names
from .models import (
    DAILY_GOAL_MAX,
    DAILY_GOAL_MIN,
    Language,
    User,
    check_interview_date,
    time_zone_names,
)
from .throttling import LOCKED_OUT, lockout_message


class SignUpForm(BaseUserCreationForm):
    """Email + password (twice), checked by ``AUTH_PASSWORD_VALIDATORS``."""

    class Meta:
        model = User
        fields = ("email",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"

    def clean_email(self) -> str:
        email: str = User.objects.normalize_email(self.cleaned_data["email"])
        # The database has the same rule (user_email_ci_unique); this gives the clear message.
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(
                _("An account with this email address already exists."), code="duplicate_email"
            )
        return email


class LoginForm(AuthenticationForm):
    """Django's login form, labelled for email, that explains a throttled login."""

    username = forms.EmailField(
        label=_("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except ValidationError:
            # django-axes' backend refused to even check the password and flagged the request.
            if getattr(self.request, "axes_locked_out", False):
                raise ValidationError(lockout_message(), code=LOCKED_OUT) from None
            raise


class ProfileForm(forms.ModelForm):
    # Required here although the column may be blank (blank: not chosen yet, follow the browser).
    ui_language = forms.ChoiceField(label=_("UI language"), choices=Language.choices)

    class Meta:
        model = User
        fields = (
            "display_name",
            "ui_language",
            "time_zone",
            "daily_goal",
            "interview_date",
            "daily_reminder",
        )
        widgets = {"interview_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["daily_goal"].widget.attrs.update(min=DAILY_GOAL_MIN, max=DAILY_GOAL_MAX)
        self.fields["time_zone"] = forms.ChoiceField(
            label=_("Time zone"),
            choices=[("", _("This browser's time zone")), *time_zone_choices()],
            required=False,
            help_text=_("Times on every page are shown in this zone."),
        )

    def clean_interview_date(self) -> date | None:
        day: date | None = self.cleaned_data.get("interview_date")
        if day is not None and day != self.instance.interview_date:
            check_interview_date(day)
        return day

    def clean_display_name(self) -> str:
        return names.clean_display_name(self.cleaned_data["display_name"], user=self.instance)


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in time_zone_names()]


class TimeZoneForm(forms.Form):
    """The zone a browser reports (``Intl.DateTimeFormat().resolvedOptions().timeZone``)."""

    time_zone = forms.ChoiceField(choices=time_zone_choices)


class OneTimeCodeForm(forms.Form):
    """The six digits an authenticator app shows, checked against the learner's device."""

    code = forms.CharField(
        label=_("Code from the app"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}
        ),
        help_text=_("Six digits; the app shows a new code every 30 seconds."),
    )

    def __init__(self, *args: Any, device: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"].strip()
        # Guessing is slowed down: after a wrong code the device refuses every code for a
        # while (1 s, then twice as long after each further one).
        allowed, _details = self.device.verify_is_allowed()
        if not allowed:
            raise ValidationError(
                _("Codes are refused for a while; try again soon."), code="throttled"
            )
        if not code.isdigit() or not self.device.verify_token(code):
            raise ValidationError(
                _("This code is not right or has expired. Enter the code the app shows now."),
                code="invalid",
            )
        return code
