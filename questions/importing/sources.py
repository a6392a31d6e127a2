"""A question's sources: the sections of the notes it was read from, kept in step with
its merge group at every import (:mod:`.pipeline`)."""

from ..models import (
    Question,
    QuestionSource,
)
from .dedupe import MergeGroup
from .sections import Section


def source_entries(group: MergeGroup) -> list[tuple[Section, str, float]]:
    return [(group.canonical, QuestionSource.Match.CANONICAL, 1.0)] + [
        (d.section, d.match, d.similarity) for d in group.duplicates
    ]


_SOURCE_FIELDS = (
    "start_line",
    "end_line",
    "raw_title",
    "original_text",
    "normalised_markdown",
    "match",
    "similarity",
)


def _source_fields(section: Section, match: str, similarity: float) -> dict:
    """The values of ``_SOURCE_FIELDS`` a section's source row holds."""
    return {
        "start_line": section.heading_line,
        "end_line": section.end_line,
        "raw_title": section.raw_title[:500],
        "original_text": section.original_text,
        "normalised_markdown": section.body,
        "match": match,
        "similarity": round(similarity, 3),
    }


def new_source(
    question: Question, section: Section, match: str, similarity: float
) -> QuestionSource:
    return QuestionSource(
        question=question,
        file_name=section.file_name,
        heading_line=section.heading_line,
        **_source_fields(section, match, similarity),
    )


def sync_sources(question: Question, group: MergeGroup) -> bool:
    """Give ``question`` the group's sources (taking over any another question holds); returns
    whether a source row was added or changed."""
    stored = {
        (row.pop("file_name"), row.pop("heading_line")): row
        for row in QuestionSource.objects.filter(question=question).values(
            "file_name", "heading_line", *_SOURCE_FIELDS
        )
    }
    changed = False
    for section, match, similarity in source_entries(group):
        fields = _source_fields(section, match, similarity)
        if stored.get((section.file_name, section.heading_line)) == fields:
            continue
        QuestionSource.objects.update_or_create(
            file_name=section.file_name,
            heading_line=section.heading_line,
            defaults={"question": question, **fields},
        )
        changed = True
    return changed
