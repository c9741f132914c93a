"""Database cache whose increments hold across worker processes (the rate limits' counters)."""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction


class AtomicDatabaseCache(DatabaseCache):
    """Django's DatabaseCache with `incr` in one transaction that locks the counter's row."""

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> Any:
        """Read, add and write back while no other process can (the base class may lose counts)."""
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        with transaction.atomic(using=db):
            # SQLite takes the write lock when the transaction begins (transaction_mode IMMEDIATE, see
            # carrefour/env.py); PostgreSQL locks the row here until the end of the transaction.
            if connection.features.has_select_for_update:
                table = connection.ops.quote_name(self.cache_model_class._meta.db_table)
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"SELECT cache_key FROM {table} WHERE cache_key = %s FOR UPDATE",  # noqa: S608
                        [self.make_and_validate_key(key, version=version)],
                    )
            return super().incr(key, delta, version)
