"""Blocks the interview app puts on other apps' pages (the practice dashboard)."""

from typing import Any

from django import template

from ..missed import most_missed

register = template.Library()


@register.inclusion_tag("interviews/includes/most_missed.html", takes_context=True)
def most_missed_points(context: dict[str, Any]) -> dict[str, Any]:
    """The learner's most-missed key points with a button sending them to practice."""
    request = context["request"]
    return {
        "most_missed": most_missed(request.user),
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
