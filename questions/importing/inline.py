"""Questions marked inside a block of text rather than by headings (pure: no Django).

:func:`find_inline_questions` looks at the lines of one block (the text under a category
heading, or a note without headings) for one of four markings and returns where each
question starts, or ``None`` when the block is not a run of questions:

``qa``
    ``Q:``/``A:`` (``Q1:``/``A1:``, ``Question:``/``Answer:``) or ``问：``/``答：`` lines, half- or
    full-width colons, optionally in bold, optionally inside a blockquote (``> **问：**``). A
    question line counts only when an answer line follows it before the next question line.
``bold``
    A line that is bold from end to end (``**1. 标题**``, ``__标题？__``), standing alone as a
    paragraph, whose text is numbered or asks something. A bold phrase at the start of a
    sentence (``**注意**：...``) is answer text.
``list``
    Top-level numbered list items (``1. 为什么...？``) that ask something, followed by their
    answer (indented continuation or following paragraphs). At least two, and most of them
    answered: a bare list of question titles is a table of contents or a to-do list.
``details``
    HTML disclosure blocks, the question in ``<summary>`` and the answer folded under it
    (``<details><summary>1. 什么是 KV Cache？</summary> ... </details>``), a common shape of
    notes on GitHub. The summary must be numbered or ask something: a folded code listing
    ("点击展开") is answer text.

Fenced code blocks are never looked into. When several markings occur, the one with the most
questions wins (ties: details, qa, bold, list). Lines such as ``一、RAG应用`` or ``**二、Agent**``
standing alone between the questions, numbered in order, are categories (kind
``category``): they head the questions after them.
"""

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .markup import fenced_lines, is_blank
from .titles import clean_title, looks_like_question

_QA_QUESTION = re.compile(
    r"^\s{0,3}(?:\*\*|__)?(?:Q|Question|问题?)\s*\d{0,3}\s*(?:\*\*|__)?\s*[:：]\s*(?:\*\*|__)?\s*(?P<text>\S.*)$",
    re.IGNORECASE,
)
_QA_ANSWER = re.compile(
    r"^\s{0,3}(?:\*\*|__)?(?:A|Answer|答案?|回答)\s*\d{0,3}\s*(?:\*\*|__)?\s*[:：]\s*(?:\*\*|__)?\s?",
    re.IGNORECASE,
)
_BOLD_LINE = re.compile(r"^\s{0,3}(\*\*|__)(?P<text>(?:(?!\1).)+)\1\s*$")
_LIST_ITEM = re.compile(
    r"^(?P<indent> {0,3})(?P<number>\d{1,3})[.、)）](?P<space>[ \t]+)(?P<text>\S.*)$"
)
_NUMBERED = re.compile(r"^\s*(?:\d{1,4}|Q\d{1,4}|[（(]\d{1,4}[)）])\s*[.、．:：)）]?")
_SUMMARY = re.compile(
    r"^\s{0,3}(?:<details(?:\s[^>]*)?>\s*)?<summary(?:\s[^>]*)?>(?P<text>.*?)(?:</summary>)?\s*$",
    re.IGNORECASE,
)
# The lines of a disclosure block that are markup only: its opening, its end, a summary's end.
_DETAILS_OPEN = re.compile(r"^\s{0,3}<details(?:\s[^>]*)?>\s*$", re.IGNORECASE)
_DETAILS_CLOSE = re.compile(r"^\s{0,3}</details>\s*$", re.IGNORECASE)
_SUMMARY_CLOSE = re.compile(r"^\s{0,3}</summary>\s*$", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_QUOTE = re.compile(r"^\s{0,3}>[ \t]?")


@dataclass(frozen=True)
class InlineQuestion:
    line: int  # index of the marker line in the block's lines
    raw_title: str  # the marker line without its leading indentation
    kind: str  # "details", "qa", "bold", "list" or "category"


def _unquoted(line: str) -> str:
    """``line`` without a blockquote marker (``> **问：** ...``)."""
    return _QUOTE.sub("", line, count=1)


def _qa(lines: Sequence[str], fenced: Sequence[bool]) -> list[InlineQuestion]:
    found = []
    plain = [_unquoted(line) for line in lines]
    for index, line in enumerate(plain):
        if fenced[index] or not _QA_QUESTION.match(line) or _QA_ANSWER.match(line):
            continue
        for later in range(index + 1, len(lines)):
            if fenced[later]:
                continue
            if _QA_ANSWER.match(plain[later]):
                found.append(InlineQuestion(index, line.strip(), "qa"))
                break
            if _QA_QUESTION.match(plain[later]):
                break
    return found


def _details(lines: Sequence[str], fenced: Sequence[bool]) -> list[InlineQuestion]:
    found = []
    for index, line in enumerate(lines):
        if fenced[index] or (match := _SUMMARY.match(line)) is None:
            continue
        text = _TAG.sub("", match.group("text")).strip()
        if clean_title(text) and (_NUMBERED.match(text) or looks_like_question(text)):
            found.append(InlineQuestion(index, text, "details"))
    return found


def _bold(lines: Sequence[str], fenced: Sequence[bool]) -> list[InlineQuestion]:
    found = []
    for index, line in enumerate(lines):
        if fenced[index] or (index > 0 and not is_blank(lines[index - 1])):
            continue
        match = _BOLD_LINE.match(line)
        if match is None:
            continue
        text = match.group("text").strip()
        if clean_title(text) and (_NUMBERED.match(text) or looks_like_question(text)):
            found.append(InlineQuestion(index, line.strip(), "bold"))
    return found


def _list(lines: Sequence[str], fenced: Sequence[bool]) -> list[InlineQuestion]:
    items = []
    for index, line in enumerate(lines):
        if fenced[index]:
            continue
        match = _LIST_ITEM.match(line)
        if match and looks_like_question(match.group("text")) and clean_title(line):
            items.append(index)
    if len(items) < 2:
        return []
    answered = 0
    for position, index in enumerate(items):
        stop = items[position + 1] if position + 1 < len(items) else len(lines)
        answered += any(not is_blank(line) for line in lines[index + 1 : stop])
    if answered * 2 <= len(items):
        return []
    return [InlineQuestion(index, lines[index].strip(), "list") for index in items]


_CN_VALUES = {c: n for n, c in enumerate("一二三四五六七八九十", start=1)}
_CATEGORY = re.compile(
    r"^\s{0,3}(?:\*\*|__)?\s*第?(?P<number>[一二三四五六七八九十]{1,3})\s*(?:[、.．]|部分)"
    r"\s*(?P<name>[^*_]{1,40}?)\s*(?:\*\*|__)?\s*$"
)


def _cn_number(text: str) -> int:
    """一..九十九 as a number (0 if it is not one)."""
    if "十" not in text:
        return _CN_VALUES.get(text, 0) if len(text) == 1 else 0
    tens, _, units = text.partition("十")
    return (_CN_VALUES.get(tens, 0) if tens else 1) * 10 + (
        _CN_VALUES.get(units, 0) if units else 0
    )


def _categories(
    lines: Sequence[str], fenced: Sequence[bool], questions: Sequence[InlineQuestion]
) -> list[InlineQuestion]:
    """Category lines among inline questions: "一、RAG应用" or "**二、Agent**" standing alone
    after a blank line, numbered 一, 二, 三 ... in order, each followed by a question before
    the next; [] unless all of them are."""
    starts = {q.line for q in questions}
    found = []
    for index, line in enumerate(lines):
        if fenced[index] or index in starts or (index > 0 and not is_blank(lines[index - 1])):
            continue
        match = _CATEGORY.match(line)
        if match and not re.search(r"[。；;：:，,？?]$", match.group("name")):
            found.append((index, _cn_number(match.group("number"))))
    if not found or [n for _, n in found] != list(range(1, len(found) + 1)):
        return []
    bounds = [index for index, _ in found] + [len(lines)]
    if any(not any(a < q < b for q in starts) for a, b in itertools.pairwise(bounds)):
        return []
    return [InlineQuestion(index, lines[index].strip(), "category") for index, _ in found]


def find_inline_questions(lines: Sequence[str]) -> list[InlineQuestion] | None:
    """Where the questions of a block start (see the module docstring), with the category
    lines among them (kind "category"), or None."""
    fenced = fenced_lines(lines)
    candidates = [
        _details(lines, fenced),
        _qa(lines, fenced),
        _bold(lines, fenced),
        _list(lines, fenced),
    ]
    best = max(candidates, key=len)
    if not best:
        return None
    return sorted([*best, *_categories(lines, fenced, best)], key=lambda item: item.line)


def _unfolded(rest: list[str]) -> list[str]:
    """The answer of a ``details`` question without its block's markup: a ``</summary>`` on a
    line of its own, the ``</details>`` that closes the block and the ``<details>`` opening
    the next question's; a block folded inside the answer keeps its own."""
    filled = [index for index, line in enumerate(rest) if not is_blank(line)]
    if filled and _SUMMARY_CLOSE.match(rest[filled[0]]):
        rest[filled[0]] = ""
        filled.pop(0)
    while filled and _DETAILS_OPEN.match(rest[filled[-1]]):
        rest[filled.pop()] = ""
    if filled and _DETAILS_CLOSE.match(rest[filled[-1]]):
        rest[filled[-1]] = ""
    return rest


def answer_lines(lines: Sequence[str], question: InlineQuestion) -> list[str]:
    """The answer of an inline question: the lines after its marker line (``lines`` runs from
    the marker to the end of the question), without the answer marker, dedented for a list
    item."""
    rest = list(lines[1:])
    if question.kind == "qa":
        if _QUOTE.match(lines[0]):  # a pair inside a blockquote: its answer is unquoted too
            rest = [_unquoted(line) for line in rest]
        for index, line in enumerate(rest):
            if match := _QA_ANSWER.match(line):
                rest[index] = line[match.end() :]
                break
    elif question.kind == "details":
        rest = _unfolded(rest)
    elif question.kind == "list":
        match = _LIST_ITEM.match(lines[0])
        width = len(match.group(0)) - len(match.group("text")) if match else 0
        rest = [line[width:] if line[:width].strip() == "" else line for line in rest]
    return rest
