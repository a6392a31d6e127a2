from typing import Any

from django import template

from interviewprep import roles

register = template.Library()


@register.filter
def has_role(user: Any, role: str) -> bool:
    """``{% if user|has_role:"editor" %}``: the roles module's check, for templates."""
    return roles.has_role(user, role)
