from typing import Any

from django import template

from quizzes.models import Review
from quizzes.progress import current_streak
from quizzes.queue import todays_queue

register = template.Library()


@register.inclusion_tag("quizzes/blocks/home_today.html", takes_context=True)
def practice_today(context: template.Context) -> dict[str, Any]:
    """The home page's practice block for a signed-in learner: today's due and new cards,
    the way in, the streak; for a learner who never practised, what practice is."""
    user = context["request"].user
    if not user.is_authenticated:
        return {}
    queue = todays_queue(user=user)
    return {
        "signed_in": True,
        "queue": queue,
        "streak": current_streak(user=user),
        "first_time": not Review.objects.filter(user=user).exists(),
    }


@register.filter
def minutes(seconds: int | None) -> str:
    """Seconds as whole minutes and seconds, e.g. ``3:05``."""
    seconds = int(seconds or 0)
    return f"{seconds // 60}:{seconds % 60:02d}"
