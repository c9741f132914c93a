"""Downloader middlewares: refuse private addresses, honour Retry-After on 429/503."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from typing import Any, Self
from urllib.parse import urlsplit

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response

MAX_RETRY_AFTER = 30.0


def host_addresses(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    """Addresses a host name resolves to (empty when it does not resolve)."""
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except (socket.gaierror, UnicodeError):
        return []
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


def host_refusal(url: str, allowed_hosts: list[str]) -> str | None:
    """Why a URL must not be fetched (host on a private/loopback/link-local network), or None."""
    parts = urlsplit(url)
    if parts.scheme == "file":
        return None  # local files are named explicitly by the definition's author
    if parts.scheme not in {"http", "https"}:
        return f"scheme {parts.scheme!r} not allowed"
    host = (parts.hostname or "").lower()
    if not host:
        return "no host in URL"
    if host in allowed_hosts:
        return None
    for address in host_addresses(host):
        if not address.is_global or address.is_multicast:
            return f"refused: {host} resolves to non-public address {address} (not in HARVEST_ALLOWED_HOSTS)"
    return None


class HostGuardMiddleware:
    """Blocks requests (redirect targets included: they come back through here) to private hosts."""

    def __init__(self, allowed_hosts: list[str]) -> None:
        self.allowed_hosts = [h.lower() for h in allowed_hosts]
        self.cache: dict[str, str | None] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Build from the CARREFOUR_ALLOWED_HOSTS crawl setting."""
        return cls(crawler.settings.getlist("CARREFOUR_ALLOWED_HOSTS"))

    def process_request(self, request: Request) -> None:
        """Raise IgnoreRequest for a refused host (resolution cached per scheme+host)."""
        parts = urlsplit(request.url)
        key = f"{parts.scheme}://{parts.hostname}"
        if key not in self.cache:
            self.cache[key] = host_refusal(request.url, self.allowed_hosts)
        if self.cache[key]:
            raise IgnoreRequest(self.cache[key])


class RetryAfterMiddleware(RetryMiddleware):
    """Retries like Scrapy's, but first waits as long as a 429/503 `Retry-After` header asks."""

    async def process_response(self, request: Request, response: Response) -> Any:  # type: ignore[override]
        """Wait for Retry-After (capped) before retrying a rate-limited or unavailable response."""
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        header = response.headers.get("Retry-After")
        if header and response.status in {429, 503}:
            try:
                delay = min(float(header.decode("latin-1").strip()), MAX_RETRY_AFTER)
            except ValueError:
                delay = 1.0
            # Only this request waits; the asyncio reactor keeps serving the others meanwhile.
            await asyncio.sleep(delay)
        return self._retry(request, f"HTTP {response.status}") or response
