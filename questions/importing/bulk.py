"""Writing many new rows at once, for loading the bank; PostgreSQL gets the tools pg_restore
uses, other databases Django's.

* :func:`insert`: Django's ``bulk_create`` builds one ``INSERT`` per batch; with client-side
  parameter binding (psycopg's default in Django) the main process spent most of a
  100,000-question load compiling those statements and interpolating their parameters.
  ``COPY ... FROM STDIN`` streams the rows instead. SQLite keeps ``bulk_create``.
* :func:`indexes_dropped`: maintaining an index row by row costs far more than building it
  once over the loaded rows (the GIN search index: 35 s against 10 s + 3.6 s at 95,000
  questions).
* :func:`foreign_keys_dropped`: each row written under a foreign key queues a check that runs
  at commit (Django's keys are deferred), one lookup per row and key; adding the key again
  checks every row with one join.
* :func:`reserve_ids`: primary keys for rows about to be inserted, so that rows referring to
  each other go in one statement per table and no ids are read back.
"""

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from operator import attrgetter

from django.db import connection, models

#: Rows written per statement (one COPY or bulk INSERT per table and batch) when loading.
IMPORT_BATCH = 1000


def insert[M: models.Model](model: type[M], objs: Sequence[M]) -> None:
    """Insert ``objs`` as new rows of ``model``'s table, in this transaction.

    The rows get exactly the values ``bulk_create`` would write: every concrete column, as
    each field prepares it for saving (field defaults are filled when the instances are
    built, JSON is encoded, datetimes keep their time zone; text, integer and boolean
    attributes must already hold values of their field's type). Either every object has its
    primary key set (e.g. reserved in advance) or none has; in the second case the database
    numbers the rows and the keys are **not** read back on PostgreSQL, so use it only for
    rows nothing refers to (e.g. many-to-many links). No signals are sent, as with
    ``bulk_create``.
    """
    if not objs:
        return
    meta = model._meta
    with_pk = objs[0].pk is not None
    if any((obj.pk is not None) != with_pk for obj in objs):
        raise ValueError(f"{meta.label}: either every object has its primary key or none has")
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objs)
        return
    fields = [
        field
        for field in meta.concrete_fields
        if not field.generated and (with_pk or field is not meta.pk)
    ]
    # Plain columns first: their values are read as they are, in one call per object.
    plain = [field for field in fields if _is_plain(field)]
    prepared = [field for field in fields if not _is_plain(field)]
    fields = plain + prepared
    read_plain = _reader([field.attname for field in plain])
    # A concrete field always has a column (the stubs allow None for the others).
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)  # type: ignore[arg-type]
    statement = f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN"
    # Errors raised by psycopg during COPY become Django's (IntegrityError, ...), as for
    # any query.
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.copy(statement) as copy,
    ):
        for obj in objs:
            copy.write_row(
                read_plain(obj)
                + [
                    field.get_db_prep_save(field.pre_save(obj, True), connection)
                    for field in prepared
                ]
            )
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


# Fields whose saved value is the attribute itself (text, integers, booleans, foreign keys to
# them): for a value of the field's own type Django's preparation changes nothing, so these
# are read as they are (callers give them values of that type). Dates, JSON and the rest go
# through get_db_prep_save.
_PLAIN_FIELDS = (models.CharField, models.TextField, models.IntegerField, models.BooleanField)


def _is_plain(field: models.Field) -> bool:
    column = field.target_field if isinstance(field, models.ForeignKey) else field
    return type(field).pre_save is models.Field.pre_save and isinstance(column, _PLAIN_FIELDS)


def _reader(names: list[str]) -> Callable[[models.Model], list]:
    if not names:
        return lambda obj: []
    get = attrgetter(*names)
    if len(names) == 1:
        return lambda obj: [get(obj)]
    return lambda obj: list(get(obj))


@contextmanager
def indexes_dropped(model: type[models.Model], names: Sequence[str]) -> Iterator[None]:
    """Drop the named indexes of ``model``'s table for the block, then create them again.

    PostgreSQL only (elsewhere the block just runs). Must run inside a transaction, which then
    holds an exclusive lock on the table until it ends: readers wait for the load instead of
    seeing a table without its indexes, and a failure rolls the drop back. Each index is
    recreated from its own definition as PostgreSQL reports it (``pg_get_indexdef``: same
    name, method, columns and storage parameters). A name the table has no index of is
    skipped; the index of a constraint cannot be dropped this way (PostgreSQL refuses).
    """
    if connection.vendor != "postgresql" or not names:
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("indexes_dropped() needs a transaction")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT index.indexrelid::regclass::text, pg_get_indexdef(index.indexrelid) "
            "FROM pg_index AS index JOIN pg_class AS class ON class.oid = index.indexrelid "
            "WHERE index.indrelid = %s::regclass AND class.relname = ANY(%s) "
            "ORDER BY class.relname",
            [connection.ops.quote_name(model._meta.db_table), list(names)],
        )
        definitions = cursor.fetchall()
        for name, _ in definitions:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        # PostgreSQL builds no index on a table with pending trigger events: check the
        # deferred foreign keys of the rows written so far now rather than at commit, then
        # defer them again (Django creates its foreign keys INITIALLY DEFERRED).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for _, definition in definitions:
            cursor.execute(definition)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@contextmanager
def foreign_keys_dropped(models_: Sequence[type[models.Model]]) -> Iterator[None]:
    """Drop the foreign keys between the tables of ``models_`` for the block, then add them
    again, which checks every row (an IntegrityError if one refers to nothing).

    PostgreSQL only (elsewhere the block just runs), inside a transaction, as for
    :func:`indexes_dropped`: the tables stay locked until it ends and a failure rolls the drop
    back. Each key is added again from its own definition (``pg_get_constraintdef``: same
    name, columns, ``ON DELETE`` and deferral). Keys to other tables (users) are kept: adding
    one would lock the table it refers to while the rows are checked.
    """
    if connection.vendor != "postgresql" or not models_:
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("foreign_keys_dropped() needs a transaction")
    tables = [connection.ops.quote_name(model._meta.db_table) for model in models_]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT key.conrelid::regclass::text, quote_ident(key.conname), "
            "pg_get_constraintdef(key.oid) FROM pg_constraint AS key "
            "WHERE key.contype = 'f' AND key.conrelid = ANY(%s::regclass[]) "
            "AND key.confrelid = ANY(%s::regclass[]) ORDER BY 1, 2",
            [tables, tables],
        )
        keys = cursor.fetchall()
        # PostgreSQL alters no table with pending trigger events: run the deferred checks of
        # what this transaction wrote so far now, then defer again (see indexes_dropped()).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, name, _ in keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, name, definition in keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` primary keys for rows about to be inserted in this transaction.

    Questions and their first revisions point at each other; with both ids known in advance
    each table is written in one statement per batch (the foreign keys are checked at commit)
    and no ids need to be read back (``COPY`` returns none).
    """
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: ids continue after the largest one ever used (AUTOINCREMENT keeps it in
        # sqlite_sequence, so a deleted row's id is not handed out again); the transaction
        # holds the write lock.
        cursor.execute(
            f"SELECT MAX(COALESCE((SELECT MAX(id) FROM {connection.ops.quote_name(table)}), 0), "  # noqa: S608
            "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
            [table],
        )
        last = cursor.fetchone()[0]
        return list(range(last + 1, last + 1 + count))
