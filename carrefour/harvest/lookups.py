"""Lookup tables read once per crawl, through Scrapy (politeness, robots.txt, host guards, size caps)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import urljoin

from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from carrefour.harvest.extract import value_raw
from carrefour.harvest.extract.document import Document
from carrefour.harvest.extract.lookup import MISSING_SHOWN, LookupTables, lookup_digest, lookup_entries
from carrefour.harvest.kinds.base import garbage_reason, response_json
from carrefour.harvest.paging import body_total, is_past_end, pages_next
from carrefour.sources.bounds import MAX_LOOKUP_ENTRIES

Emit = Callable[[dict[str, Any]], None]
# Role of lookup requests: like entry requests, their URL is written in the definition (a local file may
# be one, see HostGuardMiddleware), and their failure is the lookup's, not the listing's.
LOOKUP_ROLE = "lookup"
# A table without a single code is no table: an error page or a changed endpoint.
EMPTY_REASON = garbage_reason("aucune entrée trouvée")
# Events telling what a run must say about a table it used: a cached copy, codes it did not know.
LOOKUP_NOTES = frozenset({"lookup_stale", "lookup_missing"})


def lookup_note(event: dict[str, Any]) -> str:
    """The partner's wording of a `lookup_stale` or `lookup_missing` event."""
    name = event["name"]
    if event["type"] == "lookup_stale":
        day = str(event.get("fetched_at", ""))[:10]
        return f"lookup {name} : {event['reason']} — table en cache du {day} employée"
    codes = [str(code) for code in event.get("codes", [])]
    # The crawl names the first MISSING_SHOWN codes only, and counts them all.
    count = int(event.get("count", len(codes)))
    named = codes[:MISSING_SHOWN]
    shown = ", ".join(named) + (", …" if count > len(named) else "")
    plural = "s" if count > 1 else ""
    return f"lookup {name} : {count} code{plural} absent{plural} de la table ({shown})"


def _next_specs(pagination: dict[str, Any]) -> list[dict[str, Any]]:
    """The `next` extractor(s) of a lookup's pagination (next_link / json_next), as a list."""
    spec = pagination.get("next") if pagination.get("type") in {"next_link", "json_next"} else None
    return [] if not spec else spec if isinstance(spec, list) else [spec]


class LookupFetcher:
    """Reads every lookup of a definition (pagination followed), then hands over to the entry requests.

    A lookup that cannot be read whole falls back on the copy cached by the last stored run (a warning);
    without one the crawl stops there (a fatal event): raw ids are never published in place of labels.
    """

    def __init__(
        self,
        definition: dict[str, Any],
        emit: Emit,
        cached: dict[str, dict[str, Any]] | None,
        then: Callable[[], Iterable[Request]],
        describe: Callable[[Failure], str],
    ) -> None:
        self.specs: dict[str, dict[str, Any]] = definition.get("lookups") or {}
        self.definition = definition
        self.emit = emit
        self.cached = cached or {}
        self.then = then
        # The spider's wording of a failed request (HTTP 500, refused host…).
        self.describe = describe
        self.tables = LookupTables()
        # Partner sources: a table past this many codes is refused (source_definition_bounded sets it).
        self.max_entries: int | None = (definition.get("politeness") or {}).get(MAX_LOOKUP_ENTRIES)
        self.read: dict[str, dict[str, str]] = {name: {} for name in self.specs}
        self.failed: dict[str, str] = {}
        # Digests of the pages read per lookup: a server ignoring the page parameter ends the table.
        self.page_digests: dict[str, set[str]] = {name: set() for name in self.specs}
        self.pending = 0
        # A table differing from its cached copy: every record must be rebuilt with the new labels.
        self.changed = False

    def requests(self) -> list[Request]:
        """The first page of every lookup (none when the definition declares no lookup)."""
        return [self._request(name, spec["url"], first=True) for name, spec in self.specs.items()]

    def _request(self, name: str, url: str, *, first: bool = False) -> Request:
        """Request of one page of a lookup; not filtered as a duplicate, so a start URL never is either."""
        self.pending += 1
        meta = {"role": LOOKUP_ROLE, "lookup": name, "lookup_first": first, "written": first}
        return Request(url, callback=self.parse, errback=self.on_error, meta=meta, dont_filter=True)

    def parse(self, response: Response) -> Iterator[Request]:
        """One page of a lookup: its entries kept, its next page asked; the lookup ends whatever happens."""
        self.pending -= 1
        name = response.meta["lookup"]
        self.emit({"type": "page", "url": response.url, "status": response.status})
        digest = hashlib.sha256(response.body).hexdigest()
        requests: list[Request] = []
        if name not in self.failed and digest not in self.page_digests[name]:
            self.page_digests[name].add(digest)
            pending = self.pending
            try:
                requests = [self._request(name, url) for url in self._page(name, response)]
            except Exception as exc:
                # Whatever breaks on a hostile page (bad JSON, a slow pattern, a next URL Scrapy refuses),
                # the lookup fails with its reason: an error escaping here would stall the crawl for ever.
                self.failed[name] = garbage_reason(exc)
                self.pending, requests = pending, []  # those built before the error are not sent
        yield from requests
        yield from self._finish()

    def _page(self, name: str, response: Response) -> list[str]:
        """Entries of a lookup page kept, and the URLs of its next pages (none once a page adds no code)."""
        spec = self.specs[name]
        pagination = spec.get("pagination") or {"type": "none"}
        data = response_json(response, self.definition)
        found, listed = lookup_entries(spec, data, response.url)
        page = Document(url=response.url, data=data)
        extracted = [v for s in _next_specs(pagination) for v in value_raw(s, page) if isinstance(v, str)]
        total = body_total(pagination, page)
        table = self.read[name]
        if found.keys() <= table.keys():
            # A server ignoring the page parameter, with a body that differs each time (the URL echoed):
            # the digest guard misses it, the codes do not.
            return []
        for code, label in found.items():
            table.setdefault(code, label)
        if self.max_entries is not None and len(table) > self.max_entries:
            self.failed[name] = f"table trop grande : plus de {self.max_entries} codes"
            return []
        urls = [urljoin(response.url, url) for url in extracted]
        return pages_next(pagination, response, listed, urls, total)

    def on_error(self, failure: Failure) -> Iterator[Request]:
        """A lookup page that failed for good: the lookup failed, unless the source says "past the end"."""
        self.pending -= 1
        request = failure.request  # type: ignore[attr-defined]
        name = request.meta["lookup"]
        pagination = self.specs[name].get("pagination") or {}
        value = failure.value
        past_end = isinstance(value, HttpError) and is_past_end(pagination, value.response.status)
        if not past_end or request.meta.get("lookup_first"):
            self.failed.setdefault(name, self.describe(failure))
        yield from self._finish()

    def _finish(self) -> Iterator[Request]:
        """Once every page is in: each table (read, cached or missing) reported, then the entry requests."""
        if self.pending:
            return
        usable = True
        for name, spec in self.specs.items():
            reason = self.failed.get(name) or ("" if self.read[name] else EMPTY_REASON)
            cached = self.cached.get(name)
            base = {"name": name, "url": spec["url"]}
            if not reason:
                entries = self.read[name]
                digest = lookup_digest(entries)
                self.tables.tables[name] = entries
                self.changed = self.changed or not cached or cached.get("digest") != digest
                self.emit({"type": "lookup", **base, "digest": digest, "entries": entries})
            elif cached:
                self.tables.tables[name] = dict(cached["entries"])
                self.emit(
                    {"type": "lookup_stale", **base, "reason": reason, "fetched_at": cached["fetched_at"]}
                )
            else:
                usable = False
                self.emit({"type": "fatal", "url": spec["url"], "reason": f"lookup {name} : {reason}"})
        if usable:
            yield from self.then()

    def report_missing(self) -> None:
        """Codes the records held that a table did not know, one event per lookup."""
        for name, codes in self.tables.missing.items():
            url = self.specs.get(name, {}).get("url", "")
            # A hostile page may hold a million distinct ids: the event names a few, and counts them all.
            shown = sorted(codes)[:MISSING_SHOWN]
            self.emit(
                {"type": "lookup_missing", "name": name, "url": url, "codes": shown, "count": len(codes)}
            )
