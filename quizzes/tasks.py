"""Background work for practice, run by Django's tasks framework (see ``questions/tasks.py``).

The weekly refit is ``optimize_schedulers``: enqueue it from cron (``manage.py
optimize_schedulers --enqueue``) or run the command itself weekly.
"""

from django.tasks import task

from interviewprep.models import User

from . import learner_scheduler, reminders


@task()
def optimize_scheduler(*, user_id: int) -> float | None:
    """Fit one learner's scheduler now; returns the fit's log loss on their later reviews."""
    profile = learner_scheduler.optimize(user=User.objects.get(pk=user_id))
    return profile.fitted_log_loss


@task()
def optimize_schedulers() -> int:
    """Refit every learner due a refit (see ``learner_scheduler.due_for_optimizing``)."""
    return learner_scheduler.optimize_due()


@task()
def send_daily_reminders() -> int:
    """Send today's reminder email to each learner who opted in (once a day each)."""
    return reminders.send_daily_reminders()
