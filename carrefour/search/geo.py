"""Map layer of a search: server-side grid clusters when zoomed out, individual points when zoomed in."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import tantivy
from tantivy import Query

from carrefour.projects.models import Project
from carrefour.search.criteria import CRITERIA
from carrefour.search.engine import engine_guard
from carrefour.search.params import SearchParams
from carrefour.search.plan import search_plan_build
from carrefour.search.query_build import query_combine
from carrefour.search.selectors import search_located
from carrefour.search.storage import index_open
from carrefour.search.territory import bbox_query
from carrefour.territories.models import Commune

POINTS_LIMIT = 400  # above this many projects in view, the browser gets clusters instead of markers
FRANCE = (41.0, -5.5, 51.5, 10.0)  # south, west, north, east: metropolitan France

BBox = tuple[float, float, float, float]


@dataclass
class MapLayer:
    """What the map draws for one view: clusters [lat, lon, count] or points, and territory outlines."""

    total: int
    clusters: list[list[float]] = field(default_factory=list)
    points: list[list[object]] = field(default_factory=list)
    outlines: list[list[list[float]]] = field(default_factory=list)


def bbox_parse(raw: str) -> BBox | None:
    """`south,west,north,east` in degrees, clamped to the world; None when malformed."""
    try:
        south, west, north, east = (float(part) for part in raw.split(","))
    except ValueError:
        return None
    if not all(math.isfinite(v) for v in (south, west, north, east)) or south >= north or west >= east:
        return None
    return (max(south, -90.0), max(west, -180.0), min(north, 90.0), min(east, 180.0))


def cell_degrees(zoom: int) -> float:
    """Grid cell size for a Leaflet zoom level: about 70 pixels on screen."""
    return 360.0 / (2 ** max(0, min(zoom, 20))) * 70 / 256


def _grid(searcher: tantivy.Searcher, query: Query, cell: float) -> list[list[float]]:
    """Clusters as [lat, lon, count], placed at the mean position of their grid cell's projects."""
    avg = {"alat": {"avg": {"field": "lat"}}, "alon": {"avg": {"field": "lon"}}}
    spec = {
        "lat": {
            "histogram": {"field": "lat", "interval": cell, "min_doc_count": 1},
            "aggs": {
                "lon": {"histogram": {"field": "lon", "interval": cell, "min_doc_count": 1}, "aggs": avg}
            },
        }
    }
    result = searcher.aggregate(query, spec)
    clusters = []
    for row in result.get("lat", {}).get("buckets", []):
        for bucket in row.get("lon", {}).get("buckets", []):
            count = int(bucket["doc_count"])
            if count:
                lat, lon = bucket["alat"]["value"], bucket["alon"]["value"]
                clusters.append([round(lat, 5), round(lon, 5), count])
    return clusters


def _points(searcher: tantivy.Searcher, query: Query) -> list[list[object]]:
    """Individual projects as [id, lat, lon, title, place]."""
    located = search_located(searcher, query, limit=POINTS_LIMIT)
    rows = Project.objects.filter(id__in=[i for i, _, _ in located], is_published=True)
    info = {
        pk: (title, f"{commune}{f' ({dep})' if dep else ''}".strip())
        for pk, title, commune, dep in rows.values_list("id", "title", "commune_name", "departement_code")
    }
    return [[i, round(lat, 5), round(lon, 5), *info[i]] for i, lat, lon in located if i in info]


@engine_guard("map layer")
def map_layer(*, params: SearchParams, bbox: BBox | None = None, zoom: int = 5) -> MapLayer:
    """Map layer of a search (as project_search) in the visible area; SearchFailed (logged) on a panic."""
    index = index_open()
    if index is None:
        return MapLayer(total=0)
    searcher = index.searcher()
    searched = search_plan_build(searcher, index.schema, params=params).query()
    query = query_combine([searched, bbox_query(index.schema, *(bbox or (-90.0, -180.0, 90.0, 180.0)))])
    total = int(getattr(searcher.search(query, limit=1), "count", 0) or 0)
    layer = MapLayer(total=total)
    if total <= POINTS_LIMIT:
        layer.points = _points(searcher, query)
    else:
        layer.clusters = _grid(searcher, query, cell_degrees(zoom))
    for criterion in CRITERIA:
        if criterion.territorial:
            codes = params.filters.get(criterion.field, ())
            layer.outlines.extend(territory_outline(criterion.field, code) for code in codes)
    layer.outlines = [outline for outline in layer.outlines if len(outline) >= 3]
    return layer


def _hull(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Convex hull (monotone chain) of (lon, lat) points, counter-clockwise."""
    pts = sorted(set(points))
    if len(pts) <= 2:
        return pts

    def cross(o: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[tuple[float, float]] = []
    upper: list[tuple[float, float]] = []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


@lru_cache(maxsize=256)
def _outline_cached(kind: str, code: str) -> tuple[tuple[float, float], ...]:
    """Hull of a territory's commune points as (lat, lon), cached per process."""
    rows = Commune.objects.filter(**{f"{kind}_id": code}, latitude__isnull=False, longitude__isnull=False)
    points = [(float(lon or 0), float(lat or 0)) for lat, lon in rows.values_list("latitude", "longitude")]
    hull = _hull(points)
    return tuple((round(lat, 4), round(lon, 4)) for lon, lat in hull)


def territory_outline(kind: str, code: str) -> list[list[float]]:
    """Approximate outline of a région, département or EPCI: the convex hull of its communes' points."""
    return [list(point) for point in _outline_cached(kind, code)]


@lru_cache(maxsize=1)
def departement_centroids() -> dict[str, tuple[float, float]]:
    """Mean position of each département's communes (lat, lon)."""
    sums: dict[str, list[float]] = {}
    rows = Commune.objects.filter(latitude__isnull=False, longitude__isnull=False)
    for dep, lat, lon in rows.values_list("departement_id", "latitude", "longitude"):
        acc = sums.setdefault(dep, [0.0, 0.0, 0.0])
        acc[0] += lat or 0.0
        acc[1] += lon or 0.0
        acc[2] += 1
    return {dep: (acc[0] / acc[2], acc[1] / acc[2]) for dep, acc in sums.items() if acc[2]}


def departements_in_bbox(bbox: BBox, limit: int = 50) -> list[str]:
    """Départements whose centre lies in the box (the nearest one when none does), nearest first."""
    south, west, north, east = bbox
    centre = ((south + north) / 2, (west + east) / 2)
    centroids = departement_centroids()

    def distance(code: str) -> float:
        lat, lon = centroids[code]
        return (lat - centre[0]) ** 2 + ((lon - centre[1]) * math.cos(math.radians(lat))) ** 2

    inside = [c for c, (lat, lon) in centroids.items() if south <= lat <= north and west <= lon <= east]
    chosen = inside or sorted(centroids, key=distance)[:1]
    return sorted(chosen, key=distance)[:limit]
