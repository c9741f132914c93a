"""Next list pages from the response itself: `Link` headers, page numbers or offsets bounded by totals."""

from __future__ import annotations

import math
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from scrapy.http import Response

from carrefour.harvest.extract import Document, value_raw

# One `<url>; param; param` element of a Link header (RFC 8288); commas inside <…> do not split.
# `[^<>]` keeps a stray `<` from rescanning the rest of the line: linear, not quadratic, on hostile input.
LINK_ELEMENT = re.compile(r"<([^<>]*)>((?:\s*;\s*[^;,]+)*)")
# Bounds of the Link header read: a real one holds a few short URLs, a hostile one must not stall the crawl.
LINK_LINES_MAX = 20
LINK_LINE_BYTES_MAX = 8192
# A count or page number: ASCII digits only (str.isdigit accepts "²"), bounded to reject absurd totals.
NUMBER = re.compile(r"[0-9]{1,9}")
REL_PARAM = re.compile(r"""rel\s*=\s*(?:"([^"]*)"|([^\s;,"]+))""", re.IGNORECASE)


def link_header_urls(response: Response, rel: str) -> list[str]:
    """Absolute URLs of the response's `Link` headers carrying this relation (rel="next")."""
    found = []
    for raw in response.headers.getlist("Link")[:LINK_LINES_MAX]:
        for match in LINK_ELEMENT.finditer(raw[:LINK_LINE_BYTES_MAX].decode("latin-1")):
            params = REL_PARAM.search(match.group(2))
            rels = (params.group(1) or params.group(2) or "").lower().split() if params else []
            if rel in rels:
                found.append(urljoin(response.url, match.group(1).strip()))
    return found


def _header_int(response: Response, name: str | None) -> int | None:
    """A header's value as a non-negative integer, or None (absent or not a number)."""
    raw = response.headers.get(name) if name else None
    text = raw.decode("latin-1").strip() if raw else ""
    return int(text) if NUMBER.fullmatch(text) else None


def _with_params(url: str, values: dict[str, int]) -> str:
    """The URL with these parameters set, in place when present (other parameters kept in order)."""
    parts = urlsplit(url)
    query, pending = [], {name: str(value) for name, value in values.items()}
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if name not in values:
            query.append((name, value))
        elif name in pending:
            query.append((name, pending.pop(name)))
    return urlunsplit(parts._replace(query=urlencode([*query, *pending.items()])))


def last_page(pagination: dict[str, Any], response: Response) -> int | None:
    """Last page announced by the response's headers (total pages, or total count / page size)."""
    pages = _header_int(response, pagination.get("total_pages"))
    if pages is not None:
        return pages
    count = _header_int(response, pagination.get("total_count"))
    size = pagination.get("page_size")
    return math.ceil(count / size) if count is not None and size else None


def page_number_next(pagination: dict[str, Any], response: Response, listed: int) -> list[str]:
    """The next page number's URL, unless this page was empty or was the announced last one.

    A last announced page that is full (`page_size` items) is not trusted: the total may lag behind.
    """
    param = pagination.get("page_param", "page")
    current = dict(parse_qsl(urlsplit(response.url).query)).get(param, "")
    number = int(current) if NUMBER.fullmatch(current) else int(pagination.get("first_page", 1))
    last = last_page(pagination, response)
    size = pagination.get("page_size")
    if listed == 0 or (last is not None and number >= last and (not size or listed < size)):
        return []
    return [_with_params(response.url, {param: number + 1})]


def body_total(pagination: dict[str, Any], page: Document) -> int | None:
    """Total number of records announced in the page itself (`total` extractor), or None."""
    if "total" not in pagination:
        return None
    values = value_raw(pagination["total"], page)
    text = str(values[0]).strip() if values else ""
    return int(text) if NUMBER.fullmatch(text) else None


def offset_next(pagination: dict[str, Any], response: Response, listed: int, total: int | None) -> list[str]:
    """The next offset's URL, advanced by the records this page listed, until the end of the list.

    The step is what the page listed, not `page_size`: a server serving fewer (`limit` missing from
    the entry URL, or smaller there) loses nothing, and the offset always grows. A short page ends the
    list unless the announced total says more remain. A full page going past the total shows the total
    wrong (records added since it was counted): the next offset is still asked, so that nothing is lost
    to a lagging count.
    """
    param = pagination.get("offset_param", "offset")
    size = int(pagination["page_size"])
    current = dict(parse_qsl(urlsplit(response.url).query)).get(param, "")
    following = (int(current) if NUMBER.fullmatch(current) else 0) + listed
    if total is None:
        total = _header_int(response, pagination.get("total_count"))
    short = listed < size
    if listed == 0 or following == total or (short and (total is None or following > total)):
        return []
    values = {param: following}
    if "page_size_param" in pagination:
        # Pages after the entry ask `page_size` records themselves: a partner forgetting `limit=100`
        # costs one short first page, not a crawl of the server's default 10 records a page.
        values[pagination["page_size_param"]] = size
    return [_with_params(response.url, values)]


def pages_next(
    pagination: dict[str, Any], response: Response, listed: int, extracted: list[str], total: int | None
) -> list[str]:
    """Next list pages: read in `Link`, the next page number or offset, else those `next` extracted."""
    kind = pagination.get("type", "none")
    if kind == "link_header":
        return link_header_urls(response, "next")
    if kind == "page_number":
        return page_number_next(pagination, response, listed)
    if kind == "offset":
        return offset_next(pagination, response, listed, total)
    return extracted


def is_past_end(pagination: dict[str, Any], status: int) -> bool:
    """A list page answering one of the statuses the definition names for "past the last page"."""
    return status in (pagination.get("past_end_status") or [])
