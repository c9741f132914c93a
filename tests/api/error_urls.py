"""The site's URLs plus three API views that fail on purpose, to reach the 403, CSRF and 500 handlers."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path

from carrefour.urls import handler400, handler403, handler404, handler500
from carrefour.urls import urlpatterns as site_urlpatterns


def forbidden(request: HttpRequest) -> HttpResponse:
    """Refuse."""
    raise PermissionDenied


def crash(request: HttpRequest) -> HttpResponse:
    """Fail."""
    raise RuntimeError("boom")


def write(request: HttpRequest) -> HttpResponse:
    """A view that accepts POST and is protected by CSRF like any view by default."""
    return HttpResponse("ok")


urlpatterns = [
    path("api/v1/test/forbidden", forbidden),
    path("api/v1/test/crash", crash),
    path("api/v1/test/write", write),
    *site_urlpatterns,
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
