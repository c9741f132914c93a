"""In-memory gazetteer: the territories tables as dict indexes, loaded once per process."""

from __future__ import annotations

import math
import threading
from collections import defaultdict
from dataclasses import dataclass, field

from carrefour.territories.models import Commune, CommuneDivision, Departement, Region
from carrefour.territories.names import name_normalize, name_strip_article

GRID_STEP = 0.1  # degrees per grid cell (about 11 km of latitude)
GRID_MAX_RING = 20  # search at most 2° around a point (large overseas communes)

# Former régions (before 2016) and usual acronyms, still common on partner sites: région code.
REGION_ALIASES = {
    "alsace": "44",
    "aquitaine": "75",
    "auvergne": "84",
    "basse normandie": "28",
    "bourgogne": "27",
    "centre": "24",
    "champagne ardenne": "44",
    "franche comte": "27",
    "haute normandie": "28",
    "languedoc roussillon": "76",
    "limousin": "75",
    "lorraine": "44",
    "midi pyrenees": "76",
    "nord pas de calais": "32",
    "picardie": "32",
    "poitou charentes": "75",
    "rhone alpes": "84",
    "paca": "93",
    "aura": "84",
    "idf": "11",
    "bfc": "27",
}


@dataclass(frozen=True, slots=True)
class Place:
    """A commune as the geocoder sees it."""

    code: str
    name: str
    postal_codes: tuple[str, ...]
    departement_code: str
    region_code: str
    epci_code: str | None
    population: int
    latitude: float | None
    longitude: float | None
    approximated: bool


@dataclass(frozen=True, slots=True)
class Area:
    """A département or a région; region_code is the région of a département (its own code for a région)."""

    code: str
    name: str
    region_code: str
    chef_lieu_code: str


@dataclass(frozen=True, slots=True)
class Division:
    """A name for part of a commune (arrondissement municipal, former commune) and its postal code."""

    commune: Place
    postal_code: str


@dataclass
class Gazetteer:
    """All indexes used by the geocoder; names are keyed by `name_normalize`."""

    communes: dict[str, Place] = field(default_factory=dict)
    by_name: dict[str, list[Place]] = field(default_factory=lambda: defaultdict(list))
    by_short_name: dict[str, list[Place]] = field(default_factory=lambda: defaultdict(list))
    by_postal_code: dict[str, list[Place]] = field(default_factory=lambda: defaultdict(list))
    divisions_by_name: dict[str, list[Division]] = field(default_factory=lambda: defaultdict(list))
    divisions_by_code: dict[str, Division] = field(default_factory=dict)
    departements: dict[str, Area] = field(default_factory=dict)
    departements_by_name: dict[str, Area] = field(default_factory=dict)
    regions: dict[str, Area] = field(default_factory=dict)
    regions_by_name: dict[str, Area] = field(default_factory=dict)
    grid: dict[tuple[int, int], list[Place]] = field(default_factory=lambda: defaultdict(list))
    by_departement: dict[str, list[Place]] = field(default_factory=dict)
    # Départements made of a single commune (Paris): département code -> that commune.
    single_communes: dict[str, Place] = field(default_factory=dict)

    def commune_nearest(self, latitude: float, longitude: float) -> tuple[Place, float] | None:
        """Commune whose reference point is nearest to a point, with the distance in km."""
        row, col = _cell(latitude, longitude)
        best: tuple[Place, float] | None = None
        found_at: int | None = None
        for ring in range(GRID_MAX_RING + 1):
            if found_at is not None and ring > found_at + 1:
                break
            for cell in _ring(row, col, ring):
                for place in self.grid.get(cell, ()):
                    distance = distance_km(latitude, longitude, place.latitude or 0.0, place.longitude or 0.0)
                    if best is None or distance < best[1]:
                        best = (place, distance)
            if best is not None and found_at is None:
                found_at = ring
        return best


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Approximate distance in km (equirectangular, accurate enough below a few hundred km)."""
    x = (lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2)) * 111.32
    y = (lat2 - lat1) * 110.57
    return math.hypot(x, y)


def _cell(latitude: float, longitude: float) -> tuple[int, int]:
    return math.floor(latitude / GRID_STEP), math.floor(longitude / GRID_STEP)


def _ring(row: int, col: int, ring: int) -> list[tuple[int, int]]:
    if ring == 0:
        return [(row, col)]
    cells = [(row + dr, col + dc) for dr in (-ring, ring) for dc in range(-ring, ring + 1)]
    cells += [(row + dr, col + dc) for dc in (-ring, ring) for dr in range(-ring + 1, ring)]
    return cells


def gazetteer_build() -> Gazetteer:
    """Read the territories tables into a fresh Gazetteer."""
    gazetteer = Gazetteer()
    for code, name, chef_lieu in Region.objects.values_list("code", "name", "chef_lieu_code"):
        region = Area(code, name, code, chef_lieu)
        gazetteer.regions[code] = region
        gazetteer.regions_by_name[name_normalize(name)] = region
        gazetteer.regions_by_name.setdefault(name_strip_article(name_normalize(name)), region)
    for alias, code in REGION_ALIASES.items():
        if code in gazetteer.regions:
            gazetteer.regions_by_name.setdefault(alias, gazetteer.regions[code])
    for code, name, region_code, chef_lieu in Departement.objects.values_list(
        "code", "name", "region_id", "chef_lieu_code"
    ):
        departement = Area(code, name, region_code, chef_lieu)
        gazetteer.departements[code] = departement
        gazetteer.departements_by_name[name_normalize(name)] = departement
        gazetteer.departements_by_name.setdefault(name_strip_article(name_normalize(name)), departement)
    rows = Commune.objects.values_list(
        "code",
        "name",
        "search_name",
        "postal_codes",
        "departement_id",
        "region_id",
        "epci_id",
        "population",
        "latitude",
        "longitude",
        "coordinates_approximated",
    )
    for code, name, key, postal_codes, dep, reg, epci, population, lat, lon, approx in rows.iterator(
        chunk_size=5000
    ):
        place = Place(code, name, tuple(postal_codes), dep, reg, epci, population or 0, lat, lon, approx)
        gazetteer.communes[code] = place
        gazetteer.by_name[key].append(place)
        short = name_strip_article(key)
        if short != key:
            gazetteer.by_short_name[short].append(place)
        if "œ" in name.casefold():
            # Ligatures are sometimes dropped rather than spelt out ('PAIMBUF' for Paimbœuf).
            gazetteer.by_short_name[name_normalize(name.replace("œ", "").replace("Œ", ""))].append(place)
        for postal_code in place.postal_codes:
            gazetteer.by_postal_code[postal_code].append(place)
        # Only GeoNames points serve the nearest-commune search: approximated points are centroids
        # of neighbours, often shared by several communes, and would attract points that are not theirs.
        if lat is not None and lon is not None and not approx:
            gazetteer.grid[_cell(lat, lon)].append(place)
    for code, key, postal_codes, commune_code in CommuneDivision.objects.values_list(
        "code", "search_name", "postal_codes", "commune_id"
    ):
        division = Division(gazetteer.communes[commune_code], postal_codes[0] if postal_codes else "")
        gazetteer.divisions_by_name[key].append(division)
        if code != commune_code:
            gazetteer.divisions_by_code.setdefault(code, division)
    per_departement: dict[str, list[Place]] = defaultdict(list)
    for place in gazetteer.communes.values():
        per_departement[place.departement_code].append(place)
    gazetteer.by_departement = dict(per_departement)
    gazetteer.single_communes = {
        dep: places[0] for dep, places in per_departement.items() if len(places) == 1
    }
    # Plain dicts from here on: a missing key must not grow the indexes.
    for name in ("by_name", "by_short_name", "by_postal_code", "divisions_by_name", "grid"):
        setattr(gazetteer, name, dict(getattr(gazetteer, name)))
    return gazetteer


_lock = threading.Lock()
_cache: dict[str, Gazetteer] = {}


def gazetteer_get() -> Gazetteer:
    """The process-wide gazetteer, read from the database on first use."""
    gazetteer = _cache.get("default")
    if gazetteer is None:
        with _lock:
            gazetteer = _cache.get("default")
            if gazetteer is None:
                gazetteer = gazetteer_build()
                # An empty reference (not loaded yet) is not cached, so a later load is seen.
                if gazetteer.communes:
                    _cache["default"] = gazetteer
    return gazetteer


def gazetteer_reload() -> None:
    """Forget the cached gazetteer; the next lookup reads the database again (after a load, in tests)."""
    with _lock:
        _cache.clear()
