"""The one generic spider, driven by a source definition; reports everything through `emit`."""

from __future__ import annotations

import hashlib
import time
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from carrefour.harvest.extract import value_raw
from carrefour.harvest.extract.document import Document, ExtractionError, extraction_reason
from carrefour.harvest.extract.patterns import PatternTimeout
from carrefour.harvest.extract.record import RecordBuilder, RecordResult
from carrefour.harvest.filters import filters_compile, filters_skip_reason
from carrefour.harvest.forms import (
    FormMissing,
    form_next,
    form_page_lost,
    form_refusal,
    form_reload,
    form_resubmission,
    form_submission,
)
from carrefour.harvest.kinds import KINDS_BY_NAME, GarbageError
from carrefour.harvest.kinds.base import garbage_reason
from carrefour.harvest.lookups import LookupFetcher
from carrefour.harvest.paging import body_total, is_past_end, pages_next

Emit = Callable[[dict[str, Any]], None]
# Detail pages known from earlier runs: listed URL -> [list version, fetch time (epoch seconds)].
Known = dict[str, list[Any]]
DEFAULT_REVISIT_HOURS = 168.0
# Scrapy's fixed wordings of a request it drops, as partners read them (others pass as they are).
IGNORED_REASONS = {
    "Forbidden by robots.txt": "interdit par le robots.txt du site",
    "max redirections reached": "trop de redirections",
}


def failure_reason(failure: Failure) -> str:
    """Short reason of a failed request, in French as partners read it."""
    value = failure.value
    if isinstance(value, HttpError):
        return f"HTTP {value.response.status}"
    if isinstance(value, IgnoreRequest):
        text = str(value)
        return IGNORED_REASONS.get(text, text) or "requête ignorée"
    # Network failures (DNS, timeout, connection refused…): Twisted's class names the cause.
    return f"échec de la connexion ({type(value).__name__} : {value})"[:300]


def _specs(spec: dict[str, Any] | list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """One or several extractor specs as a list."""
    return [] if not spec else spec if isinstance(spec, list) else [spec]


class DefinitionSpider(scrapy.Spider):
    """Crawls start URLs, follows list pagination and detail links, extracts records."""

    name = "carrefour"

    def __init__(
        self,
        definition: dict[str, Any],
        emit: Emit,
        known: Known | None = None,
        lookups: dict[str, dict[str, Any]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.definition = definition
        self.emit = emit
        self.kind = KINDS_BY_NAME[definition["kind"]]
        # `lookups`: the tables cached by the last stored run, used when an endpoint cannot be read.
        self.lookups = LookupFetcher(definition, emit, lookups, self._entry_requests, failure_reason)
        self.builder = RecordBuilder(definition, self.lookups.tables)
        self.filters = filters_compile(definition)
        self.pagination: dict[str, Any] = definition.get("pagination") or {"type": "none"}
        self.form: dict[str, Any] | None = definition.get("form")
        self.known = known or {}
        hours = (definition.get("incremental") or {}).get("revisit_after", DEFAULT_REVISIT_HOURS)
        self.revisit_before = time.time() - float(hours) * 3600
        self.listed: set[str] = set()
        # Digests of the list pages read: a page read again under a new URL ends the list.
        self.list_digests: set[str] = set()
        # Record ids and detail URLs found on list pages: a page bringing none new ends the list.
        self.list_found: set[str] = set()

    async def start(self) -> AsyncIterator[Request]:
        """The lookup tables first (they then yield the entry requests), else the entry requests."""
        for request in self.lookups.requests() or self._entry_requests():
            yield request

    def _entry_requests(self) -> Iterator[Request]:
        """Entry requests: a failure there means the whole source is down."""
        if self.lookups.changed:
            # New labels: no detail page is skipped as unchanged, every record gets them.
            self.known = {}
        for url in self.definition["start_urls"]:
            # "written": the URL comes from the definition, not from a page (HostGuardMiddleware).
            if self.form is not None:
                # The start URL is the page holding the search form: a token that must not be cached.
                meta = {"role": "entry", "written": True, "dont_cache": True}
                yield Request(url, callback=self.parse_form, errback=self.on_error, meta=meta)
            else:
                yield self._request(url, "entry", {"written": True})

    def closed(self, reason: str) -> None:
        """Codes the lookup tables did not know, reported once the records are all built."""
        self.lookups.report_missing()

    def _request(self, url: str, role: str, meta: dict[str, Any] | None = None) -> Request:
        """Request of a list (entry/list role) or detail page."""
        callback = self.parse_detail if role == "detail" else self.parse_list
        return Request(url, callback=callback, errback=self.on_error, meta={"role": role, **(meta or {})})

    def _urls(self, spec: dict[str, Any] | list[dict[str, Any]] | None, page: Document) -> list[str]:
        """Absolute URLs extracted by one or several specs (detail links, next pages)."""
        found = [v for s in _specs(spec) for v in value_raw(s, page) if isinstance(v, str)]
        return [urljoin(page.url, v) for v in found]

    def _entries(self, page: Document) -> list[tuple[str, str | None]]:
        """(detail URL, version) of each list entry; version = what tells that the record changed."""
        lst = self.definition.get("list") or {}
        pairs: list[tuple[str, str | None]] = [(url, None) for url in self._urls(lst.get("links"), page)]
        if "entries" not in lst:
            return pairs
        for entry in self.kind.nodes(lst["entries"], page):
            links = self._urls(lst["link"], entry)
            if not links:
                continue
            versions = value_raw(lst["version"], entry) if "version" in lst else []
            pairs.append((links[0], " ".join(str(v) for v in versions)[:500] if versions else None))
        return pairs

    def _is_unchanged(self, url: str, version: str | None) -> bool:
        """A detail page fetched recently whose list entry still shows the same version."""
        known = self.known.get(url)
        return known is not None and known[0] == version and float(known[1]) >= self.revisit_before

    def _built(self, item: Document | RecordResult) -> RecordResult:
        """The record of a document (built from its fields), or the rejection as it came."""
        return item if isinstance(item, RecordResult) else self.builder.build(item)

    def _emit_record(
        self, item: Document | RecordResult, result: RecordResult, meta: dict[str, Any] | None = None
    ) -> None:
        """Report one record, a record skipped by a filter, or a rejection."""
        try:
            skipped = (
                filters_skip_reason(self.filters, self.builder, item) if isinstance(item, Document) else None
            )
        except PatternTimeout as exc:
            skipped, result = None, RecordResult(url=result.url, reason=extraction_reason(exc))
        if skipped:
            self.emit({"type": "skip", "url": result.url, "reason": skipped})
            return
        if result.reason:
            self.emit({"type": "reject", "url": result.url, "reason": result.reason})
            return
        meta = meta or {}
        self.emit(
            {
                "type": "record",
                "id": result.record_id,
                "url": result.url,
                "payload": result.payload,
                "fetched_at": datetime.now(UTC).isoformat(),
                "listed_url": meta.get("listed_url", ""),
                "version": meta.get("version"),
            }
        )

    def parse_list(self, response: Response) -> Iterator[Request]:
        """A list page (or the CSV file, feed, sitemap): inline records, detail links, next pages."""
        role = response.meta.get("role", "list")
        self.emit({"type": "page", "url": response.url, "status": response.status})
        digest = hashlib.sha256(response.body).hexdigest()
        if digest in self.list_digests:
            # A server ignoring the page parameter, or next links looping through new URLs (pages
            # without records included; those with records are also caught by their ids below).
            self.emit({"type": "list_end", "url": response.url, "status": response.status})
            return
        self.list_digests.add(digest)
        try:
            page = self.kind.page(response, self.definition)
            items = list(self.kind.records(page, self.definition))
            results = [self._built(item) for item in items]
            entries = self._entries(page)
            by_link = self.pagination.get("type") in {"next_link", "json_next"}
            extracted = self._urls(self.pagination.get("next"), page) if by_link else []
            total = body_total(self.pagination, page)
            next_urls = pages_next(self.pagination, response, len(items) + len(entries), extracted, total)
            next_forms = form_next(self.pagination, response, self.parse_list, self.on_error)
        except (GarbageError, ExtractionError, ValueError, RecursionError) as exc:
            # RecursionError: absurdly nested data in any kind; reported, not a silently dead callback.
            event = "fatal" if role == "entry" else "list_error"
            self.emit({"type": event, "url": response.url, "reason": garbage_reason(exc)})
            return
        found = {r.record_id for r in results if r.record_id} | {url for url, _ in entries}
        if found and found <= self.list_found:
            # Same records under a new URL, the bytes differing only by a timestamp or token.
            self.emit({"type": "list_end", "url": response.url, "status": response.status})
            return
        self.list_found |= found
        lost = form_page_lost(self.pagination, role, len(items) + len(entries))
        if lost:
            self.emit({"type": "list_error", "url": response.url, "reason": lost})
            return
        if role == "entry" and not items and not entries and not next_urls and not next_forms:
            reason = garbage_reason("ni fiche, ni lien vers une fiche, ni page suivante sur la page d'entrée")
            self.emit({"type": "fatal", "url": response.url, "reason": reason})
            return
        for item, result in zip(items, results, strict=True):
            self._emit_record(item, result)
        for url, version in entries:
            if url in self.listed:
                continue
            self.listed.add(url)
            if self._is_unchanged(url, version):
                self.emit({"type": "unchanged", "url": url})
            else:
                yield self._request(url, "detail", {"listed_url": url, "version": version})
        for url in next_urls:
            yield self._request(url, "list")
        yield from next_forms

    def parse_form(self, response: Response) -> Iterator[Request]:
        """The page holding the search form: submitted, its answer read as a list page."""
        self.emit({"type": "page", "url": response.url, "status": response.status})
        role = response.meta["role"]
        refused = response.meta.get("form_refused")
        # Without a search form, a reload (refused "next" submission) is of the first results page.
        spec = self.form if self.form is not None else self.pagination.get("form") or {}
        try:
            fresh = form_submission(
                response, spec, {"role": role}, callback=self.parse_list, errback=self.on_error
            )
        except FormMissing as exc:
            event = "fatal" if role == "entry" else "list_error"
            self.emit({"type": event, "url": response.url, "reason": str(exc)})
            return
        # A reload after a refused submission (expired token) sends that submission again, fresh token.
        yield fresh if refused is None else form_resubmission(refused, fresh)

    def parse_detail(self, response: Response) -> None:
        """A detail page: one record."""
        self.emit({"type": "page", "url": response.url, "status": response.status})
        try:
            page = self.kind.page(response, self.definition)
        except GarbageError as exc:
            self.emit({"type": "reject", "url": response.url, "reason": garbage_reason(exc)})
            return
        self._emit_record(page, self._built(page), response.meta)

    def on_error(self, failure: Failure) -> Request | None:
        """A request that failed for good (after retries): fatal at entry, rejected for a detail page."""
        reload = form_reload(failure, self.parse_form, self.on_error)
        if reload is not None:
            return reload
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        role = request.meta.get("role", "detail") if request is not None else "detail"
        value = failure.value
        if (
            role == "list"
            and isinstance(value, HttpError)
            and is_past_end(self.pagination, value.response.status)
        ):
            # The server's way of saying the list ended (e.g. WordPress: 400 past the last page).
            self.emit({"type": "list_end", "url": url, "status": value.response.status})
            return None
        event = {"entry": "fatal", "list": "list_error"}.get(role, "reject")
        self.emit({"type": event, "url": url, "reason": form_refusal(failure) or failure_reason(failure)})
        return None
