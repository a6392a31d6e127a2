"""Paper and blog notes (pure): whether a note's headings are the sections of papers rather
than questions, and which of them start each paper's study note (:func:`note_starts`)."""

import html
import re
from collections.abc import Sequence

from .headings import Heading
from .markup import strip_html_tags
from .titles import clean_title, looks_like_question

# Section titles of a paper (compared after the section number is removed).
_PAPER_SECTIONS = re.compile(
    r"^(?:abstract|摘要|introduction|引言|简介|background|背景|related\s*works?|相关工作|"
    r"methods?|methodology|approach|方法|模型结构|experiments?|实验|evaluation|评估|results?|"
    r"结果|conclusions?|结论|discussion|讨论|limitations?|局限性?|contributions?|贡献|"
    r"references|参考文献|future\s*work|未来工作)$",
    re.IGNORECASE,
)
_SECTION_NUMBER = re.compile(r"^\s*(?:\d+(?:[.\-]\d+)*\.?|[一二三四五六七八九十]+、)\s*")


def _question_share(headings: Sequence[Heading]) -> float:
    return sum(looks_like_question(clean_title(h.raw)) for h in headings) / max(len(headings), 1)


_NUMBER_DOTTED = re.compile(r"^(\d+(?:\.\d+)+)\.?(?=\s|$|[^\d.])")
_NUMBER_DASHED = re.compile(r"^(\d+(?:-\d+)+)(?=\s|$)")
_NUMBER_SIMPLE = re.compile(r"^(\d{1,4})\s*([.、．)）])(?![\d.])")


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


def note_starts(real: Sequence[Heading]) -> list[Heading] | None:
    """The headings that start the study notes of a paper/blog note, or None if it is not one.

    Numbered notes: if the first heading carries a section number and that numbering is
    hierarchical (``0-1-1``, ``2.3``) or the headings numbered that way sit at different levels
    (``# 1.`` / ``## 2.`` / ``### 3.``), and at most a third of those headings ask anything,
    each heading with the same numbering pattern whose number is greater than the previous
    note's starts a note (if these are more than two thirds of them: numbering that restarts
    under each category is not a paper's); every other heading stays in the note's body.

    Paper sections: if at least two different paper section titles (摘要, 方法, Abstract ...)
    sit under parent headings that mostly ask nothing, each heading at the parents' level
    starts a note.
    """
    if not real:
        return None
    first = _numbering(real[0].raw)
    if first is not None:
        separator, parts, _ = first
        same = [h for h in real if (n := _numbering(h.raw)) and n[:2] == (separator, parts)]
        if (parts > 1 or len({h.level for h in same}) > 1) and _question_share(same) < 1 / 3:
            starts: list[Heading] = []
            previous: tuple[int, ...] = ()
            for heading in same:
                numbers = _numbering(heading.raw)
                assert numbers is not None
                if numbers[2] > previous:
                    starts.append(heading)
                    previous = numbers[2]
            # A paper's numbers go up through the note; numbers that restart under every
            # category heading ("1." under "1.", "1." under "2.") are an interview note's.
            if len(starts) * 3 > len(same) * 2:
                return starts
    parents: dict[int, Heading] = {}
    words = set()
    stack: list[Heading] = []
    for heading in real:
        while stack and stack[-1].level >= heading.level:
            stack.pop()
        name = _SECTION_NUMBER.sub("", clean_title(heading.raw)).strip().casefold()
        if _PAPER_SECTIONS.match(name) and stack:
            words.add(re.sub(r"\s", "", name))
            parents[stack[-1].index] = stack[-1]
        stack.append(heading)
    if len(words) < 2 or _question_share(list(parents.values())) >= 1 / 3:
        return None
    level = min(h.level for h in parents.values())
    return [h for h in real if h.level == level]
