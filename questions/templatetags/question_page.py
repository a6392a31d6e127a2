from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from questions import rendering
from questions.models import EditorialFlag, Question
from questions.models import revision_reasons as _revision_reasons

register = template.Library()


@register.simple_tag(takes_context=True)
def reader_block(context: template.Context, name: str, block: dict[str, Any]) -> SafeString:
    """A block an app registered for the question page (``questions.reader_blocks``): template
    ``name`` rendered with ``block``, ``request`` and ``csrf_token`` (as an inclusion tag
    renders its template: in a new context of the page's, with the engine's cached template)."""
    assert context.template is not None
    values = {**block, "request": context["request"], "csrf_token": context.get("csrf_token")}
    return context.template.engine.get_template(name).render(context.new(values))


#: An answer with at least this many headings gets an in-page table of contents.
TOC_MIN_HEADINGS = 3


@register.filter
def answer_sections(body_html: str) -> dict[str, Any]:
    """``{"html": the answer with ids on its headings, "toc": [(id, text)] or []}``.

    ``html`` is the stored, sanitised answer (``rendering.render_answer``) with only ``id``
    attributes added to its headings: it is marked safe here as the stored answer is.
    """
    sections = rendering.answer_sections(body_html)
    toc = sections.toc if len(sections.toc) >= TOC_MIN_HEADINGS else []
    return {"html": mark_safe(sections.html), "toc": toc}  # noqa: S308


@register.filter
def revision_reasons(question: Question) -> list[EditorialFlag]:
    """The open flags behind the question's "under revision" notice
    (``models.revision_reasons``)."""
    return _revision_reasons(question)
