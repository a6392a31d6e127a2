"""Tag suggestion and the difficulty rule (pure functions, no ORM).

Tags: each tag has keywords (from ``taxonomy.json`` plus ``tag-keywords.json``). Texts and
keywords are read as words (:func:`questions.search.synonyms.concepts`: jieba-segmented
Chinese, folded Latin words, synonyms as one concept), and a keyword matches a run of whole
words: "rag" never matches "storage", "zero" (ZeRO) never matches "zero-shot", and "query"
never matches "Multi-query Attention" (that is the concept ``mqa``).

``tag-keywords.json`` also holds, per tag, keywords that count only *near* context words
(``"query"`` is RAG only in a title, or an answer, that also speaks of retrieval) and
*negative* keywords (a title holding one is never given the tag).

Scoring: a keyword found in the title scores ``TITLE_WEIGHT``; each distinct keyword found in
the answer scores 1, plus ``log2`` of its further occurrences. The primary tag is the best
tag with a title match, or, when the title matches none, the best tag whose answer score
reaches ``MIN_BODY_SCORE``; a question with neither gets ``FALLBACK_TAG``. At most
``MAX_SECONDARY`` more tags follow: other tags matched in the title, then tags the answer
speaks of at length (at least ``SECONDARY_BODY_SCORE`` and ``SECONDARY_BODY_RATIO`` of the
primary tag's answer score). Editors can override the tags; a re-import
keeps their choice. Tuned on one half of tests/data/gold/tags.json (figures in the README).

Difficulty: see :func:`compute_difficulty`.
"""

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

from .search.synonyms import concepts

TITLE_WEIGHT = 3.0
MIN_BODY_SCORE = 4.0
SECONDARY_BODY_SCORE = 7.0
SECONDARY_BODY_RATIO = 0.9
MAX_SECONDARY = 2
FALLBACK_TAG = "llm-basics"

_SEPARATOR = "\x1f"


@dataclass(frozen=True)
class TagSpec:
    slug: str
    level: int
    keywords: tuple[str, ...]  # each keyword's words, joined by _SEPARATOR
    # keyword -> context words (joined form as keywords); the keyword counts only in a text
    # holding one of them.
    near: dict[str, tuple[str, ...]] = field(default_factory=dict)
    negative: tuple[str, ...] = ()  # a title holding one of these never gets the tag


def _phrase(text: str) -> str:
    return _SEPARATOR.join(concepts(text, joined=False))


def build_specs(
    taxonomy: Iterable[Mapping[str, object]], rules: Mapping[str, object]
) -> list[TagSpec]:
    """Combine taxonomy entries and ``tag-keywords.json`` (its ``keywords``, ``near`` and
    ``negative`` tables, each by tag slug) into tag specs."""
    extra: Mapping[str, Sequence[str]] = rules.get("keywords", {})  # type: ignore[assignment]
    near_rules: Mapping[str, Mapping[str, Sequence[str]]] = rules.get("near", {})  # type: ignore[assignment]
    negative_rules: Mapping[str, Sequence[str]] = rules.get("negative", {})  # type: ignore[assignment]
    specs = []
    for entry in taxonomy:
        slug = str(entry["tag"])
        words = [str(w) for w in entry.get("keywords") or []]  # type: ignore[attr-defined]
        words += list(extra.get(slug, ()))
        near = {
            _phrase(word): tuple(_phrase(c) for c in context)
            for word, context in near_rules.get(slug, {}).items()
        }
        words += list(near_rules.get(slug, {}))
        phrases = tuple(dict.fromkeys(p for p in map(_phrase, words) if p))
        specs.append(
            TagSpec(
                slug=slug,
                level=int(str(entry.get("level", 0))),
                keywords=phrases,
                near=near,
                negative=tuple(_phrase(w) for w in negative_rules.get(slug, ())),
            )
        )
    return specs


class _Text:
    """A text as words, for counting keyword phrases on word boundaries. A phrase whose first
    word is not among the text's words is not looked for: most of a tag's keywords are in
    few texts."""

    __slots__ = ("joined", "words")

    def __init__(self, text: str) -> None:
        words = concepts(text, joined=False)
        self.words = frozenset(words)
        self.joined = _SEPARATOR + _SEPARATOR.join(words) + _SEPARATOR

    def count(self, phrase: str) -> int:
        if _first_word(phrase) not in self.words:
            return 0
        return self.joined.count(_SEPARATOR + phrase + _SEPARATOR)

    def has(self, phrase: str) -> bool:
        return (
            _first_word(phrase) in self.words and (_SEPARATOR + phrase + _SEPARATOR) in self.joined
        )


@cache
def _first_word(phrase: str) -> str:
    return phrase.partition(_SEPARATOR)[0]


def _counts(spec: TagSpec, text: _Text) -> dict[str, int]:
    found = {}
    for phrase in spec.keywords:
        n = text.count(phrase)
        if n and (phrase not in spec.near or any(text.has(c) for c in spec.near[phrase])):
            found[phrase] = n
    return found


def score_tags(title: str, body: str, specs: Sequence[TagSpec]) -> list[tuple[str, float, float]]:
    """(slug, title score, answer score) of every tag matched at all, in taxonomy order."""
    title_text, body_text = _Text(title), _Text(body)
    scores = []
    for spec in specs:
        if any(title_text.has(n) for n in spec.negative):
            continue
        in_title = _counts(spec, title_text)
        in_body = _counts(spec, body_text)
        title_score = TITLE_WEIGHT * len(in_title)
        body_score = sum(1 + math.log2(n) for n in in_body.values())
        if title_score or body_score:
            scores.append((spec.slug, title_score, body_score))
    return scores


def suggest_tags(title: str, body: str, specs: Sequence[TagSpec]) -> list[str]:
    """Tag slugs suggested for a question, the primary one first (see the module docstring)."""
    scores = score_tags(title, body, specs)
    order = {spec.slug: n for n, spec in enumerate(specs)}
    ranked = sorted(scores, key=lambda s: (-(s[1] + s[2]), order[s[0]]))
    titled = [s for s in ranked if s[1]]
    if titled:
        primary = titled[0]
    elif ranked and ranked[0][2] >= MIN_BODY_SCORE:
        primary = ranked[0]
    else:
        return [FALLBACK_TAG]
    secondary = [s[0] for s in titled if s is not primary]
    floor = max(SECONDARY_BODY_SCORE, SECONDARY_BODY_RATIO * primary[2])
    secondary += [s[0] for s in ranked if not s[1] and s is not primary and s[2] >= floor]
    return [primary[0], *secondary[:MAX_SECONDARY]]


# What a title asks, most telling first: the first pattern that matches decides the wording.
_WORDING: tuple[tuple[str, int, re.Pattern[str]], ...] = (
    (
        "design",
        2,
        re.compile(r"如何思考|思路|如何设计|方案设计|如何看待|权衡|trade-?off", re.IGNORECASE),
    ),
    (
        "reasoning",
        1,
        re.compile(
            r"(?<!需要)(为什么|为何)(?!需要|要)|原理|原因|(?<!注意力)机制|推导|证明|区别|对比|比较|近似|"
            r"改进|局限|不足|缺陷|"
            r"\bwhy\b|\bcompare\b|\bderive\b|\bdifference\b|\bvs\b|缓解|解决|"
            r"如何计算|怎么实现|如何实现|一致吗|可以.*吗",
            re.IGNORECASE,
        ),
    ),
    ("listing", -1, re.compile(r"有哪些|哪些|有什么|常见的|工具$|基准")),
    ("motivation", -1, re.compile(r"为什么需要|为什么要|为何需要")),
    (
        "definition",
        -1,
        re.compile(
            r"^(什么是|请解释|解释下|解释一下|怎么理解)|是啥|是什么？?$|指的是什么|指什么|概念",
            re.IGNORECASE,
        ),
    ),
)
_MATH = re.compile(r"\$[^$\n]+\$|\\frac|\\sum")
_CODE = re.compile(r"^\s*(```|~~~)", re.MULTILINE)
LONG_ANSWER = 2500
SHORT_ANSWER = 150


@dataclass(frozen=True)
class Difficulty:
    """A level and the reasons for it, as codes (the page words them: see
    ``questions.models.DIFFICULTY_REASONS``), each with the points it added."""

    level: str
    reasons: tuple[tuple[str, int], ...]


def explain_difficulty(title: str, body: str, tag_levels: Iterable[int]) -> Difficulty:
    """The difficulty of a question and why. Points are added up:

    * the topic: the highest level among its tags (0 basic, 1 intermediate, 2 advanced),
      less one (``topic-basic`` -1, ``topic-intermediate`` 0, ``topic-advanced`` +1);
    * the wording of the title, the first of ``_WORDING`` that matches: an open design
      question +2, reasoning (why / mechanism / compare / derive / how to solve) +1, a list of
      facts, a motivation ("why do we need") or a definition -1;
    * the answer: +1 with math, +1 for an answer longer than ``LONG_ANSWER`` characters, -1
      for one shorter than ``SHORT_ANSWER``.

    Less than 1 is easy, 1-2 medium, 3 or more hard (+1 for the medium floor: a question
    with no telling sign is medium). Calibrated on tests/data/gold/difficulty.json.
    """
    reasons: list[tuple[str, int]] = []
    level = max(tag_levels, default=0)
    reasons.append(
        (("topic-basic", "topic-intermediate", "topic-advanced")[min(level, 2)], level - 1)
    )
    clean_title = title.strip()
    for code, points, pattern in _WORDING:
        if pattern.search(clean_title):
            reasons.append((code, points))
            break
    if _MATH.search(body):
        reasons.append(("math", 1))
    length = len(body.strip())
    if length > LONG_ANSWER:
        reasons.append(("long-answer", 1))
    elif length < SHORT_ANSWER:
        reasons.append(("short-answer", -1))
    points = 1 + sum(p for _, p in reasons)
    if points < 1:
        verdict = "easy"
    elif points <= 2:
        verdict = "medium"
    else:
        verdict = "hard"
    return Difficulty(verdict, tuple(reasons))


def compute_difficulty(title: str, body: str, tag_levels: Iterable[int]) -> str:
    """Return "easy", "medium" or "hard" (:func:`explain_difficulty`)."""
    return explain_difficulty(title, body, tag_levels).level
