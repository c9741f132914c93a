"""Collected static files keep the bytes that django-dsfr's Subresource Integrity hashes pin."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.files import File
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
