"""PostgreSQL: a tsvector of the title alone, with its own GIN index (see questions/search.py).

Search ranks a bounded set of candidates, the first title matches among them; the title's
vector is a few dozen bytes stored in the row, where the whole question's vector is kilobytes
stored out of line. SQLite's FTS5 table already matches a column on its own. Invisible to the
ORM, like 0002_search_index.
"""

from django.db import migrations

POSTGRESQL_CREATE = [
    """
    ALTER TABLE questions_question ADD COLUMN search_title_vector tsvector
    GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, coalesce(search_title, ''))) STORED
    """,
    "CREATE INDEX question_title_search_gin ON questions_question "
    "USING gin (search_title_vector) WITH (fastupdate = off)",
]

POSTGRESQL_DROP = [
    "DROP INDEX IF EXISTS question_title_search_gin",
    "ALTER TABLE questions_question DROP COLUMN IF EXISTS search_title_vector",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRESQL_CREATE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRESQL_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("questions", "0004_merge_0003_editorial_0003_import_hash"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
