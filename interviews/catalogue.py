"""Interview templates: an editor's template saved with its tags, and the shipped templates
loaded from ``fixtures/interview-templates.json`` (``manage.py load_interview_templates``)."""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from questions.models import Tag

from .models import InterviewTemplate
from .services import InterviewError


@transaction.atomic
def save_template(
    *, template: InterviewTemplate, tags: Iterable[Tag], editor: Any | None = None
) -> InterviewTemplate:
    """Save an editor's template (already validated by its form) with its tags."""
    if template.pk is None:
        template.created_by = editor
    template.updated_at = timezone.now()
    template.save()
    template.tags.set(list(tags))
    return template


@transaction.atomic
def _add_english(template: InterviewTemplate, entry: dict[str, Any]) -> None:
    """Give a template loaded before the fixtures had English its English name and
    description; an English text an editor wrote is kept."""
    changed = [
        name
        for name in ("name_en", "description_en")
        if not getattr(template, name) and entry.get(name)
    ]
    for name in changed:
        setattr(template, name, entry[name])
    if changed:
        template.save(update_fields=changed)


def load_templates(*, entries: Sequence[dict[str, Any]]) -> tuple[int, int]:
    """Create the shipped templates that do not exist yet (by slug); returns (created, kept).

    Idempotent: a template that exists is left as it is, so an editor's changes survive
    ``make run``. Unknown tag slugs are an ``InterviewError`` naming them; nothing is written.
    """
    known = {tag.slug: tag for tag in Tag.objects.all()}
    missing = sorted({slug for entry in entries for slug in entry.get("tags", [])} - set(known))
    if missing:
        raise InterviewError(f"Unknown tags in the interview templates: {', '.join(missing)}")
    existing = {template.slug: template for template in InterviewTemplate.objects.all()}
    created = 0
    for position, entry in enumerate(entries):
        if entry["slug"] in existing:
            _add_english(existing[entry["slug"]], entry)
            continue
        template = InterviewTemplate(
            slug=entry["slug"],
            name=entry["name"],
            name_en=entry.get("name_en", ""),
            description=entry.get("description", ""),
            description_en=entry.get("description_en", ""),
            duration_minutes=entry["duration_minutes"],
            question_count=entry["question_count"],
            difficulty_mix=entry.get("difficulty_mix", {}),
            position=position,
        )
        template.full_clean()
        template.save()
        template.tags.set([known[slug] for slug in entry.get("tags", [])])
        created += 1
    return created, len(entries) - created
