from django import template

register = template.Library()


@register.filter
def minutes(seconds: int | None) -> str:
    """Seconds as whole minutes and seconds, e.g. ``3:05``."""
    seconds = int(seconds or 0)
    return f"{seconds // 60}:{seconds % 60:02d}"
