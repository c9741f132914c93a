"""The rate limits' counters: increments keep the window's expiry (Django's base incr resets it)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import caches
from django.db import connection

pytestmark = pytest.mark.django_db


def _expires(key: str) -> datetime:
    """Expiry of a counter as stored."""
    cache = caches["limits"]
    with connection.cursor() as cursor:
        sql = "SELECT expires FROM carrefour_rate_limits WHERE cache_key = %s"
        cursor.execute(sql, [cache.make_and_validate_key(key)])
        value = cursor.fetchone()[0]
    value = datetime.fromisoformat(value) if isinstance(value, str) else value
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def test_incr_counts_and_keeps_the_expiry() -> None:
    cache = caches["limits"]
    assert cache.add("compteur", 1, 3600)
    assert (cache.incr("compteur"), cache.incr("compteur", 5)) == (2, 7)
    assert cache.get("compteur") == 7
    # A counter of an hourly limit still lives for about an hour, not the default 5 minutes.
    assert _expires("compteur") > datetime.now(UTC) + timedelta(minutes=55)
    with pytest.raises(ValueError, match="absent"):
        cache.incr("absent")
