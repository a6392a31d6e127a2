"""The English/Chinese synonym table and the search box's query parser (pure: no Django).

``fixtures/synonyms.json`` lists synonym sets (RoPE, 旋转位置编码, ...); a query term that is a
member of a set searches for every member. Members are Latin words or two or more CJK
characters, tokenised by :mod:`.tokens` like the indexed text.

:func:`concepts` reads a text for comparison (the duplicate detector, the tagger): its words
(:func:`.tokens.words`, jieba-segmented) with every synonym replaced by one concept word, the
joined, case-folded first member of its set (``旋转位置编码`` and ``RoPE`` both give ``rope``,
``大模型`` and ``LLMs`` give ``llm``).
"""

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from .tokens import Link, Piece, _joined_forms, bigrams, lex, segment

SYNONYMS_PATH = Path(__file__).resolve().parents[2] / "fixtures" / "synonyms.json"

# A pasted essay must not become a huge FTS/tsquery expression; longer queries are cut.
MAX_QUERY_CHARS = 200
MAX_QUERY_GROUPS = 16


@dataclass(frozen=True)
class _SynonymTable:
    latin: dict[tuple[str, ...], int]  # word sequence (or its joined form) -> set number
    cjk: dict[str, int]  # CJK string -> set number
    alternatives: list[list[str]]  # set number -> token sequences to search for
    names: list[str]  # set number -> its concept word (see concepts())
    max_latin: int
    max_cjk: int
    # The CJK members, longest first: at each position the longest one that matches.
    cjk_pattern: re.Pattern[str] | None


def _member_alternatives(pieces: Sequence[Piece]) -> list[str]:
    if len(pieces) == 1 and pieces[0].cjk:
        return [" ".join(bigrams(pieces[0].text))]
    words = [piece.text for piece in pieces]
    return [" ".join(words), "".join(words)] if len(words) > 1 else words


def _without_longer_phrases(alternatives: Iterable[str]) -> list[str]:
    """``alternatives`` less those containing another one as a phrase: a text holding
    检索增强生成 holds 检索增强, so searching for both only makes the index read more
    (``"检索 索增 增强 强生 生成"`` goes, ``"检索 索增 增强"`` stays)."""
    unique = list(alternatives)
    return [
        phrase
        for phrase in unique
        if not any(other != phrase and f" {other} " in f" {phrase} " for other in unique)
    ]


@cache
def _synonyms() -> _SynonymTable:
    """Load fixtures/synonyms.json once per process."""
    data = json.loads(SYNONYMS_PATH.read_text(encoding="utf-8"))
    latin: dict[tuple[str, ...], int] = {}
    cjk: dict[str, int] = {}
    alternatives: list[list[str]] = []
    names: list[str] = []

    def claim(table: dict[Any, int], key: object, number: int, member: str) -> None:
        if table.setdefault(key, number) != number:
            raise ValueError(f"synonyms.json: {member!r} is in two synonym sets")

    for number, members in enumerate(data["sets"]):
        found: list[str] = []
        names.append("".join(piece.text for piece in lex(members[0])))
        for member in members:
            pieces = lex(member)
            if len(pieces) == 1 and pieces[0].cjk and len(pieces[0].text) > 1:
                claim(cjk, pieces[0].text, number, member)
            elif pieces and not any(piece.cjk for piece in pieces):
                words = tuple(piece.text for piece in pieces)
                claim(latin, words, number, member)
                if len(words) > 1:
                    claim(latin, ("".join(words),), number, member)
            else:
                raise ValueError(
                    f"synonyms.json: {member!r} must be Latin words or 2+ CJK characters"
                )
            found.extend(_member_alternatives(pieces))
        alternatives.append(_without_longer_phrases(dict.fromkeys(found)))
    return _SynonymTable(
        latin=latin,
        cjk=cjk,
        alternatives=alternatives,
        names=names,
        max_latin=max((len(key) for key in latin), default=0),
        max_cjk=max((len(key) for key in cjk), default=0),
        cjk_pattern=re.compile("|".join(map(re.escape, sorted(cjk, key=len, reverse=True))))
        if cjk
        else None,
    )


def _expand_cjk(run: str, table: _SynonymTable) -> Iterator[list[str]]:
    """Split a CJK run into synonym terms (longest match first) and the text between them."""
    if len(run) == 1:
        yield [run]
        return
    start = position = 0
    while position < len(run):
        for length in range(min(table.max_cjk, len(run) - position), 1, -1):
            number = table.cjk.get(run[position : position + length])
            if number is not None:
                if position - start > 1:
                    yield [" ".join(bigrams(run[start:position]))]
                yield table.alternatives[number]
                position += length
                start = position
                break
        else:
            position += 1
    # A single character left over next to a synonym (的, 是) carries no meaning on its own
    # and, not being a bigram, would match almost nothing: it is dropped.
    if len(run) - start > 1:
        yield [" ".join(bigrams(run[start:]))]


def _expand_latin(pieces: Sequence[Piece], table: _SynonymTable) -> tuple[list[str], int]:
    """The group for the Latin words starting ``pieces``, and how many words it used."""
    words = [piece.text for piece in pieces]
    for length in range(min(table.max_latin, len(words)), 0, -1):
        number = table.latin.get(tuple(words[:length]))
        if number is not None:
            return table.alternatives[number], length
    # Not a synonym: a hyphenated compound is one phrase (or its joined form); a lone word
    # is itself. Words separated by spaces are separate terms.
    length = 1
    while length < len(pieces) and pieces[length].link is Link.HYPHEN:
        length += 1
    return _member_alternatives(pieces[:length]), length


def expand_query(query: str) -> list[list[str]]:
    """Parse a search box query into AND-ed groups of OR-ed alternatives.

    Each alternative is a token sequence joined by single spaces and means "these tokens as a
    phrase", e.g. ``expand_query("RoPE 作用")`` ->
    ``[["rope", "旋转 转位 位置 置编 编码", "rotary position embedding", ...], ["作用"]]``.
    A group is one query term together with its synonyms (or, for ``kv-cache``, the phrase
    ``kv cache`` and the joined form ``kvcache``). Terms are separated by whitespace,
    punctuation and changes of script; a CJK run is split around synonyms found in it.
    An empty list means the query has nothing to search for (only punctuation/whitespace).
    """
    pieces = lex(query[:MAX_QUERY_CHARS])
    table = _synonyms()
    groups: list[list[str]] = []
    i = 0
    while i < len(pieces):
        if pieces[i].cjk:
            groups.extend(_expand_cjk(pieces[i].text, table))
            i += 1
            continue
        end = i + 1
        while end < len(pieces) and not pieces[end].cjk and pieces[end].link is not Link.NONE:
            end += 1
        group, used = _expand_latin(pieces[i:end], table)
        groups.append(group)
        i += used
    unique = {tuple(dict.fromkeys(group)): None for group in groups}
    return [list(group) for group in unique][:MAX_QUERY_GROUPS]


@lru_cache(maxsize=1 << 16)  # runs repeat (most of a large bank's were seen before)
def _cjk_concepts(run: str) -> tuple[str, ...]:
    """The concepts of a CJK run: its synonyms (longest match first, left to right) and the
    jieba words of the text between them."""
    table = _synonyms()
    if table.cjk_pattern is None:
        return segment(run)
    found: list[str] = []
    start = 0
    for match in table.cjk_pattern.finditer(run):
        if match.start() > start:
            found += segment(run[start : match.start()])
        found.append(table.names[table.cjk[match.group()]])
        start = match.end()
    return (*found, *segment(run[start:]))


def _latin_concepts(pieces: Sequence[Piece], table: _SynonymTable, joined: bool) -> Iterator[str]:
    """Concepts of Latin words linked by spaces or hyphens: synonyms longest first; the other
    words stay, with the joined forms of their compounds."""
    words = [piece.text for piece in pieces]
    plain: list[Piece] = []
    i = 0
    while i < len(words):
        for length in range(min(table.max_latin, len(words) - i), 0, -1):
            number = table.latin.get(tuple(words[i : i + length]))
            if number is not None:
                yield from _plain_words(plain, joined)
                plain = []
                yield table.names[number]
                i += length
                break
        else:
            plain.append(pieces[i])
            i += 1
    yield from _plain_words(plain, joined)


def _plain_words(pieces: Sequence[Piece], joined: bool) -> list[str]:
    return [piece.text for piece in pieces] + (_joined_forms(pieces) if joined else [])


def concepts(text: str, *, joined: bool = True) -> list[str]:
    """The words of ``text`` with synonyms as concept words (see the module docstring); with
    ``joined``, also the joined forms of Latin compounds that are no synonym."""
    pieces = lex(text)
    table = _synonyms()
    found: list[str] = []
    i = 0
    while i < len(pieces):
        if pieces[i].cjk:
            found.extend(_cjk_concepts(pieces[i].text))
            i += 1
            continue
        end = i + 1
        while end < len(pieces) and not pieces[end].cjk and pieces[end].link is not Link.NONE:
            end += 1
        found.extend(_latin_concepts(pieces[i:end], table, joined))
        i = end
    return found
