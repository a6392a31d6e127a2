"""Diffs of two texts, line by line (pure: no Django, no database); the one home of diffs.

* :func:`diff_html`: a side-by-side table as safe HTML (editors' drafts, version history).
  Lines are matched first; inside each pair of replaced lines the characters are compared,
  so a change in Chinese text (which has no spaces between words) is marked precisely. Every
  piece of text is escaped: the output can be marked safe as it is.
* :func:`line_diff`: the changed lines with a little context, for a template to show (the
  practice card's "updated since you last reviewed").
"""

from dataclasses import dataclass
from difflib import SequenceMatcher
from html import escape
from itertools import zip_longest
from typing import Any


@dataclass(frozen=True)
class Row:
    """One row of the side-by-side table; ``None`` on a side means no line there."""

    kind: str  # "equal" | "replace" | "delete" | "insert"
    old_number: int | None
    new_number: int | None
    old_html: str | None
    new_html: str | None


def _line_opcodes(old: str, new: str, context: int | None = None) -> Any:
    """The line matcher's opcodes (grouped into hunks with ``context`` lines when given)."""
    matcher = SequenceMatcher(None, old.splitlines(), new.splitlines(), autojunk=False)
    return matcher.get_opcodes() if context is None else matcher.get_grouped_opcodes(context)


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "add", "del", "same" or "gap" (lines left out between hunks)
    text: str


def line_diff(old: str, new: str, *, context: int = 2) -> list[DiffLine]:
    """The lines of ``old`` and ``new`` that differ, with ``context`` unchanged lines around
    each change and a "gap" line between hunks; empty when the texts' lines are equal."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    lines: list[DiffLine] = []
    for index, group in enumerate(_line_opcodes(old, new, context)):
        if index:
            lines.append(DiffLine("gap", "…"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [DiffLine("same", text) for text in old_lines[i1:i2]]
                continue
            lines += [DiffLine("del", text) for text in old_lines[i1:i2]]
            lines += [DiffLine("add", text) for text in new_lines[j1:j2]]
    return lines


def _mark_chars(old: str, new: str) -> tuple[str, str]:
    """Escape both lines, wrapping the characters that differ in <del>/<ins>."""
    left: list[str] = []
    right: list[str] = []
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        a, b = escape(old[i1:i2]), escape(new[j1:j2])
        if tag == "equal":
            left.append(a)
            right.append(b)
            continue
        if a:
            left.append(f"<del>{a}</del>")
        if b:
            right.append(f"<ins>{b}</ins>")
    return "".join(left), "".join(right)


def diff_rows(old: str, new: str) -> list[Row]:
    """The rows of a side-by-side comparison of ``old`` and ``new``."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    rows: list[Row] = []
    for tag, i1, i2, j1, j2 in _line_opcodes(old, new):
        if tag == "equal":
            for offset in range(i2 - i1):
                line = escape(old_lines[i1 + offset])
                rows.append(Row("equal", i1 + offset + 1, j1 + offset + 1, line, line))
            continue
        pairs = zip_longest(range(i1, i2), range(j1, j2))
        for i, j in pairs:
            if i is not None and j is not None:
                left, right = _mark_chars(old_lines[i], new_lines[j])
                rows.append(Row("replace", i + 1, j + 1, left, right))
            elif i is not None:
                rows.append(Row("delete", i + 1, None, f"<del>{escape(old_lines[i])}</del>", None))
            elif j is not None:
                rows.append(Row("insert", None, j + 1, None, f"<ins>{escape(new_lines[j])}</ins>"))
    return rows


def _cell(number: int | None, html: str | None, side: str) -> str:
    if html is None:
        return f'<td class="diff-num"></td><td class="diff-{side} diff-empty"></td>'
    return f'<td class="diff-num">{number}</td><td class="diff-{side}">{html}</td>'


def diff_html(old: str, new: str, *, old_label: str = "", new_label: str = "") -> str:
    """A side-by-side ``<table>`` comparing ``old`` with ``new``; empty string if equal."""
    rows = diff_rows(old, new)
    if all(row.kind == "equal" for row in rows):
        return ""
    body = "".join(
        f'<tr class="diff-{row.kind}">'
        + _cell(row.old_number, row.old_html, "old")
        + _cell(row.new_number, row.new_html, "new")
        + "</tr>"
        for row in rows
    )
    head = (
        f'<thead><tr><th colspan="2">{escape(old_label)}</th>'
        f'<th colspan="2">{escape(new_label)}</th></tr></thead>'
    )
    cols = '<colgroup><col class="num"><col><col class="num"><col></colgroup>'
    return f'<table class="diff">{cols}{head}<tbody>{body}</tbody></table>'
