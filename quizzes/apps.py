from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = _("Practice")

    def ready(self) -> None:
        # The bank below tells practice what happened to its questions through signals, and
        # shows the learner's controls on its question page through a block registered here.
        from questions import reader_blocks, signals
        from questions.models import Question

        from . import receivers

        signals.question_learners.connect(
            receivers.learners_of, sender=Question, dispatch_uid="quizzes-learners"
        )
        signals.questions_merged.connect(
            receivers.move_practice, sender=Question, dispatch_uid="quizzes-merge"
        )
        reader_blocks.register(receivers.QUESTION_TOOLS)
