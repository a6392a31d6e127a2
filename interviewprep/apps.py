from typing import Any

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class InterviewPrepConfig(AppConfig):
    default = True
    name = "interviewprep"
    verbose_name = _("InterviewPrep")

    def ready(self) -> None:
        # Users are saved by Django's own views, forms, admin and commands (a login saves
        # last_login): the cached copy of a user (interviewprep.cache) is dropped on every
        # change of the user or of their groups.
        from django.contrib.auth.models import Group
        from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

        from . import cache  # noqa: F401  (registers its deploy check)
        from .models import User

        post_save.connect(_user_changed, sender=User, dispatch_uid="forget-user-saved")
        post_delete.connect(_user_changed, sender=User, dispatch_uid="forget-user-deleted")
        m2m_changed.connect(
            _groups_changed, sender=User.groups.through, dispatch_uid="forget-user-groups"
        )
        post_save.connect(_group_changed, sender=Group, dispatch_uid="forget-group-saved")
        pre_delete.connect(_group_changed, sender=Group, dispatch_uid="forget-group-deleted")


def _user_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    from .cache import flush_users

    flush_users(instance.pk)


def _groups_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    from .cache import flush_users

    if action not in {"post_add", "post_remove", "pre_clear"}:
        return
    if not reverse:  # user.groups changed
        flush_users(instance.pk)
    elif pk_set is not None:  # group.user_set.add/remove
        flush_users(*pk_set)
    else:  # group.user_set.clear()
        flush_users(*instance.user_set.values_list("pk", flat=True))


def _group_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A renamed or deleted group: its members' roles may change."""
    from .cache import flush_users

    flush_users(*instance.user_set.values_list("pk", flat=True))


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin with :class:`interviewprep.admin_site.VerifiedAdminSite` as ``admin.site``."""

    default = False  # "interviewprep" in INSTALLED_APPS means InterviewPrepConfig
    default_site = "interviewprep.admin_site.VerifiedAdminSite"
