"""The key points and follow-ups of ``keypoints.json``, stored on the questions' revisions.

Entries are keyed ``"FILE:HEADING_LINE"`` (a question's source) and carry the question's
title, which is used when the source moved. A revision is immutable content, but key points
are graded content loaded beside the imported answer: an imported live revision takes the
shipped ones (a re-import of the same file changes nothing); a revision an editor published
keeps its own, unless it has none yet.
"""

from collections.abc import Mapping
from typing import Any

from ..models import Question, QuestionRevision, QuestionSource


def _resolve(entries: Mapping[str, Mapping[str, Any]]) -> dict[str, int]:
    """Question id of each entry key: by source (file and heading line), else by title."""
    by_source = {
        f"{file_name}:{line}": question_id
        for file_name, line, question_id in QuestionSource.objects.values_list(
            "file_name", "heading_line", "question_id"
        )
    }
    titles = {entry["title"] for key, entry in entries.items() if key not in by_source}
    by_title: dict[str, int] = {}
    for pk, title in Question.objects.visible().filter(title__in=titles).values_list("pk", "title"):
        by_title.setdefault(title, pk)
    resolved = {}
    for key, entry in entries.items():
        found = by_source.get(key) or by_title.get(entry["title"])
        if found is not None:
            resolved[key] = found
    return resolved


def _follow_up(item: Mapping[str, Any], resolved: Mapping[str, int]) -> dict[str, Any] | None:
    base = {"id": item["id"], "after": item.get("after", "")}
    if "bank_question" in item:
        question_id = resolved.get(item["bank_question"])
        return None if question_id is None else {**base, "question_id": question_id}
    return {
        **base,
        "prompt": item["prompt"],
        "reference": item.get("reference", ""),
        "key_points": list(item.get("key_points", [])),
    }


def import_key_points(entries: Mapping[str, Mapping[str, Any]]) -> tuple[int, list[str]]:
    """Store each entry's key points and follow-ups on its question's live revision.

    Returns how many revisions changed and the keys no question was found for.
    """
    resolved = _resolve(entries)
    # A merged duplicate's source points at the question it was merged into: the first entry
    # for a question wins.
    question_to_key: dict[int, str] = {}
    for key, pk in resolved.items():
        question_to_key.setdefault(pk, key)
    revisions = QuestionRevision.objects.filter(
        pk__in=Question.objects.filter(pk__in=question_to_key).values("live_revision")
    )
    changed = []
    for revision in revisions:
        entry = entries[question_to_key[revision.question_id]]
        if revision.origin == QuestionRevision.Origin.EDITOR and revision.key_points:
            continue
        key_points = [
            {
                "id": point["id"],
                "text": point["text"],
                "aliases": list(point.get("aliases", [])),
                "weight": int(point.get("weight", 1)),
                "source_sentence": point.get("source_sentence", ""),
                "from_correction": bool(point.get("from_correction", False)),
            }
            for point in entry.get("key_points", [])
        ]
        follow_ups = [
            follow_up
            for item in entry.get("follow_ups", [])
            if (follow_up := _follow_up(item, resolved)) is not None
        ]
        if revision.key_points != key_points or revision.follow_ups != follow_ups:
            revision.key_points = key_points
            revision.follow_ups = follow_ups
            changed.append(revision)
    QuestionRevision.objects.bulk_update(changed, ["key_points", "follow_ups"], batch_size=500)
    return len(changed), sorted(set(entries) - set(resolved))
