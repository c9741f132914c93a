"""Kind `geojson`: a map layer harvested natively, hostile features included (loopback site)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from carrefour.harvest.models import HarvestRun
from tests.harvest.conftest import MiniSite
from tests.harvest.sites import harvest_definition, payloads

pytestmark = pytest.mark.django_db

LAYER = {
    "slug": "carte",
    "kind": "geojson",
    "start_urls": ["{base_url}/couche.geojson"],
    "record_id": {"json": "properties.code | id"},
    "fields": {
        "title": {"json": "properties.nom"},
        "commune": {"json": "properties.ville"},
        "longitude": {"json": "longitude"},
        "latitude": {"json": "latitude"},
    },
}


def feature(geometry: Any, **properties: Any) -> dict[str, Any]:
    """A GeoJSON feature."""
    return {"type": "Feature", "geometry": geometry, "properties": properties}


FEATURES = [
    feature({"type": "Point", "coordinates": [2.3522, 48.8566]}, code="a", nom="Épicerie", ville="Paris"),
    # A square around Lyon: its centroid, not a corner.
    feature(
        {
            "type": "Polygon",
            "coordinates": [[[4.8, 45.7], [4.9, 45.7], [4.9, 45.8], [4.8, 45.8], [4.8, 45.7]]],
        },
        code="b",
        nom="Jardin partagé",
    ),
    feature(None, code="c", nom="Sans géométrie"),
    feature({"type": "Point", "coordinates": [999, "abc"]}, code="d", nom="Coordonnées fausses"),
    feature({"type": "LineString", "coordinates": [[1.0, 44.0], [3.0, 46.0]]}, code="e", nom="Sentier"),
    # Two squares, the larger one weighing more; coordinates written as text by some exporters.
    feature(
        {
            "type": "MultiPolygon",
            "coordinates": [
                [[[0, 40], [2, 40], [2, 42], [0, 42], [0, 40]]],
                [[["10", "40"], ["11", "40"], ["11", "41"], ["10", "41"], ["10", "40"]]],
            ],
        },
        code="f",
    ),
    feature(
        {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Point", "coordinates": [6, 44]},
                {"type": "Point", "coordinates": [8, 46]},
            ],
        },
        code="g",
    ),
    feature({"type": "Point", "coordinates": [float("nan"), 45]}, code="h"),
    # No properties at all, the id on the feature itself.
    {"type": "Feature", "id": 42, "geometry": {"type": "Point", "coordinates": [-1.55, 47.22]}},
    # Broken: no id anywhere, and an item that is not a feature.
    feature({"type": "Point", "coordinates": [5.0, 43.0]}, nom="Sans identifiant"),
    {"type": "Point", "coordinates": [5.0, 43.0]},
]


def test_a_geojson_layer_is_harvested_with_positions_from_its_geometries(
    mini_site: MiniSite, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    layer = {"type": "FeatureCollection", "features": FEATURES}
    mini_site.route("/couche.geojson", json.dumps(layer), ctype="application/geo+json")
    run, out = harvest_definition(LAYER, mini_site.url, tmp_path / "sources", settings, capsys)
    records = payloads("carte")
    # Every feature with an id is kept, whatever its geometry; the two without one are rejected.
    assert sorted(records) == ["42", "a", "b", "c", "d", "e", "f", "g", "h"]
    assert (records["a"]["longitude"], records["a"]["latitude"]) == (2.3522, 48.8566)
    assert records["a"]["title"] == "Épicerie" and records["a"]["commune"] == "Paris"
    assert records["b"]["longitude"] == pytest.approx(4.85) and records["b"]["latitude"] == pytest.approx(
        45.75
    )
    assert records["e"]["longitude"] == pytest.approx(2.0) and records["e"]["latitude"] == pytest.approx(45.0)
    # Area-weighted: (1, 41) weighs 4, (10.5, 40.5) weighs 1.
    assert records["f"]["longitude"] == pytest.approx(2.9) and records["f"]["latitude"] == pytest.approx(40.9)
    assert (records["g"]["longitude"], records["g"]["latitude"]) == (7.0, 45.0)
    for without in ("c", "d", "h"):
        assert records[without]["latitude"] is None and records[without]["longitude"] is None
    assert records["42"]["title"] is None and records["42"]["latitude"] == 47.22
    assert run.status == HarvestRun.Status.SUCCESS and run.records_rejected == 2
    assert "identifiant de fiche absent" in out and "objet 11 : pas une Feature GeoJSON" in out
    assert mini_site.log == ["/robots.txt", "/couche.geojson"]


def test_a_layer_that_is_not_geojson_fails_the_run_with_its_reason(
    mini_site: MiniSite, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    mini_site.route("/couche.geojson", json.dumps([{"nom": "liste"}]), ctype="application/json")
    run, _ = harvest_definition(LAYER, mini_site.url, tmp_path / "sources", settings, capsys, fails=True)
    assert run.status == HarvestRun.Status.FAILED
    assert "pas une FeatureCollection GeoJSON" in run.message and payloads("carte") == {}


def nested(depth: int) -> str:
    """JSON text of a position nested depth arrays deep (too deep for json.dumps)."""
    return "[" * depth + "[2.0, 48.0]" + "]" * depth


def test_a_hostile_feature_is_rejected_alone_and_the_valid_ones_are_kept(
    mini_site: MiniSite, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = [
        feature({"type": "GeometryCollection", "geometries": 5}, code="x1", nom="Collection entière"),
        feature({"type": "Polygon", "coordinates": 7}, code="x2", nom="Coordonnées entières"),
        feature({"type": "MultiPolygon", "coordinates": [5, "a", None]}, code="x3"),
        feature({"type": "LineString", "coordinates": "DEEP"}, code="x4", nom="Trop profond"),
    ]
    valid = [
        feature({"type": "Point", "coordinates": [2.3522, 48.8566]}, code="a", nom="Épicerie"),
        feature({"type": "Point", "coordinates": [4.85, 45.75]}, code="b", nom="Jardin"),
    ]
    layer = {"type": "FeatureCollection", "features": [valid[0], *hostile, valid[1]]}
    # Deep enough for the geometry walk to overflow the stack, shallow enough for the JSON parser.
    text = json.dumps(layer).replace('"DEEP"', nested(700))
    mini_site.route("/couche.geojson", text, ctype="application/geo+json")
    run, out = harvest_definition(LAYER, mini_site.url, tmp_path / "sources", settings, capsys)
    records = payloads("carte")
    assert {"a", "b"} <= set(records) and records["b"]["latitude"] == 45.75
    # Odd geometry types leave the feature without a position; the absurd nesting rejects it alone.
    assert records["x1"]["latitude"] is None and records["x2"]["latitude"] is None
    assert "x4" not in records and "objet 5 : géométrie illisible (RecursionError)" in out
    assert run.status == HarvestRun.Status.SUCCESS and run.records_rejected == 1


def test_a_layer_nested_too_deep_to_parse_fails_the_run_with_its_reason(
    mini_site: MiniSite, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    mini_site.route("/couche.geojson", nested(200_000), ctype="application/geo+json")
    run, _ = harvest_definition(LAYER, mini_site.url, tmp_path / "sources", settings, capsys, fails=True)
    assert run.status == HarvestRun.Status.FAILED
    assert "imbriqués trop profondément" in run.message and payloads("carte") == {}
