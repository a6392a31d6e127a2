from typing import Any

from django import template
from django.template.loader import get_template
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag(takes_context=True)
def reader_block(context: template.Context, name: str, block: dict[str, Any]) -> SafeString:
    """A block an app registered for the question page (``questions.reader_blocks``): template
    ``name`` rendered with ``block`` and the page's ``request`` and ``csrf_token``."""
    values = {**block, "request": context["request"], "csrf_token": context.get("csrf_token")}
    return SafeString(get_template(name).render(values))
