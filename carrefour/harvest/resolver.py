"""DNS resolver of the crawl child: the address actually connected to is checked, not only the URL."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any, Self

from scrapy.crawler import Crawler
from scrapy.resolver import CachingThreadedResolver
from twisted.internet.defer import Deferred
from twisted.internet.error import DNSLookupError

from carrefour.sources.addresses import address_public


class GuardedResolver(CachingThreadedResolver):
    """Scrapy's caching resolver refusing private/loopback answers for hosts not in the allowed hosts."""

    # HostGuardMiddleware resolves a host before the request; the connection resolves it again and a
    # hostile DNS may answer differently the second time (DNS rebinding): this answer is the one used.

    def __init__(self, reactor: Any, cache_size: int, timeout: float, allowed_hosts: list[str]) -> None:
        super().__init__(reactor, cache_size, timeout)
        self.allowed_hosts = {host.lower() for host in allowed_hosts}

    @classmethod
    def from_crawler(cls, crawler: Crawler, reactor: Any) -> Self:
        """Built like Scrapy's resolver, with the crawl's CARREFOUR_ALLOWED_HOSTS."""
        cache_size = (
            crawler.settings.getint("DNSCACHE_SIZE") if crawler.settings.getbool("DNSCACHE_ENABLED") else 0
        )
        return cls(
            reactor,
            cache_size,
            crawler.settings.getfloat("DNS_TIMEOUT"),
            crawler.settings.getlist("CARREFOUR_ALLOWED_HOSTS"),
        )

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:
        """The address of a host name; DNSLookupError when it is not public and the host not allowed."""
        resolved = super().getHostByName(name, timeout)
        resolved.addCallback(self._checked, name)
        return resolved

    def _checked(self, address: str, name: str) -> str:
        """The address when the crawl may connect to it."""
        if name.lower() in self.allowed_hosts or address_public(ipaddress.ip_address(address)):
            return address
        raise DNSLookupError(f"refusé : {name} mène à l'adresse non publique {address}")
