"""Cache headers of the static files that keep their plain names after collectstatic."""

from __future__ import annotations

from wsgiref.headers import Headers

# django-dsfr's fonts and icons are named by its CSS, which is never rewritten (see storage.py): they keep
# plain names, which WhiteNoise would have browsers check again every minute. They change only with a
# django-dsfr upgrade.
DSFR_ASSETS = ("/static/dsfr/dist/fonts/", "/static/dsfr/dist/icons/")
DSFR_ASSETS_MAX_AGE = 7 * 24 * 3600


def static_headers(headers: Headers, path: str, url: str) -> None:
    """A week of caching for django-dsfr's fonts and icons (WhiteNoise's WHITENOISE_ADD_HEADERS_FUNCTION)."""
    if url.startswith(DSFR_ASSETS) and "immutable" not in (headers.get("Cache-Control") or ""):
        headers["Cache-Control"] = f"max-age={DSFR_ASSETS_MAX_AGE}, public"
