"""Tag suggestion and the difficulty rule (pure functions, no ORM).

Tags: each tag has case-folded keywords (from ``taxonomy.json`` plus ``tag-keywords.json``).
A keyword found in the title scores ``TITLE_WEIGHT``; each distinct keyword found in the answer
scores 1. A tag is suggested when its score reaches ``MIN_SCORE``; at most ``MAX_TAGS`` are kept,
best first. A question no keyword matches gets ``FALLBACK_TAG``.

Difficulty: points are added up and mapped to a level.

* tag level: + the highest level (0 basic, 1 intermediate, 2 advanced) among its tags;
* wording: +1 when the title asks for reasoning (why / how to compute / compare / mechanism /
  derive), -1 when it only asks for a definition or a short introduction;
* +1 when the answer contains math, +1 when it contains code;
* length: +1 for an answer longer than ``LONG_ANSWER`` characters, -1 for one shorter than
  ``SHORT_ANSWER``.

0 or less is easy, 1-2 medium, 3 or more hard. Editors can override tags and difficulty.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

TITLE_WEIGHT = 3
MIN_SCORE = 2
MAX_TAGS = 4
FALLBACK_TAG = "llm-basics"
LONG_ANSWER = 1500
SHORT_ANSWER = 200

_REASONING = re.compile(
    r"为什么|为何|如何计算|计算|区别|对比|比较|原理|机制|推导|优缺点|如何缓解|如何解决|怎么解决|"
    r"\bwhy\b|\bcompare\b|\bderive\b|\bdifference\b",
    re.IGNORECASE,
)
_DEFINITION = re.compile(
    r"^(简要介绍|简单介绍|简单\s*介绍|什么是|介绍下|介绍一下|请介绍下|请介绍|说下|请说下|解释下)|是啥|是什么？?$",
    re.IGNORECASE,
)
_MATH = re.compile(r"\$[^$\n]+\$|\\frac|\\sum")
_CODE = re.compile(r"^\s*(```|~~~)", re.MULTILINE)


@dataclass(frozen=True)
class TagSpec:
    slug: str
    level: int
    keywords: tuple[str, ...]


def build_specs(
    taxonomy: Iterable[Mapping[str, object]], extra_keywords: Mapping[str, Sequence[str]]
) -> list[TagSpec]:
    """Combine taxonomy entries and the supplementary keyword table into tag specs."""
    specs = []
    for entry in taxonomy:
        slug = str(entry["tag"])
        words = [str(w) for w in entry.get("keywords") or []]  # type: ignore[attr-defined]
        words += list(extra_keywords.get(slug, ()))
        unique = tuple(dict.fromkeys(w.casefold() for w in words if w.strip()))
        specs.append(TagSpec(slug=slug, level=int(str(entry.get("level", 0))), keywords=unique))
    return specs


def suggest_tags(title: str, body: str, specs: Sequence[TagSpec]) -> list[str]:
    """Tag slugs suggested for a question, best first (see the module docstring)."""
    title_cf, body_cf = title.casefold(), body.casefold()
    scored = []
    for order, spec in enumerate(specs):
        score = sum(
            (TITLE_WEIGHT if _contains(title_cf, word) else 0)
            + (1 if _contains(body_cf, word) else 0)
            for word in spec.keywords
        )
        if score >= MIN_SCORE:
            scored.append((-score, order, spec.slug))
    if not scored:
        return [FALLBACK_TAG]
    return [slug for _, _, slug in sorted(scored)[:MAX_TAGS]]


def _contains(text: str, word: str) -> bool:
    # Latin keywords match on word boundaries ("rag" must not match "storage");
    # CJK keywords are matched as substrings because Chinese has no spaces.
    # The plain substring test first: most keywords are absent, and it is 10x cheaper.
    if word not in text:
        return False
    return not word.isascii() or _bounded(word).search(text) is not None


@cache
def _bounded(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![a-z0-9]){re.escape(word)}(?![a-z0-9])")


def compute_difficulty(title: str, body: str, tag_levels: Iterable[int]) -> str:
    """Return "easy", "medium" or "hard" by the rule in the module docstring."""
    points = max(tag_levels, default=0)
    clean_title = title.strip()
    if _REASONING.search(clean_title):
        points += 1
    elif _DEFINITION.search(clean_title):
        points -= 1
    if _MATH.search(body):
        points += 1
    if _CODE.search(body):
        points += 1
    length = len(body.strip())
    if length > LONG_ANSWER:
        points += 1
    elif length < SHORT_ANSWER:
        points -= 1
    if points <= 0:
        return "easy"
    if points <= 2:
        return "medium"
    return "hard"
