"""Rewriting the Markdown of the notes so that Python-Markdown renders it as the author meant
(pure: no Django): :func:`normalise_markdown`. It never changes the inside of fenced code,
indented code, or ``$``/``$$`` math.
"""

import re
from collections.abc import Sequence

from ..search.tokens import HAN
from .markup import (
    ATX,
    HTML_COMMENT,
    HTML_TAG,
    TEMPLATE_ROLE,
    fence_close,
    is_blank,
    split_lines,
)

_AUTOLINK = re.compile(
    r"<(?:[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]*|[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+)>"
)
# A non-HTML ``<...>`` on one line, such as ``<STOP>`` or ``<Image, Caption>``.
_BARE_ANGLE = re.compile(r"<([^<>\n]{1,200})>")
_LABEL_LINE = re.compile(r"^[A-Za-z][A-Za-z _-]{0,30}[:：]")
_HAS_HAN = re.compile(f"[{HAN}]")
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


def _expand_indent(line: str) -> tuple[int, str]:
    """Return (indent width with tab stops of 4, line with its leading tabs expanded)."""
    stripped = line.lstrip(" \t")
    lead = line[: len(line) - len(stripped)].expandtabs(4)
    return len(lead), lead + stripped


def _list_item(line: str) -> re.Match[str] | None:
    if _THEMATIC_BREAK.match(line):
        return None
    return _LIST_ITEM.match(line)


_CODE_OR_MATH_START = re.compile(r"[\\`$]")


def _split_code_and_math(line: str) -> list[tuple[bool, str]]:
    """Split a line into (protected, text) runs; inline code spans and $math$ are protected."""
    runs: list[tuple[bool, str]] = []
    plain_start = 0
    position = 0
    while position < len(line):
        # Only a backslash, a backtick or a dollar sign starts anything: skip to the next.
        special = _CODE_OR_MATH_START.search(line, position)
        if special is None:
            break
        position = special.start()
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
    while (angle := text.find("<", position)) >= 0:
        out.append(text[position:angle])
        position = angle
        for keep in (HTML_COMMENT, HTML_TAG, _AUTOLINK):
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
    out.append(text[position:])
    return "".join(out)


def _escape_angles(line: str) -> str:
    if "<" not in line:
        return line
    return "".join(
        text if protected else _escape_plain(text) for protected, text in _split_code_and_math(line)
    )


# Runs of asterisks: "**" opens or closes bold; "****" is an empty bold (or two bold runs
# written back to back, "**甲****乙**"), which Python-Markdown prints as literal stars.
_STARS = re.compile(r"\*+")
_IN_PAGE_LINK = re.compile(r"\[([^[\]\n]*)\]\(#([^)\s]*)\)")
_HTML_ID = re.compile(r"""(\sid=)(["'])(.*?)\2""", re.IGNORECASE)


def anchor_id(value: str) -> str:
    """An element id as the normaliser writes it: without whitespace (``id=" 2.甲 乙"`` and
    a link to ``#2.甲乙`` meet at ``2.甲-乙``)."""
    return "-".join(value.split())


def _fix_bold(text: str) -> str:
    """Join back-to-back bold runs and drop empty ones (``****``), and take the spaces out of
    ``** 甲 **`` so Python-Markdown makes it bold instead of printing the stars."""
    text = re.sub(r"(?<!\*)\*{4}(?!\*)", "", text)
    markers = [m for m in _STARS.finditer(text) if m.group(0) == "**"]
    if len(markers) % 2 or not markers:
        return text
    out = []
    position = 0
    for opening, closing in zip(markers[0::2], markers[1::2], strict=True):
        inner = text[opening.end() : closing.start()]
        if not inner.strip():
            continue
        out.append(text[position : opening.end()])
        out.append(inner.strip())
        position = closing.start()
    out.append(text[position:])
    return "".join(out)


def _fix_links(text: str, ids: frozenset[str]) -> str:
    """An in-page link to an id the answer holds points at its written form; one to nowhere
    (``[甲](#)``, a table of contents of other sections) keeps only its text."""

    def link(match: re.Match[str]) -> str:
        target = anchor_id(match.group(2))
        if target and target in ids:
            return f"[{match.group(1)}](#{target})"
        return match.group(1)

    text = _IN_PAGE_LINK.sub(link, text)
    return _HTML_ID.sub(
        lambda m: f"{m.group(1)}{m.group(2)}{anchor_id(m.group(3))}{m.group(2)}", text
    )


def _inline(line: str, ids: frozenset[str]) -> str:
    """A text line with angles escaped, bold markers and in-page links mended; inline code and
    math are left alone."""
    if _THEMATIC_BREAK.match(line):
        return line
    runs = _split_code_and_math(line)
    return "".join(
        text if protected else _fix_links(_fix_bold(_escape_plain(text)), ids)
        for protected, text in runs
    )


def _looks_like_prose(block: Sequence[str]) -> bool:
    """An indented block is prose (not code) when every line reads as Chinese text, a list item
    or an image, and no line looks like code."""
    content = [line.strip() for line in block if line.strip()]
    if not content or any(_CODE_HINT.search(line) for line in content):
        return False
    return all(
        _HAS_HAN.search(line) or _list_item(line) or line.startswith("![") for line in content
    )


def _table_cells(line: str) -> list[str] | None:
    if "\t" not in line or is_blank(line):
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
        if TEMPLATE_ROLE.match(line):
            roles.append(index)
            others = 0
        elif ATX.match(line) or fence_close(lines, index) is not None:
            break
        elif not is_blank(line):
            others += 1
        index += 1
    if len(roles) < 2:
        return None
    end = roles[-1]
    while end + 1 < len(lines) and not is_blank(lines[end + 1]):
        end += 1  # the last role's own text, e.g. "### Response:\n{output}"
    after = end + 1
    while after < len(lines) and is_blank(lines[after]):
        after += 1
    if after < len(lines) and _LABEL_LINE.match(lines[after]) and not ATX.match(lines[after]):
        end = after  # a trailing "Complete: ..." belongs to the template
        while end + 1 < len(lines) and not is_blank(lines[end + 1]):
            end += 1
    return end


def _fence_for(block: Sequence[str]) -> str:
    longest = max((len(m.group(0)) for line in block for m in re.finditer(r"`+", line)), default=0)
    return "`" * max(3, longest + 1)


class _Normaliser:
    """One pass over the lines; ``out`` collects the result, ``raw`` the source of each line."""

    def __init__(self, lines: list[str], ids: frozenset[str]) -> None:
        self.lines = lines
        self.ids = ids
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
        return not self.out or is_blank(self.out[-1])

    def blank(self) -> None:
        if not self.last_blank():
            self.emit("")

    def block_break(self) -> None:
        """A non-list block follows: any open list ends here."""
        self.list_indents = []
        self.top_ordered = None

    def run(self) -> list[str]:
        ends_blank = is_blank(self.lines[-1])
        index = 0
        while index < len(self.lines):
            index = self.step(index)
        while not ends_blank and self.out and is_blank(self.out[-1]):
            self.out.pop()  # blank lines added after a final table or template
        return self.out

    def step(self, index: int) -> int:
        """Consume the block starting at ``index``; return the index after it."""
        line = self.lines[index]
        for rule in (self.fence, self.math_block, self.template, self.tab_table):
            after = rule(index)
            if after is not None:
                return after
        if is_blank(line):
            if not (self.out and self.out[-1] == "" and self.raw[-1] is None):
                self.emit("", line)  # (an inserted blank line already separates the blocks)
            return index + 1
        width, expanded = _expand_indent(line)
        if width >= 4 and not self.in_list and self.last_blank():
            return self.indented_block(index)
        item = _list_item(line)
        if item is not None:
            if not item.group(2)[0].isdigit() and self.empty_item(index, item):
                return index + 1  # a bullet with nothing in it renders as an empty dot
            self.list_item(width, expanded, item, line)
            return index + 1
        if self.in_list and width > 0:
            # continuation of the deepest open item indented less than this line
            owner = 0
            for level, item_indent in enumerate(self.list_indents):
                if item_indent < width:
                    owner = level
            self.emit(" " * (4 * (owner + 1)) + _inline(expanded.lstrip(), self.ids), line)
            return index + 1
        if self.in_list or self.starts_pipe_table(index):
            # A column-0 line after a list starts a new paragraph in these notes (Python-
            # Markdown would glue it to the last item); a pipe table must start a block.
            self.blank()
        self.block_break()
        self.emit(_inline(line, self.ids), line)
        return index + 1

    def starts_pipe_table(self, index: int) -> bool:
        following = self.lines[index + 1] if index + 1 < len(self.lines) else ""
        return (
            self.lines[index].lstrip().startswith("|")
            and "-" in following
            and _TABLE_DELIMITER.match(following) is not None
        )

    def fence(self, index: int) -> int | None:
        close = fence_close(self.lines, index)
        if close is None:
            return None
        # Python-Markdown only sees fences at column 0: move an indented fence (in a list item)
        # and its content left by the fence's own indentation, as CommonMark does.
        indent = _expand_indent(self.lines[index])[0]
        self.block_break()
        # pymdownx.superfences opens a fence inside a paragraph, leaving an empty <p> and the
        # paragraph's text outside any element: blank lines around it make it a block.
        self.blank()
        for raw in self.lines[index : close + 1]:
            spaces = len(raw) - len(raw.lstrip(" "))
            if spaces >= indent:
                self.emit(raw[indent:], raw)
            else:
                width, expanded = _expand_indent(raw)
                self.emit(expanded[min(indent, width) :], raw)
        if close + 1 < len(self.lines) and not is_blank(self.lines[close + 1]):
            self.emit("")
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
        if not TEMPLATE_ROLE.match(self.lines[index]):
            return None
        end = _template_extent(self.lines, index)
        if end is None:
            return None
        # A labelled "Prompt: ..." paragraph right before the roles belongs to the template.
        last = len(self.out) - 1
        while last >= 0 and is_blank(self.out[last]):
            last -= 1
        first = last
        while first > 0 and not is_blank(self.out[first - 1]):
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
        while end < len(lines) and (is_blank(lines[end]) or _expand_indent(lines[end])[0] >= 4):
            end += 1
        while end > index and is_blank(lines[end - 1]):
            end -= 1
        block = lines[index:end]
        if not _looks_like_prose(block):
            self.block_break()
            for raw in block:
                self.emit(raw, raw)  # a real indented code block: untouched
            return end
        # Accidental indentation: dedent the block and read it again as Markdown.
        shift = min(_expand_indent(line)[0] for line in block if not is_blank(line))
        dedented = [_expand_indent(line)[1][shift:] if line.strip() else "" for line in block]
        self.lines = [*lines[:index], *dedented, *lines[end:]]
        return index

    def empty_item(self, index: int, item: re.Match[str]) -> bool:
        """Whether the bullet at ``index`` holds nothing: no text after its marker and no
        more-indented line after it."""
        if self.lines[index][item.end() :].strip():
            return False
        following = next((line for line in self.lines[index + 1 :] if not is_blank(line)), None)
        if following is None:
            return True
        return _expand_indent(following)[0] <= _expand_indent(self.lines[index])[0]

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
        self.emit(" " * (4 * level) + _inline(expanded.lstrip(), self.ids), raw)


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
      a fenced block gets a blank line before and after it;
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

    * bold markers are mended: spaces inside them go (``** 甲 **`` -> ``**甲**``), and an
      empty bold or two bold runs written back to back (``**甲****乙**``) lose the ``****``;
    * a bullet list item with nothing in it is dropped;
    * element ids lose their whitespace (:func:`anchor_id`); an in-page link ``[甲](#x)``
      whose target the answer does not hold (``#``, a table of contents of other sections)
      keeps only its text.

    Every non-whitespace character of the input is kept, in order, but for those mended
    markers (``*``, an empty bullet's marker, a dead link's ``[]()``); ``<``/``>`` may become
    ``&lt;``/``&gt;`` and markup (blank lines, fences, pipes, ``LIST_SEPARATOR``) is added.
    """
    lines = split_lines(text)
    ids = frozenset(anchor_id(m.group(3)) for m in _HTML_ID.finditer(text))
    return "\n".join(_Normaliser(lines, ids).run())
