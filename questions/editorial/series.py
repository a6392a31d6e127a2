"""Series: editors link different questions on one topic, or take one out of a series."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from interviewprep.roles import Role

from ..models import AuditEntry, Question, SeriesLink, series_of
from . import EditorialError, audit, require


@transaction.atomic
def set_series_link(*, question: Question, other: Question, linked: bool, editor: Any) -> None:
    """Link ``question`` and ``other`` as one series (``linked``) or unlink them. An unlinked
    pair stays recorded as inactive, so the next import does not link it again. The pages of
    both questions and of their series are drawn again."""
    require(editor, Role.EDITOR)
    if question.pk == other.pk:
        raise EditorialError(_("A question is always in its own series."))
    if linked and other.duplicate_of_id is not None:
        raise EditorialError(_("That question was merged into another one."))
    low, high = sorted((question.pk, other.pk))
    members = {q.pk for q in (*series_of(question), *series_of(other))}
    SeriesLink.objects.update_or_create(
        question_id=low,
        other_id=high,
        defaults={
            "active": linked,
            "origin": SeriesLink.Origin.EDITOR,
            "created_at": timezone.now(),
        },
    )
    action = AuditEntry.Action.SERIES_LINKED if linked else AuditEntry.Action.SERIES_UNLINKED
    audit(editor, action, question, f"#{question.pk} ~ #{other.pk}")
    # Every member's page lists the series: each gets a new version in one UPDATE.
    Question.objects.filter(pk__in=[question.pk, other.pk, *members]).bump_version()
