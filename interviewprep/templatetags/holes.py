"""Holes in a page rendered once and kept: ``{% hole "name" %}...{% endhole %}``.

A page that is the same for many readers but for a few fragments of their own (their name in
the navigation, their messages, their note) is rendered once with ``skeleton`` set in its
context: each hole then leaves a marker instead of its content. Each request fills the holes
of the kept skeleton (:func:`fill`), rendering only their contents, with the request's own
context. Without ``skeleton`` a hole renders its content in place, as if it were not there.

A hole's content is rendered on its own, outside the tags around it: it may use the view's
context and the context processors', not a variable that a ``{% with %}`` or ``{% for %}``
around it defines.
"""

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from django import template
from django.http import HttpRequest
from django.template.base import Node, NodeList, Parser, Token
from django.template.context import make_context
from django.template.loader import get_template
from django.template.loader_tags import ExtendsNode

register = template.Library()

#: The context variable that makes holes leave markers.
SKELETON = "skeleton"
# A marker: a name between two NUL characters, which no rendered text contains.
_MARK = "\x00"


class HoleNode(Node):
    child_nodelists = ("nodelist",)

    def __init__(self, name: str, nodelist: NodeList) -> None:
        self.name = name
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        if context.get(SKELETON):
            return f"{_MARK}hole:{self.name}{_MARK}"
        return self.nodelist.render(context)


@register.tag
def hole(parser: Parser, token: Token) -> HoleNode:
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError("{% hole %} takes one quoted name.")
    nodelist = parser.parse(("endhole",))
    parser.delete_first_token()
    return HoleNode(bits[1][1:-1], nodelist)


@lru_cache(maxsize=16)
def _holes(compiled: template.Template) -> dict[str, HoleNode]:
    """The holes of ``compiled`` and of the templates it extends, by name (per compiled
    template: a template changed in development compiles to a new object)."""
    found: dict[str, HoleNode] = {}
    current: Any = compiled
    while current is not None:
        for node in current.nodelist.get_nodes_by_type(HoleNode):
            found.setdefault(node.name, node)
        extends: list[Any] = [node for node in current.nodelist if isinstance(node, ExtendsNode)]
        parent = extends[0].parent_name.resolve(template.Context()) if extends else None
        current = _compiled(parent) if isinstance(parent, str) else None
    return found


def _compiled(name: str) -> Any:
    """The compiled template ``name`` (Django's backend wraps it: ``.template``)."""
    wrapper: Any = get_template(name)
    return wrapper.template


def fill(
    skeleton: str, template_name: str, context: Mapping[str, Any], request: HttpRequest
) -> str:
    """``skeleton`` (``template_name`` rendered with ``skeleton`` set) with each of its holes
    rendered for ``request`` with ``context``: one context, its processors run once."""
    pieces = skeleton.split(_MARK)
    if len(pieces) == 1:
        return skeleton
    compiled = _compiled(template_name)
    holes = _holes(compiled)
    rendering = make_context(dict(context), request)
    with rendering.bind_template(compiled):
        for index in range(1, len(pieces), 2):
            kind, _sep, name = pieces[index].partition(":")
            if kind == "hole" and name in holes:
                pieces[index] = holes[name].nodelist.render(rendering)
            else:  # another NUL-delimited placeholder: left for the caller
                pieces[index] = f"{_MARK}{pieces[index]}{_MARK}"
    return "".join(pieces)
