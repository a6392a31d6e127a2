"""Background work on the bank, run by Django's tasks framework.

Immediate in development and tests; with ``TASKS_BACKEND=database`` the tasks are stored in
the database and run by ``manage.py db_worker`` (``make worker``).
"""

from django.tasks import task

from .editorial import notifications
from .importing import pipeline


@task()
def notify_learners_of_update(*, question_id: int, revision_id: int) -> int:
    """Tell the learners who studied a question that its answer changed."""
    return notifications.notify_update(question_id=question_id, revision_id=revision_id)


@task()
def rerender_bank() -> int:
    """Render every answer again and refresh the search index; returns how many changed."""
    return pipeline.rerender_all()
