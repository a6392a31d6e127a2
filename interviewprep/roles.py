"""Stand-in for the accounts branch's roles module (same names; replaced at merge).

editor/reviewer are Django groups checked by name; staff and superusers have every role.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from rest_framework.permissions import BasePermission


class Role(models.TextChoices):
    LEARNER = "learner"
    EDITOR = "editor"
    REVIEWER = "reviewer"
    STAFF = "staff"


def has_role(user: Any, role: str) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    if role == Role.LEARNER:
        return True
    return user.groups.filter(name=role).exists()


def role_required(
    *roles: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not any(has_role(request.user, role) for role in roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class IsEditor(BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return has_role(request.user, Role.EDITOR)


class IsReviewer(BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return has_role(request.user, Role.REVIEWER)
