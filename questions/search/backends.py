"""The search indexes of PostgreSQL and SQLite, the search queryset and its ranked pages.

The tokens of :func:`.tokens.search_fields` are stored, space-separated, in
``Question.search_title``/``search_body``. The migration ``0002_search_index`` indexes them:

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

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.db import NotSupportedError, connections
from django.db.models import BooleanField, F, Field, FloatField, Func, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.safestring import SafeString

from . import snippets
from .synonyms import expand_query
from .tokens import is_cjk_char

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler

    from questions.models import Question

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


def _tsquery(groups: Sequence[Sequence[str]]) -> str:
    """PostgreSQL ``to_tsquery`` text: ``('kv' <-> 'cache' | 'kvcache') & ('幻觉')``."""

    def lexeme(token: str) -> str:
        quoted = "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"
        # A lone CJK character is only indexed inside bigrams: match it as their prefix.
        return quoted + ":*" if is_cjk_char(token) else quoted

    return " & ".join(
        "(" + " | ".join(" <-> ".join(map(lexeme, alt.split())) for alt in group) + ")"
        for group in groups
    )


def _fts5_query(groups: Sequence[Sequence[str]]) -> str:
    """SQLite FTS5 query text: ``("kv" + "cache" OR "kvcache") AND ("幻觉")``."""

    def string(token: str) -> str:
        quoted = '"' + token.replace('"', '""') + '"'
        return quoted + "*" if is_cjk_char(token) else quoted

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


def page_snippets(answers: Mapping[int, str], query: str) -> dict[int, SafeString]:
    """The snippet (``snippets.snippet``) for ``query`` of each answer of ``answers`` (id ->
    sanitised answer HTML)."""
    terms = snippets.query_terms(query)
    return {
        pk: snippets.snippet(snippets.answer_text(body_html), terms)
        for pk, body_html in answers.items()
    }
