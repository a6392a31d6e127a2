"""The learner's plan toward their interview date, from the database: which questions it
covers, the numbers ``quizzes.planning`` chooses (kept on ``StudyPlan`` for the day), and
bringing forward reviews that would fall on or after the date."""

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from interviewprep.models import User
from questions.models import Question, Tag

from . import planning, scheduling, stats
from .models import Card, Review, StudyPlan


def is_active(user: User, now: datetime | None = None) -> bool:
    today = stats.local_today(now or timezone.now())
    return user.interview_date is not None and user.interview_date > today


def topic_questions(user: User, plan: StudyPlan | None) -> QuerySet[Question]:
    """The practicable questions the plan covers."""
    questions = Question.objects.practicable()
    if plan is not None and plan.pk and plan.tags.exists():
        tagged = Tag.questions.through.objects.filter(
            question_id=OuterRef("pk"), tag__in=plan.tags.all()
        )
        questions = questions.filter(Exists(tagged))
    return questions


def study_plan(user: User) -> StudyPlan:
    return StudyPlan.objects.filter(user=user).first() or StudyPlan(user=user)


def compute(user: User, *, parameters: Sequence[float] | None) -> planning.Plan | None:
    """The plan for ``user`` today (``None`` without an interview date after today), saved on
    their ``StudyPlan``; studied cards due on or after the date are brought forward."""
    now = timezone.now()
    if not is_active(user, now):
        return None
    assert user.interview_date is not None
    today = stats.local_today(now)
    plan = study_plan(user)
    questions = topic_questions(user, plan)
    total = questions.count()
    bring_forward(user=user, now=now)
    cards = Card.objects.for_user(user).studied().filter(question__in=questions)
    review_days = dict(
        Review.objects.filter(card__in=cards)
        .annotate(day=TruncDate("reviewed_at", tzinfo=timezone.get_current_timezone()))
        .values("card_id")
        .annotate(days=Count("day", distinct=True))
        .values_list("card_id", "days")
    )
    studied_due = [
        ((stats.local_today(due) - today).days, max(0, review_days.get(pk, 1) - 1))
        for pk, due in cards.values_list("pk", "due")
    ]
    result = planning.make_plan(
        today=today,
        interview=user.interview_date,
        questions=total,
        unseen=total - len(studied_due),
        studied_due=studied_due,
        scheduler_for_retention=lambda retention: scheduling.get_scheduler(
            parameters=parameters, desired_retention=retention, fuzz=False
        ),
    )
    plan.planned_on, plan.planned_for = today, user.interview_date
    plan.new_per_day, plan.desired_retention = result.new_per_day, result.desired_retention
    plan.save()
    return result


def current(user: User, *, parameters: Sequence[float] | None) -> StudyPlan | None:
    """Today's plan numbers (computed once a day, or again when the date changed)."""
    if not is_active(user):
        return None
    plan = study_plan(user)
    if plan.planned_on != stats.local_today(timezone.now()) or (
        plan.planned_for != user.interview_date
    ):
        compute(user, parameters=parameters)
        plan = study_plan(user)
    return plan


def latest_due(user: User, now: datetime) -> datetime | None:
    """The latest a review may be scheduled: the start of the day before the interview (if
    that is still ahead), else ``None`` (no plan, or too late to bring anything forward)."""
    if not is_active(user, now):
        return None
    assert user.interview_date is not None
    cap = stats.start_of_day(user.interview_date - timedelta(days=1))
    return cap if cap > now else None


def cap_due(user: User, due: datetime, now: datetime) -> datetime:
    """``due``, brought forward to the day before the interview if it falls after that."""
    cap = latest_due(user, now)
    return min(due, cap) if cap is not None else due


def bring_forward(*, user: User, now: datetime) -> int:
    """Bring the learner's reviews due after the day before the interview forward to it."""
    cap = latest_due(user, now)
    if cap is None:
        return 0
    return Card.objects.for_user(user).studied().filter(due__gt=cap).update(due=cap)
