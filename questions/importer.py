"""Pure parsing of the Markdown interview notes in ``fixtures/`` (no ORM, stdlib only).

Three public steps, each a pure function of its input:

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
    raw lines ``heading_line..end_line``; ``body`` is :func:`normalise_markdown` of the lines
    after the heading. ``has_answer`` is False when the body is empty or only a stub word
    (TODO, TBD, 待补充, 暂无 ... see ``_STUB_WORDS``).

``clean_title(raw)``
    Strips real HTML tags (``<font ...>``), drops a leading section number (``1.``, ``28.``,
    ``3、``, ``0-1-1 ``, ``2.1 ``; never ``2021年`` or ``3.5-turbo``; so a title that starts
    with a bare version such as "3.5 Turbo" loses it), removes whitespace between two
    CJK characters or CJK punctuation, collapses ``？？``/``??`` into one, collapses other
    whitespace runs and strips. Whitespace between a Latin word and a CJK character is *kept*
    as written ("Multi-query Attention 与 Grouped-query Attention 区别是什么？" is unchanged):
    removing it would glue Latin words to Chinese text, and the editorial review quotes the
    titles that way.

``normalise_markdown(text)``
    Rewrites what Python-Markdown (``tables`` + ``fenced_code``) would otherwise mangle; see
    its docstring. It never changes the inside of fenced code, indented code, or ``$``/``$$``
    math.

``group_duplicates(sections)``
    See its docstring: exact duplicates by hash, near duplicates by a title-weighted
    similarity of CJK character bigrams and Latin words, compared only within blocks that share
    an informative title token.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "CANDIDATE_THRESHOLD",
    "LIST_SEPARATOR",
    "MAX_BLOCK_SIZE",
    "MERGE_THRESHOLD",
    "TITLE_WEIGHT",
    "Candidate",
    "Duplicate",
    "MergeGroup",
    "Section",
    "clean_title",
    "group_duplicates",
    "normalise_markdown",
    "parse_note",
]


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


@dataclass(frozen=True)
class Duplicate:
    section: Section
    match: str  # "exact" or "near"
    similarity: float  # 1.0 for exact


@dataclass(frozen=True)
class MergeGroup:
    canonical: Section
    duplicates: tuple[Duplicate, ...]


@dataclass(frozen=True)
class Candidate:
    """An unsure pair for an editor to confirm or dismiss; never merged automatically."""

    first: Section
    second: Section
    similarity: float


# --------------------------------------------------------------------------------------------
# Character classes and small helpers
# --------------------------------------------------------------------------------------------

_CJK_IDEOGRAPH = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# CJK symbols and punctuation (。、「」【】《》) and full-width forms (？，：（）！).
_CJK_PUNCT = "\u3000-\u303f\uff00-\uffef"
_CJK = _CJK_IDEOGRAPH + _CJK_PUNCT
_HAS_CJK_IDEOGRAPH = re.compile(f"[{_CJK_IDEOGRAPH}]")

# Tags written as real HTML in the notes (and common inline HTML). ``s`` and ``image`` are
# deliberately absent: in LLM notes ``<s>``/``</s>`` are BOS/EOS tokens and ``<Image, ...>`` is
# a data-format placeholder, both meant to be shown.
_HTML_TAGS = (
    "a|abbr|b|bdi|bdo|big|blockquote|br|caption|center|cite|code|col|colgroup|dd|del|details|"
    "dfn|div|dl|dt|em|figcaption|figure|font|h[1-6]|hr|i|img|ins|kbd|li|mark|ol|p|picture|pre|"
    "q|rp|rt|ruby|samp|section|small|source|span|strike|strong|sub|summary|sup|table|tbody|td|"
    "tfoot|th|thead|tr|tt|u|ul|var|video|audio|wbr"
)
_HTML_TAG = re.compile(rf"</?(?:{_HTML_TAGS})(?=[\s/>])[^<>]*>", re.IGNORECASE)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_AUTOLINK = re.compile(
    r"<(?:[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]*|[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+)>"
)
# A non-HTML ``<...>`` on one line, such as ``<STOP>`` or ``<Image, Caption>``.
_BARE_ANGLE = re.compile(r"<([^<>\n]{1,200})>")

_WS_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
_REPEATED_QUESTION_MARK = re.compile(r"([？?])[？?]+")
_WS_RUN = re.compile(r"\s+")
# "1." "28." "3、" "4)" not followed by a digit (so "3.5 Turbo" keeps its number), or a
# hierarchical number followed by a space: "0-1-1 ", "2.1 ", "2.3.1 ".
_LEADING_NUMBER = re.compile(r"^\s*(?:\d{1,4}\s*[.、．)）](?![\d.])|\d+(?:[.\-]\d+)+\.?\s)\s*")


def _expand_indent(line: str) -> tuple[int, str]:
    """Return (indent width with tab stops of 4, line with its leading tabs expanded)."""
    stripped = line.lstrip(" \t")
    lead = line[: len(line) - len(stripped)].expandtabs(4)
    return len(lead), lead + stripped


def _is_blank(line: str) -> bool:
    return not line.strip()


def _strip_html_tags(text: str) -> str:
    return _HTML_COMMENT.sub("", _HTML_TAG.sub("", text))


def clean_title(raw: str) -> str:
    """Clean a heading's text for display; see the module docstring for the rules."""
    title = html.unescape(_strip_html_tags(raw))
    title = _LEADING_NUMBER.sub("", title, count=1)
    title = _WS_BETWEEN_CJK.sub("", title)
    title = _REPEATED_QUESTION_MARK.sub(r"\1", title)
    return _WS_RUN.sub(" ", title).strip()


# --------------------------------------------------------------------------------------------
# Block scanning shared by the parser and the normaliser
# --------------------------------------------------------------------------------------------

_FENCE_OPEN = re.compile(r"^([ \t]*)(`{3,}|~{3,})(.*)$")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
_HTML_HEADING = re.compile(r"^\s*<h([1-6])(?:\s[^>]*)?>(.*?)</h\1\s*>\s*$", re.IGNORECASE)
_TEMPLATE_ROLE = re.compile(
    r"^ {0,3}#{1,6}[ \t]*(?:instruction|input|response|output|human|assistant|system|user|"
    r"context|question|answer|prompt)[ \t]*[:：]",
    re.IGNORECASE,
)
_LABEL_LINE = re.compile(r"^[A-Za-z][A-Za-z _-]{0,30}[:：]")


def _fence_close(lines: Sequence[str], start: int) -> int | None:
    """If ``lines[start]`` opens a fence that is closed later, return the closing index."""
    match = _FENCE_OPEN.match(lines[start])
    if match is None:
        return None
    marker = match.group(2)
    if marker[0] == "`" and "`" in match.group(3):
        return None  # ```foo` is an inline code span, not a fence (CommonMark)
    closing = re.compile(rf"^[ \t]*{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$")
    for index in range(start + 1, len(lines)):
        if closing.match(lines[index]):
            return index
    return None


def _fenced_lines(lines: Sequence[str]) -> list[bool]:
    """Mark every line that belongs to a closed fenced code block (fence lines included)."""
    inside = [False] * len(lines)
    index = 0
    while index < len(lines):
        close = _fence_close(lines, index)
        if close is None:
            index += 1
            continue
        for covered in range(index, close + 1):
            inside[covered] = True
        index = close + 1
    return inside


def _split_lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


# --------------------------------------------------------------------------------------------
# parse_note
# --------------------------------------------------------------------------------------------


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


def _numbering(raw: str) -> tuple[str, int, tuple[int, ...]] | None:
    """(separator, number of parts, the numbers) of a heading's leading section number."""
    text = html.unescape(_strip_html_tags(raw)).strip()
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
    fenced = _fenced_lines(lines)
    headings = []
    for index, line in enumerate(lines):
        if fenced[index] or _TEMPLATE_ROLE.match(line):
            continue
        if match := _HTML_HEADING.match(line):
            headings.append(_Heading(index, int(match.group(1)), match.group(2).strip(), True))
        elif match := _ATX.match(line):
            text = re.sub(r"(?:^|[ \t]+)#+$", "", match.group(2) or "").strip()
            headings.append(_Heading(index, len(match.group(1)), text, False))
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
    lines = _split_lines(text)
    kind, starts, boundaries = _section_starts(lines)
    start_set = set(starts)
    ordered = sorted(set(boundaries) | start_set)
    sections = []
    for position, index in enumerate(ordered):
        if index not in start_set:
            continue
        stop = ordered[position + 1] if position + 1 < len(ordered) else len(lines)
        end = stop - 1
        while end > index and _is_blank(lines[end]):
            end -= 1
        heading_line = lines[index]
        if match := _HTML_HEADING.match(heading_line):
            raw_title = match.group(2).strip()
        else:
            atx = _ATX.match(heading_line)
            assert atx is not None
            raw_title = re.sub(r"(?:^|[ \t]+)#+$", "", atx.group(2) or "").strip()
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


# --------------------------------------------------------------------------------------------
# normalise_markdown
# --------------------------------------------------------------------------------------------

_LIST_ITEM = re.compile(r"^([ \t]*)([-*+]|\d{1,9}[.)])([ \t]+|$)")
_THEMATIC_BREAK = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_TABLE_DELIMITER = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_CODE_HINT = re.compile(
    r"^\s*(?:#|//|/\*|\*/|import\s|from\s+\S+\s+import\s|def\s|class\s|return\b|print\(|"
    r"for\s|while\s|if\s.*:\s*$|[{}()\[\]]\s*$)|[;{]\s*$|\s==?\s|\w\([^()]*\)\s*$"
)
_MATH_BLOCK = re.compile(r"^\s*\$\$")
# Python-Markdown merges an ordered list and a following bullet list into one list; an empty
# HTML comment between them keeps them apart (it renders as nothing).
LIST_SEPARATOR = "<!-- -->"


def _list_item(line: str) -> re.Match[str] | None:
    if _THEMATIC_BREAK.match(line):
        return None
    return _LIST_ITEM.match(line)


def _split_code_and_math(line: str) -> list[tuple[bool, str]]:
    """Split a line into (protected, text) runs; inline code spans and $math$ are protected."""
    runs: list[tuple[bool, str]] = []
    plain_start = 0
    position = 0
    while position < len(line):
        char = line[position]
        if char == "\\":
            position += 2
            continue
        end = -1
        if char == "`":
            ticks = re.match(r"`+", line[position:])
            assert ticks is not None
            run = ticks.group(0)
            closing = re.compile(rf"(?<!`){run}(?!`)")
            found = closing.search(line, position + len(run))
            end = found.end() if found else -1
            if end < 0:
                position += len(run)
                continue
        elif char == "$":
            delimiter = "$$" if line.startswith("$$", position) else "$"
            found_at = line.find(delimiter, position + len(delimiter))
            if found_at > position + len(delimiter):  # non-empty math
                end = found_at + len(delimiter)
            else:
                position += len(delimiter)
                continue
        if end > 0:
            if plain_start < position:
                runs.append((False, line[plain_start:position]))
            runs.append((True, line[position:end]))
            plain_start = position = end
        else:
            position += 1
    if plain_start < len(line):
        runs.append((False, line[plain_start:]))
    return runs


def _escape_plain(text: str) -> str:
    """Escape ``<`` that does not start real HTML, a comment or an autolink."""
    out = []
    position = 0
    while position < len(text):
        char = text[position]
        if char != "<":
            out.append(char)
            position += 1
            continue
        for keep in (_HTML_COMMENT, _HTML_TAG, _AUTOLINK):
            match = keep.match(text, position)
            if match:
                out.append(match.group(0))
                position = match.end()
                break
        else:
            bare = _BARE_ANGLE.match(text, position)
            if bare:
                out.append(f"&lt;{bare.group(1)}&gt;")
                position = bare.end()
            else:
                out.append("&lt;")
                position += 1
    return "".join(out)


def _escape_angles(line: str) -> str:
    if "<" not in line:
        return line
    return "".join(
        text if protected else _escape_plain(text) for protected, text in _split_code_and_math(line)
    )


def _looks_like_prose(block: Sequence[str]) -> bool:
    """An indented block is prose (not code) when every line reads as Chinese text, a list item
    or an image, and no line looks like code."""
    content = [line.strip() for line in block if line.strip()]
    if not content or any(_CODE_HINT.search(line) for line in content):
        return False
    return all(
        _HAS_CJK_IDEOGRAPH.search(line) or _list_item(line) or line.startswith("![")
        for line in content
    )


def _table_cells(line: str) -> list[str] | None:
    if "\t" not in line or _is_blank(line):
        return None
    cells = [cell.strip() for cell in line.split("\t")]
    if sum(1 for cell in cells if cell) < 2:
        return None
    return cells


def _pipe_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(_escape_angles(cell).replace("|", r"\|") for cell in cells) + " |"


def _template_extent(lines: Sequence[str], start: int) -> int | None:
    """If a prompt template written as role headings starts at ``start``, return its last
    line index. It needs two role headings with at most three other lines between them."""
    roles = [start]
    index = start + 1
    others = 0
    while index < len(lines) and others <= 3:
        line = lines[index]
        if _TEMPLATE_ROLE.match(line):
            roles.append(index)
            others = 0
        elif _ATX.match(line) or _fence_close(lines, index) is not None:
            break
        elif not _is_blank(line):
            others += 1
        index += 1
    if len(roles) < 2:
        return None
    end = roles[-1]
    while end + 1 < len(lines) and not _is_blank(lines[end + 1]):
        end += 1  # the last role's own text, e.g. "### Response:\n{output}"
    after = end + 1
    while after < len(lines) and _is_blank(lines[after]):
        after += 1
    if after < len(lines) and _LABEL_LINE.match(lines[after]) and not _ATX.match(lines[after]):
        end = after  # a trailing "Complete: ..." belongs to the template
        while end + 1 < len(lines) and not _is_blank(lines[end + 1]):
            end += 1
    return end


def _fence_for(block: Sequence[str]) -> str:
    longest = max((len(m.group(0)) for line in block for m in re.finditer(r"`+", line)), default=0)
    return "`" * max(3, longest + 1)


class _Normaliser:
    """One pass over the lines; ``out`` collects the result, ``raw`` the source of each line."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.out: list[str] = []
        self.raw: list[str | None] = []  # the input line behind each output line, if any
        self.list_indents: list[int] = []  # original indent of the open item at each level
        self.top_ordered: bool | None = None  # kind of the top-level list still open

    @property
    def in_list(self) -> bool:
        return bool(self.list_indents)

    def emit(self, line: str, raw: str | None = None) -> None:
        self.out.append(line)
        self.raw.append(raw)

    def last_blank(self) -> bool:
        return not self.out or _is_blank(self.out[-1])

    def blank(self) -> None:
        if not self.last_blank():
            self.emit("")

    def block_break(self) -> None:
        """A non-list block follows: any open list ends here."""
        self.list_indents = []
        self.top_ordered = None

    def run(self) -> list[str]:
        ends_blank = _is_blank(self.lines[-1])
        index = 0
        while index < len(self.lines):
            index = self.step(index)
        while not ends_blank and self.out and _is_blank(self.out[-1]):
            self.out.pop()  # blank lines added after a final table or template
        return self.out

    def step(self, index: int) -> int:
        """Consume the block starting at ``index``; return the index after it."""
        line = self.lines[index]
        for rule in (self.fence, self.math_block, self.template, self.tab_table):
            after = rule(index)
            if after is not None:
                return after
        if _is_blank(line):
            if not (self.out and self.out[-1] == "" and self.raw[-1] is None):
                self.emit("", line)  # (an inserted blank line already separates the blocks)
            return index + 1
        width, expanded = _expand_indent(line)
        if width >= 4 and not self.in_list and self.last_blank():
            return self.indented_block(index)
        item = _list_item(line)
        if item is not None:
            self.list_item(width, expanded, item, line)
            return index + 1
        if self.in_list and width > 0:
            # continuation of the deepest open item indented less than this line
            owner = 0
            for level, item_indent in enumerate(self.list_indents):
                if item_indent < width:
                    owner = level
            self.emit(" " * (4 * (owner + 1)) + _escape_angles(expanded.lstrip()), line)
            return index + 1
        if self.in_list or self.starts_pipe_table(index):
            # A column-0 line after a list starts a new paragraph in these notes (Python-
            # Markdown would glue it to the last item); a pipe table must start a block.
            self.blank()
        self.block_break()
        self.emit(_escape_angles(line), line)
        return index + 1

    def starts_pipe_table(self, index: int) -> bool:
        following = self.lines[index + 1] if index + 1 < len(self.lines) else ""
        return (
            self.lines[index].lstrip().startswith("|")
            and "-" in following
            and _TABLE_DELIMITER.match(following) is not None
        )

    def fence(self, index: int) -> int | None:
        close = _fence_close(self.lines, index)
        if close is None:
            return None
        # Python-Markdown only sees fences at column 0: move an indented fence (in a list item)
        # and its content left by the fence's own indentation, as CommonMark does.
        indent = _expand_indent(self.lines[index])[0]
        self.block_break()
        for raw in self.lines[index : close + 1]:
            spaces = len(raw) - len(raw.lstrip(" "))
            if spaces >= indent:
                self.emit(raw[indent:], raw)
            else:
                width, expanded = _expand_indent(raw)
                self.emit(expanded[min(indent, width) :], raw)
        return close + 1

    def math_block(self, index: int) -> int | None:
        line = self.lines[index]
        if not _MATH_BLOCK.match(line) or line.count("$$") != 1:
            return None
        for end in range(index + 1, len(self.lines)):
            if "$$" in self.lines[end]:
                for raw in self.lines[index : end + 1]:
                    self.emit(raw, raw)
                return end + 1
        return None

    def template(self, index: int) -> int | None:
        if not _TEMPLATE_ROLE.match(self.lines[index]):
            return None
        end = _template_extent(self.lines, index)
        if end is None:
            return None
        # A labelled "Prompt: ..." paragraph right before the roles belongs to the template.
        last = len(self.out) - 1
        while last >= 0 and _is_blank(self.out[last]):
            last -= 1
        first = last
        while first > 0 and not _is_blank(self.out[first - 1]):
            first -= 1
        pulled: list[str] = []
        sources = self.raw[first:] if last >= 0 else []
        if sources and all(s is not None for s in sources) and _LABEL_LINE.match(sources[0] or ""):
            pulled = [s or "" for s in sources]
            del self.out[first:]
            del self.raw[first:]
        block = [*pulled, *self.lines[index : end + 1]]
        fence = _fence_for(block)
        self.block_break()
        self.blank()
        self.emit(f"{fence}text")
        for raw in block:
            self.emit(raw, raw)
        self.emit(fence)
        self.emit("")
        return end + 1

    def tab_table(self, index: int) -> int | None:
        cells = _table_cells(self.lines[index])
        if cells is None:
            return None
        rows = [cells]
        end = index + 1
        while end < len(self.lines):
            row = _table_cells(self.lines[end])
            if row is None or len(row) != len(cells):
                break
            rows.append(row)
            end += 1
        if len(rows) < 2:
            return None
        self.block_break()
        self.blank()
        self.emit(_pipe_row(rows[0]))
        self.emit("| " + " | ".join("---" for _ in cells) + " |")
        for row in rows[1:]:
            self.emit(_pipe_row(row))
        self.emit("")
        return end

    def indented_block(self, index: int) -> int:
        lines = self.lines
        end = index
        while end < len(lines) and (_is_blank(lines[end]) or _expand_indent(lines[end])[0] >= 4):
            end += 1
        while end > index and _is_blank(lines[end - 1]):
            end -= 1
        block = lines[index:end]
        if not _looks_like_prose(block):
            self.block_break()
            for raw in block:
                self.emit(raw, raw)  # a real indented code block: untouched
            return end
        # Accidental indentation: dedent the block and read it again as Markdown.
        shift = min(_expand_indent(line)[0] for line in block if not _is_blank(line))
        dedented = [_expand_indent(line)[1][shift:] if line.strip() else "" for line in block]
        self.lines = [*lines[:index], *dedented, *lines[end:]]
        return index

    def list_item(self, width: int, expanded: str, item: re.Match[str], raw: str) -> None:
        ordered = item.group(2)[0].isdigit()
        if not self.in_list:
            self.blank()  # a list right after a paragraph line needs a blank line
            self.list_indents = [width]
        else:
            while self.list_indents and width < self.list_indents[-1]:
                self.list_indents.pop()
            if not self.list_indents:
                self.list_indents = [width]
            elif width > self.list_indents[-1]:
                self.list_indents.append(width)
        if len(self.list_indents) == 1:
            if self.top_ordered is not None and self.top_ordered != ordered:
                self.blank()
                self.emit(LIST_SEPARATOR)
                self.emit("")
            self.top_ordered = ordered
        level = len(self.list_indents) - 1
        self.emit(" " * (4 * level) + _escape_angles(expanded.lstrip()), raw)


def normalise_markdown(text: str) -> str:
    """Rewrite note Markdown so that Python-Markdown renders it as the author meant.

    Outside fenced code, indented code and ``$``/``$$`` math:

    * a list that starts right after a paragraph line gets a blank line before it;
    * a column-0 paragraph line right after a list item starts a new paragraph (blank line
      inserted) instead of being glued to the item;
    * nested list items indented by 2, 3, 5 or 6 spaces are re-indented to 4 per level, and
      their continuation lines to the content column of their item;
    * an ordered list directly followed by a bullet list is separated by ``LIST_SEPARATOR``
      (an empty HTML comment): Python-Markdown would merge them into one list;
    * a fenced block indented inside a list item is moved to column 0 (its content keeps its
      indentation relative to the fence): Python-Markdown only recognises fences at column 0;
    * an indented (4+ spaces or a tab) block after a blank line, outside a list, whose lines
      all read as Chinese prose, list items or images and none as code, is dedented;
    * a prompt template written as role headings (``### Instruction:`` / ``### Input:`` /
      ``### Response:``, two or more within a few lines), together with a labelled ``Prompt:``
      paragraph right before it and a ``Complete:`` paragraph right after it, is wrapped in a
      fenced ``text`` block;
    * two or more consecutive lines with the same number of tab-separated cells become a pipe
      table (a blank line is added before any pipe table);
    * a ``<`` that does not start real HTML (``<sup>``, ``<br>``, ``<font>``, ``<img>`` ...), an
      HTML comment or an autolink (``<https://...>``) is escaped, with its closing ``>``:
      ``<STOP>`` becomes ``&lt;STOP&gt;``. Inline code spans are left alone.

    Every non-whitespace character of the input is kept, in order; only ``<``/``>`` may become
    ``&lt;``/``&gt;`` and markup (blank lines, fences, pipes, ``LIST_SEPARATOR``) is added.
    """
    return "\n".join(_Normaliser(_split_lines(text)).run())


# --------------------------------------------------------------------------------------------
# group_duplicates
# --------------------------------------------------------------------------------------------

# Similarity = TITLE_WEIGHT * title similarity + (1 - TITLE_WEIGHT) * answer similarity (both
# Dice coefficients over CJK character bigrams and Latin words, after dropping interview filler
# such as 请/介绍下/是什么 from titles), or the title similarity alone when either side has no
# answer. Answers to the same question written by different authors share few bigrams (0.1-0.4
# on the fixtures), which is why the title weighs most. Measured on the fixtures:
# * the same question asked twice scores 0.83-0.88 ("介绍下Lora" / "请说下你对Lora的理解",
#   "请介绍下PEFT" / "请解释PEFT", "什么是量化？" / "请解释下量化");
# * rephrased repeats score 0.47-0.61 ("介绍下Transformer" / "简要介绍下Transformer架构",
#   "解释一下大模型的涌现能力？" / "涌现能力是啥原因？");
# * the highest pair of *different* questions scores 0.65 ("为什么需要RAG？" /
#   "为什么需要Reranker？"), then 0.61 ("介绍下P-Tuning v1" / "介绍下P-Tuning v2").
TITLE_WEIGHT = 0.8
# At or above: merged automatically. Between the highest different pair (0.65) and the lowest
# true repeat (0.83), with room on both sides.
MERGE_THRESHOLD = 0.75
# At or above (and below MERGE_THRESHOLD): listed as a Candidate for an editor. Catches the
# rephrased repeats down to 0.47 at the price of a few topic neighbours (幻觉 questions) that an
# editor dismisses.
CANDIDATE_THRESHOLD = 0.45
# Title tokens shared by more sections than this are too common to identify a duplicate; they
# do not form comparison blocks (keeps the near pass bounded on a large bank).
MAX_BLOCK_SIZE = 200

# Interview phrasing that carries no topic ("请介绍下", "说下你对...的理解", "是什么").
_FILLER = re.compile(
    "请|简要|简单|详细|介绍一下|介绍下|介绍|说一下|说下|谈谈|讲讲|解释一下|解释下|解释|你对|的理解|"
    "什么是|是什么|是啥|进行|一下|方法|技术|有哪些|哪些|吗|呢"
)
_LATIN_WORD = re.compile(r"[a-z0-9]+")
_CJK_RUN = re.compile(f"[{_CJK_IDEOGRAPH}]+")
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_NUMBER_IN_WORD = re.compile(r"\d+")
_IMAGE_OR_LINK_TARGET = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|<[^>]*>|https?://\S+")


def _tokens(text: str) -> list[str]:
    """Latin words (lower-cased, split at punctuation) and CJK character bigrams (a lone CJK
    character is its own token)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    tokens = _LATIN_WORD.findall(text)
    for run in _CJK_RUN.findall(text):
        if len(run) == 1:
            tokens.append(run)
        tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
    return tokens


def _title_tokens(title: str) -> frozenset[str]:
    return frozenset(t for t in _tokens(_FILLER.sub(" ", title)) if not _YEAR.match(t))


def _body_tokens(body: str) -> frozenset[str]:
    return frozenset(_tokens(_IMAGE_OR_LINK_TARGET.sub(r" \1 ", body)))


def _dice(first: frozenset[str], second: frozenset[str]) -> float:
    if not first or not second:
        return 0.0
    return 2 * len(first & second) / (len(first) + len(second))


def _numbers(tokens: Iterable[str]) -> frozenset[str]:
    return frozenset(n for t in tokens for n in _NUMBER_IN_WORD.findall(t))


class _Profile:
    """A section's tokens for comparison. The answer's tokens are computed on first use:
    most sections are never compared with another one (the blocks keep the pass bounded),
    and tokenising 100,000 answers up front dominated the time on a large bank."""

    __slots__ = ("_body", "numbers", "section", "title")

    def __init__(self, section: Section) -> None:
        self.section = section
        self.title = _title_tokens(section.title)
        self.numbers = _numbers(self.title)
        self._body: frozenset[str] | None = None

    @property
    def body(self) -> frozenset[str]:
        if self._body is None:
            self._body = _body_tokens(self.section.body)
        return self._body


def _profile(section: Section) -> _Profile:
    return _Profile(section)


def _similarity(first: _Profile, second: _Profile) -> float:
    title = _dice(first.title, second.title)
    if not (first.section.has_answer and second.section.has_answer):
        return title
    return TITLE_WEIGHT * title + (1 - TITLE_WEIGHT) * _dice(first.body, second.body)


def _similarity_from(first: _Profile, second: _Profile, floor: float) -> float:
    """:func:`_similarity`, or 0.0 when it is certainly below ``floor``: the answers are only
    tokenised when even identical answers could lift the title's score to ``floor``."""
    title = _dice(first.title, second.title)
    if not (first.section.has_answer and second.section.has_answer):
        return title
    if TITLE_WEIGHT * title + (1 - TITLE_WEIGHT) * 1.0 < floor:
        return 0.0
    return TITLE_WEIGHT * title + (1 - TITLE_WEIGHT) * _dice(first.body, second.body)


def _conflicting_numbers(first: _Profile, second: _Profile) -> bool:
    """ "P-Tuning v1" and "P-Tuning v2" are different questions however similar they read."""
    return bool(first.numbers and second.numbers and first.numbers != second.numbers)


def _whitespace_free(text: str) -> str:
    # str.split() cuts at exactly the characters r"\s" matches (str.isspace()), several
    # times faster than _WS_RUN.sub("", text) on 100,000 answers.
    return "".join(text.split())


def _canonical_order(section: Section) -> tuple[bool, int, str, int]:
    answer_length = len(_whitespace_free(section.body))
    return (not section.has_answer, -answer_length, section.file_name, section.heading_line)


def _position(section: Section) -> tuple[str, int]:
    return section.file_name, section.heading_line


def group_duplicates(sections: Sequence[Section]) -> tuple[list[MergeGroup], list[Candidate]]:
    """Merge duplicate sections and list unsure pairs.

    * Only sections of the same ``kind`` are ever compared.
    * Exact pass (a hash, O(n)): sections with the same cleaned title and the same body after
      removing all whitespace are exact duplicates. A section without an answer is also an
      exact duplicate of an answered section with the same title (it adds nothing).
    * Near pass: one representative per exact group; pairs are compared only when they share a
      title token held by at most ``MAX_BLOCK_SIZE`` sections. Pairs scoring at least
      ``MERGE_THRESHOLD`` are merged (single linkage, highest score first) unless their titles
      carry different numbers ("v1"/"v2"), which makes them candidates instead; pairs scoring
      at least ``CANDIDATE_THRESHOLD`` become :class:`Candidate` objects between the canonical
      sections of the two final groups (the highest score per pair of groups).
    * The canonical section of a group is the one with an answer and the longest body (not
      counting whitespace); ties go to the file name, then the heading line. Every other
      section is a :class:`Duplicate`:
      ``"exact"`` (similarity 1.0) when it is an exact duplicate of the canonical, otherwise
      ``"near"`` with its similarity to the canonical.

    Groups are returned in source order of their canonical section; singletons are groups with
    no duplicates, so every input section appears exactly once.
    """
    exact_groups: dict[tuple[str, str, str], list[Section]] = defaultdict(list)
    stubs: list[Section] = []
    for section in sections:
        if section.has_answer:
            key = (section.kind, _whitespace_free(section.title), _whitespace_free(section.body))
            exact_groups[key].append(section)
        else:
            stubs.append(section)
    by_title: dict[tuple[str, str], tuple[str, str, str]] = {}
    for key in sorted(exact_groups, key=lambda k: min(map(_position, exact_groups[k]))):
        by_title.setdefault(key[:2], key)
    stub_only: dict[tuple[str, str], list[Section]] = defaultdict(list)
    for stub in stubs:
        title_key = (stub.kind, _whitespace_free(stub.title))
        if title_key in by_title:
            exact_groups[by_title[title_key]].append(stub)
        else:
            stub_only[title_key].append(stub)
    clusters = [sorted(members, key=_canonical_order) for members in exact_groups.values()]
    clusters += [sorted(members, key=_canonical_order) for members in stub_only.values()]
    clusters.sort(key=lambda members: _position(members[0]))

    profiles = [_profile(members[0]) for members in clusters]
    parent = list(range(len(clusters)))

    def find(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    for number, profile in enumerate(profiles):
        for token in profile.title:
            blocks[(profile.section.kind, token)].append(number)
    pairs: set[tuple[int, int]] = set()
    for block in blocks.values():
        if len(block) > MAX_BLOCK_SIZE:
            continue
        for position, first in enumerate(block):
            pairs.update((first, second) for second in block[position + 1 :])

    scored = []
    for first, second in pairs:
        score = _similarity_from(profiles[first], profiles[second], CANDIDATE_THRESHOLD)
        if score >= CANDIDATE_THRESHOLD:
            scored.append((score, first, second))
    scored.sort(key=lambda item: (-item[0], item[1], item[2]))
    unsure = []
    for score, first, second in scored:
        mergeable = score >= MERGE_THRESHOLD and not _conflicting_numbers(
            profiles[first], profiles[second]
        )
        if mergeable:
            parent[find(second)] = find(first)
        else:
            unsure.append((score, first, second))

    merged: dict[int, list[int]] = defaultdict(list)
    for number in range(len(clusters)):
        merged[find(number)].append(number)

    groups: list[MergeGroup] = []
    canonical_of: dict[int, Section] = {}
    for root, numbers in merged.items():
        if len(numbers) == 1 and len(clusters[numbers[0]]) == 1:  # most sections: no duplicate
            canonical = clusters[numbers[0]][0]
            groups.append(MergeGroup(canonical, ()))
            canonical_of[root] = canonical
            continue
        members = [section for number in numbers for section in clusters[number]]
        canonical = min(members, key=_canonical_order)
        home = next(n for n in numbers if canonical in clusters[n])
        canonical_profile: _Profile | None = None
        duplicates = []
        for section in sorted(members, key=_position):
            if section is canonical:
                continue
            if section in clusters[home]:
                duplicates.append(Duplicate(section, "exact", 1.0))
            else:
                canonical_profile = canonical_profile or _profile(canonical)
                score = round(_similarity(canonical_profile, _profile(section)), 4)
                duplicates.append(Duplicate(section, "near", score))
        groups.append(MergeGroup(canonical, tuple(duplicates)))
        canonical_of[root] = canonical
    groups.sort(key=lambda group: _position(group.canonical))

    best: dict[tuple[int, int], float] = {}
    for score, first, second in unsure:
        roots = (find(first), find(second))
        if roots[0] == roots[1]:
            continue
        pair = (min(roots), max(roots))
        best[pair] = max(best.get(pair, 0.0), score)
    candidates = []
    for (first_root, second_root), score in best.items():
        first_section, second_section = sorted(
            (canonical_of[first_root], canonical_of[second_root]), key=_position
        )
        candidates.append(Candidate(first_section, second_section, round(score, 4)))
    candidates.sort(key=lambda c: (-c.similarity, _position(c.first), _position(c.second)))
    return groups, candidates
