from typing import Any

from django import template
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag(takes_context=True)
def reader_block(context: template.Context, name: str, block: dict[str, Any]) -> SafeString:
    """A block an app registered for the question page (``questions.reader_blocks``): template
    ``name`` rendered with ``block``, ``request`` and ``csrf_token`` (as an inclusion tag
    renders its template: in a new context of the page's, with the engine's cached template)."""
    assert context.template is not None
    values = {**block, "request": context["request"], "csrf_token": context.get("csrf_token")}
    return context.template.engine.get_template(name).render(context.new(values))
