"""Key points of a reference answer and their coverage by a learner's answer (pure).

``key_points`` derives a checklist from the rendered reference answer: its list items if it
has at least two, else its bold phrases, else its sentences. ``coverage`` tells which key
terms of those points (search tokens: Chinese character pairs, Latin words) appear in the
learner's answer. It is a hint for the learner's self-assessment, never a grade: it cannot
tell a right statement from a wrong one that uses the same words.
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from questions.search.tokens import tokenize

MAX_POINTS = 8
MAX_POINT_CHARS = 140
MAX_TERMS = 60
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])|(?<=\.)\s+")
_SKIPPED = {"pre", "math", "script", "style", "table"}
# Function characters: a bigram containing one says little about the content.
_CJK_FILLER = set("的了是在和与及或也就都而被把对这那个一中为以将其之所有可们我你他它不")
_LATIN_STOP = {
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "of",
    "on", "or", "that", "the", "this", "to", "with",
}  # fmt: skip


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[str] = []
        self.bold: list[str] = []
        self.text: list[str] = []
        self._li: list[tuple[int, list[str]]] = []
        self._bold: list[str] | None = None
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skip += 1
        elif tag == "li":
            # Reserve the item's place so nested items come after their parent.
            self._li.append((len(self.items), []))
            self.items.append("")
        elif tag in {"strong", "b"} and self._bold is None:
            self._bold = []
        elif tag in {"p", "br", "div", "h1", "h2", "h3", "h4", "h5", "h6"}:
            self.text.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skip = max(0, self._skip - 1)
        elif tag == "li" and self._li:
            index, parts = self._li.pop()
            self.items[index] = "".join(parts)
            self.text.append("\n")
        elif tag in {"strong", "b"} and self._bold is not None:
            self.bold.append("".join(self._bold))
            self._bold = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.text.append(data)
        if self._li:
            # Only the innermost item: a nested list's text is not repeated in its parent.
            self._li[-1][1].append(data)
        if self._bold is not None:
            self._bold.append(data)


def _clean(text: str) -> str:
    text = " ".join(text.split()).strip(" ：:，,。.;；!！?？-—")
    if len(text) > MAX_POINT_CHARS:
        text = text[: MAX_POINT_CHARS - 1].rstrip() + "…"
    return text


def _unique(texts: list[str]) -> list[str]:
    cleaned = [_clean(text) for text in texts]
    return list(dict.fromkeys(text for text in cleaned if len(text) >= 2))


def key_points(body_html: str, limit: int = MAX_POINTS) -> list[str]:
    """The checklist for a reference answer (rendered HTML), at most ``limit`` points."""
    collector = _Collector()
    collector.feed(body_html)
    collector.close()
    for found in (_unique(collector.items), _unique(collector.bold)):
        if len(found) >= 2:
            return found[:limit]
    sentences: list[str] = []
    for paragraph in "".join(collector.text).split("\n"):
        sentences.extend(_SENTENCE_END.split(paragraph))
    return _unique(sentences)[:limit]


def key_terms(text: str) -> list[str]:
    """The distinct content-bearing search tokens of ``text``, in order of appearance."""
    terms: list[str] = []
    for token in tokenize(text):
        if token.isascii():
            if len(token) < 2 or token in _LATIN_STOP or token.isdigit():
                continue
        elif len(token) < 2 or any(char in _CJK_FILLER for char in token):
            continue
        terms.append(token)
    return list(dict.fromkeys(terms))[:MAX_TERMS]


@dataclass(frozen=True)
class Coverage:
    terms: list[str]
    found: list[str]
    points_hit: list[bool] = field(default_factory=list)

    @property
    def percent(self) -> int | None:
        if not self.terms:
            return None
        return round(100 * len(self.found) / len(self.terms))

    @property
    def missing(self) -> list[str]:
        found = set(self.found)
        return [term for term in self.terms if term not in found]


def coverage(points: list[str], answer: str) -> Coverage:
    """Which key terms of ``points`` occur in ``answer``; a point is hit at half its terms."""
    answer_tokens = set(tokenize(answer))
    terms = key_terms(" ".join(points))
    hits = []
    for point in points:
        own = key_terms(point)
        hits.append(bool(own) and 2 * sum(term in answer_tokens for term in own) >= len(own))
    return Coverage(
        terms=terms, found=[term for term in terms if term in answer_tokens], points_hit=hits
    )
