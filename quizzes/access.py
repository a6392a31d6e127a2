"""Fetching a learner's own practice objects: another learner's, or a missing one, is a 404."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from interviewprep.models import User
from questions.models import Question

from .models import Bookmark, Card, Note


def get_card_for_user(user: User, pk: int) -> Card:
    return get_object_or_404(Card.objects.select_related("question"), pk=pk, user=user)


def get_bookmark_for_user(user: User, pk: int) -> Bookmark:
    return get_object_or_404(Bookmark.objects.select_related("question"), pk=pk, user=user)


def get_note_for_user(user: User, question_id: int) -> Note:
    """The learner's note on a question (a 404 when they have none)."""
    return get_object_or_404(Note, question_id=question_id, user=user)


def get_visible_question(pk: int) -> Question:
    """A question a learner may bookmark or annotate (not a merged duplicate)."""
    return get_object_or_404(Question.objects.visible(), pk=pk)


def get_practicable_question(pk: int) -> Question:
    """A question that may be practised; anything else is a 404."""
    question = Question.objects.practicable().select_related("live_revision").filter(pk=pk).first()
    if question is None:
        raise Http404(_("No such question to practise."))
    return question
