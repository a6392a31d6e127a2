"""interviewprep.sql: a query composed once per database and run for each key, and a
relation read inside its object's query as JSON rows; on SQLite and PostgreSQL."""

from datetime import UTC, datetime

import pytest
from django.db.models import OuterRef

from interviewprep import sql
from questions.models import Question, QuestionSource
from tests.factories import QuestionFactory, SourceFactory

pytestmark = pytest.mark.django_db


def _sources(pk: int):
    return Question.objects.annotate(
        rows=sql.json_rows(
            QuestionSource.objects.filter(question=OuterRef("pk")),
            "question",
            file="file_name",
            start="start_line",
        )
    ).filter(pk=pk)


SOURCES = sql.Statement(_sources)


def test_a_statement_reads_each_key_with_the_sql_it_composed_once(django_assert_num_queries):
    first, second, bare = QuestionFactory(), QuestionFactory(), QuestionFactory()
    SourceFactory(question=first, file_name="a.txt", start_line=3, heading_line=3)
    SourceFactory(question=first, file_name="b.txt", start_line=9, heading_line=9)
    SourceFactory(question=second, file_name="c.txt", start_line=1, heading_line=1)
    composed = SOURCES.sql()
    read = {}
    for question in (first, second, bare):
        with django_assert_num_queries(1):
            (row,) = SOURCES(question.pk)
        rows = sorted((each["file"], each["start"]) for each in sql.decode_rows(row.rows))
        read[question.pk] = (row.title, rows)
    assert SOURCES.sql() is composed
    assert read == {
        first.pk: (first.title, [("a.txt", 3), ("b.txt", 9)]),
        second.pk: (second.title, [("c.txt", 1)]),
        bare.pk: (bare.title, []),
    }
    assert list(SOURCES(10**9)) == []


def test_the_model_fields_of_a_statement_are_converted_as_the_orms():
    reviewed = datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)
    question = QuestionFactory(last_reviewed_at=reviewed, difficulty_reasons=["math"])
    (row,) = SOURCES(question.pk)
    assert row.last_reviewed_at == reviewed
    assert row.difficulty_reasons == ["math"]


def test_a_statement_must_use_its_key_once():
    twice = sql.Statement(lambda pk: Question.objects.filter(pk=pk, duplicate_of=pk))
    with pytest.raises(ValueError, match="2 times"):
        twice(1)
    never = sql.Statement(lambda pk: Question.objects.all())
    with pytest.raises(ValueError, match="0 times"):
        never(1)
