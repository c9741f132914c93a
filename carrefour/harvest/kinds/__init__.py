"""Source kinds, in one explicit registry (docs/sources.md documents each of them)."""

from __future__ import annotations

from carrefour.harvest.kinds.base import GarbageError, Kind
from carrefour.harvest.kinds.csv import CsvKind
from carrefour.harvest.kinds.geojson import GeoJsonKind
from carrefour.harvest.kinds.html import HtmlKind
from carrefour.harvest.kinds.json_api import JsonApiKind

KINDS: list[Kind] = [HtmlKind(), JsonApiKind(), CsvKind(), GeoJsonKind()]
KINDS_BY_NAME: dict[str, Kind] = {k.name: k for k in KINDS}

__all__ = ["KINDS", "KINDS_BY_NAME", "GarbageError", "Kind"]
