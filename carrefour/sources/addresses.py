"""Which hosts a harvest may reach: private, loopback and link-local addresses are refused."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# IPv6 prefixes carrying an IPv4 address a gateway connects to: NAT64 (last 32 bits) and 6to4.
NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _embedded(address: Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address leads to (mapped, NAT64, 6to4), or None."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address.ipv4_mapped or address.sixtofour


def address_public(address: Address) -> bool:
    """Whether an address is public unicast, and so is the IPv4 address it embeds."""
    embedded = _embedded(address)
    if embedded is not None and not address_public(embedded):
        return False
    return address.is_global and not address.is_multicast


def host_addresses(host: str) -> list[Address]:
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


def host_refusal(url: str, allowed_hosts: list[str], *, unresolved_ok: bool = False) -> str | None:
    """Why a URL must not be fetched (host on a private/loopback/link-local network), or None."""
    # unresolved_ok: a definition being saved may name a host whose DNS is not live yet; every fetch
    # is checked again when it happens (HostGuardMiddleware, then the crawl's GuardedResolver).
    parts = urlsplit(url)
    if parts.scheme == "file":
        return None  # start URLs only (HostGuardMiddleware): named by the definition's author
    if parts.scheme not in {"http", "https"}:
        return f"schéma {parts.scheme!r} non permis"
    host = (parts.hostname or "").lower()
    if not host:
        return "aucun hôte dans l'adresse"
    if host in allowed_hosts:
        return None
    addresses = host_addresses(host)
    if not addresses and not unresolved_ok:
        return f"refusé : {host} ne mène à aucune adresse"
    for address in addresses:
        if not address_public(address):
            return f"refusé : {host} mène à l'adresse non publique {address} (hôte non autorisé)"
    return None
