"""How practice reacts to the bank (``questions.signals``, ``questions.reader_blocks``);
connected in ``QuizzesConfig.ready()``."""

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from interviewprep.models import User
from questions.models import Question
from questions.reader_blocks import ReaderBlock

from . import services, state
from .models import Bookmark, Card


def learners_of(sender: Any, question: Question, **kwargs: Any) -> QuerySet[User]:
    """``question_learners``: who studied ``question``, with a card for it or a bookmark."""
    studied = Q(Exists(Card.objects.filter(user=OuterRef("pk"), question=question))) | Q(
        Exists(Bookmark.objects.filter(user=OuterRef("pk"), question=question))
    )
    return User.objects.filter(studied)


def move_practice(sender: Any, duplicate: Question, kept: Question, **kwargs: Any) -> None:
    """``questions_merged``: learners' cards, bookmarks and notes follow the merge."""
    services.move_practice(duplicate=duplicate, kept=kept)


#: The reader's bookmark and private note on every question page.
QUESTION_TOOLS = ReaderBlock(
    template="quizzes/question_tools.html",
    context=state.tools_state,
)
