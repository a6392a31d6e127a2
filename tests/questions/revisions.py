"""Writing revisions in tests: the editorial services, as editors and reviewers call them."""

from questions.editorial import drafts, revisions


def publish(question, editor, reviewer, body, summary="s", resolves=()):
    """Start, save, submit and publish a revision of ``question`` with ``body``."""
    draft = drafts.start_draft(question=question, editor=editor)
    draft = drafts.save_draft(
        draft_id=draft.pk,
        editor=editor,
        seen_version=draft.version,
        title=question.title,
        body_markdown=body,
        tag_slugs=draft.tag_slugs,
        difficulty=draft.difficulty,
    )
    drafts.submit_draft(
        draft_id=draft.pk,
        editor=editor,
        seen_version=draft.version,
        summary=summary,
        resolves=resolves,
    )
    return revisions.publish_revision(draft_id=draft.pk, reviewer=reviewer)
