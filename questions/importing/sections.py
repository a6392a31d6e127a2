"""Cutting the Markdown interview notes in ``fixtures/`` into sections (pure: no Django).

``parse_note(file_name, text)``
    Splits one note into :class:`Section` objects. The shape is detected from the content,
    never from the file name:

    1. Headings are found outside fenced code blocks only (a fence is a line of three or more
       backticks or tildes *that has a matching closing line*; an unclosed fence is plain
       text, as in Python-Markdown). ATX headings need a space after the ``#`` run (CommonMark);
       ``#### `` with nothing after it is an *empty heading*. Headings that are prompt-template
       roles (``### Instruction:``, ``### Response:`` ...) are never section headings.
    2. If the note has HTML headings (``<h1 id=...>N.title</h1>``), only those split the note
       and every ``#`` heading stays in the answer. Otherwise the ``#`` headings are used.
    3. *Numbered notes*: if the first heading carries a section number and that numbering is
       hierarchical (``0-1-1``, ``2.3``) or the headings numbered that way sit at different
       heading levels (``# 1.`` / ``## 2.`` / ``### 3.``), the note is a paper/blog note. Each
       heading with the *same numbering pattern* (same separator, same number of parts) whose
       number is greater than the previous section's starts a ``"note"``; every other heading
       (``## Limitations``, ``## 0x11 ...``, ``#### 2.1 ...``, a later ``### 1. ...``)
       stays in the section body.
    4. *Questions* otherwise: the question level is the shallowest heading level used at least
       twice (or the only level used). Each non-empty heading at that level starts a
       ``"question"``; deeper headings (``### 1. **损失缩放**``) stay in the answer; empty or
       shallower headings end the previous question and start nothing.
    5. A table of contents (a heading whose body is only in-page anchor links such as
       ``- [1.xx](#1.xx)``, or titled 目录/Contents) starts nothing. Text before the first
       section and after an empty heading belongs to no section.

    ``end_line`` is the last non-blank line before the next boundary; ``original_text`` is the
    raw lines ``heading_line..end_line``; ``body`` is :func:`.normalise.normalise_markdown` of
    the lines after the heading. ``has_answer`` is False when the body is empty or only a stub
    word (TODO, TBD, 待补充, 暂无 ... see ``_STUB_WORDS``).

``clean_title(raw)``
    Strips real HTML tags (``<font ...>``), drops a leading section number (``1.``, ``28.``,
    ``3、``, ``0-1-1 ``, ``2.1 ``; never ``2021年`` or ``3.5-turbo``; so a title that starts
    with a bare version such as "3.5 Turbo" loses it), removes whitespace between two Han
    characters or CJK punctuation (the ranges of :mod:`questions.search.tokens`), collapses
    ``？？``/``??`` into one, collapses other whitespace runs and strips. Whitespace between a
    Latin word and a CJK character is *kept* as written ("Multi-query Attention 与
    Grouped-query Attention 区别是什么？" is unchanged): removing it would glue Latin words to
    Chinese text, and the editorial review quotes the titles that way.
"""

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..search.tokens import CJK_PUNCTUATION, HAN
from .markup import ATX, TEMPLATE_ROLE, fenced_lines, is_blank, split_lines, strip_html_tags
from .normalise import normalise_markdown


@dataclass(frozen=True)
class Section:
    """One question (or study note) cut out of a note file."""

    kind: str  # "question" or "note"
    title: str  # cleaned title
    raw_title: str  # heading text as written, without the '#'/<h1> markup
    file_name: str
    heading_line: int  # 1-based
    end_line: int  # 1-based last non-blank line of the section, >= heading_line
    original_text: str  # raw lines heading_line..end_line
    body: str  # normalised Markdown of the answer, heading excluded
    has_answer: bool


_HTML_HEADING = re.compile(r"^\s*<h([1-6])(?:\s[^>]*)?>(.*?)</h\1\s*>\s*$", re.IGNORECASE)
_WS_BETWEEN_CJK = re.compile(rf"(?<=[{HAN}{CJK_PUNCTUATION}])\s+(?=[{HAN}{CJK_PUNCTUATION}])")
_REPEATED_QUESTION_MARK = re.compile(r"([？?])[？?]+")
_WS_RUN = re.compile(r"\s+")
# "1." "28." "3、" "4)" not followed by a digit (so "3.5 Turbo" keeps its number), or a
# hierarchical number followed by a space: "0-1-1 ", "2.1 ", "2.3.1 ".
_LEADING_NUMBER = re.compile(r"^\s*(?:\d{1,4}\s*[.、．)）](?![\d.])|\d+(?:[.\-]\d+)+\.?\s)\s*")


def clean_title(raw: str) -> str:
    """Clean a heading's text for display; see the module docstring for the rules."""
    title = html.unescape(strip_html_tags(raw))
    title = _LEADING_NUMBER.sub("", title, count=1)
    title = _WS_BETWEEN_CJK.sub("", title)
    title = _REPEATED_QUESTION_MARK.sub(r"\1", title)
    return _WS_RUN.sub(" ", title).strip()


@dataclass(frozen=True)
class _Heading:
    index: int  # 0-based line index
    level: int
    raw: str
    html: bool

    @property
    def empty(self) -> bool:
        return not clean_title(self.raw)


# A section number: "1." / "4.LLM" (dot, 1 part), "2.1 " / "2.3.1" (dot, n parts),
# "0-1-1 " (dash, n parts), "1、" / "1)" (1 part).
_NUMBER_DOTTED = re.compile(r"^(\d+(?:\.\d+)+)\.?(?=\s|$|[^\d.])")
_NUMBER_DASHED = re.compile(r"^(\d+(?:-\d+)+)(?=\s|$)")
_NUMBER_SIMPLE = re.compile(r"^(\d{1,4})\s*([.、．)）])(?![\d.])")


def _heading(index: int, line: str) -> _Heading | None:
    """The HTML or ATX heading on ``line`` (at ``index``), if it is one."""
    if match := _HTML_HEADING.match(line):
        return _Heading(index, int(match.group(1)), match.group(2).strip(), True)
    if match := ATX.match(line):
        text = re.sub(r"(?:^|[ \t]+)#+$", "", match.group(2) or "").strip()
        return _Heading(index, len(match.group(1)), text, False)
    return None


def _numbering(raw: str) -> tuple[str, int, tuple[int, ...]] | None:
    """(separator, number of parts, the numbers) of a heading's leading section number."""
    text = html.unescape(strip_html_tags(raw)).strip()
    if match := _NUMBER_DOTTED.match(text):
        parts = tuple(int(p) for p in match.group(1).split("."))
        return ".", len(parts), parts
    if match := _NUMBER_DASHED.match(text):
        parts = tuple(int(p) for p in match.group(1).split("-"))
        return "-", len(parts), parts
    if match := _NUMBER_SIMPLE.match(text):
        separator = "." if match.group(2) in ".．" else match.group(2)
        return separator, 1, (int(match.group(1)),)
    return None


def _find_headings(lines: Sequence[str]) -> list[_Heading]:
    fenced = fenced_lines(lines)
    headings = []
    for index, line in enumerate(lines):
        if fenced[index] or TEMPLATE_ROLE.match(line):
            continue
        if heading := _heading(index, line):
            headings.append(heading)
    return headings


_TOC_TITLES = frozenset({"目录", "contents", "tableofcontents", "toc"})
_ANCHOR_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+\[[^\]]*\]\(#[^)]*\)\s*$")


def _is_toc(heading: _Heading, block: Sequence[str]) -> bool:
    if re.sub(r"\s", "", clean_title(heading.raw)).casefold() in _TOC_TITLES:
        return True
    content = [line for line in block if line.strip()]
    return bool(content) and all(_ANCHOR_ITEM.match(line) for line in content)


def _section_starts(lines: Sequence[str]) -> tuple[str, list[int], list[int]]:
    """Detect the note's shape: (kind, heading indices that start sections, boundaries).

    Boundaries are every heading index that ends the previous section (section starts
    included).
    """
    headings = _find_headings(lines)
    if any(h.html for h in headings):
        headings = [h for h in headings if h.html]
    if not headings:
        return "question", [], []

    def block(position: int) -> list[str]:
        end = headings[position + 1].index if position + 1 < len(headings) else len(lines)
        return list(lines[headings[position].index + 1 : end])

    tocs = {h.index for pos, h in enumerate(headings) if not h.empty and _is_toc(h, block(pos))}
    real = [h for h in headings if not h.empty and h.index not in tocs]
    if not real:
        return "question", [], sorted(tocs)

    first = _numbering(real[0].raw)
    if first is not None:
        separator, parts, _ = first
        same = [h for h in real if (n := _numbering(h.raw)) and n[:2] == (separator, parts)]
        if parts > 1 or len({h.level for h in same}) > 1:
            starts: list[int] = []
            previous: tuple[int, ...] = ()
            for heading in same:
                numbers = _numbering(heading.raw)
                assert numbers is not None
                if numbers[2] > previous:
                    starts.append(heading.index)
                    previous = numbers[2]
            return "note", starts, starts + sorted(tocs)

    levels = [h.level for h in real]
    repeated = [level for level in set(levels) if levels.count(level) > 1]
    level = min(repeated) if repeated else min(levels)
    starts = [h.index for h in real if h.level == level]
    boundaries = [h.index for h in headings if h.level <= level]
    return "question", starts, boundaries


_STUB_WORDS = (
    "todo|tbd|tba|fixme|wip|xxx|待补充|待完善|待更新|待整理|待续|未完待续|暂无|暂缺|略|空|无|"
    "同上|tobecontinued|tobedone|comingsoon"
)
_STUB = re.compile(rf"(?:{_STUB_WORDS})+")
_NON_WORD = re.compile(r"[\W_]+")


def _has_answer(body: str) -> bool:
    letters = _NON_WORD.sub("", body).casefold()
    return bool(letters) and _STUB.fullmatch(letters) is None


def parse_note(file_name: str, text: str) -> list[Section]:
    """Split one note into sections; see the module docstring for the shape rules."""
    lines = split_lines(text)
    kind, starts, boundaries = _section_starts(lines)
    start_set = set(starts)
    ordered = sorted(set(boundaries) | start_set)
    sections = []
    for position, index in enumerate(ordered):
        if index not in start_set:
            continue
        stop = ordered[position + 1] if position + 1 < len(ordered) else len(lines)
        end = stop - 1
        while end > index and is_blank(lines[end]):
            end -= 1
        heading = _heading(index, lines[index])
        assert heading is not None
        raw_title = heading.raw
        body = normalise_markdown("\n".join(lines[index + 1 : end + 1])).strip("\n")
        sections.append(
            Section(
                kind=kind,
                title=clean_title(raw_title),
                raw_title=raw_title,
                file_name=file_name,
                heading_line=index + 1,
                end_line=end + 1,
                original_text="\n".join(lines[index : end + 1]),
                body=body,
                has_answer=_has_answer(body),
            )
        )
    return sections
