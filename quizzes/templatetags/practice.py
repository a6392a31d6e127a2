from typing import Any

from django import template

from questions.models import Question

register = template.Library()


@register.inclusion_tag("quizzes/question_tools.html", takes_context=True)
def question_tools(
    context: template.Context, question: Question, tools: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The learner's bookmark and private note controls for the question page (``tools``:
    ``question_tools_context`` when the view has it already)."""
    from quizzes.views import question_tools_context

    request = context["request"]
    return {
        **(tools or question_tools_context(request.user, question)),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def minutes(seconds: int | None) -> str:
    """Seconds as whole minutes and seconds, e.g. ``3:05``."""
    seconds = int(seconds or 0)
    return f"{seconds // 60}:{seconds % 60:02d}"
