"""Rendered pages kept while the index and the query are unchanged (home, results, Observatoire)."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from carrefour.search.cache import cache_get, cache_key, cache_put


def _served(request: HttpRequest, compressed: bytes) -> HttpResponse:
    """A kept page, as sent (gzip) to the clients that accept it, decompressed for the others."""
    if "gzip" not in request.headers.get("Accept-Encoding", ""):
        return HttpResponse(gzip.decompress(compressed))
    response = HttpResponse(compressed)
    response["Content-Encoding"] = "gzip"  # GZipMiddleware leaves encoded responses alone
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


def page_cached(*, by_query: bool) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Serve a page rendered from the index alone again, from the search response cache of the process."""
    # by_query: the page depends on its query, and its view redirects every query that is not canonical
    # (unknown, empty or repeated fields), so only canonical queries are ever kept. Otherwise the query
    # is left out of the key: it can neither bypass nor fill the cache.
    return lambda view: _page_cached(view, by_query)


def _page_cached(view: Callable[..., HttpResponse], by_query: bool) -> Callable[..., HttpResponse]:
    """page_cached's wrapper."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            # A signed-in page carries its account's header and CSRF token: never kept, never served kept.
            return view(request, *args, **kwargs)
        query = urlencode(sorted((k, v) for k, values in request.GET.lists() for v in values))
        # The page's path starts the key: API keys start with "api?".
        key = cache_key(f"{request.path}?{query}" if by_query else request.path)
        compressed = cache_get(key) if key else None
        if compressed is not None:
            return _served(request, compressed)
        response = view(request, *args, **kwargs)
        if key is None or response.status_code != 200:
            return response
        # Kept compressed once (the same for every visitor: no secret on these pages to guess by BREACH).
        compressed = gzip.compress(response.content, compresslevel=6, mtime=0)
        cache_put(key, compressed)
        return _served(request, compressed)

    return wrapper
