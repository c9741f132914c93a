"""Rendered pages kept while the index and the query are unchanged (home, results, Observatoire)."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from carrefour.api.cache import cache_get, cache_key, cache_put


def _served(request: HttpRequest, compressed: bytes) -> HttpResponse:
    """A kept page, as sent (gzip) to the clients that accept it, decompressed for the others."""
    if "gzip" not in request.headers.get("Accept-Encoding", ""):
        return HttpResponse(gzip.decompress(compressed))
    response = HttpResponse(compressed)
    response["Content-Encoding"] = "gzip"  # GZipMiddleware leaves encoded responses alone
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


def page_cached(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve a page rendered from the index alone again, from the search response cache of the process."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        found = cache_key(request.GET)
        # The page's path joins the key: API keys are bare query strings, never starting with "/".
        key = None if found is None else (found[0], f"{request.path}?{found[1]}")
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
