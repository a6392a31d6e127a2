"""The question bank's models, by responsibility: the bank itself (``bank``), its curation
(``editorial``) and what editors and learners bring in (``imports``). Every model is
importable from ``questions.models`` as before."""

from .bank import (
    DIFFICULTY_REASONS,
    FAST_MOVING_TAGS,
    SOURCE_TEXT,
    STALE_AFTER,
    Question,
    QuestionQuerySet,
    QuestionRevision,
    QuestionSource,
    Tag,
    TagQuerySet,
    decode_tags,
    tag_rows,
)
from .editorial import (
    AuditEntry,
    DuplicateCandidate,
    DuplicateCandidateQuerySet,
    EditorialFlag,
    EditorialFlagQuerySet,
    Notification,
    NotificationQuerySet,
    RevisionDraft,
    RevisionDraftQuerySet,
    SeriesLink,
    series_of,
)
from .imports import Figure, GradeDispute, ImportBatch, ImportFile, ImportItem

__all__ = [
    "DIFFICULTY_REASONS",
    "FAST_MOVING_TAGS",
    "SOURCE_TEXT",
    "STALE_AFTER",
    "AuditEntry",
    "DuplicateCandidate",
    "DuplicateCandidateQuerySet",
    "EditorialFlag",
    "EditorialFlagQuerySet",
    "Figure",
    "GradeDispute",
    "ImportBatch",
    "ImportFile",
    "ImportItem",
    "Notification",
    "NotificationQuerySet",
    "Question",
    "QuestionQuerySet",
    "QuestionRevision",
    "QuestionSource",
    "RevisionDraft",
    "RevisionDraftQuerySet",
    "SeriesLink",
    "Tag",
    "TagQuerySet",
    "decode_tags",
    "series_of",
    "tag_rows",
]
