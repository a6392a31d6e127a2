"""Roles: who may do what.

Everyone who signs up is a *learner*. *Editor* and *reviewer* are stored as Django Groups of
the same name (created by migration 0003); *staff* is ``User.is_staff``. Staff and superusers
hold every role.

Check roles only through this module:

- ``has_role(user, role)`` / ``roles_of(user)`` in Python code (services, views, templates'
  context),
- ``@role_required(Role.EDITOR, ...)`` on function-based views,
- ``IsEditor`` / ``IsReviewer`` / ``HasRole(...)`` as DRF ``permission_classes``.
"""

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from .models import User

ViewFunc = Callable[..., HttpResponse]


class Role(models.TextChoices):
    LEARNER = "learner", _("learner")
    EDITOR = "editor", _("editor")
    REVIEWER = "reviewer", _("reviewer")
    STAFF = "staff", _("staff")


#: Roles stored as a Group named after the role's value.
GROUP_ROLES = frozenset({Role.EDITOR, Role.REVIEWER})

# Cached on the user object so that several checks in one request cost one query; after
# changing someone's roles, fetch the user again to see the change.
_CACHE_ATTR = "_role_group_names"


def remember_group_names(user: User, names: Iterable[str]) -> None:
    """Keep the names of ``user``'s role groups on it, read with the user
    (``interviewprep.backends``): checks in this request then cost no query."""
    setattr(user, _CACHE_ATTR, frozenset(names))


def role_group_names(user: User) -> frozenset[str]:
    """The names of ``user``'s role groups (one query, once per user object)."""
    names = getattr(user, _CACHE_ATTR, None)
    if names is None:
        names = frozenset(user.groups.filter(name__in=GROUP_ROLES).values_list("name", flat=True))
        setattr(user, _CACHE_ATTR, names)
    return names


def roles_of(user: AbstractBaseUser | AnonymousUser) -> frozenset[Role]:
    """Every role ``user`` holds; empty for anonymous and inactive users."""
    if not user.is_authenticated or not user.is_active or not isinstance(user, User):
        return frozenset()
    if user.is_staff or user.is_superuser:
        return frozenset(Role)
    return frozenset({Role.LEARNER} | {Role(name) for name in role_group_names(user)})


def has_role(user: AbstractBaseUser | AnonymousUser, role: Role | str) -> bool:
    """Whether ``user`` holds ``role`` (staff and superusers hold every role)."""
    return Role(role) in roles_of(user)


def role_required(*roles: Role | str) -> Callable[[ViewFunc], ViewFunc]:
    """View decorator: the user must hold at least one of ``roles``.

    Anonymous users are redirected to the login page (with ``next``); signed-in users
    without the role get a 403 (``templates/403.html``).
    """
    wanted = [Role(role) for role in roles]
    if not wanted:
        raise ValueError("role_required() needs at least one role.")

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not any(has_role(request.user, role) for role in wanted):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


class _RolePermission(BasePermission):
    roles: tuple[Role, ...] = ()

    def has_permission(self, request: Request, view: Any) -> bool:
        return any(has_role(request.user, role) for role in self.roles)


def HasRole(*roles: Role | str) -> type[BasePermission]:
    """A DRF permission class admitting users who hold any of ``roles``.

    ``permission_classes = [HasRole(Role.EDITOR, Role.REVIEWER)]``. Anonymous requests get
    401 with token/session authentication, signed-in users without the role 403.
    """
    wanted = tuple(Role(role) for role in roles)
    name = "HasRole_" + "_".join(role.value for role in wanted)
    return type(name, (_RolePermission,), {"roles": wanted})


IsEditor = HasRole(Role.EDITOR)
IsReviewer = HasRole(Role.REVIEWER)


def _check_grantable(role: Role) -> None:
    if role == Role.LEARNER:
        raise ValueError("Every user is a learner; that role cannot be granted or revoked.")


@transaction.atomic
def grant_role(*, user: User, role: Role | str) -> None:
    """Give ``user`` the role (idempotent)."""
    role = Role(role)
    _check_grantable(role)
    if role == Role.STAFF:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    else:
        group, _created = Group.objects.get_or_create(name=role.value)
        user.groups.add(group)
    user.__dict__.pop(_CACHE_ATTR, None)


@transaction.atomic
def revoke_role(*, user: User, role: Role | str) -> None:
    """Take the role away from ``user`` (idempotent)."""
    role = Role(role)
    _check_grantable(role)
    if role == Role.STAFF:
        user.is_staff = False
        user.save(update_fields=["is_staff"])
    else:
        user.groups.remove(*Group.objects.filter(name=role.value))
    user.__dict__.pop(_CACHE_ATTR, None)
