"""Bulk writes for the pipeline stages: one prepared statement executed for many rows."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model


def _execute_many(
    objects: Sequence[Model],
    statement: Callable[[BaseDatabaseWrapper], str],
    row: Callable[[Model, BaseDatabaseWrapper], list[Any]],
    batch: int,
) -> int:
    """Run the statement built for the objects' database once per object, in batches; number of rows."""
    if not objects:
        return 0
    connection = connections[router.db_for_write(type(objects[0]))]
    sql = statement(connection)
    with connection.cursor() as cursor:
        for start in range(0, len(objects), batch):
            cursor.executemany(sql, [row(obj, connection) for obj in objects[start : start + batch]])
    return len(objects)


def rows_update(objects: Sequence[Model], fields: Sequence[str], *, batch: int = 1000) -> int:
    """Save `fields` of each object by primary key; number of rows.

    Django's bulk_update builds one CASE WHEN per field and row, which costs seconds per thousand
    rows; an executemany of a single UPDATE is linear and cheap on SQLite as on PostgreSQL.
    """
    if not objects:
        return 0
    meta = type(objects[0])._meta
    columns: list[Field] = [meta.get_field(name) for name in fields]  # type: ignore[misc]

    def statement(connection: BaseDatabaseWrapper) -> str:
        quote = connection.ops.quote_name
        assignments = ", ".join(f"{quote(str(column.column))} = %s" for column in columns)
        return f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(str(meta.pk.column))} = %s"  # noqa: S608

    def row(obj: Model, connection: BaseDatabaseWrapper) -> list[Any]:
        return [column.get_db_prep_save(getattr(obj, column.attname), connection) for column in columns] + [
            obj.pk
        ]

    return _execute_many(objects, statement, row, batch)


def rows_insert(objects: Sequence[Model], *, batch: int = 1000) -> int:
    """Insert new objects; number of rows. Primary keys are left to the database, not read back.

    bulk_create compiles a statement holding every row's placeholders, which costs more than the
    insert itself; callers that need the new keys read them back by a unique column.
    """
    if not objects:
        return 0
    meta = type(objects[0])._meta
    columns: list[Field] = [f for f in meta.concrete_fields if not f.primary_key]  # type: ignore[misc]

    def statement(connection: BaseDatabaseWrapper) -> str:
        quote = connection.ops.quote_name
        names = ", ".join(quote(str(column.column)) for column in columns)
        values = ", ".join(["%s"] * len(columns))
        return f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES ({values})"  # noqa: S608

    def row(obj: Model, connection: BaseDatabaseWrapper) -> list[Any]:
        # pre_save fills the auto_now and auto_now_add columns, as bulk_create does.
        return [column.get_db_prep_save(column.pre_save(obj, True), connection) for column in columns]

    return _execute_many(objects, statement, row, batch)


def rows_keys_read(objects: Sequence[Model], unique: str, *, batch: int = 10_000) -> None:
    """Set each object's primary key from the database, matched by a unique column (after rows_insert)."""
    if not objects:
        return
    manager = type(objects[0])._default_manager
    keys: dict[Any, Any] = {}
    for start in range(0, len(objects), batch):
        values = [getattr(obj, unique) for obj in objects[start : start + batch]]
        keys.update(manager.filter(**{f"{unique}__in": values}).values_list(unique, "pk"))
    for obj in objects:
        obj.pk = keys[getattr(obj, unique)]
