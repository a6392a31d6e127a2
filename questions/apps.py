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
        # Any write of a question or of its tags drops the kept searches.
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from .models import Question, Tag

        post_save.connect(_question_saved, sender=Question, dispatch_uid="visible-count-saved")
        post_delete.connect(
            _question_deleted, sender=Question, dispatch_uid="visible-count-deleted"
        )
        for model in (Tag, Question.tags.through):
            post_save.connect(_tags_changed, sender=model, dispatch_uid="search-tags-saved")
            post_delete.connect(_tags_changed, sender=model, dispatch_uid="search-tags-deleted")
        m2m_changed.connect(
            _tags_changed, sender=Question.tags.through, dispatch_uid="search-tags-linked"
        )


def _question_saved(
    sender: Any, created: bool, update_fields: frozenset[str] | None, **kwargs: Any
) -> None:
    from interviewprep.cache import forget_visible_count, questions_written

    from .models.bank import VISIBILITY_FIELDS

    questions_written()
    if created or update_fields is None or VISIBILITY_FIELDS & update_fields:
        forget_visible_count()


def _question_deleted(sender: Any, **kwargs: Any) -> None:
    from interviewprep.cache import forget_visible_count, questions_written

    questions_written()
    forget_visible_count()


def _tags_changed(sender: Any, **kwargs: Any) -> None:
    from interviewprep.cache import questions_written

    if kwargs.get("action", "post_").startswith("post_"):
        questions_written()
