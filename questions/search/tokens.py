"""The one home of the CJK character ranges and of tokenising text (pure: no Django).

Search (:mod:`questions.search`), the duplicate detector (:mod:`questions.importing.dedupe`),
the note parser's title and prose rules and the interview key points
(:mod:`interviews.keypoints`) all read text through this module.

Character ranges (code points, both ends included):

* ``HAN_RANGES``, the Han ideographs: CJK Unified Ideographs (U+4E00-9FFF), Extension A
  (U+3400-4DBF), the compatibility ideographs (U+F900-FAFF) and the ideographs of the
  supplementary planes (U+20000-323AF: Extensions B to I and the compatibility supplement; the
  unassigned code points between them are not letters, so no token ever holds one).
* ``CJK_RANGES``, scripts written without spaces between words, tokenised as character
  bigrams: Han, kana (U+3040-30FF) and Hangul syllables (U+AC00-D7AF).
* ``CJK_PUNCTUATION_RANGES``: CJK symbols and punctuation (U+3000-303F: 。、「」【】《》) and
  the half-width and full-width forms (U+FF00-FFEF: ？，：（）！). Punctuation among them
  separates tokens like any other; the note parser drops whitespace between two characters
  of ``HAN`` or ``CJK_PUNCTUATION`` in titles.

Tokens (:func:`tokenize`):

* A run of CJK characters becomes its overlapping character bigrams (``大模型幻觉`` ->
  ``大模 模型 型幻 幻觉``); a run of one CJK character stays a unigram.
* Any other run of letters/digits is one word, NFKC-normalised and case-folded.
* Everything else (punctuation, whitespace, hyphens, underscores, Markdown) separates tokens.

Words (:func:`words`), for comparing texts rather than searching them (the duplicate
detector, the tagger): a CJK run is segmented into words by ``rjieba`` (jieba's dictionary,
inside the wheel, offline) instead of bigrams, so ``幻觉`` is one word and ``觉矫`` none; Latin
words are folded as for tokens, and a hyphenated or spaced Latin compound also gives its joined
form (``Prefix-tuning`` and ``Prefix Tuning`` both give ``prefixtuning``).

The indexed text (:func:`search_fields`) also carries the *joined form* of Latin words written
next to each other with a hyphen, underscore or spaces (``KV-Cache`` adds ``kvcache``), so
``KVCache`` finds ``kv cache`` and vice versa.
"""

import itertools
import re
import unicodedata
from collections.abc import Sequence
from enum import Enum
from functools import lru_cache
from typing import NamedTuple

import rjieba

HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x323AF))
CJK_RANGES = (*HAN_RANGES, (0x3040, 0x30FF), (0xAC00, 0xD7AF))
CJK_PUNCTUATION_RANGES = ((0x3000, 0x303F), (0xFF00, 0xFFEF))


def _character_class(ranges: Sequence[tuple[int, int]]) -> str:
    return "".join(f"{re.escape(chr(low))}-{re.escape(chr(high))}" for low, high in ranges)


#: The inside of a regular expression character class (``f"[{HAN}]"``) for each set of ranges.
HAN = _character_class(HAN_RANGES)
CJK = _character_class(CJK_RANGES)
CJK_PUNCTUATION = _character_class(CJK_PUNCTUATION_RANGES)

_CJK_CHAR_RE = re.compile(f"[{CJK}]")
_HYPHEN_GAP_RE = re.compile(r"[-_\u2010\u2011\u2012\u2013]+")
# A word (letters and digits) with what separates it from the word before.
_GAP_WORD_RE = re.compile(r"([\W_]*)([^\W_]+)")
_CJK_RUN_RE = re.compile(f"[{CJK}]+")
# Splits a word into runs of CJK and of other characters (what itertools.groupby() by script
# gives, at C speed: tokenising is the bulk of loading a large bank).
_SCRIPT_RUN_RE = re.compile(f"(?P<cjk>[{CJK}]+)|[^{CJK}]+")
# What _GAP_WORD_RE and _SCRIPT_RUN_RE cut together, in one pass: runs of CJK characters (which
# tokenize() still splits at the few that are no letters) or of other letters and digits.
_TOKEN_RUN_RE = re.compile(rf"([{CJK}]+)|([^\W_{CJK}]+)")
_NOT_ALNUM_RE = re.compile(r"[\W_]+")


class Link(Enum):
    """What separates a word from the one before it."""

    NONE = "none"  # start of text, punctuation, or a change of script
    SPACE = "space"
    HYPHEN = "hyphen"


class Piece(NamedTuple):  # a tuple: built once per word of every answer a load indexes
    text: str  # a case-folded Latin (non-CJK) word, or a run of CJK characters
    cjk: bool
    link: Link


def is_cjk_char(token: str) -> bool:
    """Whether ``token`` is one character of ``CJK_RANGES`` (a token indexed only inside
    bigrams)."""
    return len(token) == 1 and _CJK_CHAR_RE.match(token) is not None


@lru_cache(maxsize=1 << 16)  # words repeat: most of a large bank's words were seen before
def _fold(word: str) -> str:
    if word.isascii():
        # An ASCII word here is letters and digits: NFKC keeps it, casefold() is lower().
        return word.lower()
    # casefold() can emit combining marks ("İ" -> "i̇"); keep letters and digits only.
    folded = unicodedata.normalize("NFKC", word.casefold())
    return "".join(char for char in folded if char.isalnum())


@lru_cache(maxsize=1024)  # a text's separators are few: spaces, commas, hyphens
def _link(gap: str) -> Link:
    if not gap:
        return Link.NONE
    if gap.isspace():
        return Link.SPACE
    if _HYPHEN_GAP_RE.fullmatch(gap):
        return Link.HYPHEN
    return Link.NONE


def lex(text: str) -> list[Piece]:
    """``text`` as words and CJK runs, each with what separates it from the one before."""
    found = _GAP_WORD_RE.findall(unicodedata.normalize("NFKC", text))
    if found:  # nothing comes before the first word
        found[0] = ("", found[0][1])
    pieces: list[Piece] = []
    append = pieces.append
    for gap, word in found:
        link = _link(gap)
        # Most words are all of one script: ASCII (folded by lower()) or CJK.
        if word.isascii():
            append(Piece(word.lower(), False, link))
        elif _CJK_RUN_RE.fullmatch(word):
            append(Piece(word, True, link))
        else:
            for run_match in _SCRIPT_RUN_RE.finditer(word):
                run = run_match.group()
                cjk = run_match.lastgroup == "cjk"
                folded = run if cjk else _fold(run)
                if folded:
                    append(Piece(folded, cjk, link))
                link = Link.NONE
    return pieces


def bigrams(run: str) -> list[str]:
    """The overlapping character pairs of a CJK run; a single character stays itself."""
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def _piece_tokens(pieces: Sequence[Piece]) -> list[str]:
    tokens: list[str] = []
    for piece in pieces:
        tokens.extend(bigrams(piece.text) if piece.cjk else [piece.text])
    return tokens


def tokenize(text: str) -> list[str]:
    """Split ``text`` into tokens, in order (see the module docstring): the tokens of
    :func:`lex`'s pieces, found in one pass since it needs no links (the duplicate detector
    tokenises every title and many answers of a bank with it).

    Tokens never contain whitespace, quotes or operator characters.
    """
    tokens: list[str] = []
    for cjk, other in _TOKEN_RUN_RE.findall(unicodedata.normalize("NFKC", text)):
        if other:
            if word := _fold(other):
                tokens.append(word)
        elif cjk.isalnum():
            tokens += bigrams(cjk)
        else:  # kana punctuation ("・") or an unassigned code point within the CJK ranges
            for part in _NOT_ALNUM_RE.split(cjk):
                if part:
                    tokens += bigrams(part)
    return tokens


def _joined_forms(pieces: Sequence[Piece]) -> list[str]:
    """``kv cache``/``kv-cache`` -> ``kvcache``; a hyphenated chain is also joined whole."""
    joined: list[str] = []
    chain: list[str] = []
    for previous, piece in itertools.pairwise(pieces):
        if previous.cjk or piece.cjk or piece.link is Link.NONE:
            chain = []
            continue
        joined.append(previous.text + piece.text)
        if piece.link is Link.HYPHEN:
            chain = (chain or [previous.text]) + [piece.text]
            if len(chain) > 2:
                joined.append("".join(chain))
        else:
            chain = []
    return joined


def _index_text(text: str) -> str:
    pieces = lex(text)
    # Joined forms go after the tokens so they do not break phrase adjacency.
    return " ".join(_piece_tokens(pieces) + _joined_forms(pieces))


def search_fields(title: str, body_markdown: str) -> tuple[str, str]:
    """The values to store in ``Question.search_title`` and ``Question.search_body``: the
    space-separated tokens and joined forms of each."""
    return _index_text(title), _index_text(body_markdown)


@lru_cache(maxsize=1 << 16)
def segment(run: str) -> tuple[str, ...]:
    """The words of a run of CJK characters, by jieba's dictionary (rjieba)."""
    return tuple(word for word in rjieba.cut(run) if word.strip())


def words(text: str) -> list[str]:
    """``text`` as words for comparing texts (see the module docstring): segmented CJK
    words and folded Latin words in order, then the joined forms of Latin compounds."""
    pieces = lex(text)
    found: list[str] = []
    for piece in pieces:
        found.extend(segment(piece.text) if piece.cjk else (piece.text,))
    return found + _joined_forms(pieces)
