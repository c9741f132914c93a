"""Exports of the current results (CSV, GeoJSON): streamed, a few at once, prebuilt for the whole corpus."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.template.loader import render_to_string

from carrefour.projects.dumps import dump_fresh, dump_name
from carrefour.projects.exports import project_export_chunks
from carrefour.projects.selectors import project_to_dict
from carrefour.search.params import SearchParams
from carrefour.search.selectors import MAX_WINDOW, PER_PAGE_MAX, project_list_for_hits, project_search

EXPORT_MAX = MAX_WINDOW
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "geojson": "application/geo+json; charset=utf-8"}
# Exports built at once per server process; beyond, a 503: the other threads stay free for pages.
EXPORTS_AT_ONCE = 1
RETRY_AFTER_SECONDS = 30
_slots = threading.BoundedSemaphore(EXPORTS_AT_ONCE)
# The refusal page rendered once per address: refusing must cost far less than a page (13 ms to render).
_busy_pages: dict[str, bytes] = {}


class _DumpResponse(FileResponse):
    """A prebuilt file sent in large blocks: a few Python iterations per download instead of thousands."""

    block_size = 1024 * 1024


class _SlotHeld:
    """An export's chunks that give their slot back when the server closes the response."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self.chunks = chunks
        self.released = False

    def __iter__(self) -> Iterator[bytes]:
        return self.chunks

    def close(self) -> None:
        """Called by the WSGI server once, finished or not (a client gone mid-download included)."""
        if not self.released:
            self.released = True
            _slots.release()


def result_dicts(params: SearchParams) -> Iterator[dict[str, Any]]:
    """The projects of a search in the common schema, page by page, at most EXPORT_MAX."""
    page = 1
    while (page - 1) * PER_PAGE_MAX < EXPORT_MAX:
        kwargs: dict[str, Any] = {**params.as_kwargs(), "page": page, "per_page": PER_PAGE_MAX}
        results = project_search(**kwargs, with_points=False, with_facets=False)
        yield from (project_to_dict(project) for project in project_list_for_hits(results.hits))
        if page * PER_PAGE_MAX >= results.total:
            return
        page += 1


def _prebuilt(request: HttpRequest, fmt: str) -> _DumpResponse | None:
    """The whole-corpus file when fresh, gzipped for clients that accept it (no compression per request)."""
    compressed = "gzip" in request.headers.get("Accept-Encoding", "")
    path = dump_fresh(fmt, compressed=compressed)
    if path is None:
        return None
    response = _DumpResponse(path.open("rb"), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{dump_name(fmt)}"'
    response["Vary"] = "Accept-Encoding"
    if compressed:
        response["Content-Encoding"] = "gzip"
    return response


def _busy(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After and a French page: every export slot of this process is taken."""
    page = _busy_pages.get(request.path)
    if page is None:
        context = {"retry_after": RETRY_AFTER_SECONDS}
        page = _busy_pages[request.path] = render_to_string("web/export_busy.html", context, request).encode()
    response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def export_response(
    request: HttpRequest, fmt: str, params: SearchParams
) -> HttpResponse | StreamingHttpResponse:
    """A download of the results: prebuilt file when unfiltered, else streamed when a slot is free."""
    if fmt not in CONTENT_TYPES:
        raise Http404("Format inconnu")
    unfiltered = not (params.q or params.filters or params.options)
    prebuilt = _prebuilt(request, fmt) if unfiltered else None
    if prebuilt is not None:
        return prebuilt
    if not _slots.acquire(blocking=False):
        return _busy(request)
    chunks = (chunk.encode() for chunk in project_export_chunks(fmt, result_dicts(params)))
    response = StreamingHttpResponse(_SlotHeld(chunks), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{dump_name(fmt)}"'
    return response
