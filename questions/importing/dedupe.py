"""Finding duplicate sections among the notes (pure: no Django): :func:`group_duplicates`.

Exact duplicates by hash, near duplicates by a title-weighted similarity of the sections'
words (jieba-segmented, synonyms as one concept: :func:`questions.search.synonyms.concepts`),
compared only within blocks that share an informative title word. Unsure pairs are listed for
editors with the matching sentences of the two answers (:func:`evidence`).
"""

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

from .sections import Section
from .terms import Terms, TitleTerms, answer_terms, title_terms, without_link_targets


@dataclass(frozen=True)
class Duplicate:
    section: Section
    match: str  # "exact" or "near"
    similarity: float  # 1.0 for exact


@dataclass(frozen=True)
class MergeGroup:
    canonical: Section
    duplicates: tuple[Duplicate, ...]


type Evidence = tuple[tuple[str, str, float], ...]


@dataclass(frozen=True)
class Candidate:
    """An unsure pair for an editor to confirm or dismiss; never merged automatically."""

    first: Section
    second: Section
    similarity: float
    # The evidence is found when it is first read (:func:`read_evidence` to find it for many
    # at once): a re-run of an import reads it only for the pairs not listed yet (a large
    # bank's 20,000 pairs took 17 s).
    answers: "_Answers | None" = field(default=None, repr=False, compare=False)

    @cached_property
    def evidence(self) -> Evidence:
        """The best matching sentences of the two answers: (first's, second's, score)."""
        if self.answers is None:
            return ()
        found = evidence(self.first.body, self.second.body, self.answers.idf, self.answers.split)
        return tuple(found)


# Similarity = TITLE_WEIGHT * title similarity + (1 - TITLE_WEIGHT) * answer similarity, or
# the title similarity alone when either side has no answer.
# * Titles are read as concepts (:func:`questions.search.synonyms.concepts`: jieba words with
#   synonyms as one concept, so 大模型/LLM agree), less interview phrasing (请介绍下,
#   简要介绍一下, 什么是, 说下你对...的理解: ``terms._FILLER_WORDS``); what a title asks (how
#   to mitigate, how to measure, why, compare, ...: ``terms._INTENTS``, so 缓解/减轻/矫正
#   agree) is kept apart from what it is about. Title similarity is the Dice coefficient of
#   the topic words. Two titles asking different things (什么是幻觉 / 如何缓解幻觉 /
#   如何衡量幻觉), or about different versions (P-Tuning v1 / v2), are never merged, and their
#   score is multiplied by ``INTENT_PENALTY``.
# * Answers are compared by the cosine of their TF-IDF vectors over the same concept words,
#   the document frequencies taken over the answers that are compared at all.
# Tuned on tests/data/gold/duplicates.json (tests/questions/test_dedupe_gold.py keeps the
# figures; README "The question bank" quotes them): the merged repeats score 0.65-0.80, the
# highest pair left unmerged 0.50.
TITLE_WEIGHT = 0.6
# At or above: merged automatically (only pairs asking the same thing of the same version).
MERGE_THRESHOLD = 0.6
# At or above (and not merged): listed as a Candidate for an editor, with evidence.
CANDIDATE_THRESHOLD = 0.4
INTENT_PENALTY = 0.5
# Title tokens shared by more sections than this are too common to identify a duplicate; they
# do not form comparison blocks (keeps the near pass bounded on a large bank).
MAX_BLOCK_SIZE = 200
# Matching sentences shown to an editor beside a candidate pair.
EVIDENCE_SENTENCES = 3
EVIDENCE_MIN_SCORE = 0.3
EVIDENCE_MAX_SENTENCES = 60
# Texts handed to the caller's worker processes at a time (see group_duplicates).
CHUNK = 256


class Imap(Protocol):
    """``map`` with the results in order, maybe over worker processes, ``chunk`` items each."""

    def __call__[T, R](
        self, function: Callable[[T], R], items: Sequence[T], chunk: int, /
    ) -> Iterable[R]: ...


def _in_process[T, R](function: Callable[[T], R], items: Sequence[T], chunk: int, /) -> Iterator[R]:
    return map(function, items)


_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])|\n+|(?<=\.)\s+")


def _dice(first: frozenset[str], second: frozenset[str]) -> float:
    if not first or not second:
        return 0.0
    return 2 * len(first & second) / (len(first) + len(second))


class _Profile:
    """A section's words for comparison. The answer's words are only read for sections
    compared with another one (the blocks keep the pass bounded; :func:`_read_answers`)."""

    __slots__ = ("answer", "intents", "numbers", "section", "title", "vector")

    def __init__(self, section: Section, terms: TitleTerms) -> None:
        self.section = section
        self.title, self.intents, self.numbers = terms
        self.answer: Terms = {}
        self.vector: dict[str, float] = {}


def _profiles(sections: Sequence[Section], imap: Imap) -> list[_Profile]:
    terms = imap(title_terms, [section.title for section in sections], CHUNK)
    return [_Profile(section, found) for section, found in zip(sections, terms, strict=True)]


def _read_answers(profiles: Sequence[_Profile], imap: Imap) -> None:
    answers = imap(answer_terms, [profile.section.body for profile in profiles], CHUNK)
    for profile, terms in zip(profiles, answers, strict=True):
        profile.answer = terms


class _Idf:
    """Inverse document frequencies over the documents given (their terms)."""

    def __init__(self, documents: Iterable[Terms]) -> None:
        frequency: Counter[str] = Counter()
        count = 0
        for terms in documents:
            frequency.update(terms.keys())
            count += 1
        self._count = count
        # Weighed once per word: a large bank's answers hold millions of words.
        self._weights = {word: self._weight(n) for word, n in frequency.items()}

    def _weight(self, frequency: int) -> float:
        return math.log((1 + self._count) / (1 + frequency)) + 1

    def weight(self, word: str) -> float:
        known = self._weights.get(word)
        return self._weight(0) if known is None else known

    def vector(self, terms: Terms) -> dict[str, float]:
        """The unit TF-IDF vector of a text's ``terms``."""
        weights = self._weights
        vector = {
            word: tf * (weights[word] if word in weights else self.weight(word))
            for word, tf in terms.items()
        }
        norm = math.sqrt(sum(value * value for value in vector.values())) or 1.0
        return {word: value / norm for word, value in vector.items()}


def _cosine(first: dict[str, float], second: dict[str, float]) -> float:
    if len(first) > len(second):
        first, second = second, first
    # The words in common only, in the order of the smaller vector (adding 0.0 for each
    # other word changed nothing but the time).
    return sum(value * second[word] for word, value in first.items() if word in second)


def _title_similarity(first: _Profile, second: _Profile) -> float:
    return _dice(first.title, second.title)


def _similarity(first: _Profile, second: _Profile) -> float:
    title = _title_similarity(first, second)
    if first.section.has_answer and second.section.has_answer:
        score = TITLE_WEIGHT * title + (1 - TITLE_WEIGHT) * _cosine(first.vector, second.vector)
    else:
        score = title
    if first.intents != second.intents or _conflicting_numbers(first, second):
        score *= INTENT_PENALTY
    return score


def _could_reach(first: _Profile, second: _Profile, floor: float) -> bool:
    """Whether even identical answers could lift the pair's title score to ``floor``."""
    title = _title_similarity(first, second)
    if first.section.has_answer and second.section.has_answer:
        title = TITLE_WEIGHT * title + (1 - TITLE_WEIGHT)
    return title >= floor


def _sentences(body: str) -> list[str]:
    text = without_link_targets(body)
    parts = (part.strip(" -+*#>|\t") for part in _SENTENCE_END.split(text))
    return [part for part in parts if len(part) > 6]


type Split = tuple[list[str], list[Terms]]


def _sentence_terms(body: str) -> Split:
    """The sentences of an answer compared for evidence and the terms of each."""
    # Bounded: a pair of long answers would cost the product of their sentence counts.
    sentences = _sentences(body)[:EVIDENCE_MAX_SENTENCES]
    return sentences, [answer_terms(sentence) for sentence in sentences]


class _Answers:
    """The answers of one grouping's candidates: their TF-IDF weights, and each answer's
    sentences, split once however many pairs it is in."""

    def __init__(self, idf: _Idf) -> None:
        self.idf = idf
        self._split: dict[str, Split] = {}

    def split(self, body: str) -> Split:
        if body not in self._split:
            self._split[body] = _sentence_terms(body)
        return self._split[body]

    def read(self, bodies: Iterable[str], imap: Imap) -> None:
        missing = [body for body in dict.fromkeys(bodies) if body not in self._split]
        self._split.update(zip(missing, imap(_sentence_terms, missing, CHUNK), strict=True))


def read_evidence(candidates: Iterable[Candidate], imap: Imap = _in_process) -> None:
    """Find the evidence of ``candidates`` now, their answers split through ``imap`` (the
    importer's worker processes)."""
    by_grouping: dict[int, tuple[_Answers, list[str]]] = {}
    for candidate in candidates:
        if candidate.answers is not None:
            _answers, bodies = by_grouping.setdefault(
                id(candidate.answers), (candidate.answers, [])
            )
            bodies += (candidate.first.body, candidate.second.body)
    for answers, bodies in by_grouping.values():
        answers.read(bodies, imap)


def evidence(
    first: str,
    second: str,
    idf: _Idf | None = None,
    sentence_terms: Callable[[str], Split] = _sentence_terms,
) -> list[tuple[str, str, float]]:
    """The sentences of two answers that match best, side by side: up to
    ``EVIDENCE_SENTENCES`` pairs (each sentence used once) scoring at least
    ``EVIDENCE_MIN_SCORE`` (TF-IDF cosine of their concept words), best first."""
    left, left_terms = sentence_terms(first)
    right, right_terms = sentence_terms(second)
    if not left or not right:
        return []
    if idf is None:
        idf = _Idf(left_terms + right_terms)
    left_vectors = [idf.vector(terms) for terms in left_terms]
    right_vectors = [idf.vector(terms) for terms in right_terms]
    scored = sorted(
        (
            (_cosine(a, b), i, j)
            for i, a in enumerate(left_vectors)
            for j, b in enumerate(right_vectors)
        ),
        reverse=True,
    )
    used_left: set[int] = set()
    used_right: set[int] = set()
    found: list[tuple[str, str, float]] = []
    for score, i, j in scored:
        if score < EVIDENCE_MIN_SCORE or len(found) == EVIDENCE_SENTENCES:
            break
        if i in used_left or j in used_right:
            continue
        used_left.add(i)
        used_right.add(j)
        found.append((left[i][:300], right[j][:300], round(score, 3)))
    return found


def _conflicting_numbers(first: _Profile, second: _Profile) -> bool:
    """ "P-Tuning v1" and "P-Tuning v2" are different questions however similar they read; a
    title without a version asks about the first one ("P-Tuning" is "P-Tuning v1")."""
    one, other = first.numbers, second.numbers
    if any(n.startswith("v") for n in one | other):
        one = one or frozenset({"v1"})
        other = other or frozenset({"v1"})
    return bool(one and other and one != other)


def _whitespace_free(text: str) -> str:
    # str.split() cuts at exactly the characters r"\s" matches (str.isspace()), several
    # times faster than _WS_RUN.sub("", text) on 100,000 answers.
    return "".join(text.split())


def _canonical_order(section: Section) -> tuple[bool, int, str, int]:
    answer_length = len(_whitespace_free(section.body))
    return (not section.has_answer, -answer_length, section.file_name, section.heading_line)


def _position(section: Section) -> tuple[str, int]:
    return section.file_name, section.heading_line


def group_duplicates(
    sections: Sequence[Section], *, imap: Imap = _in_process
) -> tuple[list[MergeGroup], list[Candidate]]:
    """Merge duplicate sections and list unsure pairs. The words of titles and answers are
    read through ``imap(function, texts, chunk)`` (the importer's worker processes), in
    order; the evidence of a candidate when it is first read.

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

    profiles = _profiles([members[0] for members in clusters], imap)
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

    pairs = {
        (first, second)
        for first, second in pairs
        if _could_reach(profiles[first], profiles[second], CANDIDATE_THRESHOLD)
    }
    involved = sorted({number for pair in pairs for number in pair})
    _read_answers([profiles[number] for number in involved], imap)
    idf = _Idf(profiles[number].answer for number in involved)
    for number in involved:
        profiles[number].vector = idf.vector(profiles[number].answer)
    scored = []
    for first, second in pairs:
        score = _similarity(profiles[first], profiles[second])
        if score >= CANDIDATE_THRESHOLD:
            scored.append((score, first, second))
    scored.sort(key=lambda item: (-item[0], item[1], item[2]))
    unsure = []
    for score, first, second in scored:
        mergeable = (
            score >= MERGE_THRESHOLD
            and profiles[first].intents == profiles[second].intents
            and not _conflicting_numbers(profiles[first], profiles[second])
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
        cluster_of = {id(section): n for n in numbers for section in clusters[n]}
        duplicates = []
        for section in sorted(members, key=_position):
            if section is canonical:
                continue
            if section in clusters[home]:
                duplicates.append(Duplicate(section, "exact", 1.0))
            else:
                # Every section of a cluster has its representative's answer and title.
                other = profiles[cluster_of[id(section)]]
                score = round(_similarity(profiles[home], other), 4)
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
    answers = _Answers(idf)
    candidates = []
    for (first_root, second_root), score in best.items():
        first_section, second_section = sorted(
            (canonical_of[first_root], canonical_of[second_root]), key=_position
        )
        candidates.append(Candidate(first_section, second_section, round(score, 4), answers))
    candidates.sort(key=lambda c: (-c.similarity, _position(c.first), _position(c.second)))
    return groups, candidates


# Different questions whose titles share at least this much of their topic (Dice of the topic
# words) form a series: what hallucination is, how to measure it, how to mitigate it.
SERIES_MIN_TITLE = 0.5
SERIES_MAX_LINKS = 8


def series_pairs(
    sections: Sequence[Section], *, imap: Imap = _in_process
) -> list[tuple[Section, Section]]:
    """Pairs of ``sections`` (the canonical sections of different questions) on one topic:
    same kind, title topic words alike (``SERIES_MIN_TITLE``), compared within blocks that
    share a topic word, like the near-duplicate pass; at most ``SERIES_MAX_LINKS`` per
    section, the closest first. In source order."""
    profiles = _profiles(sorted(sections, key=_position), imap)
    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    for number, profile in enumerate(profiles):
        for word in profile.title:
            blocks[(profile.section.kind, word)].append(number)
    scored: dict[tuple[int, int], float] = {}
    for block in blocks.values():
        if len(block) > MAX_BLOCK_SIZE:
            continue
        for position, first in enumerate(block):
            for second in block[position + 1 :]:
                score = _title_similarity(profiles[first], profiles[second])
                if score >= SERIES_MIN_TITLE:
                    scored[(first, second)] = score
    # The closest links first, at most SERIES_MAX_LINKS per question: a page lists a short
    # series, and a large generated bank does not grow a link table quadratic in its blocks.
    links: Counter[int] = Counter()
    kept = []
    for (first, second), _ in sorted(scored.items(), key=lambda item: (-item[1], item[0])):
        if links[first] < SERIES_MAX_LINKS and links[second] < SERIES_MAX_LINKS:
            links.update((first, second))
            kept.append((first, second))
    return [(profiles[a].section, profiles[b].section) for a, b in sorted(kept)]
