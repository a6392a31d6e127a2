"""Headings, front matter and tables of contents in the lines of a note (pure): what
:mod:`.outline` builds a note's shape from."""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from .markup import ATX, TEMPLATE_ROLE, fenced_lines, strip_html_tags
from .titles import clean_title

_HTML_HEADING = re.compile(r"^\s*<h([1-6])(?:\s[^>]*)?>(.*?)</h\1\s*>\s*$", re.IGNORECASE)
_TOC_TITLES = frozenset({"目录", "目錄", "contents", "tableofcontents", "toc", "题目列表"})
_TOC_MARKER = re.compile(
    r"^\s*(?:\[\[?toc\]\]?|@\[toc\](?:\([^)]*\))?|\{:toc\}|<!--\s*toc\s*-->)\s*$", re.IGNORECASE
)
_ANCHOR_LINK = re.compile(r"\[[^\]]*\]\(#[^)]*\)")
_LIST_MARK = re.compile(r"^\s*(?:[-*+]|\d+[.)、])\s+")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_FRONT_MATTER_KEY = re.compile(r"^[A-Za-z_][\w-]*\s*:")


@dataclass(frozen=True)
class Heading:
    index: int  # 0-based line index
    level: int
    raw: str
    html: bool

    @property
    def empty(self) -> bool:
        return not clean_title(self.raw)


def heading_at(index: int, line: str) -> Heading | None:
    """The HTML or ATX heading on ``line`` (at ``index``), if it is one."""
    if match := _HTML_HEADING.match(line):
        return Heading(index, int(match.group(1)), match.group(2).strip(), True)
    if match := ATX.match(line):
        text = re.sub(r"(?:^|[ \t]+)#+$", "", match.group(2) or "").strip()
        return Heading(index, len(match.group(1)), text, False)
    return None


def find_headings(lines: Sequence[str], start: int = 0) -> list[Heading]:
    fenced = fenced_lines(lines)
    headings = []
    for index in range(start, len(lines)):
        line = lines[index]
        if fenced[index] or TEMPLATE_ROLE.match(line):
            continue
        if heading := heading_at(index, line):
            headings.append(heading)
    return headings


def front_matter_end(lines: Sequence[str]) -> int | None:
    """The index of the closing ``---`` of YAML front matter opening the note, if any."""
    if not lines or lines[0].strip() != "---":
        return None
    for index in range(1, min(len(lines), 200)):
        if lines[index].strip() in {"---", "..."}:
            body = [line for line in lines[1:index] if line.strip()]
            if body and _FRONT_MATTER_KEY.match(body[0]):
                return index
            return None
    return None


@lru_cache(maxsize=65536)
def is_toc_title(raw: str) -> bool:
    return re.sub(r"\s", "", clean_title(raw)).casefold() in _TOC_TITLES


def is_toc_block(lines: Sequence[str]) -> bool:
    """Whether the non-blank lines are a table of contents: a ``[TOC]`` marker, or a list or
    table of in-page links (at least one link per line, table rules and headers allowed)."""
    content = [line for line in lines if line.strip()]
    if not content:
        return False
    if all(_TOC_MARKER.match(line) for line in content):
        return True
    links = 0
    for line in content:
        if _TABLE_RULE.match(line):
            continue
        if _ANCHOR_LINK.search(line):
            links += 1
            rest = _ANCHOR_LINK.sub("", _LIST_MARK.sub("", line))
            if re.sub(
                r"[|\s\-*+.:：、\d]", "", strip_html_tags(rest)
            ) and not rest.strip().startswith("|"):
                return False
        elif not line.strip().startswith("|"):
            return False
    return links >= 1
