from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("quizzes/question_tools.html", takes_context=True)
def question_tools(context: template.Context, tools: dict[str, Any]) -> dict[str, Any]:
    """The learner's bookmark and private note controls for the question page; ``tools`` is
    ``quizzes.views.question_tools_context``, which the view reads with the page."""
    return {**tools, "request": context["request"], "csrf_token": context.get("csrf_token")}


@register.filter
def minutes(seconds: int | None) -> str:
    """Seconds as whole minutes and seconds, e.g. ``3:05``."""
    seconds = int(seconds or 0)
    return f"{seconds // 60}:{seconds % 60:02d}"
