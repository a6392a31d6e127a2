"""Full-text index over Question.search_title / search_body (see questions/search.py).

PostgreSQL: a stored generated tsvector column (title weight A, body weight B) and a GIN index
on it. SQLite: an FTS5 table with questions_question as its external content, kept in sync by
triggers. Both are built for the rows already in the table. Django's model state does not
change: the column, table and triggers are invisible to the ORM.

On SQLite, Django rebuilds a table (create, copy, drop, rename) for many later AlterField/
RemoveField operations, and dropping the old table drops these triggers. A migration that
alters questions_question on SQLite must run ``sqlite_drop`` before and ``sqlite_create``
after (tests/questions/test_search.py checks that the triggers exist after all migrations).
"""

from django.db import migrations

FTS = "questions_question_fts"

SQLITE_CREATE = [
    f"""
    CREATE VIRTUAL TABLE {FTS} USING fts5(
        search_title, search_body,
        content='questions_question', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0'
    )
    """,
    f"""
    CREATE TRIGGER {FTS}_insert AFTER INSERT ON questions_question BEGIN
        INSERT INTO {FTS}(rowid, search_title, search_body)
        VALUES (new.id, new.search_title, new.search_body);
    END
    """,
    f"""
    CREATE TRIGGER {FTS}_delete AFTER DELETE ON questions_question BEGIN
        INSERT INTO {FTS}({FTS}, rowid, search_title, search_body)
        VALUES ('delete', old.id, old.search_title, old.search_body);
    END
    """,
    f"""
    CREATE TRIGGER {FTS}_update AFTER UPDATE OF id, search_title, search_body
    ON questions_question BEGIN
        INSERT INTO {FTS}({FTS}, rowid, search_title, search_body)
        VALUES ('delete', old.id, old.search_title, old.search_body);
        INSERT INTO {FTS}(rowid, search_title, search_body)
        VALUES (new.id, new.search_title, new.search_body);
    END
    """,
    # Index the rows that already exist.
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
]

SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {FTS}_insert",
    f"DROP TRIGGER IF EXISTS {FTS}_delete",
    f"DROP TRIGGER IF EXISTS {FTS}_update",
    f"DROP TABLE IF EXISTS {FTS}",
]

# Adding a stored generated column rewrites the table, computing it for existing rows.
POSTGRESQL_CREATE = [
    """
    ALTER TABLE questions_question ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, coalesce(search_title, '')), 'A')
        || setweight(to_tsvector('simple'::regconfig, coalesce(search_body, '')), 'B')
    ) STORED
    """,
    # fastupdate off: the bank is written rarely and searched often; GIN's pending list would
    # slow every search (and inflate the planner's index cost) until the next vacuum.
    "CREATE INDEX question_search_gin ON questions_question USING gin (search_vector) "
    "WITH (fastupdate = off)",
]

POSTGRESQL_DROP = [
    "DROP INDEX IF EXISTS question_search_gin",
    "ALTER TABLE questions_question DROP COLUMN IF EXISTS search_vector",
]


def _run(schema_editor, statements_by_vendor):
    for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def create_index(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_CREATE, "postgresql": POSTGRESQL_CREATE})


def drop_index(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP})


def sqlite_create(schema_editor):
    """For later migrations that rebuild questions_question on SQLite (see above)."""
    _run(schema_editor, {"sqlite": SQLITE_CREATE})


def sqlite_drop(schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_DROP})


class Migration(migrations.Migration):
    dependencies = [
        ("questions", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]
