"""The authentication backend: Django's ModelBackend, reading a signed-in user's roles with
the user, and keeping both in the cache.

Session authentication reads the user on every request, and most pages then ask for their
roles (the navigation shows "Editorial" to editors and reviewers). Here the user row comes
with the names of their role groups in one query, and ``interviewprep.roles`` finds them
already on the user object. What was read is then kept in the cache (Redis in production)
under ``interviewprep.cache.user_key`` and dropped when the user or their groups change
(``interviewprep.cache.flush_users``, connected to the model signals in ``interviewprep.apps``:
Django's own views, forms and commands save users too).

The kept copy holds no password hash, only the session hash derived from it, which is what
each request checks (``User.get_session_auth_hash``). The password field is deferred on a
user read from the cache: code that needs it (changing the password, a session signed with
a fallback secret key) reads it from the database.
"""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db import connections, router

from . import cache
from .models import User
from .roles import GROUP_ROLES, remember_group_names, role_group_names

_MEMBERSHIP = User.groups.through._meta.db_table
_ROLE_NAMES = sorted(GROUP_ROLES)
_FIELDS = User._meta.concrete_fields
# One row per group of the user (or one row with no group); role groups carry their name.
_USER_WITH_ROLES = f"""
    SELECT {", ".join(f"u.{field.column}" for field in _FIELDS)}, g.name
    FROM {User._meta.db_table} u
    LEFT JOIN {_MEMBERSHIP} m ON m.user_id = u.id
    LEFT JOIN {Group._meta.db_table} g
        ON g.id = m.group_id AND g.name IN ({", ".join(["%s"] * len(_ROLE_NAMES))})
    WHERE u.id = %s
"""  # noqa: S608  (table and column names only; every value is a parameter)
# What the cache keeps of a user: every field but the password.
_KEPT = [field.attname for field in _FIELDS if field.attname != "password"]


class RoleAwareModelBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        kept = cache.cached_user(pk)
        if kept is not None:
            values, session_hash, roles = kept
            user = User.from_db(router.db_for_read(User), _KEPT, values)
            user.kept_session_auth_hash = session_hash
            remember_group_names(user, roles)
        else:
            found = _read_user(pk)
            if found is None:
                return None
            user = found
            values = [getattr(user, name) for name in _KEPT]
            kept = (values, user.get_session_auth_hash(), sorted(role_group_names(user)))
            cache.keep_user(pk, kept)
        return user if self.user_can_authenticate(user) else None


def _read_user(pk: int) -> User | None:
    """The user with the names of their role groups, in one query: a plain cursor and
    ``Model.from_db()``, since a RawQuerySet spent longer mapping columns than the query ran."""
    connection = connections[router.db_for_read(User)]
    with connection.cursor() as cursor:
        cursor.execute(_USER_WITH_ROLES, [*_ROLE_NAMES, pk])
        rows = cursor.fetchall()
    if not rows:
        return None
    values = list(rows[0][:-1])
    for index, field in enumerate(_FIELDS):
        column = field.get_col(User._meta.db_table)
        converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        for convert in converters:
            values[index] = convert(values[index], column, connection)
    user = User.from_db(connection.alias, [field.attname for field in _FIELDS], values)
    remember_group_names(user, (row[-1] for row in rows if row[-1]))
    return user
