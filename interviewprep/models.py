import functools
import zoneinfo
from datetime import date
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> "User":
        # Email addresses are matched case-insensitively, as people type them.
        return self.get(email__iexact=username)


class Language(models.TextChoices):
    """The languages the UI ships in (``settings.LANGUAGES``)."""

    ZH_HANS = "zh-hans", "简体中文"
    EN = "en", "English"


DAILY_GOAL_MIN = 1
DAILY_GOAL_MAX = 200


@functools.cache
def time_zone_names() -> tuple[str, ...]:
    """The IANA time zones a learner may choose, sorted (``zoneinfo`` knows them)."""
    return tuple(sorted(zoneinfo.available_timezones() - {"localtime", "Factory"}))


def validate_time_zone(value: str) -> None:
    if value and value not in time_zone_names():
        raise ValidationError(_("Unknown time zone: %(zone)s"), params={"zone": value})


INTERVIEW_DATE_MAX_DAYS = 730


def check_interview_date(day: date) -> None:
    """A new interview date must be after today (site time) and within two years."""
    today = timezone.localdate()
    if day <= today:
        raise ValidationError(_("Choose an interview date after today."), code="past")
    if (day - today).days > INTERVIEW_DATE_MAX_DAYS:
        raise ValidationError(_("Choose an interview date within two years."), code="far")


class User(AbstractBaseUser, PermissionsMixin):
    """A person using InterviewPrep; signs in with an email address."""

    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    # Blank: follow the language cookie / the browser until the person picks one.
    ui_language = models.CharField(
        _("UI language"), max_length=10, blank=True, choices=Language.choices
    )
    # Blank: not known yet; the browser reports its zone once (static/js/timezone.js) and
    # until then pages use settings.TIME_ZONE. TimeZoneMiddleware activates it.
    time_zone = models.CharField(
        _("time zone"), max_length=64, blank=True, validators=[validate_time_zone]
    )
    daily_goal = models.PositiveSmallIntegerField(
        _("new questions per day"),
        default=10,
        validators=[MinValueValidator(DAILY_GOAL_MIN), MaxValueValidator(DAILY_GOAL_MAX)],
    )
    interview_date = models.DateField(
        _("interview date"),
        null=True,
        blank=True,
        help_text=_("Practice plans toward it: every question of your topics reviewed in time."),
    )
    daily_reminder = models.BooleanField(
        _("daily reminder email"),
        default=False,
        help_text=_("One email a day: what is due, your streak, how the plan is going."),
    )
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_ci_unique",
                violation_error_message=_("An account with this email address already exists."),
            ),
            models.CheckConstraint(
                condition=models.Q(daily_goal__gte=DAILY_GOAL_MIN, daily_goal__lte=DAILY_GOAL_MAX),
                name="user_daily_goal_range",
            ),
            # interviewprep.names.clean_display_name refuses a taken name with a clear message.
            models.UniqueConstraint(
                Lower("display_name"),
                condition=~models.Q(display_name=""),
                name="user_display_name_ci_unique",
                violation_error_message=_("Someone already uses this name. Choose another one."),
            ),
        ]

    # Set on a user read from the cache, which holds no password (interviewprep.backends).
    kept_session_auth_hash: str | None = None

    def __str__(self) -> str:
        # Printed wherever a template names a person: never the email address (SECURITY.md).
        return self.public_name

    def get_session_auth_hash(self) -> str:
        if self.kept_session_auth_hash and "password" not in self.__dict__:  # not loaded or set
            return self.kept_session_auth_hash
        return super().get_session_auth_hash()

    def set_ui_language(self, language: str) -> None:
        """Remember the UI language chosen anywhere (profile or the header's menu)."""
        if self.ui_language != language:
            self.ui_language = language
            self.save(update_fields=["ui_language"])

    def set_time_zone(self, zone: str, *, only_if_unset: bool = False) -> None:
        """Show this learner's times in ``zone``; ``only_if_unset`` keeps a chosen one (the
        browser's report must not override the profile)."""
        validate_time_zone(zone)
        if only_if_unset and self.time_zone:
            return
        if self.time_zone != zone:
            self.time_zone = zone
            self.save(update_fields=["time_zone"])

    @property
    def public_name(self) -> str:
        """How other people see this user: the display name, never the email address."""
        return self.display_name or gettext("Learner #%(id)s") % {"id": self.pk}
