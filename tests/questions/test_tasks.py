"""Background work goes through Django's tasks framework."""

import pytest
from django.tasks import default_task_backend

from questions.editorial import notifications
from questions.models import Notification
from quizzes import services as practice
from quizzes.models import Rating
from tests.factories import UserFactory
from tests.questions.revisions import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    return default_task_backend


def test_publishing_queues_the_notifications_instead_of_sending_them(
    queued_tasks, mqa, editor, reviewer
):
    learner = UserFactory()
    practice.record_review(user=learner, question=mqa, rating=Rating.GOOD)

    revision = publish(mqa, editor, reviewer, "MQA: all query heads share one key/value head.")

    assert not Notification.objects.filter(user=learner).exists()
    [queued] = queued_tasks.results
    assert queued.task.func is notifications.notify_learners_of_update.func
    assert queued.kwargs == {"question_id": mqa.pk, "revision_id": revision.pk}
    # What the worker runs:
    assert notifications.notify_update(**queued.kwargs) == 1
    assert Notification.objects.get(user=learner).revision_id == revision.pk
    assert notifications.notify_update(**queued.kwargs) == 0  # once per learner and revision
