"""The learner's dashboard figures: due cards, reviews and time per day, retention, streak,
mastery per tag, leeches. Days are calendar days in the site's time zone (``TIME_ZONE``)."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from interviewprep.models import User
from questions.models import Question, Tag

from . import stats
from .models import Card, CardState, Rating, Review

# A card counts as mastered once fsrs expects it to be remembered for three weeks (the
# "mature" threshold Anki uses for intervals).
MASTERED_STABILITY_DAYS = 21


@dataclass
class TagMastery:
    tag: Tag
    total: int  # practicable questions with the tag
    studied: int
    mastered: int

    @property
    def percent(self) -> int:
        return stats.percent(self.mastered, self.total) or 0


@dataclass(frozen=True)
class DayCount:
    day: date
    reviews: int
    seconds: int


@dataclass
class Progress:
    today: date
    due_today: int
    due_week: int  # due after today, within the next seven days
    forecast: list[tuple[date, int]]  # the next seven days
    reviews_by_day: dict[date, int]
    seconds_by_day: dict[date, int]
    total_reviews: int
    recalled: int  # reviews rated Good or Easy
    seconds_total: int
    streak: int
    tags: list[TagMastery]
    leeches: list[Card] = field(default_factory=list)

    @property
    def reviews_today(self) -> int:
        return self.reviews_by_day.get(self.today, 0)

    @property
    def seconds_today(self) -> int:
        return self.seconds_by_day.get(self.today, 0)

    @property
    def seconds_week(self) -> int:
        """Seconds spent today and the six days before."""
        first = self.today - timedelta(days=6)
        return sum(s for day, s in self.seconds_by_day.items() if first <= day <= self.today)

    @property
    def days(self) -> list[DayCount]:
        """Each day with reviews, in order."""
        return [
            DayCount(day, reviews, self.seconds_by_day.get(day, 0))
            for day, reviews in sorted(self.reviews_by_day.items())
        ]

    @property
    def retention(self) -> int | None:
        """Percentage of reviews rated Good or Easy (``None`` before the first review)."""
        return stats.percent(self.recalled, self.total_reviews)


def learner_progress(*, user: User) -> Progress:
    """The learner's dashboard figures, in five queries."""
    now = timezone.now()
    today = stats.local_today(now)
    day_ends = [stats.start_of_day(today + timedelta(days=n + 1)) for n in range(8)]
    due_counts = (
        Card.objects.for_user(user)
        .studied()
        .with_effective_due(now)
        .aggregate(
            **{
                f"by{n}": Count("pk", filter=Q(effective_due__lt=end))
                for n, end in enumerate(day_ends)
            }
        )
    )
    cumulative = [due_counts[f"by{n}"] for n in range(8)]
    forecast = [(today + timedelta(days=n), cumulative[n] - cumulative[n - 1]) for n in range(1, 8)]

    per_day = (
        Review.objects.filter(user=user)
        .annotate(day=TruncDate("reviewed_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(
            n=Count("pk"),
            good=Count("pk", filter=Q(rating__gte=Rating.GOOD)),
            seconds=Sum("duration_seconds"),
        )
        .order_by("day")
    )
    reviews_by_day: dict[date, int] = {}
    seconds_by_day: dict[date, int] = {}
    recalled = 0
    for row in per_day:
        reviews_by_day[row["day"]] = row["n"]
        seconds_by_day[row["day"]] = row["seconds"] or 0
        recalled += row["good"]

    return Progress(
        today=today,
        due_today=cumulative[0],
        due_week=cumulative[7] - cumulative[0],
        forecast=forecast,
        reviews_by_day=reviews_by_day,
        seconds_by_day=seconds_by_day,
        total_reviews=sum(reviews_by_day.values()),
        recalled=recalled,
        seconds_total=sum(seconds_by_day.values()),
        streak=stats.streak(
            [day for day, n in reviews_by_day.items() if n >= settings.PRACTICE_STREAK_MIN_REVIEWS],
            today,
        ),
        tags=tag_mastery(user=user),
        leeches=list(
            Card.objects.for_user(user)
            .leeches()
            .select_related("question")
            .order_by("-again_count")
        ),
    )


def tag_mastery(*, user: User) -> list[TagMastery]:
    """Per tag the learner studied: practicable questions, studied and mastered cards."""
    practicable = Q(
        questions__kind=Question.Kind.QUESTION,
        questions__has_answer=True,
        questions__duplicate_of__isnull=True,
    )
    rows = (
        Card.objects.for_user(user)
        .studied()
        .filter(question__tags__isnull=False)
        .values("question__tags")
        .annotate(
            studied=Count("pk"),
            mastered=Count(
                "pk",
                filter=Q(state=CardState.REVIEW, stability__gte=MASTERED_STABILITY_DAYS),
            ),
        )
        .order_by()
    )
    by_tag = {row["question__tags"]: row for row in rows}
    if not by_tag:
        return []
    tags = Tag.objects.filter(pk__in=by_tag).annotate(total=Count("questions", filter=practicable))
    mastery = [
        TagMastery(
            tag=tag,
            total=tag.total,  # type: ignore[attr-defined]
            studied=by_tag[tag.pk]["studied"],
            mastered=by_tag[tag.pk]["mastered"],
        )
        for tag in tags
    ]
    return sorted(mastery, key=lambda m: (-m.percent, -m.studied, m.tag.slug))


#: How far back the home page's streak looks (a longer streak shows as this many days).
STREAK_HORIZON_DAYS = 366


def current_streak(*, user: User) -> int:
    """Days in a row with at least one review, ending today or yesterday (one query)."""
    today = timezone.localdate()
    days = (
        Review.objects.filter(
            user=user, reviewed_at__gte=timezone.now() - timedelta(days=STREAK_HORIZON_DAYS)
        )
        .annotate(day=TruncDate("reviewed_at", tzinfo=timezone.get_current_timezone()))
        .values_list("day", flat=True)
        .distinct()
    )
    return stats.streak(days, today)
