"""Database cache whose increments hold across worker processes (the rate limits' counters)."""

from __future__ import annotations

import base64
import pickle
from typing import Any

from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction
from django.utils import timezone


class AtomicDatabaseCache(DatabaseCache):
    """Django's DatabaseCache with an `incr` that neither loses counts nor resets the expiry."""

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> Any:
        """Add delta to a live counter in one transaction that holds its row; ValueError if there is none."""
        # The base class reads, then writes with `set`: two workers may both read 7 and write 8, and `set`
        # moves the expiry to the default timeout (5 min), so a 20/h counter would restart after a pause.
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self.cache_model_class._meta.db_table)
        db_key = self.make_and_validate_key(key, version=version)
        now = connection.ops.adapt_datetimefield_value(timezone.now().replace(microsecond=0))
        # SQLite takes the write lock when the transaction begins (transaction_mode IMMEDIATE, see
        # carrefour/env.py); PostgreSQL locks the row until the end of the transaction.
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT value FROM {table} WHERE cache_key = %s AND expires >= %s{lock}",  # noqa: S608
                [db_key, now],
            )
            row = cursor.fetchone()
            if row is None:
                raise ValueError(f"Key {key!r} not found")
            stored = connection.ops.process_clob(row[0]).encode()
            value = pickle.loads(base64.b64decode(stored)) + delta  # noqa: S301 - written by this cache only
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(f"UPDATE {table} SET value = %s WHERE cache_key = %s", [encoded, db_key])  # noqa: S608
        return value
