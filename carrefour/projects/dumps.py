"""Prebuilt whole-corpus downloads (JSON Lines, CSV, GeoJSON, each also gzipped), served as files."""

from __future__ import annotations

import gzip
import json
import shutil
from datetime import UTC
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.db.models import Max

from carrefour.projects.exports import EXPORT_FORMATS, file_write_atomic, project_export_file
from carrefour.projects.models import Project

MANIFEST = "manifest.json"


def dumps_dir() -> Path:
    """Where the dumps live: `dumps/` in the data directory."""
    return Path(settings.DATA_DIR) / "dumps"


def dump_name(fmt: str, *, compressed: bool = False) -> str:
    """File name of a dump, as offered to whoever downloads it."""
    return f"carrefour-projets.{fmt}" + (".gz" if compressed else "")


def _corpus_state() -> dict[str, Any]:
    """What the dumps must match to be fresh: published count and the newest project update."""
    newest = Project.objects.aggregate(newest=Max("updated_at"))["newest"]
    return {
        "published": Project.objects.filter(is_published=True).count(),
        "newest_update": newest.astimezone(UTC).isoformat() if newest else "",
    }


def _gzip_copy(source: Path) -> None:
    """A gzipped copy of a dump beside it, for clients that accept gzip (no compression per request)."""

    def write(raw: BinaryIO) -> None:
        with source.open("rb") as plain, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as packed:
            shutil.copyfileobj(plain, packed, 1024 * 1024)

    file_write_atomic(source.with_name(source.name + ".gz"), write)


def dumps_build() -> dict[str, int]:
    """Write every dump atomically, then the manifest that declares them fresh; projects per format."""
    directory = dumps_dir()
    directory.mkdir(parents=True, exist_ok=True)
    # Read before the files: a change during the build leaves the dumps stale, never wrongly fresh.
    state = _corpus_state()
    counts = {}
    for fmt in EXPORT_FORMATS:
        path = directory / dump_name(fmt)
        counts[fmt] = project_export_file(fmt=fmt, path=path)
        _gzip_copy(path)
    manifest = json.dumps({**state, "counts": counts}).encode()
    file_write_atomic(directory / MANIFEST, lambda out: out.write(manifest))
    return counts


def dumps_fresh() -> bool:
    """Whether every dump reflects the current projects."""
    return all(dump_fresh(fmt, compressed=c) for fmt in EXPORT_FORMATS for c in (False, True))


def dump_fresh(fmt: str, *, compressed: bool = False) -> Path | None:
    """The prebuilt file of a format when it reflects the current projects, else None."""
    directory = dumps_dir()
    path = directory / dump_name(fmt, compressed=compressed)
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not path.exists() or {k: manifest.get(k) for k in ("published", "newest_update")} != _corpus_state():
        return None
    return path
