"""Per-process cache of recent search responses, keyed by index version and the validated search."""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from dataclasses import fields
from typing import Any

from django.conf import settings

from carrefour.search.labels import LABELS_TTL
from carrefour.search.params import SearchParams
from carrefour.search.storage import index_version

# A response may name territories or sources whose labels are cached that long: never keep it longer.
CACHE_TTL = LABELS_TTL
CACHE_MAX_BYTES = 32_000_000  # a page of 100 projects weighs ≈ 300 KB: the bound is in bytes too
_entries: OrderedDict[tuple[object, str], tuple[float, bytes]] = OrderedDict()
_size = [0]  # bytes held, beside the entries it counts
_lock = threading.Lock()


def params_canonical(params: SearchParams) -> str:
    """The validated search as one string: same search, same string, whatever the query's order or extras."""
    state: dict[str, Any] = {item.name: getattr(params, item.name) for item in fields(params)}
    state["filters"] = sorted((name, sorted(set(values))) for name, values in params.filters.items())
    return json.dumps(state, ensure_ascii=False, default=str, sort_keys=True)


def cache_key(scope: str) -> tuple[object, str] | None:
    """(index version, scope); None when there is no index or caching is off."""
    if settings.SEARCH_CACHE_SIZE <= 0:
        return None
    version = index_version()
    if version is None:
        return None
    return version, scope


def cache_get(key: tuple[object, str]) -> bytes | None:
    """A fresh cached body, most recently used kept last."""
    with _lock:
        entry = _entries.get(key)
        if entry is None:
            return None
        if time.monotonic() - entry[0] > CACHE_TTL:
            _size[0] -= len(_entries.pop(key)[1])
            return None
        _entries.move_to_end(key)
        return entry[1]


def cache_put(key: tuple[object, str], body: bytes) -> None:
    """Keep a body, dropping the least recently used beyond SEARCH_CACHE_SIZE entries or CACHE_MAX_BYTES."""
    with _lock:
        previous = _entries.pop(key, None)
        _size[0] += len(body) - (len(previous[1]) if previous else 0)
        _entries[key] = (time.monotonic(), body)
        while _entries and (len(_entries) > settings.SEARCH_CACHE_SIZE or _size[0] > CACHE_MAX_BYTES):
            _size[0] -= len(_entries.popitem(last=False)[1][1])
