"""Absolute links for e-mails: the configured site address, else (development) the request's."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse

# The address of the request being served, for the e-mails it queues (set only without SITE_URL).
_REQUEST_SITE: ContextVar[str] = ContextVar("request_site", default="")
# Outside any request (a command, the worker) in development: where `carrefour serve` listens.
_LOCAL = "http://127.0.0.1:{port}"


def site_link(path: str) -> str:
    """The absolute address of a path of the site, one that works from a mail client."""
    base = settings.SITE_URL or _REQUEST_SITE.get() or _LOCAL.format(port=settings.SERVE_PORT)
    return base + path


class RequestSiteMiddleware:
    """Without settings.SITE_URL (development), remember the request's scheme and host for site_link."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        """Keep the next handler."""
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Set the request's address around the view."""
        if settings.SITE_URL:
            return self.get_response(request)
        token = _REQUEST_SITE.set(f"{request.scheme}://{request.get_host()}")
        try:
            return self.get_response(request)
        finally:
            _REQUEST_SITE.reset(token)
