"""Bulk writes for the pipeline stages: one prepared statement executed for many rows."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

import psycopg
from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.db.models import Field, Model
from django.utils import timezone

# Columns whose Python value is already the database parameter (when of the right type): Django's
# get_db_prep_save walks three methods per value to find that out, a third of the pipeline's writes.
# Exact types: Django turns a bool into an int, an int into a float.
_PLAIN: dict[str, type] = {
    **dict.fromkeys(("CharField", "SlugField", "TextField", "URLField"), str),
    **dict.fromkeys(("AutoField", "BigAutoField", "SmallAutoField"), int),
    "BooleanField": bool,
    "FloatField": float,
}
# Other integers are wrapped by the backend (psycopg's Int4…), as Django does for each value.
_INTEGERS = frozenset(
    {"BigIntegerField", "IntegerField", "SmallIntegerField"}
    | {"PositiveBigIntegerField", "PositiveIntegerField", "PositiveSmallIntegerField"}
)
Convert = Callable[[Any], Any]


def column_converter(column: Field, connection: BaseDatabaseWrapper) -> Convert:
    """Python value → database parameter for one column, resolved once per statement instead of per value."""
    internal = column.get_internal_type()
    target = column.target_field if column.is_relation else column  # type: ignore[attr-defined]

    def generic(value: Any) -> Any:
        return column.get_db_prep_save(value, connection)

    if internal == "JSONField":
        adapt_json, encoder = connection.ops.adapt_json_value, column.encoder  # type: ignore[attr-defined]

        def json_value(value: Any) -> Any:
            # None is SQL NULL, as in JSONField.get_db_prep_save; expressions take the generic path.
            if value is None or hasattr(value, "as_sql"):
                return generic(value)
            return adapt_json(value, encoder)

        return json_value
    if internal == "DateTimeField":
        # A harvest stamps thousands of rows with the same few times: each is converted once.
        adapt_datetime = functools.lru_cache(maxsize=4096)(connection.ops.adapt_datetimefield_value)
        # Naive datetimes take the generic path, which warns and makes them aware.
        return lambda value: (
            adapt_datetime(value) if isinstance(value, datetime) and value.tzinfo else generic(value)
        )
    kind = target.get_internal_type()
    if kind in _INTEGERS:
        adapt_integer = connection.ops.adapt_integerfield_value
        return lambda value: adapt_integer(value, kind) if type(value) is int else generic(value)
    plain = _PLAIN.get(kind)
    if plain is not None:
        return lambda value: value if value is None or type(value) is plain else generic(value)
    return generic


# A statement for one row executed many times, or (True) for every row at once as one array per column.
Statement = Callable[[BaseDatabaseWrapper, bool], str]


def _execute_many(
    model: type[Model],
    objects: Sequence[Any],
    statement: Statement,
    columns: Sequence[Field],
    row: Callable[[Any, list[Convert]], list[Any]],
    batch: int,
) -> int:
    """Run the statement built for the model's database for every object (or row), in batches; row count."""
    if not objects:
        return 0
    connection = connections[router.db_for_write(model)]
    converters = [column_converter(column, connection) for column in columns]
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            for start in range(0, len(objects), batch):
                cursor.executemany(
                    statement(connection, False),
                    [row(obj, converters) for obj in objects[start : start + batch]],
                )
        return len(objects)
    # Django's psycopg cursor binds parameters client-side, quoting each value into the SQL text in
    # Python, and its executemany runs one statement per row: that was most of a re-applied mapping's
    # writes (9,790 records and projects). Here one statement per batch, each column one array bound
    # server-side in binary; Django's wrapper still sees it (query logging, execute wrappers).
    connection.ensure_connection()
    with CursorWrapper(psycopg.Cursor(connection.connection), connection) as cursor:
        for start in range(0, len(objects), batch):
            rows = [row(obj, converters) for obj in objects[start : start + batch]]
            cursor.execute(statement(connection, True), [list(column) for column in zip(*rows, strict=True)])
    return len(objects)


def _array_type(connection: BaseDatabaseWrapper, column: Field) -> str:
    """The element type of a column's array: lengthless, since a cast to varchar(n) truncates silently."""
    db_type = str(column.cast_db_type(connection))
    # Without the length, storing into the column checks it and refuses a value too long, as a row would.
    return "varchar" if db_type.startswith("varchar(") else db_type


def _unnest(connection: BaseDatabaseWrapper, columns: Sequence[Field]) -> str:
    """PostgreSQL rows from one array parameter per column, named c0, c1…"""
    arrays = ", ".join(f"%b::{_array_type(connection, column)}[]" for column in columns)
    return f"unnest({arrays}) AS v({', '.join(f'c{i}' for i in range(len(columns)))})"


def rows_update(objects: Sequence[Model], fields: Sequence[str], *, batch: int = 1000) -> int:
    """Save `fields` of each object by primary key, and stamp its auto_now columns; number of rows.

    Django's bulk_update builds one CASE WHEN per field and row, which costs seconds per thousand
    rows; an executemany of a single UPDATE is linear and cheap on SQLite as on PostgreSQL. As
    Model.save does, auto_now columns take the time of the write, on the objects too.
    """
    if not objects:
        return 0
    meta = type(objects[0])._meta
    stamped: list[Field] = [f for f in meta.concrete_fields if getattr(f, "auto_now", False)]  # type: ignore[misc]
    named: list[Field] = [meta.get_field(name) for name in fields]  # type: ignore[misc]
    columns = [column for column in named if column not in stamped] + stamped
    now = timezone.now()
    for obj in objects:
        for column in stamped:
            setattr(obj, column.attname, now)

    def statement(connection: BaseDatabaseWrapper, arrays: bool) -> str:
        quote = connection.ops.quote_name
        table, key = quote(meta.db_table), quote(str(meta.pk.column))
        if not arrays:
            assignments = ", ".join(f"{quote(str(column.column))} = %s" for column in columns)
            return f"UPDATE {table} SET {assignments} WHERE {key} = %s"  # noqa: S608
        assignments = ", ".join(f"{quote(str(column.column))} = v.c{i}" for i, column in enumerate(columns))
        rows = _unnest(connection, [*columns, meta.pk])
        return f"UPDATE {table} SET {assignments} FROM {rows} WHERE {key} = v.c{len(columns)}"  # noqa: S608

    def row(obj: Model, converters: list[Convert]) -> list[Any]:
        values = [
            convert(getattr(obj, column.attname)) for column, convert in zip(columns, converters, strict=True)
        ]
        return [*values, obj.pk]

    return _execute_many(type(objects[0]), objects, statement, columns, row, batch)


def _insert_statement(model: type[Model]) -> tuple[list[Field], Statement]:
    """The columns an INSERT of the model writes (all but the key), and its statement."""
    meta = model._meta
    columns: list[Field] = [f for f in meta.concrete_fields if not f.primary_key]  # type: ignore[misc]

    def statement(connection: BaseDatabaseWrapper, arrays: bool) -> str:
        quote = connection.ops.quote_name
        names = ", ".join(quote(str(column.column)) for column in columns)
        if arrays:
            return (
                f"INSERT INTO {quote(meta.db_table)} ({names}) SELECT * FROM {_unnest(connection, columns)}"  # noqa: S608
            )
        values = ", ".join(["%s"] * len(columns))
        return f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES ({values})"  # noqa: S608

    return columns, statement


def _is_automatic(column: Field) -> bool:
    """True for the auto_now and auto_now_add columns, which pre_save fills."""
    return bool(getattr(column, "auto_now", False) or getattr(column, "auto_now_add", False))


def _defaults(columns: Sequence[Field]) -> list[Any]:
    """What each column holds when a row does not give it: its default, or now for automatic times."""
    now = timezone.now()
    return [now if _is_automatic(column) else column.get_default() for column in columns]


def values_insert(model: type[Model], rows: Sequence[Mapping[str, Any]], *, batch: int = 1000) -> int:
    """Insert rows given as {column attname: value}, without building model instances; row count.

    Missing columns take their default, auto_now and auto_now_add columns the current time. Keys are
    not read back: bulk_create compiles a statement holding every row's placeholders, which costs
    more than the insert itself; callers that need the new keys read them by a unique column.
    """
    columns, statement = _insert_statement(model)
    given = [None if _is_automatic(column) else column.attname for column in columns]
    fallback = _defaults(columns)

    def row(values: Mapping[str, Any], converters: list[Convert]) -> list[Any]:
        return [
            convert(fallback[i] if name is None else values.get(name, fallback[i]))
            for i, (name, convert) in enumerate(zip(given, converters, strict=True))
        ]

    return _execute_many(model, rows, statement, columns, row, batch)


def rows_keys_read(objects: Sequence[Model], unique: str, *, batch: int = 10_000) -> None:
    """Set each object's primary key from the database, matched by a unique column."""
    if not objects:
        return
    manager = type(objects[0])._default_manager
    keys: dict[Any, Any] = {}
    for start in range(0, len(objects), batch):
        values = [getattr(obj, unique) for obj in objects[start : start + batch]]
        keys.update(manager.filter(**{f"{unique}__in": values}).values_list(unique, "pk"))
    for obj in objects:
        obj.pk = keys[getattr(obj, unique)]


def keys_create(model: type[Model], count: int, *, batch: int = 500) -> list[int]:
    """Insert `count` rows of default values; their new primary keys (rows are identical: any order)."""
    columns, _ = _insert_statement(model)
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    row = [
        column_converter(column, connection)(value)
        for column, value in zip(columns, _defaults(columns), strict=True)
    ]
    names = ", ".join(quote(str(column.column)) for column in columns)
    one = f"({', '.join(['%s'] * len(columns))})"
    keys: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, count, batch):
            size = min(batch, count - start)
            # One multi-row INSERT … RETURNING per batch (SQLite ≥ 3.35, PostgreSQL), as bulk_create does
            # without preparing each value of each row.
            cursor.execute(
                f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES {', '.join([one] * size)} "  # noqa: S608
                f"RETURNING {quote(str(model._meta.pk.column))}",
                row * size,
            )
            keys += [key for (key,) in cursor.fetchall()]
    return keys


def tables_analyze(models: Sequence[type[Model]]) -> None:
    """Refresh PostgreSQL's planner statistics of tables a run has just filled (no-op elsewhere)."""
    # A run writes thousands of rows in one transaction, which autovacuum cannot see: statistics taken
    # while a table was nearly empty made the planner nest loops over the new rows (one merge query ran
    # for over 12 minutes on 4,283 projects). ANALYZE inside the transaction counts its own new rows.
    for model in models:
        connection = connections[router.db_for_write(model)]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
