"""``{% url %}`` with the URLs it reverses kept in memory, added to the templates' built-ins
(settings.TEMPLATES) so that every template's ``{% url %}`` is this one.

A page reverses about 16 URLs (navigation, forms), and Django's ``reverse()`` took a fifth
of a cached question page's rendering. What a URL reverses to depends only on its
arguments and on the URL configuration, script prefix and language in effect, which are
all part of the key. Only names with plain arguments (text and numbers) are kept; anything
else is reversed each time, as Django's tag does.
"""

from functools import lru_cache
from typing import Any

from django import template
from django.template.base import Parser, Token
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.translation import get_language

register = template.Library()

_PLAIN = (str, int)


@lru_cache(maxsize=4096)
def _reverse(
    view_name: str,
    args: tuple[Any, ...],
    kwargs: tuple[tuple[str, Any], ...],
    current_app: str | None,
    urlconf: Any,
    prefix: str,
    language: str | None,
) -> str:
    return reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)


class CachedURLNode(URLNode):
    def render(self, context: template.Context) -> str:
        args = tuple(arg.resolve(context) for arg in self.args)
        kwargs = tuple(sorted((key, value.resolve(context)) for key, value in self.kwargs.items()))
        view_name = self.view_name.resolve(context)
        values = (*args, *(value for _key, value in kwargs))
        if not isinstance(view_name, str) or not all(isinstance(value, _PLAIN) for value in values):
            return super().render(context)  # an object or a lazy string: Django's own way
        request: Any = getattr(context, "request", None)
        if hasattr(request, "current_app"):  # as Django's tag picks it
            current_app = request.current_app
        else:
            current_app = getattr(getattr(request, "resolver_match", None), "namespace", None)
        try:
            url = _reverse(
                view_name,
                args,
                kwargs,
                current_app,
                get_urlconf(),
                get_script_prefix(),
                get_language(),
            )
        except Exception:
            # NoReverseMatch and anything else: exactly as Django's tag reports it.
            return super().render(context)
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser: Parser, token: Token) -> CachedURLNode:
    node = django_url(parser, token)
    return CachedURLNode(node.view_name, node.args, node.kwargs, node.asvar)
