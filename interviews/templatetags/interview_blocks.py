"""Blocks of the interviews app that other pages show (the home page)."""

from typing import Any

from django import template
from django.utils import timezone

from interviews.models import Attempt

register = template.Library()


@register.inclusion_tag("interviews/blocks/home_last.html", takes_context=True)
def last_interview(context: template.Context) -> dict[str, Any]:
    """The signed-in learner's latest interview and the step it waits for: go on answering,
    review the answers (复盘), or read the report."""
    user = context["request"].user
    if not user.is_authenticated:
        return {}
    attempt = (
        Attempt.objects.for_user(user).select_related("template").order_by("-started_at").first()
    )
    running = (
        attempt is not None
        and attempt.state == Attempt.State.STARTED
        and attempt.deadline > timezone.now()
    )
    return {"signed_in": True, "attempt": attempt, "running": running}
