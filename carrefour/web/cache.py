"""Rendered pages kept while the index and the query are unchanged (home, results, Observatoire)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse

from carrefour.api.cache import cache_get, cache_key, cache_put


def page_cached(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve a page rendered from the index alone again, from the search response cache of the process."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        found = cache_key(request.GET)
        # The page's path joins the key: API keys are bare query strings, never starting with "/".
        key = None if found is None else (found[0], f"{request.path}?{found[1]}")
        body = cache_get(key) if key else None
        if body is not None:
            return HttpResponse(body)
        response = view(request, *args, **kwargs)
        if key and response.status_code == 200:
            cache_put(key, response.content)
        return response

    return wrapper
