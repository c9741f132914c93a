"""Kind `geojson`: a GeoJSON FeatureCollection (map layer), one record per feature."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from scrapy.http import Response

from carrefour.harvest.extract.document import Document
from carrefour.harvest.extract.record import RecordResult
from carrefour.harvest.kinds.base import GarbageError, response_json

Position = tuple[float, float]


def _number(value: Any) -> float | None:
    """A coordinate as a finite number; exporters sometimes write it as text ("2.35")."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _position(value: Any) -> Position | None:
    """A GeoJSON position [lon, lat, …] as (lon, lat), or None when it is not a valid WGS 84 point."""
    if not isinstance(value, list | tuple) or len(value) < 2:
        return None
    lon, lat = _number(value[0]), _number(value[1])
    if lon is None or lat is None:
        return None
    return (lon, lat) if -180 <= lon <= 180 and -90 <= lat <= 90 else None


def _positions(coordinates: Any) -> list[Position]:
    """Every valid position in nested coordinate arrays (invalid ones dropped)."""
    point = _position(coordinates)
    if point is not None:
        return [point]
    if isinstance(coordinates, list):
        return [p for item in coordinates for p in _positions(item)]
    return []


def _ring_centroid(ring: list[Position]) -> tuple[float, Position] | None:
    """Signed area and centroid of a closed ring (shoelace formula); None when flat."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-12:
        return None
    return area / 2, (cx / (3 * area), cy / (3 * area))


def geometry_point(geometry: Any) -> Position | None:
    """(lon, lat) of a geometry: a Point itself, a polygon's area centroid, else the mean of its positions."""
    if not isinstance(geometry, dict):
        return None
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind == "Point":
        return _position(coordinates)
    if kind == "GeometryCollection":
        members = geometry.get("geometries")
        parts = [geometry_point(g) for g in members] if isinstance(members, list) else []
        return _mean([p for p in parts if p is not None])
    polygons = [coordinates] if kind == "Polygon" else coordinates if kind == "MultiPolygon" else []
    weighted = []
    for polygon in polygons if isinstance(polygons, list) else []:
        outer = _positions(polygon[0]) if isinstance(polygon, list) and polygon else []
        found = _ring_centroid(outer)
        if found:
            weighted.append((abs(found[0]), found[1]))
    total = sum(weight for weight, _ in weighted)
    if total:
        return (
            sum(w * p[0] for w, p in weighted) / total,
            sum(w * p[1] for w, p in weighted) / total,
        )
    return _mean(_positions(coordinates))


def _mean(points: list[Position]) -> Position | None:
    """Average position, or None for no position."""
    if not points:
        return None
    return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))


def feature_document(url: str, feature: dict[str, Any]) -> Document:
    """A feature as the JSON document the extractors read: id, properties, geometry, longitude, latitude."""
    properties = feature.get("properties")
    point = geometry_point(feature.get("geometry"))
    data = {
        "id": feature.get("id"),
        "properties": properties if isinstance(properties, dict) else {},
        "geometry": feature.get("geometry"),
        "longitude": point[0] if point else None,
        "latitude": point[1] if point else None,
    }
    return Document(url=url, data=data)


class GeoJsonKind:
    """A GeoJSON layer: properties as JSON paths, Point [lon, lat] or another geometry's centroid."""

    name = "geojson"
    description = "couche GeoJSON (FeatureCollection) : une fiche par objet, position lue dans la géométrie"

    def page(self, response: Response, definition: dict[str, Any]) -> Document:
        """The layer parsed as JSON; it must be a FeatureCollection or a single Feature."""
        data = response_json(response, definition)
        kind = data.get("type") if isinstance(data, dict) else None
        if kind not in {"FeatureCollection", "Feature"}:
            raise GarbageError(f"pas une FeatureCollection GeoJSON (type {kind!r})")
        return Document(url=response.url, data=data)

    def nodes(self, spec: dict[str, Any], page: Document) -> list[Document]:
        """No list entries in a layer (validation forbids `list` for this kind)."""
        return []

    def records(self, page: Document, definition: dict[str, Any]) -> Iterator[Document | RecordResult]:
        """One document per feature; a non-feature or unreadable item rejected with a reason."""
        features = [page.data] if page.data.get("type") == "Feature" else page.data.get("features")
        if not isinstance(features, list):
            raise GarbageError("FeatureCollection sans liste `features`")
        for number, feature in enumerate(features, start=1):
            if not isinstance(feature, dict) or feature.get("type") != "Feature":
                yield RecordResult(
                    url=f"{page.url}#feature={number}",
                    reason=f"objet {number} : pas une Feature GeoJSON ({str(feature)[:60]!r})",
                )
                continue
            try:
                document = feature_document(page.url, feature)
            except (TypeError, ValueError, RecursionError) as exc:
                # One hostile feature (absurd nesting, odd types) must not lose the rest of the layer.
                yield RecordResult(
                    url=f"{page.url}#feature={number}",
                    reason=f"objet {number} : géométrie illisible ({type(exc).__name__})",
                )
                continue
            yield document
