"""Pure helpers for practice statistics (no database): days, durations, streaks, ratios."""

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.utils import timezone

# Seconds counted for one review at most: a learner who walks away mid-question has not
# studied for an hour. Typing an attempt at a long answer fits in five minutes.
MAX_REVIEW_SECONDS = 300


def local_today(now: datetime) -> date:
    """The calendar day of ``now`` in the site's time zone (``TIME_ZONE``)."""
    return timezone.localtime(now).date()


def start_of_day(day: date) -> datetime:
    """The first moment of ``day`` in the site's time zone."""
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def review_seconds(shown_at: datetime | None, rated_at: datetime) -> int:
    """Seconds from showing a question to its rating, within ``[0, MAX_REVIEW_SECONDS]``.

    Unknown (the question was never shown by us, e.g. an API client rated it directly): 0.
    """
    if shown_at is None:
        return 0
    seconds = int((rated_at - shown_at).total_seconds())
    return max(0, min(seconds, MAX_REVIEW_SECONDS))


def streak(days: Iterable[date], today: date) -> int:
    """Consecutive days with reviews, ending today (or yesterday while today has none yet)."""
    studied = set(days)
    day = today if today in studied else today - timedelta(days=1)
    count = 0
    while day in studied:
        count += 1
        day -= timedelta(days=1)
    return count


def percent(part: int, whole: int) -> int | None:
    """``part`` of ``whole`` as a rounded percentage; ``None`` when there is nothing to count."""
    if whole <= 0:
        return None
    return round(100 * part / whole)
