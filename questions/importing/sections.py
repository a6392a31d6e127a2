"""Cutting interview notes into sections (pure: no Django).

``parse_document(file_name, text)``
    Reads one note (already decoded text; a BOM and CR/CRLF line ends are fine) into a
    :class:`ParsedNote`: its shape, its questions and study notes (:class:`Section`) and the
    parts skipped with the reason (:class:`Skipped`). Every non-blank line of the note lies in
    exactly one section or skipped part. The shape is detected from the structure of the note
    (:mod:`.outline`), never from its file name; questions without headings come from
    :mod:`.inline`, titles are cleaned by :mod:`.titles`.

``parse_note(file_name, text)``
    The sections alone (what loading the bank needs).

A section's ``end_line`` is its last non-blank line; ``original_text`` is the raw lines
``heading_line..end_line``; ``body`` is :func:`.normalise.normalise_markdown` of the answer (the
lines after the heading; for ``Q:``/``A:`` pairs without the answer marker, for a list item
dedented; for a question without a closing ``---`` rule). ``has_answer`` is False when
the body is empty or only a stub word (TODO, TBD, 待补充, 暂无 ... see ``_STUB_WORDS``).
``categories`` is the path of category headings above a question (innermost last) and
``number`` its number as written ("3.", "Q2"), both for tag suggestions and provenance.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

import yaml

from .inline import answer_lines
from .markup import is_blank, split_lines
from .normalise import normalise_markdown
from .outline import REASONS, Outline, Unit, outline
from .titles import clean_title, number_label

__all__ = ["ParsedNote", "Section", "Skipped", "clean_title", "parse_document", "parse_note"]


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
    categories: tuple[str, ...] = ()  # category path, outermost first
    number: str = ""  # the question's number as written in the note

    @property
    def provenance(self) -> str:
        """Where the section comes from: "RAG应用 › 3." or the title when it has neither."""
        return " › ".join([*self.categories, self.number or self.title])


@dataclass(frozen=True)
class Skipped:
    """A part of a note that is neither a question nor a study note, and why."""

    start_line: int  # 1-based
    end_line: int  # 1-based last non-blank line
    text: str  # what it is: a heading's title, "front matter", ...
    reason: str  # a key of outline.REASONS, or "stub"
    explanation: str


@dataclass(frozen=True)
class ParsedNote:
    file_name: str
    shape: str  # "headings", "html-headings", "details", "qa", "bold", "list", "paper", ...
    features: frozenset[str]  # "categories", "restart-numbering", "toc", "front-matter"
    sections: tuple[Section, ...]
    skipped: tuple[Skipped, ...]
    title: str = ""  # from the front matter or the document title
    tags: tuple[str, ...] = ()  # from the front matter

    @property
    def questions(self) -> list[Section]:
        """The practicable questions (an unanswered one is a stub, reported as skipped)."""
        return [s for s in self.sections if s.kind == "question" and s.has_answer]

    @property
    def notes(self) -> list[Section]:
        return [s for s in self.sections if s.kind == "note"]

    @property
    def stubs(self) -> list[Section]:
        return [s for s in self.sections if s.kind == "question" and not s.has_answer]

    def describe(self) -> str:
        """The shape in words, for the import report."""
        words = {
            "headings": "questions as Markdown headings",
            "html-headings": "questions as HTML headings",
            "qa": "Q/A pairs",
            "bold": "bold-line questions",
            "list": "numbered-list questions",
            "details": "questions in folded <details> blocks",
            "paper": "paper or blog notes (study notes)",
            "text": "text without headings (one study note)",
            "empty": "nothing to import",
        }
        extra = {
            "categories": "under category headings",
            "restart-numbering": "numbering restarts per category",
            "toc": "table of contents",
            "front-matter": "front matter",
        }
        return "; ".join([words[self.shape], *(extra[f] for f in sorted(self.features))])


_STUB_WORDS = (
    "todo|tbd|tba|fixme|wip|xxx|待补充|待完善|待更新|待整理|待续|未完待续|暂无|暂缺|略|空|无|"
    "同上|tobecontinued|tobedone|comingsoon"
)
_STUB = re.compile(rf"(?:{_STUB_WORDS})+")
_NON_WORD = re.compile(r"[\W_]+")


def _has_answer(body: str) -> bool:
    letters = _NON_WORD.sub("", body).casefold()
    return bool(letters) and _STUB.fullmatch(letters) is None


_HR = re.compile(r"^\s{0,3}(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,})$")


def _front_matter(lines: Sequence[str], span: tuple[int, int] | None) -> dict:
    if span is None:
        return {}
    try:
        data = yaml.safe_load("\n".join(lines[span[0] + 1 : span[1]]))
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def _last_line(lines: Sequence[str], unit: Unit) -> int:
    end = unit.stop - 1
    while end > unit.start and is_blank(lines[end]):
        end -= 1
    return end


def _section(file_name: str, lines: Sequence[str], unit: Unit, end: int) -> Section:
    raw_title = unit.raw_title
    if unit.inline is not None:
        body_lines = answer_lines(lines[unit.start : end + 1], unit.inline)
    elif unit.detail == "text":
        body_lines = list(lines[unit.start : end + 1])  # a note without headings
    else:
        body_lines = list(lines[unit.start + 1 : end + 1])
    if unit.kind == "question":
        # A rule closing the answer separates it from the next question: not answer text.
        while body_lines and (is_blank(body_lines[-1]) or _HR.match(body_lines[-1])):
            body_lines.pop()
    if not clean_title(raw_title):
        raw_title = file_name.rsplit(".", 1)[0] or "note"
    body = normalise_markdown("\n".join(body_lines)).strip("\n")
    return Section(
        kind=unit.kind,
        title=clean_title(raw_title),
        raw_title=raw_title,
        file_name=file_name,
        heading_line=unit.start + 1,
        end_line=end + 1,
        original_text="\n".join(lines[unit.start : end + 1]),
        body=body,
        has_answer=_has_answer(body),
        categories=unit.categories,
        number=number_label(raw_title) if unit.kind == "question" else "",
    )


def _shape(parsed: Outline, sections: Sequence[Section]) -> str:
    if parsed.shape != "questions":
        return {"notes": "paper" if "paper" in parsed.features else "text"}.get(
            parsed.shape, "empty"
        )
    for kind in ("details", "qa", "bold", "list"):
        if kind in parsed.markings:
            return kind
    return "html-headings" if "html" in parsed.markings else "headings"


def parse_document(file_name: str, text: str) -> ParsedNote:
    """Read one note; see the module docstring."""
    lines = split_lines(text.removeprefix("\ufeff"))
    parsed = outline(lines)
    sections: list[Section] = []
    skipped: list[Skipped] = []
    for unit in parsed.units:
        end = _last_line(lines, unit)
        if unit.kind == "skip":
            first = unit.start
            while first < end and is_blank(lines[first]):
                first += 1
            detail = unit.detail or clean_title(unit.raw_title)
            skipped.append(Skipped(first + 1, end + 1, detail, unit.reason, REASONS[unit.reason]))
        else:
            sections.append(_section(file_name, lines, unit, end))
    meta = _front_matter(lines, parsed.front_matter)
    features = set(parsed.features) - {"paper"}
    if parsed.front_matter is not None:
        features.add("front-matter")
    tags = meta.get("tags") or meta.get("categories") or ()
    if isinstance(tags, str):
        tags = re.split(r"[,，\s]+", tags)
    title = str(meta.get("title") or "")
    if not title:
        title = next((s.text for s in skipped if s.reason == "document-title"), "")
    return ParsedNote(
        file_name=file_name,
        shape=_shape(parsed, sections),
        features=frozenset(features),
        sections=tuple(sections),
        skipped=tuple(skipped),
        title=title,
        tags=tuple(str(t) for t in tags if str(t).strip())
        if isinstance(tags, list | tuple)
        else (),
    )


def parse_note(file_name: str, text: str) -> list[Section]:
    """The questions and study notes of one note, unanswered stubs included, in order."""
    return list(parse_document(file_name, text).sections)
