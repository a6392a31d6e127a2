"""Grading a learner's answer against a question's key points (pure: no Django, no ORM).

Each key point is a short statement with aliases (synonyms, English and Chinese terms,
formulas) and a weight. The answer is cut into sentences; for each key point the sentence
that supports it best is found, and the point counts as covered when that support reaches
``COVERED_AT``. Support for one sentence is the largest of:

* **aliases**: a distinct alias of the point found in the sentence counts ``ALIAS_HIT``, two or
  more count fully (the authors wrote aliases as the ways an answer names the point);
* **words**: the weighted share of the point's content words (rjieba segmentation; a word
  counts where the sentence contains it, so segmentation differences do not matter);
* **characters**: the share of the point's Chinese character pairs found in the sentence,
  which tolerates paraphrase that reorders or inflects the point's words.

The score is the weighted share of covered points, with partial credit for points half
supported. Everything is deterministic (no randomness, no model) and takes well under a
millisecond per key point; ``bench/grading.py`` measures it.
"""

import itertools
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import rjieba

from .search.synonyms import SYNONYMS_PATH
from .search.tokens import CJK

#: A point is covered when its best sentence's support reaches this.
COVERED_AT = 0.5
#: Support from one distinct alias in the sentence (two or more give full support).
ALIAS_HIT = 0.6
#: Character pairs weigh less than words: they also match unrelated text by chance.
PAIR_FACTOR = 0.8
#: Longest answer graded (characters); the API refuses longer ones.
MAX_ANSWER_CHARS = 20_000

_SENTENCE_END = re.compile(r"(?<=[。！？；!?;\n])|(?<=[.:：])\s+")
CJK_RUN = re.compile(f"[{CJK}]+")
_LATIN_WORD = re.compile(r"[a-z0-9][a-z0-9+\-./]*")
_STOP_CHARS = set(
    "的了是在和与及或也就都而被把对这那个一为以将其之所有可们我你他它不上下中从到让使用做"
)
_STOP_WORDS = {
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "of",
    "on", "or", "that", "the", "this", "to", "with", "can", "its", "not", "but", "which",
    "一个", "一种", "可以", "通过", "进行", "以及", "因为", "所以", "如果", "这个", "那么",
    "就是", "还是", "而且", "或者", "一些", "这些", "那些", "什么", "怎么", "如何", "时候",
}  # fmt: skip


@dataclass(frozen=True)
class KeyPoint:
    """One thing a good answer says. ``weight`` is 1 (detail) to 3 (essential)."""

    id: str
    text: str
    aliases: tuple[str, ...] = ()
    weight: int = 1
    source_sentence: str = ""

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "KeyPoint":
        return cls(
            id=str(data["id"]),
            text=str(data["text"]),
            aliases=tuple(str(alias) for alias in data.get("aliases", ())),
            weight=int(data.get("weight", 1)),
            source_sentence=str(data.get("source_sentence", "")),
        )


@dataclass(frozen=True)
class Evidence:
    """The sentence of the answer that covers ``point`` and how strongly (0..1)."""

    point: str
    sentence: str
    support: float


@dataclass(frozen=True)
class Grade:
    """The result of :func:`grade`: ``covered``/``missed`` are key point ids in order."""

    score: float
    covered: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    total: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "covered": self.covered,
            "missed": self.missed,
            "evidence": [
                {"point": item.point, "sentence": item.sentence, "support": item.support}
                for item in self.evidence
            ],
        }


def normalise(text: str) -> str:
    """NFKC, case-folded, with whitespace runs collapsed to one space."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def sentences(text: str) -> list[str]:
    """The answer cut at sentence ends (Chinese and Latin punctuation, line breaks)."""
    parts = (part.strip() for part in _SENTENCE_END.split(text))
    return [part for part in parts if part]


def _is_content(word: str) -> bool:
    if not word or word in _STOP_WORDS:
        return False
    if CJK_RUN.fullmatch(word):
        return not (len(word) == 1 and word in _STOP_CHARS)
    return bool(_LATIN_WORD.fullmatch(word)) and not word.isdigit()


@lru_cache(maxsize=4096)
def content_words(text: str) -> tuple[str, ...]:
    """The distinct content words of ``text`` (normalised), in order."""
    words = (word.strip() for word in rjieba.cut(normalise(text)))
    return tuple(dict.fromkeys(word for word in words if _is_content(word)))


def _pairs(text: str) -> set[str]:
    pairs: set[str] = set()
    for run in CJK_RUN.findall(text):
        pairs.update(
            run[i : i + 2] for i in range(len(run) - 1) if not set(run[i : i + 2]) & _STOP_CHARS
        )
    return pairs


@dataclass(frozen=True)
class _Prepared:
    point: KeyPoint
    aliases: tuple[re.Pattern[str], ...]
    words: tuple[tuple[str, float], ...]
    pairs: frozenset[str]


def _alias_pattern(alias: str) -> re.Pattern[str] | None:
    alias = normalise(alias)
    if len(alias) < 2 and not CJK_RUN.fullmatch(alias):
        return None
    escaped = re.escape(alias).replace(r"\ ", r"[\s\-_]*")
    # A Latin alias is a whole word ("rope" must not match "europe"); Chinese has no spaces.
    before = r"(?<![a-z0-9])" if alias[0].isascii() and alias[0].isalnum() else ""
    after = r"(?![a-z0-9])" if alias[-1].isascii() and alias[-1].isalnum() else ""
    return re.compile(before + escaped + after)


@lru_cache(maxsize=1)
def _synonym_sets() -> tuple[tuple[str, ...], ...]:
    with SYNONYMS_PATH.open(encoding="utf-8") as file:
        sets = json.load(file)["sets"]
    return tuple(tuple(normalise(member) for member in members) for members in sets)


def _with_synonyms(names: Iterable[str]) -> list[str]:
    """``names`` and every member of a synonym set one of them belongs to (LoRA brings 低秩适配:
    an English answer to a point written in Chinese is still recognised)."""
    names = list(dict.fromkeys(normalise(name) for name in names))
    known = set(names)
    for members in _synonym_sets():
        if known.intersection(members):
            names.extend(member for member in members if member not in known)
    return list(dict.fromkeys(names))


@lru_cache(maxsize=4096)
def _prepare(point: KeyPoint) -> _Prepared:
    patterns = tuple(
        pattern
        for pattern in dict.fromkeys(
            _alias_pattern(alias) for alias in _with_synonyms(point.aliases)
        )
        if pattern is not None
    )
    words = content_words(point.text)
    # Longer words say more about a point than short ones ("低秩" versus "少").
    weighted = tuple((word, min(len(word), 4) / 2 if not word.isascii() else 1.5) for word in words)
    return _Prepared(point, patterns, weighted, frozenset(_pairs(normalise(point.text))))


def _support(prepared: _Prepared, sentence: str, sentence_pairs: set[str]) -> float:
    hits = sum(1 for pattern in prepared.aliases if pattern.search(sentence))
    alias = 0.0 if hits == 0 else ALIAS_HIT if hits == 1 else 1.0
    total = sum(weight for _word, weight in prepared.words)
    words = (
        sum(weight for word, weight in prepared.words if word in sentence) / total if total else 0.0
    )
    pairs = (
        PAIR_FACTOR * len(prepared.pairs & sentence_pairs) / len(prepared.pairs)
        if prepared.pairs
        else 0.0
    )
    return min(1.0, max(alias, words, pairs))


def grade(points: Sequence[KeyPoint], answer: str) -> Grade:
    """Grade ``answer`` against ``points``: see the module's docstring for how."""
    if not points:
        return Grade(score=0.0)
    answer = answer[:MAX_ANSWER_CHARS]
    parts = [normalise(part) for part in sentences(answer)]
    # A point may be spread over two consecutive sentences ("…。因为…"): pairs count too.
    windows = parts + [f"{a} {b}" for a, b in itertools.pairwise(parts)]
    originals = sentences(answer)
    originals += [f"{a} {b}" for a, b in itertools.pairwise(originals)]
    window_pairs = [_pairs(window) for window in windows]
    covered: list[str] = []
    missed: list[str] = []
    evidence: list[Evidence] = []
    earned = 0.0
    for point in points:
        prepared = _prepare(point)
        best, where = 0.0, -1
        for index, window in enumerate(windows):
            support = _support(prepared, window, window_pairs[index])
            if support > best:
                best, where = support, index
        if best >= COVERED_AT:
            covered.append(point.id)
            evidence.append(Evidence(point.id, originals[where], round(best, 3)))
            earned += point.weight
        else:
            missed.append(point.id)
            earned += point.weight * best / 2
    total_weight = sum(point.weight for point in points) or 1
    return Grade(
        score=round(min(1.0, earned / total_weight), 3),
        covered=covered,
        missed=missed,
        evidence=evidence,
        total=len(points),
    )


def parse_key_points(data: Iterable[Mapping[str, Any]]) -> list[KeyPoint]:
    """Key points from their stored JSON form (as on a revision)."""
    return [KeyPoint.from_json(item) for item in data]


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Spearman's rank correlation with average ranks for ties (Pearson of the ranks)."""
    if len(xs) != len(ys) or len(xs) < 2:
        raise ValueError("Spearman's rho needs two sequences of the same length (2 or more).")
    rx, ry = _ranks(xs), _ranks(ys)
    n = len(xs)
    mx, my = sum(rx) / n, sum(ry) / n
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    vx = sum((a - mx) ** 2 for a in rx)
    vy = sum((b - my) ** 2 for b in ry)
    if vx == 0 or vy == 0:
        return 0.0
    return float(cov / (vx * vy) ** 0.5)


def _ranks(values: Sequence[float]) -> list[float]:
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        average = (i + j) / 2 + 1
        for k in range(i, j + 1):
            ranks[order[k]] = average
        i = j + 1
    return ranks


#: Editors write key points one a line: ``id | weight | statement | alias; alias | source``.
KEY_POINT_FIELDS = 5
MAX_KEY_POINTS = 12


class KeyPointSyntaxError(ValueError):
    """A line of the editors' key point text does not parse; ``line`` is 1-based."""

    def __init__(self, line: int, problem: str) -> None:
        super().__init__(f"{line}: {problem}")
        self.line = line
        self.problem = problem


def format_key_points(points: Iterable[Mapping[str, Any]]) -> str:
    """The editors' text form of stored key points (what :func:`parse_key_points_text` reads)."""
    lines = []
    for point in points:
        aliases = "; ".join(str(alias) for alias in point.get("aliases", ()))
        fields = [point["id"], str(point.get("weight", 1)), point["text"], aliases]
        fields.append(point.get("source_sentence", ""))
        lines.append(" | ".join(str(field).replace("|", "/") for field in fields).rstrip(" |"))
    return "\n".join(lines)


def parse_key_points_text(text: str) -> list[dict[str, Any]]:
    """Stored key points from the editors' text form; blank lines are skipped.

    Raises :class:`KeyPointSyntaxError` for a line without an id and a statement, a weight
    outside 1-3, a repeated id or more than ``MAX_KEY_POINTS`` points.
    """
    points: list[dict[str, Any]] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        fields = [field.strip() for field in line.split("|", KEY_POINT_FIELDS - 1)]
        fields += [""] * (KEY_POINT_FIELDS - len(fields))
        point_id, weight, statement, aliases, source = fields
        if not point_id or not statement:
            raise KeyPointSyntaxError(number, "id | weight | statement | aliases | source")
        if weight not in {"1", "2", "3"}:
            raise KeyPointSyntaxError(number, "weight 1, 2 or 3")
        if point_id in seen:
            raise KeyPointSyntaxError(number, f"id {point_id} repeated")
        seen.add(point_id)
        points.append(
            {
                "id": point_id,
                "text": statement,
                "aliases": [alias.strip() for alias in aliases.split(";") if alias.strip()],
                "weight": int(weight),
                "source_sentence": source,
                # A point no sentence of the answer states comes from an editor's correction.
                "from_correction": not source,
            }
        )
    if len(points) > MAX_KEY_POINTS:
        raise KeyPointSyntaxError(len(text.splitlines()), f"at most {MAX_KEY_POINTS} key points")
    return points
