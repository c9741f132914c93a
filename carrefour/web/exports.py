"""Exports of the current results (CSV, GeoJSON): streamed, one at a time, prebuilt for the whole corpus."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.template.loader import render_to_string

from carrefour.projects.dumps import dump_fresh, dump_name, dumps_dir
from carrefour.projects.exports import EXPORT_FORMATS, project_export_chunks
from carrefour.projects.selectors import project_to_dict
from carrefour.search.engine import UNAVAILABLE, SearchFailed
from carrefour.search.params import SearchParams
from carrefour.search.selectors import (
    MAX_WINDOW,
    PER_PAGE_MAX,
    SearchResults,
    project_list_for_hits,
    project_search,
)

EXPORT_MAX = MAX_WINDOW
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "geojson": "application/geo+json; charset=utf-8"}
# Where the prebuilt files are served: by granian itself under `carrefour serve` (no Python thread held
# by a slow downloader), else by `dump_response`.
DUMPS_ROUTE = "/telechargements"
DUMP_TYPES = {"jsonl": "application/jsonl; charset=utf-8", **CONTENT_TYPES}
# Exports built at once by the whole server (all its processes); beyond, a 503. Each is a core's worth of
# Python: with one at a time on a two-core machine the other core stays free for pages and the API.
EXPORTS_AT_ONCE = 1
RETRY_AFTER_SECONDS = 30
# The refusal page rendered once per address: refusing must cost far less than a page (13 ms to render).
_busy_pages: dict[str, bytes] = {}


class _DumpResponse(FileResponse):
    """A prebuilt file sent in large blocks: a few Python iterations per download instead of thousands."""

    block_size = 1024 * 1024


def _slot_take() -> int | None:
    """A free export slot of the server, as the descriptor of its locked file; None when all are taken."""
    # A lock file per slot in the data directory: shared by every process, freed even by a crashed one.
    directory = Path(settings.DATA_DIR) / "locks"
    directory.mkdir(exist_ok=True)
    for number in range(EXPORTS_AT_ONCE):
        descriptor = os.open(directory / f"export-{number}.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            continue
        return descriptor
    return None


class _SlotHeld:
    """An export's chunks that give their slot back when the server closes the response."""

    def __init__(self, chunks: Iterator[bytes], slot: int) -> None:
        self.chunks = chunks
        self.slot: int | None = slot

    def __iter__(self) -> Iterator[bytes]:
        return self.chunks

    def close(self) -> None:
        """Called by the WSGI server once, finished or not (a client gone mid-download included)."""
        if self.slot is not None:
            os.close(self.slot)
            self.slot = None


def _results_page(params: SearchParams, page: int) -> SearchResults:
    """One export-sized page of a search's hits; SearchFailed when the engine fails."""
    page_params = replace(params, page=page, per_page=PER_PAGE_MAX)
    return project_search(params=page_params, with_points=False, with_facets=False)


def result_dicts(params: SearchParams, first: SearchResults | None = None) -> Iterator[dict[str, Any]]:
    """The projects of a search in the common schema, page by page (from `first`), at most EXPORT_MAX."""
    page, results = 1, first or _results_page(params, 1)
    while True:
        yield from (project_to_dict(project) for project in project_list_for_hits(results.hits))
        if page * PER_PAGE_MAX >= min(results.total, EXPORT_MAX):
            return
        page += 1
        results = _results_page(params, page)


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
    """A download of the results: the fresh prebuilt file when unfiltered, else streamed if a slot is free."""
    if fmt not in CONTENT_TYPES:
        raise Http404("Format inconnu")
    if not params.narrowed and dump_fresh(fmt) is not None:
        return HttpResponseRedirect(f"{DUMPS_ROUTE}/{dump_name(fmt)}")
    slot = _slot_take()
    if slot is None:
        return _busy(request)
    try:
        # The first page before any byte is sent: a failing engine still gets a proper 503.
        first = _results_page(params, 1)
    except SearchFailed:
        os.close(slot)
        failed = HttpResponse(UNAVAILABLE, status=503, content_type="text/plain; charset=utf-8")
        failed["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return failed
    chunks = (chunk.encode() for chunk in project_export_chunks(fmt, result_dicts(params, first)))
    response = StreamingHttpResponse(_SlotHeld(chunks, slot), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{dump_name(fmt)}"'
    return response


def dump_response(request: HttpRequest, name: str) -> _DumpResponse:
    """A prebuilt file where granian does not serve them (tests, development); gzip when accepted."""
    names = {dump_name(fmt, compressed=packed): fmt for fmt in EXPORT_FORMATS for packed in (False, True)}
    if name not in names:
        raise Http404("Fichier inconnu")
    packed = name.endswith(".gz")
    compressed = not packed and "gzip" in request.headers.get("Accept-Encoding", "")
    path = dumps_dir() / (name + ".gz" if compressed else name)
    if not path.exists():
        raise Http404("Fichier pas encore préparé")
    content_type = "application/gzip" if packed else DUMP_TYPES[names[name]]
    response = _DumpResponse(path.open("rb"), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Vary"] = "Accept-Encoding"
    if compressed:
        response["Content-Encoding"] = "gzip"
    return response
