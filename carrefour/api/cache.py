"""Per-process cache of recent search responses, keyed by index version and canonical query string."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from urllib.parse import urlencode

from django.conf import settings
from django.http import QueryDict

from carrefour.search.labels import LABELS_TTL
from carrefour.search.storage import index_version

# A response may name territories or sources whose labels are cached that long: never keep it longer.
CACHE_TTL = LABELS_TTL
_entries: OrderedDict[tuple[object, str], tuple[float, bytes]] = OrderedDict()
_lock = threading.Lock()


def cache_key(query: QueryDict) -> tuple[object, str] | None:
    """(index version, sorted query string); None when there is no index or caching is off."""
    if settings.SEARCH_CACHE_SIZE <= 0:
        return None
    version = index_version()
    if version is None:
        return None
    return version, urlencode(sorted((k, v) for k, values in query.lists() for v in values))


def cache_get(key: tuple[object, str]) -> bytes | None:
    """A fresh cached body, most recently used kept last."""
    with _lock:
        entry = _entries.get(key)
        if entry is None:
            return None
        if time.monotonic() - entry[0] > CACHE_TTL:
            del _entries[key]
            return None
        _entries.move_to_end(key)
        return entry[1]


def cache_put(key: tuple[object, str], body: bytes) -> None:
    """Keep a body, dropping the least recently used beyond SEARCH_CACHE_SIZE entries."""
    with _lock:
        _entries[key] = (time.monotonic(), body)
        _entries.move_to_end(key)
        while len(_entries) > settings.SEARCH_CACHE_SIZE:
            _entries.popitem(last=False)
