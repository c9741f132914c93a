"""Which hosts a harvest may reach: private, loopback and link-local addresses are refused."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit


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
        return None  # start URLs only (HostGuardMiddleware): named by the definition's author
    if parts.scheme not in {"http", "https"}:
        return f"scheme {parts.scheme!r} not allowed"
    host = (parts.hostname or "").lower()
    if not host:
        return "no host in URL"
    if host in allowed_hosts:
        return None
    for address in host_addresses(host):
        if not address.is_global or address.is_multicast:
            return f"refused: {host} resolves to non-public address {address} (not in the allowed hosts)"
    return None
