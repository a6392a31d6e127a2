"""The editors' findings on the notes (``editorial-review.json``), loaded as open flags."""

import bisect
import hashlib
from collections.abc import Iterable, Sequence

from ..models import EditorialFlag, Question, QuestionSource
from .bulk import IMPORT_BATCH


def _finding_key(finding: dict) -> str:
    raw = "|".join(
        [
            finding["source_file"],
            str(finding["question_heading_line"]),
            str(finding["lines"]),
            finding["problem"],
        ]
    )
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


_IDENTITY = ("source_file", "question_heading_line", "lines", "rating", "severity")


def with_chinese(findings: Sequence[dict], chinese: Sequence[dict]) -> list[dict]:
    """``findings`` with the Chinese text of each (``problem_zh``, ``correction_zh``) from
    ``editorial-review.zh.json``, which lists the same findings in the same order with their
    identifying fields. Raises ``ValueError`` when the two lists do not line up."""
    if len(findings) != len(chinese):
        raise ValueError(
            f"editorial-review.zh.json has {len(chinese)} findings, the English {len(findings)}"
        )
    joined = []
    for number, (finding, text) in enumerate(zip(findings, chinese, strict=True)):
        if any(finding.get(name) != text.get(name) for name in _IDENTITY):
            raise ValueError(f"editorial-review.zh.json: finding {number} is not the English one")
        joined.append(
            {
                **finding,
                "problem_zh": text.get("problem_zh", ""),
                "correction_zh": text.get("correction_zh", ""),
            }
        )
    return joined


def import_findings(findings: Iterable[dict]) -> tuple[int, list[str]]:
    """Open a flag per editorial finding, once; a high-severity one puts its question under
    revision. A flag an editor already declined or resolved is not reopened by a re-import.
    Returns how many flags were opened and the ``"file:line"`` of each finding no question
    holds.

    A finding belongs to the first source (by file and heading line) of its file whose lines
    contain the finding's heading line. A finding's Chinese text (``problem_zh``,
    ``correction_zh``, see :func:`with_chinese`) is stored with it, and brought up to date on
    flags loaded before.
    """
    by_file: dict[str, tuple[list[int], list[int], list[int]]] = {}
    for file_name, start, end, source_question in QuestionSource.objects.order_by(
        "file_name", "heading_line"
    ).values_list("file_name", "start_line", "end_line", "question_id"):
        starts, reach, owners = by_file.setdefault(file_name, ([], [], []))
        starts.append(start)
        # reach[i]: the furthest line any of the first i + 1 sources covers (non-decreasing).
        reach.append(max(end, reach[-1]) if reach else end)
        owners.append(source_question)
    known = {
        key: (pk, problem_zh, correction_zh)
        for key, pk, problem_zh, correction_zh in EditorialFlag.objects.exclude(
            import_key=None
        ).values_list("import_key", "pk", "problem_zh", "correction_zh")
    }
    flags: list[EditorialFlag] = []
    unmatched: list[str] = []
    high: set[int] = set()
    for finding in findings:
        key = _finding_key(finding)
        chinese = (finding.get("problem_zh", ""), finding.get("correction_zh", ""))
        if key in known:
            pk, *stored = known[key]
            if chinese[0] and tuple(stored) != chinese:
                EditorialFlag.objects.filter(pk=pk).update(
                    problem_zh=chinese[0], correction_zh=chinese[1]
                )
            continue
        line = finding["question_heading_line"]
        owner = source_at(by_file.get(finding["source_file"]), line)
        if owner is None:
            unmatched.append(f"{finding['source_file']}:{line}")
            continue
        question_id = owner
        known[key] = (0, *chinese)
        lines = finding["lines"]
        first, last = (lines[0], lines[-1]) if isinstance(lines, list) else (lines, lines)
        flags.append(
            EditorialFlag(
                question_id=question_id,
                import_key=key,
                reason=finding["rating"],
                severity=finding["severity"],
                problem=finding["problem"],
                correction=finding.get("correction", ""),
                problem_zh=chinese[0],
                correction_zh=chinese[1],
                source_file=finding["source_file"],
                first_line=first,
                last_line=last,
            )
        )
        if finding["severity"] == EditorialFlag.Severity.HIGH:
            high.add(question_id)
    EditorialFlag.objects.bulk_create(flags, batch_size=IMPORT_BATCH)
    # Each flagged question's page lists its open flags: each gets a new version.
    flagged = sorted({flag.question_id for flag in flags})
    for start in range(0, len(flagged), IMPORT_BATCH):
        batch = flagged[start : start + IMPORT_BATCH]
        Question.objects.filter(pk__in=[pk for pk in batch if pk in high]).bump_version(
            status=Question.Status.NEEDS_REVISION
        )
        Question.objects.filter(pk__in=[pk for pk in batch if pk not in high]).bump_version()
    return len(flags), unmatched


def source_at(index: tuple[list[int], list[int], list[int]] | None, line: int) -> int | None:
    """The question of the first source with ``start <= line <= end``, in O(log n)."""
    if index is None:
        return None
    starts, reach, owners = index
    # Only sources starting at or before the line can contain it; among those, the first one
    # reaching the line is the first whose running maximum of end lines reaches it.
    limit = bisect.bisect_right(starts, line)
    position = bisect.bisect_left(reach, line, 0, limit)
    if position == limit:
        return None
    return owners[position]
