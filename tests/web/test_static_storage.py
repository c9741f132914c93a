"""Collected static files keep the bytes that django-dsfr's Subresource Integrity hashes pin."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.files import File
from django.test import Client
from dsfr import checksums

from carrefour.web.storage import StaticStorage

DSFR_CSS = "dsfr/dist/dsfr/dsfr.min.css"


def test_collected_dsfr_css_still_matches_its_integrity_hash(tmp_path: Path) -> None:
    storage = StaticStorage(location=tmp_path, base_url="/static/")
    source = finders.find(DSFR_CSS)
    assert source, "django-dsfr's CSS should be found by the static finders"
    with open(source, "rb") as handle:
        storage.save(DSFR_CSS, File(handle))
    for _name, _hashed, processed in storage.post_process({DSFR_CSS: (storage, DSFR_CSS)}):
        assert not isinstance(processed, Exception), processed
    collected = (tmp_path / storage.stored_name(DSFR_CSS)).read_bytes()
    digest = "sha384-" + base64.b64encode(hashlib.sha384(collected).digest()).decode()
    # A browser refuses the whole design system when this differs (unstyled pages after collectstatic).
    assert digest == checksums.INTEGRITY_CSS


def test_dsfr_fonts_cached_a_week(client: Client) -> None:
    # Named by django-dsfr's CSS, so never hashed: a week instead of WhiteNoise's minute for plain names.
    response = client.get("/static/dsfr/dist/fonts/Marianne-Bold.woff2")
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=604800, public"
    assert "max-age=604800" not in client.get("/static/web/carrefour.css")["Cache-Control"]
