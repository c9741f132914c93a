"""Content-Security-Policy header: scripts and styles from the site only, map tiles from their host."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def tile_origin(url: str) -> str:
    """CSP source of a tile URL template (`{s}` sub-domains become a wildcard), "" if relative."""
    parts = urlsplit(url.replace("{s}", "*"))
    if not parts.scheme or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc.split('@')[-1]}"


def csp_header(tile_url: str) -> str:
    """The policy: no inline script, no plug-in, no framing, images also from the tile server."""
    img = " ".join(filter(None, ["'self'", "data:", tile_origin(tile_url)]))
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src {img}",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class ContentSecurityPolicyMiddleware:
    """Add the Content-Security-Policy header to every response that has none."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        """Keep the next handler."""
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Set the header on the way out."""
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", csp_header(settings.TILE_URL))
        return response
