"""Public entry points of the territories stage, for the other apps of the pipeline."""

from __future__ import annotations

from carrefour.territories.coordinates import coordinates_parse
from carrefour.territories.geocoder import ResolvedLocation, location_resolve
from carrefour.territories.loader import LoadReport, territories_load

__all__ = ["LoadReport", "ResolvedLocation", "coordinates_parse", "location_resolve", "territories_load"]
