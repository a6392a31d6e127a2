"""Each learner's own scheduler: their fitted FSRS parameters and desired retention, fitting
them from the review log (``quizzes.optimizer``), and rescheduling their cards with them.

``PRACTICE_OPTIMIZE_MIN_REVIEWS`` reviews are needed before a fit; the weekly task
(``quizzes.tasks.optimize_schedulers``) refits learners whose fit is
``PRACTICE_OPTIMIZE_EVERY_DAYS`` old and who reviewed since.
"""

from collections import defaultdict
from datetime import datetime, timedelta

import fsrs
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from interviewprep import sql
from interviewprep.errors import Conflict
from interviewprep.models import User

from . import optimizer, plan, scheduling
from .models import Card, Review, SchedulerProfile, StudyPlan


class NotEnoughReviews(Conflict):
    """Too few reviews yet to fit a scheduler (the learner's state refuses it: 409)."""

    code = "not_enough_reviews"


def min_reviews() -> int:
    return settings.PRACTICE_OPTIMIZE_MIN_REVIEWS


def require_enough_reviews(count: int) -> None:
    """Refuse a fit from ``count`` reviews if that is fewer than ``min_reviews()``."""
    if count < min_reviews():
        raise NotEnoughReviews(
            _(
                "Your own scheduler needs at least %(min)d reviews; you have %(count)d. "
                "Until then the default parameters are used."
            )
            % {"min": min_reviews(), "count": count}
        )


# Read on every practice card and rating: composed once (interviewprep.sql).
_PROFILE = sql.Statement(lambda user_id: SchedulerProfile.objects.filter(user_id=user_id))


def profile_for(user: User) -> SchedulerProfile:
    """The learner's scheduler profile (an unsaved one with the defaults when they have none)."""
    return next(iter(_PROFILE(user.pk)), None) or SchedulerProfile(user=user)


def scheduler_from(
    profile: SchedulerProfile, *, fuzz: bool | None = None, retention: float | None = None
) -> fsrs.Scheduler:
    return scheduling.get_scheduler(
        parameters=parameters_in_use(profile),
        desired_retention=retention or profile.desired_retention,
        fuzz=fuzz,
    )


def parameters_in_use(profile: SchedulerProfile) -> list[float] | None:
    return profile.parameters if profile.in_use else None


def active_plan(user: User, profile: SchedulerProfile | None = None) -> StudyPlan | None:
    """Today's plan toward the learner's interview date, if they set one."""
    if not plan.is_active(user):
        return None
    return plan.current(user, parameters=parameters_in_use(profile or profile_for(user)))


def scheduler_for(user: User) -> fsrs.Scheduler:
    """The scheduler that rates ``user``'s cards: see :func:`scheduler_with`."""
    profile = profile_for(user)
    return scheduler_with(profile, active_plan(user, profile))


def scheduler_with(profile: SchedulerProfile, current: StudyPlan | None) -> fsrs.Scheduler:
    """The scheduler of a learner with ``profile`` and today's plan ``current`` (None without
    one): their fitted parameters if in use, and the plan's desired retention, if any."""
    return scheduler_from(profile, retention=current.desired_retention if current else None)


def review_log(user: User) -> list[tuple[int, int, datetime]]:
    """The learner's reviews as ``(card, rating, at)``, oldest first."""
    return list(
        Review.objects.filter(user=user)
        .order_by("reviewed_at", "id")
        .values_list("card_id", "rating", "reviewed_at")
    )


@transaction.atomic
def optimize(*, user: User) -> SchedulerProfile:
    """Fit ``user``'s FSRS parameters to their review log, save them with the scores of the
    defaults and of the fit on the later part of the log, and, if the fit predicted that part
    at least as well as the defaults, schedule with them: their cards are rescheduled.

    Refuses with :class:`NotEnoughReviews` below ``PRACTICE_OPTIMIZE_MIN_REVIEWS`` reviews.
    """
    log = review_log(user)
    require_enough_reviews(len(log))
    try:
        fit = optimizer.fit(log, timezone.get_default_timezone())
    except ValueError as error:  # too few reviews on separate days
        raise NotEnoughReviews(
            _("Your reviews are too close together to fit a scheduler yet.")
        ) from error
    profile = SchedulerProfile.objects.select_for_update().filter(user=user).first()
    profile = profile or SchedulerProfile(user=user)
    profile.parameters = list(fit.parameters)
    profile.fitted_at = timezone.now()
    profile.fitted_reviews = fit.reviews
    profile.default_log_loss, profile.default_rmse = fit.default.log_loss, fit.default.rmse
    profile.fitted_log_loss, profile.fitted_rmse = fit.fitted.log_loss, fit.fitted.rmse
    # On simulated learners a fit to a few hundred reviews predicts worse than the defaults
    # about half the time (README, "The learner's own scheduler"): use it only if it won.
    was_in_use = profile.in_use
    profile.in_use = fit.fitted.log_loss <= fit.default.log_loss
    profile.save()
    if profile.in_use or was_in_use:
        reschedule(user=user, scheduler=scheduler_from(profile, fuzz=False))
    return profile


def reschedule(*, user: User, scheduler: fsrs.Scheduler) -> int:
    """Replay each studied card's reviews with ``scheduler``: its memory state and due date
    become what they would have been had it always been used. Returns the cards updated."""
    logs: dict[int, list[fsrs.ReviewLog]] = defaultdict(list)
    for card_id, rating, at in review_log(user):
        logs[card_id].append(fsrs.ReviewLog(card_id, fsrs.Rating(rating), at, None))
    cards = list(Card.objects.for_user(user).studied().filter(pk__in=list(logs)))
    for card in cards:
        replayed = scheduler.reschedule_card(fsrs.Card(card_id=card.pk), logs[card.pk])
        card.state, card.step = int(replayed.state), replayed.step
        card.stability, card.difficulty = replayed.stability, replayed.difficulty
        card.due = replayed.due
    Card.objects.bulk_update(cards, ["state", "step", "stability", "difficulty", "due"], 500)
    plan.bring_forward(user=user, now=timezone.now())
    return len(cards)


def due_for_optimizing(now: datetime | None = None) -> list[int]:
    """Learners with enough reviews whose fit is missing, or ``PRACTICE_OPTIMIZE_EVERY_DAYS``
    old with reviews since."""
    now = now or timezone.now()
    stale = now - timedelta(days=settings.PRACTICE_OPTIMIZE_EVERY_DAYS)
    fitted_at = SchedulerProfile.objects.filter(user=OuterRef("user_id")).values("fitted_at")
    rows = (
        Review.objects.values("user_id")
        .annotate(count=Count("id"), last=Max("reviewed_at"))
        .filter(count__gte=min_reviews())
        .annotate(fitted_at=Subquery(fitted_at[:1]))
        .order_by("user_id")
    )
    return [
        row["user_id"]
        for row in rows
        if row["fitted_at"] is None
        or (row["fitted_at"] <= stale and row["last"] > row["fitted_at"])
    ]


def optimize_due() -> int:
    """Fit every learner :func:`due_for_optimizing`; returns how many were fitted."""
    due = due_for_optimizing()
    for user in User.objects.filter(pk__in=due):
        optimize(user=user)
    return len(due)
