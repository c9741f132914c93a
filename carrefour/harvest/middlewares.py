"""Downloader middlewares and extensions: refuse private addresses, honour Retry-After on 429/503, caps."""

from __future__ import annotations

import asyncio
from typing import Any, Self
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.extensions.httpcache import RFC2616Policy
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Request, Response
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.httpobj import urlparse_cached

from carrefour.sources.addresses import host_refusal
from carrefour.sources.bounds import TOTAL_SIZE_REASON

MAX_RETRY_AFTER = 30.0
# Margin over a robots.txt Crawl-delay: the site measures arrival times, ours are dispatch times, and on a
# loaded machine one request can leave late and the next on time (a 5 % margin was seen to fall short).
CRAWL_DELAY_MARGIN = 1.25


class HostGuardMiddleware:
    """Blocks requests (redirect targets included: they come back through here) to private hosts."""

    def __init__(
        self, allowed_hosts: list[str], *, local_files: bool = True, only_hosts: list[str] | None = None
    ) -> None:
        self.allowed_hosts = [h.lower() for h in allowed_hosts]
        self.local_files = local_files
        # Partner-declared sources: the hosts of their start URLs and base URL, nothing else (empty: any).
        self.only_hosts = {h.lower() for h in only_hosts or []}
        self.cache: dict[str, str | None] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Build from the CARREFOUR_ALLOWED_HOSTS, _LOCAL_FILES and _ONLY_HOSTS crawl settings."""
        return cls(
            crawler.settings.getlist("CARREFOUR_ALLOWED_HOSTS"),
            local_files=crawler.settings.getbool("CARREFOUR_LOCAL_FILES", True),
            only_hosts=crawler.settings.getlist("CARREFOUR_ONLY_HOSTS"),
        )

    def process_request(self, request: Request) -> None:
        """Raise IgnoreRequest for a refused host (resolution cached per scheme+host)."""
        parts = urlsplit(request.url)
        if parts.scheme == "file" and not self.local_files:
            # Partner-declared sources never read the server's files, not even as a start URL.
            raise IgnoreRequest("refusé : adresse file:// dans une source déclarée par un partenaire")
        if parts.scheme == "file" and not request.meta.get("written"):
            # Only a start or lookup URL written in the definition may be a local file, never a URL
            # taken from a page (a link, a form's action), whatever role its request plays.
            raise IgnoreRequest("refusé : adresse file:// trouvée dans un document téléchargé")
        if self.only_hosts and parts.scheme != "file" and (parts.hostname or "") not in self.only_hosts:
            raise IgnoreRequest(f"refusé : {parts.hostname} n'est pas un hôte de la source de ce partenaire")
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


class RevalidatePolicy(RFC2616Policy):
    """HTTP cache for conditional GET: keep responses with validators, always revalidate them."""

    def should_cache_response(self, response: Response, request: Request) -> bool:
        """Only responses carrying an ETag or Last-Modified are worth storing."""
        has_validator = b"ETag" in response.headers or b"Last-Modified" in response.headers
        return has_validator and super().should_cache_response(response, request)

    def is_cached_response_fresh(self, cachedresponse: Response, request: Request) -> bool:
        """Never trust max-age: a harvest must see today's content, so it always asks (304 if same)."""
        self._set_conditional_validators(request, cachedresponse)
        return False


class PoliteThrottle(AutoThrottle):
    """AutoThrottle that never goes below a host's robots.txt Crawl-delay (one request at a time)."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.crawler = crawler
        self.floors: dict[str, float] = {}
        crawler.signals.connect(self._robots_parsed, signal=signals.robots_parsed)

    def _robots_parsed(self, robotparser: Any, request: Request) -> None:
        """Apply the Crawl-delay of a freshly parsed robots.txt to its host's download slot."""
        user_agent = self.crawler.settings.get("USER_AGENT", "*")
        delay = robotparser.crawl_delay(user_agent) if hasattr(robotparser, "crawl_delay") else None
        if not delay:
            return
        host = urlparse_cached(request).hostname or ""
        floor = float(delay) * CRAWL_DELAY_MARGIN
        self.floors[host] = floor
        engine = self.crawler.engine
        downloader = engine.downloader if engine else None
        if downloader is None:
            return
        downloader.per_slot_settings[host] = {"delay": floor, "concurrency": 1}
        slot = downloader.slots.get(host)
        if slot is not None:
            slot.delay, slot.concurrency = max(slot.delay, floor), 1

    def _adjust_delay(self, slot: Any, latency: float, response: Response) -> None:
        """AutoThrottle's adjustment, floored at the Crawl-delay of the response's host."""
        super()._adjust_delay(slot, latency, response)
        floor = self.floors.get(urlparse_cached(response).hostname or "")
        if floor:
            slot.delay = max(slot.delay, floor)


class TotalSizeCap:
    """Stops the crawl once the bodies it received add up to CARREFOUR_MAX_TOTAL_BYTES (partner sources).

    DOWNLOAD_MAXSIZE caps each response; without this, many responses just under it could still pull
    gigabytes from (or through) a partner's host in one run.
    """

    def __init__(self, crawler: Crawler, limit: int) -> None:
        self.crawler = crawler
        self.limit = limit
        self.received = 0
        self.stopping = False
        crawler.signals.connect(self._response_received, signal=signals.response_received)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Enabled only when the crawl settings give a total (0: no total cap)."""
        limit = crawler.settings.getint("CARREFOUR_MAX_TOTAL_BYTES")
        if limit <= 0:
            raise NotConfigured
        return cls(crawler, limit)

    def _response_received(self, response: Response, request: Request, spider: Any) -> None:
        """Add the body's size; past the limit, close the spider once (the run is then capped)."""
        self.received += len(response.body)
        if self.received > self.limit and not self.stopping and self.crawler.engine is not None:
            self.stopping = True
            deferred_from_coro(self.crawler.engine.close_spider_async(reason=TOTAL_SIZE_REASON))
