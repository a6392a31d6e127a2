"""Finding duplicate sections among the notes (pure: no Django): :func:`group_duplicates`.

Exact duplicates by hash, near duplicates by a title-weighted similarity of the sections'
search tokens (CJK character bigrams and Latin words, :func:`questions.search.tokens.tokenize`),
compared only within blocks that share an informative title token.
"""

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..search.tokens import tokenize
from .sections import Section


@dataclass(frozen=True)
class Duplicate:
    section: Section
    match: str  # "exact" or "near"
    similarity: float  # 1.0 for exact


@dataclass(frozen=True)
class MergeGroup:
    canonical: Section
    duplicates: tuple[Duplicate, ...]


@dataclass(frozen=True)
class Candidate:
    """An unsure pair for an editor to confirm or dismiss; never merged automatically."""

    first: Section
    second: Section
    similarity: float


# Similarity = TITLE_WEIGHT * title similarity + (1 - TITLE_WEIGHT) * answer similarity (both
# Dice coefficients over the search tokens, after dropping interview filler such as
# 请/介绍下/是什么 from titles), or the title similarity alone when either side has no
# answer. Answers to the same question written by different authors share few bigrams (0.1-0.4
# on the fixtures), which is why the title weighs most. Measured on the fixtures:
# * the same question asked twice scores 0.83-0.88 ("介绍下Lora" / "请说下你对Lora的理解",
#   "请介绍下PEFT" / "请解释PEFT", "什么是量化？" / "请解释下量化");
# * rephrased repeats score 0.47-0.61 ("介绍下Transformer" / "简要介绍下Transformer架构",
#   "解释一下大模型的涌现能力？" / "涌现能力是啥原因？");
# * the highest pair of *different* questions scores 0.65 ("为什么需要RAG？" /
#   "为什么需要Reranker？"), then 0.61 ("介绍下P-Tuning v1" / "介绍下P-Tuning v2").
TITLE_WEIGHT = 0.8
# At or above: merged automatically. Between the highest different pair (0.65) and the lowest
# true repeat (0.83), with room on both sides.
MERGE_THRESHOLD = 0.75
# At or above (and below MERGE_THRESHOLD): listed as a Candidate for an editor. Catches the
# rephrased repeats down to 0.47 at the price of a few topic neighbours (幻觉 questions) that an
# editor dismisses.
CANDIDATE_THRESHOLD = 0.45
# Title tokens shared by more sections than this are too common to identify a duplicate; they
# do not form comparison blocks (keeps the near pass bounded on a large bank).
MAX_BLOCK_SIZE = 200

# Interview phrasing that carries no topic ("请介绍下", "说下你对...的理解", "是什么").
_FILLER = re.compile(
    "请|简要|简单|详细|介绍一下|介绍下|介绍|说一下|说下|谈谈|讲讲|解释一下|解释下|解释|你对|的理解|"
    "什么是|是什么|是啥|进行|一下|方法|技术|有哪些|哪些|吗|呢"
)
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_NUMBER_IN_WORD = re.compile(r"\d+")
_IMAGE_OR_LINK_TARGET = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|<[^>]*>|https?://\S+")


def _title_tokens(title: str) -> frozenset[str]:
    return frozenset(t for t in tokenize(_FILLER.sub(" ", title)) if not _YEAR.match(t))


def _body_tokens(body: str) -> frozenset[str]:
    return frozenset(tokenize(_IMAGE_OR_LINK_TARGET.sub(r" \1 ", body)))


def _dice(first: frozenset[str], second: frozenset[str]) -> float:
    if not first or not second:
        return 0.0
    return 2 * len(first & second) / (len(first) + len(second))


def _numbers(tokens: Iterable[str]) -> frozenset[str]:
    return frozenset(n for t in tokens for n in _NUMBER_IN_WORD.findall(t))


class _Profile:
    """A section's tokens for comparison. The answer's tokens are computed on first use:
    most sections are never compared with another one (the blocks keep the pass bounded),
    and tokenising 100,000 answers up front dominated the time on a large bank."""

    __slots__ = ("_body", "numbers", "section", "title")

    def __init__(self, section: Section) -> None:
        self.section = section
        self.title = _title_tokens(section.title)
        self.numbers = _numbers(self.title)
        self._body: frozenset[str] | None = None

    @property
    def body(self) -> frozenset[str]:
        if self._body is None:
            self._body = _body_tokens(self.section.body)
        return self._body


def _profile(section: Section) -> _Profile:
    return _Profile(section)


def _similarity(first: _Profile, second: _Profile) -> float:
    title = _dice(first.title, second.title)
    if not (first.section.has_answer and second.section.has_answer):
        return title
    return TITLE_WEIGHT * title + (1 - TITLE_WEIGHT) * _dice(first.body, second.body)


def _similarity_from(first: _Profile, second: _Profile, floor: float) -> float:
    """:func:`_similarity`, or 0.0 when it is certainly below ``floor``: the answers are only
    tokenised when even identical answers could lift the title's score to ``floor``."""
    title = _dice(first.title, second.title)
    if not (first.section.has_answer and second.section.has_answer):
        return title
    if TITLE_WEIGHT * title + (1 - TITLE_WEIGHT) * 1.0 < floor:
        return 0.0
    return TITLE_WEIGHT * title + (1 - TITLE_WEIGHT) * _dice(first.body, second.body)


def _conflicting_numbers(first: _Profile, second: _Profile) -> bool:
    """ "P-Tuning v1" and "P-Tuning v2" are different questions however similar they read."""
    return bool(first.numbers and second.numbers and first.numbers != second.numbers)


def _whitespace_free(text: str) -> str:
    # str.split() cuts at exactly the characters r"\s" matches (str.isspace()), several
    # times faster than _WS_RUN.sub("", text) on 100,000 answers.
    return "".join(text.split())


def _canonical_order(section: Section) -> tuple[bool, int, str, int]:
    answer_length = len(_whitespace_free(section.body))
    return (not section.has_answer, -answer_length, section.file_name, section.heading_line)


def _position(section: Section) -> tuple[str, int]:
    return section.file_name, section.heading_line


def group_duplicates(sections: Sequence[Section]) -> tuple[list[MergeGroup], list[Candidate]]:
    """Merge duplicate sections and list unsure pairs.

    * Only sections of the same ``kind`` are ever compared.
    * Exact pass (a hash, O(n)): sections with the same cleaned title and the same body after
      removing all whitespace are exact duplicates. A section without an answer is also an
      exact duplicate of an answered section with the same title (it adds nothing).
    * Near pass: one representative per exact group; pairs are compared only when they share a
      title token held by at most ``MAX_BLOCK_SIZE`` sections. Pairs scoring at least
      ``MERGE_THRESHOLD`` are merged (single linkage, highest score first) unless their titles
      carry different numbers ("v1"/"v2"), which makes them candidates instead; pairs scoring
      at least ``CANDIDATE_THRESHOLD`` become :class:`Candidate` objects between the canonical
      sections of the two final groups (the highest score per pair of groups).
    * The canonical section of a group is the one with an answer and the longest body (not
      counting whitespace); ties go to the file name, then the heading line. Every other
      section is a :class:`Duplicate`:
      ``"exact"`` (similarity 1.0) when it is an exact duplicate of the canonical, otherwise
      ``"near"`` with its similarity to the canonical.

    Groups are returned in source order of their canonical section; singletons are groups with
    no duplicates, so every input section appears exactly once.
    """
    exact_groups: dict[tuple[str, str, str], list[Section]] = defaultdict(list)
    stubs: list[Section] = []
    for section in sections:
        if section.has_answer:
            key = (section.kind, _whitespace_free(section.title), _whitespace_free(section.body))
            exact_groups[key].append(section)
        else:
            stubs.append(section)
    by_title: dict[tuple[str, str], tuple[str, str, str]] = {}
    for key in sorted(exact_groups, key=lambda k: min(map(_position, exact_groups[k]))):
        by_title.setdefault(key[:2], key)
    stub_only: dict[tuple[str, str], list[Section]] = defaultdict(list)
    for stub in stubs:
        title_key = (stub.kind, _whitespace_free(stub.title))
        if title_key in by_title:
            exact_groups[by_title[title_key]].append(stub)
        else:
            stub_only[title_key].append(stub)
    clusters = [sorted(members, key=_canonical_order) for members in exact_groups.values()]
    clusters += [sorted(members, key=_canonical_order) for members in stub_only.values()]
    clusters.sort(key=lambda members: _position(members[0]))

    profiles = [_profile(members[0]) for members in clusters]
    parent = list(range(len(clusters)))

    def find(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    for number, profile in enumerate(profiles):
        for token in profile.title:
            blocks[(profile.section.kind, token)].append(number)
    pairs: set[tuple[int, int]] = set()
    for block in blocks.values():
        if len(block) > MAX_BLOCK_SIZE:
            continue
        for position, first in enumerate(block):
            pairs.update((first, second) for second in block[position + 1 :])

    scored = []
    for first, second in pairs:
        score = _similarity_from(profiles[first], profiles[second], CANDIDATE_THRESHOLD)
        if score >= CANDIDATE_THRESHOLD:
            scored.append((score, first, second))
    scored.sort(key=lambda item: (-item[0], item[1], item[2]))
    unsure = []
    for score, first, second in scored:
        mergeable = score >= MERGE_THRESHOLD and not _conflicting_numbers(
            profiles[first], profiles[second]
        )
        if mergeable:
            parent[find(second)] = find(first)
        else:
            unsure.append((score, first, second))

    merged: dict[int, list[int]] = defaultdict(list)
    for number in range(len(clusters)):
        merged[find(number)].append(number)

    groups: list[MergeGroup] = []
    canonical_of: dict[int, Section] = {}
    for root, numbers in merged.items():
        if len(numbers) == 1 and len(clusters[numbers[0]]) == 1:  # most sections: no duplicate
            canonical = clusters[numbers[0]][0]
            groups.append(MergeGroup(canonical, ()))
            canonical_of[root] = canonical
            continue
        members = [section for number in numbers for section in clusters[number]]
        canonical = min(members, key=_canonical_order)
        home = next(n for n in numbers if canonical in clusters[n])
        canonical_profile: _Profile | None = None
        duplicates = []
        for section in sorted(members, key=_position):
            if section is canonical:
                continue
            if section in clusters[home]:
                duplicates.append(Duplicate(section, "exact", 1.0))
            else:
                canonical_profile = canonical_profile or _profile(canonical)
                score = round(_similarity(canonical_profile, _profile(section)), 4)
                duplicates.append(Duplicate(section, "near", score))
        groups.append(MergeGroup(canonical, tuple(duplicates)))
        canonical_of[root] = canonical
    groups.sort(key=lambda group: _position(group.canonical))

    best: dict[tuple[int, int], float] = {}
    for score, first, second in unsure:
        roots = (find(first), find(second))
        if roots[0] == roots[1]:
            continue
        pair = (min(roots), max(roots))
        best[pair] = max(best.get(pair, 0.0), score)
    candidates = []
    for (first_root, second_root), score in best.items():
        first_section, second_section = sorted(
            (canonical_of[first_root], canonical_of[second_root]), key=_position
        )
        candidates.append(Candidate(first_section, second_section, round(score, 4)))
    candidates.sort(key=lambda c: (-c.similarity, _position(c.first), _position(c.second)))
    return groups, candidates
