"""The opt-in daily reminder email (``User.daily_reminder``): what is due today, the streak
and how the plan toward the interview date is going. Sent once a day per learner by
``quizzes.tasks.send_daily_reminders`` (``manage.py send_reminders`` for cron)."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from interviewprep.models import User

from . import learner_scheduler, plan, stats
from .models import ReminderSent
from .progress import learner_progress


def reminder_context(user: User) -> dict[str, object]:
    progress = learner_progress(user=user)
    profile = learner_scheduler.profile_for(user)
    planned = plan.compute(user, parameters=learner_scheduler.parameters_in_use(profile))
    return {
        "user": user,
        "due_today": progress.due_today,
        "streak": progress.streak,
        "streak_min": settings.PRACTICE_STREAK_MIN_REVIEWS,
        "plan": planned,
        "practice_url": f"{settings.SITE_URL}{reverse('practice:session')}",
        "profile_url": f"{settings.SITE_URL}{reverse('profile')}",
    }


def send_reminder(user: User) -> bool:
    """Send ``user`` today's reminder unless it was sent already; returns whether it was."""
    today = stats.local_today(timezone.now())
    try:
        with transaction.atomic():
            ReminderSent.objects.create(user=user, day=today)
            with translation.override(user.ui_language or settings.LANGUAGE_CODE):
                context = reminder_context(user)
                subject = render_to_string("quizzes/reminder_subject.txt", context).strip()
                body = render_to_string("quizzes/reminder_email.txt", context)
            send_mail(subject, body, None, [user.email])
    except IntegrityError:  # already sent today (the unique (user, day) row exists)
        return False
    return True


def send_daily_reminders() -> int:
    """Send today's reminder to every active learner who asked for it; returns how many."""
    sent = 0
    for user in User.objects.filter(daily_reminder=True, is_active=True).order_by("pk"):
        sent += send_reminder(user)
    return sent
