"""Telling learners: "answer updated" notices after a publication (in the background:
:func:`notify_learners_of_update`), and dismissing them."""

from typing import Any, cast

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.tasks import task
from django.utils import timezone

from ..models import Notification, Question
from ..signals import question_learners


def learners_who_studied(question: Question) -> QuerySet[Any]:
    """Users to notify when ``question`` changes: everyone who reported a problem on it, and
    everyone the apps above say studies it (:data:`questions.signals.question_learners`:
    practice cards and bookmarks)."""
    users = get_user_model().objects
    studied = Q(pk__in=users.filter(flags__question=question).values("pk"))
    for _receiver, learners in question_learners.send(sender=Question, question=question):
        studied |= Q(pk__in=cast(QuerySet[Any], learners).values("pk"))
    return users.filter(studied)


@transaction.atomic
def notify_update(*, question_id: int, revision_id: int) -> int:
    """Create an "answer updated" notification for everyone who studied the question (once
    per learner and revision); returns how many were created."""
    question = Question.objects.get(pk=question_id)
    told = Notification.objects.filter(
        user=OuterRef("pk"), revision_id=revision_id, kind=Notification.Kind.UPDATED
    )
    notifications = [
        Notification(
            user=user, question=question, kind=Notification.Kind.UPDATED, revision_id=revision_id
        )
        for user in learners_who_studied(question).exclude(Exists(told))
    ]
    # The unique constraint still guards against a concurrent run of the same task.
    Notification.objects.bulk_create(notifications, ignore_conflicts=True)
    return len(notifications)


# Telling every learner who studied a question can be thousands of rows: publishing queues it.
@task()
def notify_learners_of_update(*, question_id: int, revision_id: int) -> int:
    """Tell the learners who studied a question that its answer changed (a background task:
    ``questions.tasks``)."""
    return notify_update(question_id=question_id, revision_id=revision_id)


@transaction.atomic
def dismiss_notification(*, user: Any, notification_id: int) -> None:
    """Mark one of ``user``'s notifications read (someone else's: Http404)."""
    done = Notification.objects.filter(pk=notification_id, user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if not done and not Notification.objects.filter(pk=notification_id, user=user).exists():
        raise Http404
