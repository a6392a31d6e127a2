"""The Markdown and HTML constructs of the notes that both the section splitter
(:mod:`.sections`) and the normaliser (:mod:`.normalise`) must see alike (pure, stdlib only):
fenced code blocks, ATX headings, prompt-template role headings and real HTML tags.
"""

import re
from collections.abc import Sequence

# Tags written as real HTML in the notes (and common inline HTML). ``s`` and ``image`` are
# deliberately absent: in LLM notes ``<s>``/``</s>`` are BOS/EOS tokens and ``<Image, ...>`` is
# a data-format placeholder, both meant to be shown.
_TAG_NAMES = (
    "a|abbr|b|bdi|bdo|big|blockquote|br|caption|center|cite|code|col|colgroup|dd|del|details|"
    "dfn|div|dl|dt|em|figcaption|figure|font|h[1-6]|hr|i|img|ins|kbd|li|mark|ol|p|picture|pre|"
    "q|rp|rt|ruby|samp|section|small|source|span|strike|strong|sub|summary|sup|table|tbody|td|"
    "tfoot|th|thead|tr|tt|u|ul|var|video|audio|wbr"
)
HTML_TAG = re.compile(rf"</?(?:{_TAG_NAMES})(?=[\s/>])[^<>]*>", re.IGNORECASE)
HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)

FENCE_OPEN = re.compile(r"^([ \t]*)(`{3,}|~{3,})(.*)$")
ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
TEMPLATE_ROLE = re.compile(
    r"^ {0,3}#{1,6}[ \t]*(?:instruction|input|response|output|human|assistant|system|user|"
    r"context|question|answer|prompt)[ \t]*[:：]",
    re.IGNORECASE,
)


def split_lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def is_blank(line: str) -> bool:
    return not line.strip()


def strip_html_tags(text: str) -> str:
    return HTML_COMMENT.sub("", HTML_TAG.sub("", text))


def fence_close(lines: Sequence[str], start: int) -> int | None:
    """If ``lines[start]`` opens a fence that is closed later, return the closing index."""
    match = FENCE_OPEN.match(lines[start])
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


def fenced_lines(lines: Sequence[str]) -> list[bool]:
    """Mark every line that belongs to a closed fenced code block (fence lines included)."""
    inside = [False] * len(lines)
    index = 0
    while index < len(lines):
        close = fence_close(lines, index)
        if close is None:
            index += 1
            continue
        for covered in range(index, close + 1):
            inside[covered] = True
        index = close + 1
    return inside
