"""The structure of one note: which lines are questions, study notes or skipped (pure).

:func:`outline` turns the lines of a note into :class:`Unit` objects that together cover
every line exactly once (blank lines at the edges of a unit aside). The shape is decided
from the structure of the note, never from its name or from known files:

1. *Front matter* (``---`` YAML ``---`` at the very top) is metadata, never a question.
2. *Headings* are Markdown ATX headings ``#``...``######`` (outside fenced code; prompt
   template roles such as ``### Instruction:`` are not headings) and HTML ``<h1>``...``<h6>``
   lines, with any attributes; both kinds nest into one outline by level.
3. *Paper and blog notes*: if the headings are numbered like sections of a paper (``# 1.`` /
   ``## 2.`` at different levels, or ``2.1``/``0-1-1`` hierarchies) and hardly any of them asks
   anything, or the note has paper sections (摘要/方法/实验/结论, Abstract/Method/...) under
   titles that ask nothing, every paper is one study note (see :func:`.papers.note_starts`).
4. *Questions* otherwise. Under each parent (the file, or a heading), the sub-headings of one
   level form a group that is either a group of questions or of categories, by majority: a
   heading with answer text and no sub-headings votes "question", a heading holding only
   sub-headings (or sub-headings after a short introduction) votes "category"; a tie is a
   question. In a question group every heading is a question and its sub-headings are part of
   its answer (``### 1. **损失缩放**`` under a question). In a category group every heading
   with sub-headings is a category: it becomes part of the category path (tag suggestions and
   provenance) of the questions below it; a heading in it without sub-headings is still a
   question. A single top-level heading above all others is the document title.
5. *Questions without headings*: the text under a heading that asks nothing (a category) or a
   note without headings may hold ``Q:``/``A:`` or ``问：``/``答：`` pairs, bold-line questions
   or numbered-list questions (:mod:`.inline`); these make the heading a category.
6. *Tables of contents* in any form are skipped: a heading titled 目录/Contents/TOC, a
   ``[TOC]`` marker, a list or table of in-page links (``[..](#..)``).
7. Everything else is skipped with its reason: text before the first question (preamble),
   a category's introduction, an empty heading and the text under it.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .headings import Heading, find_headings, front_matter_end, is_toc_block, is_toc_title
from .inline import InlineQuestion, find_inline_questions
from .markup import is_blank
from .papers import note_starts
from .titles import clean_title, looks_like_question, number_label

# Words of a document title ("大模型面试题整理"), as opposed to a category name.
_DOCUMENT_WORDS = re.compile(
    r"面试|题|整理|笔记|合集|汇总|大全|八股|interview|questions|notes|cheat\s*sheet", re.IGNORECASE
)
# A category's introduction at most this long (non-blank characters) still reads as one.
SHORT_INTRO = 400


@dataclass(frozen=True)
class Unit:
    """A run of lines ``start..stop-1`` that is one question, one study note or skipped."""

    kind: str  # "question", "note" or "skip"
    start: int
    stop: int
    raw_title: str = ""
    categories: tuple[str, ...] = ()
    inline: InlineQuestion | None = None
    reason: str = ""  # for "skip": one of the REASONS keys
    detail: str = ""  # for "skip": what it is, in a few words


REASONS = {
    "front-matter": "YAML front matter: metadata (title, tags), not a question",
    "toc": "table of contents",
    "document-title": "document title, no question",
    "category": "category heading: becomes the category (tag suggestion, provenance) of the "
    "questions below it, not a question",
    "preamble": "introductory text before the first question",
    "empty-heading": "empty heading (and the text under it)",
}


@dataclass
class Outline:
    units: list[Unit]
    shape: str  # "questions", "notes" or "empty"
    markings: set[str] = field(default_factory=set)  # "html", "atx", "details", "qa", ...
    features: set[str] = field(default_factory=set)  # "categories", "restart-numbering", ...
    front_matter: tuple[int, int] | None = None  # line indices first..last


# ---------------------------------------------------------------------------------------------
# The outline of a question note
# ---------------------------------------------------------------------------------------------


@dataclass
class _Node:
    heading: Heading | None  # None: the file itself
    start: int  # first line of the direct content
    stop: int  # end of the subtree (exclusive)
    children: list["_Node"] = field(default_factory=list)
    inline: list[InlineQuestion] = field(default_factory=list)
    inline_base: int = 0  # line index the inline questions' .line count from

    @property
    def level(self) -> int:
        return self.heading.level if self.heading else 0

    @property
    def content_stop(self) -> int:
        """End of the direct content: the first inline question or sub-heading."""
        if self.inline:
            return self.inline_base + self.inline[0].line
        return self.children[0].heading.index if self.children else self.stop  # type: ignore[union-attr]

    def title(self) -> str:
        return clean_title(self.heading.raw) if self.heading else ""


def _tree(lines: Sequence[str], headings: Sequence[Heading], begin: int) -> _Node:
    root = _Node(None, begin, len(lines))
    stack = [root]
    for heading in headings:
        while stack[-1].level >= heading.level:
            stack.pop().stop = heading.index  # a heading at its level or above ends it
        node = _Node(heading, heading.index + 1, len(lines))
        stack[-1].children.append(node)
        stack.append(node)
    return root


def _direct_lines(lines: Sequence[str], node: _Node) -> list[str]:
    stop = node.children[0].heading.index if node.children else node.stop  # type: ignore[union-attr]
    return list(lines[node.start : stop])


def _find_inline(lines: Sequence[str], node: _Node) -> None:
    if node.heading is not None and (
        node.heading.empty or is_toc_title(node.heading.raw) or looks_like_question(node.title())
    ):
        for child in node.children:
            _find_inline(lines, child)
        return
    block = _direct_lines(lines, node)
    if found := find_inline_questions(block):
        node.inline, node.inline_base = found, node.start
    for child in node.children:
        _find_inline(lines, child)


def _is_toc_node(tocs: set[int], node: _Node) -> bool:
    """A table of contents: titled so, or without sub-headings and opening one."""
    assert node.heading is not None
    return is_toc_title(node.heading.raw) or (not node.children and node.heading.index in tocs)


def _visible(lines: Sequence[str]) -> int:
    return sum(len(line.strip()) for line in lines)


class _Builder:
    def __init__(self, lines: Sequence[str], tocs: set[int]) -> None:
        self.lines = lines
        self.tocs = tocs
        self.units: list[Unit] = []
        self.features: set[str] = set()
        self.markings: set[str] = set()

    def skip(self, start: int, stop: int, reason: str, detail: str, raw: str = "") -> None:
        if any(not is_blank(line) for line in self.lines[start:stop]):
            self.units.append(Unit("skip", start, stop, raw, reason=reason, detail=detail))

    def question(self, start: int, stop: int, raw: str, path: tuple[str, ...], inline=None) -> None:
        self.units.append(Unit("question", start, stop, raw, path, inline))

    def intro(self, node: _Node, reason: str) -> None:
        """The heading of a category (or the file's preamble) and its direct content."""
        assert node.heading is not None or reason == "preamble"
        start = node.heading.index if node.heading else node.start
        stop = node.content_stop
        body = self.lines[node.start : stop]
        first = next((line.strip() for line in body if line.strip()), "")
        detail = node.title() or (first[:60] + ("…" if len(first) > 60 else ""))
        if is_toc_block(body):
            reason = "toc" if reason == "preamble" else reason
            detail = node.title() + " + table of contents" if node.title() else "table of contents"
        elif _visible(body) and node.heading is not None:
            detail += " (with an introduction)"
        self.skip(start, stop, reason, detail, node.heading.raw if node.heading else "")

    def inline_questions(self, node: _Node, path: tuple[str, ...]) -> None:
        stop_all = node.children[0].heading.index if node.children else node.stop  # type: ignore[union-attr]
        current = path
        for position, item in enumerate(node.inline):
            start = node.inline_base + item.line
            stop = (
                node.inline_base + node.inline[position + 1].line
                if position + 1 < len(node.inline)
                else stop_all
            )
            if item.kind == "category":
                self.features.add("categories")
                title = clean_title(item.raw_title)
                self.skip(start, stop, "category", title, item.raw_title)
                current = (*path, title)
                continue
            self.markings.add(item.kind)
            self.question(start, stop, item.raw_title, current, item)

    def visit(self, node: _Node, path: tuple[str, ...]) -> None:
        """Emit the units of ``node``'s children (its own heading is emitted by the caller)."""
        if node.inline:
            self.inline_questions(node, path)
        groups: dict[int, list[_Node]] = {}
        for child in node.children:
            groups.setdefault(child.level, []).append(child)
        for group in groups.values():
            voting = [
                c
                for c in group
                if not c.heading.empty and not _is_toc_node(self.tocs, c)  # type: ignore[union-attr]
            ]
            category_votes = sum(self._category_like(c) for c in voting)
            categories = category_votes * 2 > len(voting)
            current = path
            for position, child in enumerate(group):
                following = group[position + 1] if position + 1 < len(group) else None
                if not categories and self._flat_category(child, following):
                    self.features.add("categories")
                    self.intro(child, "category")
                    current = (*path, child.title())
                    continue
                self.child(node, child, current, categories=categories)

    def _flat_category(self, node: _Node, following: _Node | None) -> bool:
        """A category heading at the level of its questions ("<h1>一、RAG</h1>" followed by
        "<h1>1. 什么是 RAG？</h1>"): nothing under it, it asks nothing, and it is numbered
        一、/第一部分 or the question after it is number 1 (the numbering restarts)."""
        heading = node.heading
        assert heading is not None
        if (
            following is None
            or heading.empty
            or node.children
            or node.inline
            or _visible(self.lines[node.start : node.stop])
            or looks_like_question(node.title())
        ):
            return False
        label = number_label(heading.raw)
        if label and not re.search(r"\d", label):
            return True
        # A stub question ("Q4 DeepNorm") is followed by the next number, not by a 1.
        return re.sub(r"\D", "", number_label(following.heading.raw)) == "1"  # type: ignore[union-attr]

    def _category_like(self, node: _Node) -> bool:
        """A heading that reads as a category: it holds sub-headings or inline questions
        after at most a short introduction, asks nothing itself, and what it holds asks
        something, is numbered or holds more (a question's sub-headings such as "小结" do
        none of these)."""
        if node.inline:
            return True
        return (
            bool(node.children)
            and _visible(self.lines[node.start : node.content_stop]) <= SHORT_INTRO
            and not looks_like_question(node.title())
            and any(
                looks_like_question(child.title())
                or number_label(child.heading.raw)  # type: ignore[union-attr]
                or child.children
                or child.inline
                for child in node.children
            )
        )

    def child(self, parent: _Node, node: _Node, path: tuple[str, ...], *, categories: bool) -> None:
        heading = node.heading
        assert heading is not None
        if heading.empty:
            self.skip(heading.index, node.content_stop, "empty-heading", heading.raw)
            self.visit(node, path)
            return
        if _is_toc_node(self.tocs, node):
            self.skip(heading.index, node.content_stop, "toc", node.title())
            self.visit(node, path)
            return
        self.markings.add("html" if heading.html else "atx")
        if not (categories and (node.children or node.inline)):
            self.question(heading.index, node.stop, heading.raw, path)
            return
        if parent.heading is None and self._is_document_title(parent, node):
            self.intro(node, "document-title")
            self.visit(node, path)
            return
        self.features.add("categories")
        self.intro(node, "category")
        self.visit(node, (*path, node.title()))

    def _is_document_title(self, root: _Node, node: _Node) -> bool:
        real = [c for c in root.children if not c.heading.empty]  # type: ignore[union-attr]
        return (
            bool(real)
            and real[0] is node
            and all(c.level > node.level for c in real[1:])
            and not root.inline
            and not number_label(node.heading.raw)  # type: ignore[union-attr]
            and (node.level == 1 or bool(_DOCUMENT_WORDS.search(node.title())))
        )


def _restarts(units: Sequence[Unit]) -> bool:
    """Whether question numbers start again at 1 under at least two categories."""
    first: dict[tuple[str, ...], str] = {}
    for unit in units:
        if unit.kind == "question" and unit.categories:
            first.setdefault(unit.categories, number_label(unit.raw_title))
    return sum(bool(re.fullmatch(r"\D*0*1\D*", label)) for label in first.values()) >= 2


def outline(lines: Sequence[str]) -> Outline:
    """Cut ``lines`` into units; see the module docstring."""
    begin = 0
    units: list[Unit] = []
    front = front_matter_end(lines)
    if front is not None:
        units.append(Unit("skip", 0, front + 1, reason="front-matter", detail="front matter"))
        begin = front + 1
    headings = find_headings(lines, begin)
    real = [h for h in headings if not h.empty]

    tocs = _toc_headings(lines, headings)
    if real and (starts := note_starts([h for h in real if h.index not in tocs])):
        return _notes(lines, headings, tocs, starts, begin, units, front)

    root = _tree(lines, headings, begin)
    _find_inline(lines, root)
    builder = _Builder(lines, tocs)
    builder.units = units
    if not root.children and not root.inline:
        content = [line for line in lines[begin:] if line.strip()]
        if not content:
            return Outline(units, "empty", front_matter=_pair(front))
        if is_toc_block(content):
            builder.skip(begin, len(lines), "toc", "table of contents")
            return Outline(builder.units, "empty", front_matter=_pair(front))
        first = next(i for i in range(begin, len(lines)) if lines[i].strip())
        units.append(Unit("note", first, len(lines), lines[first].strip(), detail="text"))
        return Outline(units, "notes", {"text"}, front_matter=_pair(front))
    builder.intro(root, "preamble")
    builder.visit(root, ())
    result = sorted(builder.units, key=lambda u: u.start)
    features = set(builder.features)
    if _restarts(result):
        features.add("restart-numbering")
    if any(u.reason == "toc" or "table of contents" in u.detail for u in result):
        features.add("toc")
    return Outline(result, "questions", builder.markings, features, _pair(front))


def _pair(front: int | None) -> tuple[int, int] | None:
    return (0, front) if front is not None else None


def _toc_headings(lines: Sequence[str], headings: Sequence[Heading]) -> set[int]:
    """The line indices of the headings that open a table of contents."""
    found = set()
    for position, heading in enumerate(headings):
        stop = headings[position + 1].index if position + 1 < len(headings) else len(lines)
        if is_toc_title(heading.raw) or is_toc_block(lines[heading.index + 1 : stop]):
            found.add(heading.index)
    return found


def _notes(
    lines: Sequence[str],
    headings: Sequence[Heading],
    tocs: set[int],
    starts: Sequence[Heading],
    begin: int,
    units: list[Unit],
    front: int | None,
) -> Outline:
    """Study notes from ``starts``; tables of contents and empty headings at or above the
    notes' level end a note, text before the first note is skipped."""
    start_set = {h.index for h in starts}
    level = min(h.level for h in starts)
    boundaries = sorted(
        start_set
        | {
            h.index
            for h in headings
            if h.index not in start_set
            and (h.index in tocs or (h.level < level and not starts[0].index < h.index))
        }
    )
    if not boundaries or boundaries[0] > begin:
        first = boundaries[0] if boundaries else len(lines)
        units.append(
            Unit("skip", begin, first, reason="preamble", detail="text before the first note")
        )
    by_index = {h.index: h for h in headings}
    for position, index in enumerate(boundaries):
        stop = boundaries[position + 1] if position + 1 < len(boundaries) else len(lines)
        heading = by_index[index]
        if index in start_set:
            units.append(Unit("note", index, stop, heading.raw))
        elif index in tocs:
            units.append(
                Unit(
                    "skip", index, stop, heading.raw, reason="toc", detail=clean_title(heading.raw)
                )
            )
        else:
            units.append(
                Unit(
                    "skip",
                    index,
                    stop,
                    heading.raw,
                    reason="document-title",
                    detail=clean_title(heading.raw),
                )
            )
    units = [
        u
        for u in units
        if u.kind != "skip" or any(line.strip() for line in lines[u.start : u.stop])
    ]
    return Outline(
        units, "notes", {"html" if any(h.html for h in starts) else "atx"}, {"paper"}, _pair(front)
    )
