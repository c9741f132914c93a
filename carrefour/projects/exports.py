"""Open-data exports of the canonical projects: JSON Lines, CSV and GeoJSON, streamed in chunks."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import re
import tempfile
from collections.abc import Callable, Generator, Iterable
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from carrefour.projects.merge import LOCATION_COLUMNS, MERGED_FIELDS
from carrefour.projects.selectors import project_iter_dicts

EXPORT_FORMATS = ("jsonl", "csv", "geojson")
# Every canonical field but the HTML description (too long for a spreadsheet cell), then the place.
CSV_COLUMNS = (
    "id",
    *(name for name in MERGED_FIELDS if name != "description"),
    *LOCATION_COLUMNS,
    "sources",
    "source_urls",
    "updated_at",
)
# Text is handed out in pieces of about this many characters: memory stays flat whatever the count.
CHUNK_CHARS = 64 * 1024
# OWASP "CSV injection": a spreadsheet runs a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?[0-9]+(?:[.,][0-9]+)?")


def csv_cell(value: Any) -> Any:
    """A cell that a spreadsheet shows as written: text that could run as a formula gets a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def _csv_row(project: dict[str, Any]) -> dict[str, Any]:
    row = {name: project.get(name) for name in CSV_COLUMNS}
    row.update(project["location"])
    # Multi-valued cells joined with " | ", the convention of French open-data portals.
    row["themes"] = " | ".join(project["themes"])
    row["publics"] = " | ".join(project["publics"])
    row["sources"] = " | ".join(f"{p['platform']}:{p['source_id']}" for p in project["publications"])
    row["source_urls"] = " | ".join(p["url"] or "" for p in project["publications"])
    return {name: csv_cell(value) for name, value in row.items()}


def _feature(project: dict[str, Any]) -> dict[str, Any] | None:
    """A located project as a GeoJSON point feature; None without coordinates."""
    location = project["location"]
    if location["latitude"] is None or location["longitude"] is None:
        return None
    properties = {k: v for k, v in project.items() if k not in ("description", "location")}
    properties.update({k: v for k, v in location.items() if k not in ("latitude", "longitude")})
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [location["longitude"], location["latitude"]]},
        "properties": properties,
    }


def project_export_chunks(
    fmt: str, projects: Iterable[dict[str, Any]] | None = None
) -> Generator[str, None, int]:
    """Projects (default: every published one) in one of EXPORT_FORMATS, as text chunks; returns the count."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"format inconnu : {fmt!r} (formats : {', '.join(EXPORT_FORMATS)})")
    items = project_iter_dicts() if projects is None else projects
    buffer = io.StringIO()
    table = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    if fmt == "csv":
        table.writeheader()
    elif fmt == "geojson":
        buffer.write('{"type": "FeatureCollection", "features": [\n')
    count = 0
    for project in items:
        if fmt == "jsonl":
            buffer.write(json.dumps(project, ensure_ascii=False) + "\n")
        elif fmt == "csv":
            table.writerow(_csv_row(project))
        else:
            feature = _feature(project)
            if feature is None:
                continue
            buffer.write(("" if count == 0 else ",\n") + json.dumps(feature, ensure_ascii=False))
        count += 1
        if buffer.tell() >= CHUNK_CHARS:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if fmt == "geojson":
        buffer.write("\n]}\n")
    yield buffer.getvalue()
    return count


def project_export(fmt: str, out: TextIO, projects: Iterable[dict[str, Any]] | None = None) -> int:
    """Write projects (default: every published one) in one of EXPORT_FORMATS; returns the count."""
    chunks = project_export_chunks(fmt, projects)
    while True:
        try:
            out.write(next(chunks))
        except StopIteration as done:
            return int(done.value)


def file_write_atomic(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write a file through `write` into a temporary file beside it, then rename it into place."""
    # Readers see the old file or the new one, never half of one; a failure leaves nothing behind.
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    partial = Path(temporary)
    try:
        with os.fdopen(handle, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())  # on disk before the rename, so a crash never leaves a renamed empty file
        partial.chmod(0o644)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def project_export_file(*, fmt: str, path: Path) -> int:
    """Write an export to a file (gzip when it ends in .gz) atomically; returns the count."""
    counted: list[int] = []

    def write(raw: BinaryIO) -> None:
        binary: BinaryIO | gzip.GzipFile = raw
        if path.suffix == ".gz":
            binary = gzip.GzipFile(fileobj=raw, mode="wb", mtime=0)
        out = io.TextIOWrapper(binary, encoding="utf-8", newline="")
        counted.append(project_export(fmt, out))
        out.detach()  # flushed; the file itself is closed by file_write_atomic
        if binary is not raw:
            binary.close()  # writes the gzip trailer

    file_write_atomic(path, write)
    return counted[0]
