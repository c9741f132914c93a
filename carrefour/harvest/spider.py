"""The one generic spider, driven by a source definition; reports everything through `emit`."""

from __future__ import annotations

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
from carrefour.harvest.extract.document import Document, ExtractionError
from carrefour.harvest.extract.record import RecordBuilder, RecordResult
from carrefour.harvest.kinds import KINDS_BY_NAME, GarbageError

Emit = Callable[[dict[str, Any]], None]


def failure_reason(failure: Failure) -> str:
    """Short human reason of a failed request."""
    value = failure.value
    if isinstance(value, HttpError):
        return f"HTTP {value.response.status}"
    if isinstance(value, IgnoreRequest):
        return str(value) or "request ignored"
    return f"{type(value).__name__}: {value}"[:300]


class DefinitionSpider(scrapy.Spider):
    """Crawls start URLs, follows list pagination and detail links, extracts records."""

    name = "carrefour"

    def __init__(self, definition: dict[str, Any], emit: Emit, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.definition = definition
        self.emit = emit
        self.kind = KINDS_BY_NAME[definition["kind"]]
        self.builder = RecordBuilder(definition)

    async def start(self) -> AsyncIterator[Request]:
        """Entry requests: a failure there means the whole source is down."""
        for url in self.definition["start_urls"]:
            yield self._request(url, "entry")

    def _request(self, url: str, role: str) -> Request:
        """Request of a list (entry/list role) or detail page."""
        callback = self.parse_detail if role == "detail" else self.parse_list
        return Request(url, callback=callback, errback=self.on_error, meta={"role": role})

    def _urls(self, spec: dict[str, Any] | None, page: Document) -> list[str]:
        """Absolute URLs extracted by a spec (detail links, next page)."""
        if not spec:
            return []
        return [urljoin(page.url, v) for v in value_raw(spec, page) if isinstance(v, str)]

    def _emit_record(self, item: Document | RecordResult) -> None:
        """Build (if needed) and report one record or rejection."""
        result = item if isinstance(item, RecordResult) else self.builder.build(item)
        if result.reason:
            self.emit({"type": "reject", "url": result.url, "reason": result.reason})
            return
        self.emit(
            {
                "type": "record",
                "id": result.record_id,
                "url": result.url,
                "payload": result.payload,
                "fetched_at": datetime.now(UTC).isoformat(),
            }
        )

    def parse_list(self, response: Response) -> Iterator[Request]:
        """A list page (or the CSV file): inline records, detail links, next page."""
        role = response.meta.get("role", "list")
        self.emit({"type": "page", "url": response.url})
        pagination = self.definition.get("pagination") or {"type": "none"}
        try:
            page = self.kind.page(response, self.definition)
            items = list(self.kind.records(page, self.definition))
            links = self._urls((self.definition.get("list") or {}).get("links"), page)
            next_urls = self._urls(pagination.get("next"), page) if pagination["type"] != "none" else []
        except (GarbageError, ExtractionError, ValueError) as exc:
            self.emit(
                {
                    "type": "fatal" if role == "entry" else "list_error",
                    "url": response.url,
                    "reason": f"garbage: {exc}",
                }
            )
            return
        if role == "entry" and not items and not links:
            self.emit(
                {
                    "type": "fatal",
                    "url": response.url,
                    "reason": "garbage: no record and no detail link found on the entry page",
                }
            )
            return
        for item in items:
            self._emit_record(item)
        for link in links:
            yield self._request(link, "detail")
        for url in next_urls[:1]:
            yield self._request(url, "list")

    def parse_detail(self, response: Response) -> None:
        """A detail page: one record."""
        self.emit({"type": "page", "url": response.url})
        try:
            page = self.kind.page(response, self.definition)
        except GarbageError as exc:
            self.emit({"type": "reject", "url": response.url, "reason": f"garbage: {exc}"})
            return
        self._emit_record(page)

    def on_error(self, failure: Failure) -> None:
        """A request that failed for good (after retries): fatal at entry, rejected for a detail page."""
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        role = request.meta.get("role", "detail") if request is not None else "detail"
        event = {"entry": "fatal", "list": "list_error"}.get(role, "reject")
        self.emit({"type": event, "url": url, "reason": failure_reason(failure)})
