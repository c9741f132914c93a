"""Template context shared by every page."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def carrefour(request: HttpRequest) -> dict[str, object]:
    """Map tile settings available to every template."""
    # The DSFR layout hands `request.csp_nonce` to its scripts: none, our policy allows our own files.
    request.csp_nonce = ""  # type: ignore[attr-defined]
    return {"TILE_URL": settings.TILE_URL, "TILE_ATTRIBUTION": settings.TILE_ATTRIBUTION}
