"""Filters over many keys: one array parameter on PostgreSQL instead of one parameter per key."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F
from django.db.models.lookups import In
from django.db.models.sql.compiler import SQLCompiler


class _AnyIn(In):
    """`IN (…)`, written `= ANY(array)` on PostgreSQL."""

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, Any]:
        """The column compared with one array bound as a single parameter."""
        # Django's psycopg cursor binds client-side and psycopg parses a statement's placeholders in
        # Python, uncached past 4 KB of text: 10,000 keys cost that parse on every query of a re-apply.
        lhs, params = self.process_lhs(compiler, connection)
        field = self.lhs.output_field
        values = [field.get_db_prep_value(value, connection) for value in self.rhs if value is not None]
        return f"{lhs} = ANY(%s::{field.cast_db_type(connection)}[])", (*params, values)


def keys_in(name: str, keys: Iterable[Any]) -> In:
    """Filter condition `name__in=keys`, for thousands of keys (e.g. `Record.objects.filter(keys_in(…))`)."""
    return _AnyIn(F(name), list(keys))
