"""Access functions: every attempt is fetched through here; another user's is a 404. (The
autosave's usual save checks the owner inside its statement instead: ``interviews.answers``.)"""

from datetime import datetime
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _

from interviewprep import sql

from . import services
from .models import Attempt, AttemptQuerySet

_ATTEMPT = sql.Statement(lambda pk: Attempt.objects.filter(pk=pk).order_by())


def get_attempt_for_user(
    user: Any, pk: int, *, queryset: AttemptQuerySet | None = None, now: datetime | None = None
) -> Attempt:
    """The user's attempt ``pk``; ``Http404`` when it does not exist *or* is not theirs.

    An attempt whose deadline passed is finished here (at its deadline) before anyone sees
    it, so every request that touches an attempt sees its true state.
    """
    attempt: Attempt | None
    if queryset is None:
        # Every autosave and clock sync asks this: a statement composed once.
        attempt = next(iter(_ATTEMPT(pk)), None)
        if attempt is not None and (not user.is_authenticated or attempt.user_id != user.pk):
            attempt = None
    else:
        attempt = queryset.for_user(user).filter(pk=pk).first()
    if attempt is None:
        raise Http404(_("No such interview."))
    services.expire_if_due(attempt=attempt, now=now)
    return attempt
