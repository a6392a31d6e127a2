"""Stand-in for the accounts branch's roles module (same names; replaced at merge).

Editor and reviewer are Django Groups named after the role; staff and superusers hold every
role; anonymous users hold none.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

ViewFunc = Callable[..., HttpResponse]
_CACHE_ATTR = "_role_group_names"


class Role(models.TextChoices):
    LEARNER = "learner", _("learner")
    EDITOR = "editor", _("editor")
    REVIEWER = "reviewer", _("reviewer")
    STAFF = "staff", _("staff")


def has_role(user: Any, role: str) -> bool:
    """Whether ``user`` holds ``role`` (staff and superusers hold every role)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_staff or user.is_superuser:
        return True
    if role == Role.LEARNER:
        return True
    if role == Role.STAFF:
        return False
    names = getattr(user, _CACHE_ATTR, None)
    if names is None:
        names = frozenset(
            user.groups.filter(name__in=[Role.EDITOR, Role.REVIEWER]).values_list("name", flat=True)
        )
        setattr(user, _CACHE_ATTR, names)
    return role in names


def role_required(*roles: str) -> Callable[[ViewFunc], ViewFunc]:
    """Anonymous -> login redirect; signed in without any of ``roles`` -> 403."""

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not any(has_role(request.user, role) for role in roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


class IsEditor(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return has_role(request.user, Role.EDITOR)


class IsReviewer(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return has_role(request.user, Role.REVIEWER)
