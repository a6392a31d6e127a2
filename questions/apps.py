from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuestionsConfig(AppConfig):
    name = "questions"
    verbose_name = _("Question bank")

    def ready(self) -> None:
        # A question saved or deleted through the ORM (an import, the admin, a factory) may
        # change how many questions are visible: the cached number is dropped
        # (interviewprep.cache). UPDATEs of many rows go through QuestionQuerySet.update.
        from django.db.models.signals import post_delete, post_save

        from .models import Question

        post_save.connect(_question_saved, sender=Question, dispatch_uid="visible-count-saved")
        post_delete.connect(
            _question_deleted, sender=Question, dispatch_uid="visible-count-deleted"
        )


def _question_saved(
    sender: Any, created: bool, update_fields: frozenset[str] | None, **kwargs: Any
) -> None:
    from interviewprep.cache import forget_visible_count

    from .models.bank import VISIBILITY_FIELDS

    if created or update_fields is None or VISIBILITY_FIELDS & update_fields:
        forget_visible_count()


def _question_deleted(sender: Any, **kwargs: Any) -> None:
    from interviewprep.cache import forget_visible_count

    forget_visible_count()
