"""The crawl never connects to a private address: URL check (HostGuard) and connection check (resolver)."""

from __future__ import annotations

import ipaddress
import subprocess
import sys

import pytest
from scrapy.resolver import dnscache
from twisted.internet.error import DNSLookupError
from twisted.python.failure import Failure

from carrefour.harvest.crawl import crawl_settings
from carrefour.harvest.resolver import GuardedResolver
from carrefour.sources.addresses import address_public, host_refusal


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("127.0.0.1", False),
        ("64:ff9b::7f00:1", False),  # NAT64 to 127.0.0.1
        ("64:ff9b::a00:7", False),  # NAT64 to 10.0.0.7
        ("64:ff9b::5db8:d822", True),  # NAT64 to 93.184.216.34
        ("2002:a9fe:a9fe::", False),  # 6to4 to 169.254.169.254
        ("2002:5db8:d822::", True),
        ("::ffff:192.168.1.1", False),
    ],
)
def test_ipv6_addresses_embedding_a_private_ipv4_are_not_public(address: str, public: bool) -> None:
    assert address_public(ipaddress.ip_address(address)) is public
    refusal = host_refusal(f"http://[{address}]/" if ":" in address else f"http://{address}/", [])
    assert (refusal is None) is public


def test_a_host_that_does_not_resolve_is_refused_when_fetched() -> None:
    assert (
        host_refusal("http://nulle-part.invalid/", [])
        == "refusé : nulle-part.invalid ne mène à aucune adresse"
    )
    # A definition being saved may name a host not live yet: every fetch is checked again.
    assert host_refusal("http://nulle-part.invalid/", [], unresolved_ok=True) is None


def _resolved(resolver: GuardedResolver, name: str) -> str | Failure:
    """What a cached resolution gives at once: the address, or the failure."""
    results: list[str | Failure] = []
    resolver.getHostByName(name).addBoth(results.append)
    return results[0]


def test_the_resolver_refuses_a_name_rebound_to_loopback_after_the_url_check() -> None:
    # The URL check saw a public address; the answer used for the connection is loopback.
    dnscache["rebound.example"] = "127.0.0.1"
    dnscache["public.example"] = "93.184.216.34"
    try:
        guarded = GuardedResolver(None, 100, 5.0, [])
        refused = _resolved(guarded, "rebound.example")
        assert isinstance(refused, Failure) and refused.check(DNSLookupError)
        assert "rebound.example mène à l'adresse non publique 127.0.0.1" in str(refused.value)
        assert _resolved(guarded, "public.example") == "93.184.216.34"
        allowed = GuardedResolver(None, 100, 5.0, ["Rebound.example"])
        assert _resolved(allowed, "rebound.example") == "127.0.0.1"
    finally:
        del dnscache["rebound.example"], dnscache["public.example"]


def test_the_crawl_resolver_refuses_localhost_on_a_real_reactor() -> None:
    settings = crawl_settings({"definition": {}, "user_agent": "test", "allowed_hosts": []})
    resolver = settings["TWISTED_DNS_RESOLVER"]
    script = f"""
from twisted.internet import reactor
from scrapy.utils.misc import load_object
resolver = load_object({resolver!r})(reactor, 0, 5.0, [])
def done(result):
    print(getattr(result, "value", result))
    reactor.stop()
reactor.callWhenRunning(lambda: resolver.getHostByName("localhost").addBoth(done))
reactor.run()
"""
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert "refusé : localhost mène à l'adresse non publique 127.0.0.1" in out.stdout
