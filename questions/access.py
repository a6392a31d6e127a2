"""Access functions: each fetches an object for a user, Http404 when it is missing or the user
may not see it (so that a refused object looks like a missing one)."""

from typing import Any

from django.http import Http404

from interviewprep.roles import Role, has_role

from .models import RevisionDraft


def get_draft_for_editor(user: Any, pk: int) -> RevisionDraft:
    """A draft with its question, for editors and reviewers."""
    if not (has_role(user, Role.EDITOR) or has_role(user, Role.REVIEWER)):
        raise Http404
    try:
        return RevisionDraft.objects.select_related(
            "question", "question__live_revision", "base_revision", "author", "edited_by"
        ).get(pk=pk)
    except RevisionDraft.DoesNotExist:
        raise Http404 from None
