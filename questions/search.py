"""Full-text search over the question bank, in Chinese and English, on SQLite and PostgreSQL.

Neither database's built-in text search finds two-character Chinese words (幻觉, 显存), so the
text is tokenised here, in Python, and the databases only index and match ready-made tokens:

* A run of CJK characters becomes its overlapping character bigrams (``大模型幻觉`` ->
  ``大模 模型 型幻 幻觉``); a run of one CJK character stays a unigram.
* Any other run of letters/digits is one word, NFKC-normalised and case-folded.
* The indexed text (``search_fields``) also carries the *joined form* of Latin words written
  next to each other with a hyphen, underscore or spaces (``KV-Cache`` adds ``kvcache``), so
  ``KVCache`` finds ``kv cache`` and vice versa.
* ``fixtures/synonyms.json`` lists English/Chinese synonym sets (RoPE, 旋转位置编码, ...); a
  query term that is a member of a set searches for every member.

The tokens are stored, space-separated, in ``Question.search_title``/``search_body``. The
migration ``0002_search_index`` indexes them:

* PostgreSQL: a stored generated column ``search_vector`` =
  ``setweight(to_tsvector('simple', search_title), 'A') || setweight(..., search_body), 'B')``
  with the GIN index ``question_search_gin``; queried with ``to_tsquery('simple', %s)``.
* SQLite: the FTS5 table ``questions_question_fts`` (external content = questions_question,
  rowid = question id) kept in sync by triggers; queried with ``MATCH`` and ranked by
  ``bm25()`` with the title column weighted ``SQLITE_TITLE_WEIGHT`` times the body.

Every query string handed to the database is built from tokens (letters and digits only), each
quoted for the target syntax, and passed as a parameter: user text never reaches SQL or the
FTS/tsquery grammar as operators.
"""

import itertools
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from django.core.paginator import Page, Paginator
from django.db import NotSupportedError, connections
from django.db.models import BooleanField, F, Field, FloatField, Func, Q, QuerySet
from django.db.models.expressions import RawSQL

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler

    from questions.models import Question

SYNONYMS_PATH = Path(__file__).resolve().parent.parent / "fixtures" / "synonyms.json"

# Names created by migrations/0002_search_index.py (which repeats them: migrations are frozen).
FTS_TABLE = "questions_question_fts"
PG_VECTOR_COLUMN = "search_vector"
PG_INDEX = "question_search_gin"
# From migrations/0005_title_search_index.py: the title alone, for title matches.
PG_TITLE_VECTOR_COLUMN = "search_title_vector"
PG_TITLE_INDEX = "question_title_search_gin"

#: How many matches (and title matches) a search ranks; see search_questions().
RANK_CANDIDATES = 200

SQLITE_TITLE_WEIGHT = 10.0
# A pasted essay must not become a huge FTS/tsquery expression; longer queries are cut.
MAX_QUERY_CHARS = 200
MAX_QUERY_GROUPS = 16

# Han (with extensions and compatibility ideographs), kana and Hangul syllables: scripts
# written without spaces between words, so they are indexed as character bigrams.
_CJK_RANGES = (
    (0x3040, 0x30FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xAC00, 0xD7AF),
    (0xF900, 0xFAFF),
    (0x20000, 0x3134F),
)
_WORD_RE = re.compile(r"[^\W_]+")
_HYPHEN_GAP_RE = re.compile(r"[-_\u2010\u2011\u2012\u2013]+")


class _Link(Enum):
    """What separates a word from the one before it."""

    NONE = "none"  # start of text, punctuation, or a change of script
    SPACE = "space"
    HYPHEN = "hyphen"


class _Piece(NamedTuple):  # a tuple: built once per word of every answer a load indexes
    text: str  # a case-folded Latin (non-CJK) word, or a run of CJK characters
    cjk: bool
    link: _Link


_CJK_CLASS = "".join(f"{chr(low)}-{chr(high)}" for low, high in _CJK_RANGES)
# Splits a word into runs of CJK and of other characters (what itertools.groupby(_is_cjk)
# gives, at C speed: tokenising is the bulk of loading a large bank).
_SCRIPT_RUN_RE = re.compile(f"(?P<cjk>[{_CJK_CLASS}]+)|[^{_CJK_CLASS}]+")


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _CJK_RANGES)


@lru_cache(maxsize=1 << 16)  # words repeat: most of a large bank's words were seen before
def _fold(word: str) -> str:
    if word.isascii():
        # An ASCII word here is letters and digits: NFKC keeps it, casefold() is lower().
        return word.lower()
    # casefold() can emit combining marks ("İ" -> "i̇"); keep letters and digits only.
    folded = unicodedata.normalize("NFKC", word.casefold())
    return "".join(char for char in folded if char.isalnum())


def _link(gap: str | None) -> _Link:
    if not gap:
        return _Link.NONE
    if gap.isspace():
        return _Link.SPACE
    if _HYPHEN_GAP_RE.fullmatch(gap):
        return _Link.HYPHEN
    return _Link.NONE


def _lex(text: str) -> list[_Piece]:
    text = unicodedata.normalize("NFKC", text)
    pieces: list[_Piece] = []
    previous_end: int | None = None
    for match in _WORD_RE.finditer(text):
        gap = None if previous_end is None else text[previous_end : match.start()]
        link = _link(gap)
        for run_match in _SCRIPT_RUN_RE.finditer(match.group()):
            run = run_match.group()
            cjk = run_match.lastgroup == "cjk"
            word = run if cjk else _fold(run)
            if word:
                pieces.append(_Piece(word, cjk, link))
            link = _Link.NONE
        previous_end = match.end()
    return pieces


def _bigrams(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def _piece_tokens(pieces: Sequence[_Piece]) -> list[str]:
    tokens: list[str] = []
    for piece in pieces:
        tokens.extend(_bigrams(piece.text) if piece.cjk else [piece.text])
    return tokens


def tokenize(text: str) -> list[str]:
    """Split ``text`` into search tokens, in order.

    CJK runs become overlapping character bigrams (one character stays a unigram); other
    runs of letters/digits become NFKC-normalised, case-folded words. Everything else
    (punctuation, whitespace, hyphens, Markdown) separates tokens and is dropped. Tokens never
    contain whitespace, quotes or operator characters.
    """
    return _piece_tokens(_lex(text))


def _joined_forms(pieces: Sequence[_Piece]) -> list[str]:
    """``kv cache``/``kv-cache`` -> ``kvcache``; a hyphenated chain is also joined whole."""
    joined: list[str] = []
    chain: list[str] = []
    for previous, piece in itertools.pairwise(pieces):
        if previous.cjk or piece.cjk or piece.link is _Link.NONE:
            chain = []
            continue
        joined.append(previous.text + piece.text)
        if piece.link is _Link.HYPHEN:
            chain = (chain or [previous.text]) + [piece.text]
            if len(chain) > 2:
                joined.append("".join(chain))
        else:
            chain = []
    return joined


def _index_text(text: str) -> str:
    pieces = _lex(text)
    # Joined forms go after the tokens so they do not break phrase adjacency.
    return " ".join(_piece_tokens(pieces) + _joined_forms(pieces))


def search_fields(title: str, body_markdown: str) -> tuple[str, str]:
    """The values to store in ``Question.search_title`` and ``Question.search_body``."""
    return _index_text(title), _index_text(body_markdown)


@dataclass(frozen=True)
class _SynonymTable:
    latin: dict[tuple[str, ...], int]  # word sequence (or its joined form) -> set number
    cjk: dict[str, int]  # CJK string -> set number
    alternatives: list[list[str]]  # set number -> token sequences to search for
    max_latin: int
    max_cjk: int


def _member_alternatives(pieces: Sequence[_Piece]) -> list[str]:
    if len(pieces) == 1 and pieces[0].cjk:
        return [" ".join(_bigrams(pieces[0].text))]
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

    def claim(table: dict[Any, int], key: object, number: int, member: str) -> None:
        if table.setdefault(key, number) != number:
            raise ValueError(f"synonyms.json: {member!r} is in two synonym sets")

    for number, members in enumerate(data["sets"]):
        found: list[str] = []
        for member in members:
            pieces = _lex(member)
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
        max_latin=max((len(key) for key in latin), default=0),
        max_cjk=max((len(key) for key in cjk), default=0),
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
                    yield [" ".join(_bigrams(run[start:position]))]
                yield table.alternatives[number]
                position += length
                start = position
                break
        else:
            position += 1
    # A single character left over next to a synonym (的, 是) carries no meaning on its own
    # and, not being a bigram, would match almost nothing: it is dropped.
    if len(run) - start > 1:
        yield [" ".join(_bigrams(run[start:]))]


def _expand_latin(pieces: Sequence[_Piece], table: _SynonymTable) -> tuple[list[str], int]:
    """The group for the Latin words starting ``pieces``, and how many words it used."""
    words = [piece.text for piece in pieces]
    for length in range(min(table.max_latin, len(words)), 0, -1):
        number = table.latin.get(tuple(words[:length]))
        if number is not None:
            return table.alternatives[number], length
    # Not a synonym: a hyphenated compound is one phrase (or its joined form); a lone word
    # is itself. Words separated by spaces are separate terms.
    length = 1
    while length < len(pieces) and pieces[length].link is _Link.HYPHEN:
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
    pieces = _lex(query[:MAX_QUERY_CHARS])
    table = _synonyms()
    groups: list[list[str]] = []
    i = 0
    while i < len(pieces):
        if pieces[i].cjk:
            groups.extend(_expand_cjk(pieces[i].text, table))
            i += 1
            continue
        end = i + 1
        while end < len(pieces) and not pieces[end].cjk and pieces[end].link is not _Link.NONE:
            end += 1
        group, used = _expand_latin(pieces[i:end], table)
        groups.append(group)
        i += used
    unique = {tuple(dict.fromkeys(group)): None for group in groups}
    return [list(group) for group in unique][:MAX_QUERY_GROUPS]


def _is_cjk_char(token: str) -> bool:
    return len(token) == 1 and _is_cjk(token)


def _tsquery(groups: Sequence[Sequence[str]]) -> str:
    """PostgreSQL ``to_tsquery`` text: ``('kv' <-> 'cache' | 'kvcache') & ('幻觉')``."""

    def lexeme(token: str) -> str:
        quoted = "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"
        # A lone CJK character is only indexed inside bigrams: match it as their prefix.
        return quoted + ":*" if _is_cjk_char(token) else quoted

    return " & ".join(
        "(" + " | ".join(" <-> ".join(map(lexeme, alt.split())) for alt in group) + ")"
        for group in groups
    )


def _fts5_query(groups: Sequence[Sequence[str]]) -> str:
    """SQLite FTS5 query text: ``("kv" + "cache" OR "kvcache") AND ("幻觉")``."""

    def string(token: str) -> str:
        quoted = '"' + token.replace('"', '""') + '"'
        return quoted + "*" if _is_cjk_char(token) else quoted

    return " AND ".join(
        "(" + " OR ".join(" + ".join(map(string, alt.split())) for alt in group) + ")"
        for group in groups
    )


class _RowSQL(Func):
    """Raw SQL about the current row of the searched table.

    ``{table}`` and ``{pk}`` in ``sql`` become the (quoted) alias Django gives the table in
    this query and its primary-key column, so the SQL stays right when the queryset is nested
    as a subquery (Django relabels the alias then). ``%s`` placeholders take ``params``.
    """

    def __init__(self, sql: str, params: Sequence[str], output_field: "Field[Any, Any]") -> None:
        super().__init__(F("pk"), output_field=output_field)
        self.sql = sql
        self.params = tuple(params)

    def as_sql(
        self,
        compiler: "SQLCompiler",
        connection: "BaseDatabaseWrapper",
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, tuple[str | int, ...]]:
        column = self.get_source_expressions()[0]
        sql = self.sql.format(
            table=compiler.quote_name(column.alias),
            pk=connection.ops.quote_name(column.target.column),
        )
        return f"({sql})", tuple(self.params)


def search_questions(queryset: "QuerySet[Question]", query: str) -> "QuerySet[Question]":
    """Questions of ``queryset`` matching ``query``, best first, via the full-text index.

    Every group of ``expand_query(query)`` must match (AND), any alternative of a group will
    do (OR). Order: questions whose title alone matches the whole query first, then by
    relevance (title weighted above body), then by id. The result is an ordinary queryset
    (paginate and ``count()`` it freely) annotated with ``search_title_hit`` (bool) and
    ``search_rank`` (float, higher is better); its previous ordering is replaced. A query
    with nothing to search for (only punctuation/whitespace) returns no questions. Apply
    other filters to ``queryset`` first: the bound below applies to what it holds.

    Ranking reads each match's whole index entry (kilobytes), so it is bounded: the
    candidates are the first ``RANK_CANDIDATES`` matches and the first ``RANK_CANDIDATES``
    title matches the database finds, in no particular order (in practice the order rows are
    stored in: the bank's order after a load). Asking for them in id order made PostgreSQL
    either read every match of a common term or walk the primary key through thousands of
    rows for a rarer one (50-100 ms); unordered, it stops after the first ones, by the index or
    by scanning, whichever is cheaper (under 5 ms at 100,000 questions). A query matching
    fewer questions than that is ranked completely; one matching more (幻觉 matches 41,556 of
    the 100,000 generated questions) is answered from those candidates, and ``count()`` stops
    there too.
    """
    groups = expand_query(query)
    if not groups:
        return queryset.none()
    vendor = connections[queryset.db].vendor
    if vendor == "postgresql":
        tsquery = _tsquery(groups)
        matches = Q(
            _RowSQL(
                f"{{table}}.{PG_VECTOR_COLUMN} @@ to_tsquery('simple', %s)",
                [tsquery],
                BooleanField(),
            )
        )
        title_hit = _RowSQL(
            f"{{table}}.{PG_TITLE_VECTOR_COLUMN} @@ to_tsquery('simple', %s)",
            [tsquery],
            BooleanField(),
        )
        title_matches = Q(title_hit)
        # Normalisation 1 divides by 1 + log(document length), like bm25's length term.
        rank = _RowSQL(
            f"ts_rank({{table}}.{PG_VECTOR_COLUMN}, to_tsquery('simple', %s), 1)",
            [tsquery],
            FloatField(),
        )
    elif vendor == "sqlite":
        fts_query = _fts5_query(groups)
        title_query = "{search_title} : (" + fts_query + ")"
        # Only constant identifiers are formatted into these SQL strings; the user's query
        # arrives as a parameter.
        ids = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608
        # A plain "pk IN (subquery)": SQLite then looks the ids up by primary key. (A boolean
        # expression would be compared "= True" on SQLite, which forces a table scan.)
        matches = Q(pk__in=RawSQL(ids, [fts_query]))  # noqa: S611
        title_matches = Q(pk__in=RawSQL(ids, [title_query]))  # noqa: S611
        title_hit = _RowSQL(f"{{table}}.{{pk}} IN ({ids})", [title_query], BooleanField())
        # bm25() is lower-is-better; negate it so search_rank means the same on both databases.
        rank = _RowSQL(
            f"SELECT -bm25({FTS_TABLE}, {SQLITE_TITLE_WEIGHT}, 1.0) FROM {FTS_TABLE} "  # noqa: S608
            f"WHERE {FTS_TABLE} MATCH %s AND {FTS_TABLE}.rowid = {{table}}.{{pk}}",
            [fts_query],
            FloatField(),
        )
    else:
        raise NotSupportedError(f"Question search has no index on {vendor}.")
    plain = queryset.prefetch_related(None).order_by()
    first = plain.filter(matches).values("pk")[:RANK_CANDIDATES]
    first_titles = plain.filter(title_matches).values("pk")[:RANK_CANDIDATES]
    if connections[queryset.db].features.supports_slicing_ordering_in_compound:
        # One "IN (... UNION ALL ...)": PostgreSQL joins it to the few candidates by key (an
        # OR of two IN lists made it scan the table).
        candidates = Q(pk__in=first.union(first_titles, all=True))
    else:
        candidates = Q(pk__in=first) | Q(pk__in=first_titles)
    return (
        queryset.filter(candidates)
        .annotate(search_title_hit=title_hit, search_rank=rank)
        .order_by("-search_title_hit", "-search_rank", "pk")
    )


def ranked_page(results: "QuerySet[Question]", *, number: str | None, per_page: int) -> Page[int]:
    """Page ``number`` of the ids of ``search_questions()`` ``results``, best first.

    A search ranks at most 2 x ``RANK_CANDIDATES`` questions: their ids are read, in order, by
    one query and counted in Python (a paginated queryset would run the search twice, once to
    count and once for the page). The page's rows come from ``caches.question_rows``.
    """
    return Paginator(list(results.values_list("pk", flat=True)), per_page).get_page(number)
