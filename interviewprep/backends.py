"""The authentication backend: Django's ModelBackend, reading a signed-in user's roles with
the user.

Session authentication reads the user on every request, and most pages then ask for their
roles (the navigation shows "Editorial" to editors and reviewers): two queries. Here the
user row comes with the names of their role groups in one query, and ``interviewprep.roles``
finds them already on the user object.
"""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group

from .models import User
from .roles import GROUP_ROLES, remember_group_names

_MEMBERSHIP = User.groups.through._meta.db_table
_ROLE_NAMES = sorted(GROUP_ROLES)
# One row per group of the user (or one row with no group); role groups carry their name.
_USER_WITH_ROLES = f"""
    SELECT u.*, g.name AS role_group
    FROM {User._meta.db_table} u
    LEFT JOIN {_MEMBERSHIP} m ON m.user_id = u.id
    LEFT JOIN {Group._meta.db_table} g
        ON g.id = m.group_id AND g.name IN ({", ".join(["%s"] * len(_ROLE_NAMES))})
    WHERE u.id = %s
"""  # noqa: S608  (table names only; every value is a parameter)


class RoleAwareModelBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        rows: list[Any] = list(User._default_manager.raw(_USER_WITH_ROLES, [*_ROLE_NAMES, user_id]))
        if not rows:
            return None
        user = rows[0]
        remember_group_names(user, (row.role_group for row in rows if row.role_group))
        return user if self.user_can_authenticate(user) else None
