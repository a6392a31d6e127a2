from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
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


class User(AbstractBaseUser, PermissionsMixin):
    """A person using InterviewPrep; signs in with an email address."""

    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    # Blank: follow the language cookie / the browser until the person picks one.
    ui_language = models.CharField(
        _("UI language"), max_length=10, blank=True, choices=Language.choices
    )
    daily_goal = models.PositiveSmallIntegerField(
        _("new questions per day"),
        default=10,
        validators=[MinValueValidator(DAILY_GOAL_MIN), MaxValueValidator(DAILY_GOAL_MAX)],
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

    @property
    def public_name(self) -> str:
        """How other people see this user: the display name, never the email address."""
        return self.display_name or gettext("Learner #%(id)s") % {"id": self.pk}
