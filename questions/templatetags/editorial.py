from typing import Any

from django import template

from interviewprep import roles

register = template.Library()


@register.filter
def has_role(user: Any, role: str) -> bool:
    """``{% if user|has_role:"editor" %}``: the roles module's check, for templates."""
    return roles.has_role(user, role)


@register.filter
def works_on_the_bank(user: Any) -> bool:
    """Whether ``user`` sees the editorial pages (editors and reviewers)."""
    return roles.has_role(user, roles.Role.EDITOR) or roles.has_role(user, roles.Role.REVIEWER)
