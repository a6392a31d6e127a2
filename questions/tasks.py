"""Background work on the bank, run by Django's tasks framework.

Immediate in development and tests; with ``TASKS_BACKEND=database`` the tasks are stored in
the database and run by ``manage.py db_worker`` (``make worker``). Telling learners an answer
changed is :func:`questions.editorial.notifications.notify_learners_of_update`.
"""

from django.tasks import task

from .editorial.notifications import notify_learners_of_update
from .importing import pipeline

__all__ = ["notify_learners_of_update", "rerender_bank"]

# notify_learners_of_update is defined beside what it does (publishing queues it); it is named
# here too, so that a task queued under this module's name by an earlier release still runs.


@task()
def rerender_bank() -> int:
    """Render every answer again and refresh the search index; returns how many changed."""
    return pipeline.rerender_all()
