"""Coordinates given by sources: parsed, checked to lie in France, put back in order."""

from __future__ import annotations

import math

# Bounding boxes (south, north, west, east) of metropolitan France, Corsica and overseas France.
FRANCE_BOXES = (
    (41.3, 51.15, -5.2, 9.6),  # metropolitan France and Corsica
    (15.8, 16.55, -61.85, -60.95),  # Guadeloupe
    (14.35, 14.9, -61.25, -60.8),  # Martinique
    (2.1, 5.8, -54.6, -51.6),  # Guyane
    (-21.4, -20.85, 55.2, 55.85),  # La Réunion
    (-13.05, -12.6, 45.0, 45.35),  # Mayotte
    (46.7, 47.15, -56.45, -56.1),  # Saint-Pierre-et-Miquelon
    (17.85, 18.15, -63.2, -62.75),  # Saint-Barthélemy, Saint-Martin
    (-14.4, -13.1, -178.3, -176.0),  # Wallis-et-Futuna
    (-28.0, -7.0, -155.0, -134.0),  # Polynésie française
    (-23.0, -19.0, 163.0, 169.0),  # Nouvelle-Calédonie
)


def coordinates_parse(
    latitude: float | str | None, longitude: float | str | None
) -> tuple[float, float] | None:
    """Validated (latitude, longitude) inside France, swapped back if given the wrong way; else None."""
    lat, lon = number_parse(latitude), number_parse(longitude)
    if lat is None or lon is None or (abs(lat) < 1e-6 and abs(lon) < 1e-6):
        return None
    if _in_france(lat, lon):
        return lat, lon
    if _in_france(lon, lat):
        return lon, lat
    return None


def number_parse(value: float | str | None) -> float | None:
    """A finite float from a number or a string with a decimal point or comma; else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        value = value.strip().replace(",", ".")[:40]
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _in_france(lat: float, lon: float) -> bool:
    return any(south <= lat <= north and west <= lon <= east for south, north, west, east in FRANCE_BOXES)
