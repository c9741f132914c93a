"""Open-data exports of the canonical projects: JSON Lines, CSV and GeoJSON."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import Any, TextIO

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


def _csv_row(project: dict[str, Any]) -> dict[str, Any]:
    row = {name: project.get(name) for name in CSV_COLUMNS}
    row.update(project["location"])
    # Multi-valued cells joined with " | ", the convention of French open-data portals.
    row["themes"] = " | ".join(project["themes"])
    row["publics"] = " | ".join(project["publics"])
    row["sources"] = " | ".join(f"{p['platform']}:{p['source_id']}" for p in project["publications"])
    row["source_urls"] = " | ".join(p["url"] or "" for p in project["publications"])
    return row


def project_export(fmt: str, out: TextIO, projects: Iterable[dict[str, Any]] | None = None) -> int:
    """Write projects (default: every published one) in one of EXPORT_FORMATS; returns the count."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"format inconnu : {fmt!r} (formats : {', '.join(EXPORT_FORMATS)})")
    items = project_iter_dicts() if projects is None else projects
    count = 0
    if fmt == "jsonl":
        for project in items:
            out.write(json.dumps(project, ensure_ascii=False) + "\n")
            count += 1
    elif fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for project in items:
            writer.writerow(_csv_row(project))
            count += 1
    else:
        out.write('{"type": "FeatureCollection", "features": [\n')
        for project in items:
            location = project["location"]
            if location["latitude"] is None or location["longitude"] is None:
                continue
            properties = {k: v for k, v in project.items() if k not in ("description", "location")}
            properties.update({k: v for k, v in location.items() if k not in ("latitude", "longitude")})
            feature = {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [location["longitude"], location["latitude"]]},
                "properties": properties,
            }
            out.write(("" if count == 0 else ",\n") + json.dumps(feature, ensure_ascii=False))
            count += 1
        out.write("\n]}\n")
    return count
