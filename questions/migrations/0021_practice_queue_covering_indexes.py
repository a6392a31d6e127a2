"""Covering indexes for the practice queue's statement (``quizzes.queue.queue_head``), on
PostgreSQL only.

The statement joins each of the learner's cards to its question (is it practicable, which is
its live revision) and to that revision (its number: has the answer changed since the
learner's last review?). Both tables hold the answers' text: at 100,000 questions they are
155 MB and 134 MB, more than PostgreSQL's default shared buffers, so with many learners each
card's join read a heap page that was often not in the buffers. These indexes carry the few
columns the statement reads (6 MB and 3 MB at 100,000 questions), so the join is an
index-only scan: the practice card over 200 rotating bench learners, in-process, 10.1 ->
7.1-7.3 ms.

SQLite has no covering indexes (Django would warn, models.W040, and build a plain index):
they are created here by vendor, not declared in the models' Meta.
"""

from django.db import migrations

INDEXES = {
    "question_queue_cover": (
        "questions_question",
        "(id) INCLUDE (live_revision_id, duplicate_of_id, status, kind, has_answer)",
    ),
    "revision_number_cover": ("questions_questionrevision", "(id) INCLUDE (number)"),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, columns) in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} {columns}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("questions", "0020_uploaded_figures")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
