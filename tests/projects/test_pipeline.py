"""The stages after fetching, end to end: import → normalize → locate → cluster → project → index → export."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from carrefour.normalize.models import Record
from carrefour.projects.exports import project_export
from carrefour.projects.models import Project
from carrefour.search.selectors import project_search
from carrefour.search.services import index_rebuild

pytestmark = pytest.mark.django_db


def _project(source_id: str, title: str, **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "title": title,
        "summary": "Une épicerie solidaire de quartier.",
        "description": "<p>Produits frais à prix solidaires.</p>",
        "themes": ["alimentation", "acces-aux-droits"],
        "publics": ["precarite"],
        "actor_type": "association",
        "organization": "Association Le Panier",
        "status": "en-cours",
        "start_year": 2019,
        "location": {"precision": "commune", "commune_code": "93048", "postal_code": "93100"},
        "publications": [
            {
                "platform": "demo-platform",
                "platform_name": "Plateforme de démo",
                "source_id": source_id,
                "url": f"https://demo.example.org/{source_id}",
                "licence": "Licence Ouverte 2.0",
            }
        ],
        "fictional": True,
    }
    base.update(extra)
    return base


def _write(path: Path, lines: list[str]) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    return path


@pytest.fixture
def corpus(tmp_path: Path, territories_loaded: Any) -> Path:
    index_rebuild()  # an empty index: what follows must reach it incrementally
    return _write(
        tmp_path / "corpus.jsonl.gz",
        [
            json.dumps(_project("1", "Épicerie solidaire Le Panier")),
            json.dumps(
                _project(
                    "2",
                    "Garage solidaire",
                    themes=["mobilite"],
                    summary="Réparer sa voiture à petit prix.",
                    location={"precision": "departement", "departement_code": "26"},
                )
            ),
            json.dumps(
                _project(
                    "3",
                    "Réseau national",
                    summary="Un réseau de tiers-lieux.",
                    location={"precision": "national"},
                )
            ),
            '{"title": "ligne cassée", ',
            json.dumps(_project("4", "", location={})),
        ],
    )


def test_import_locates_publishes_and_indexes(corpus: Path) -> None:
    out = io.StringIO()
    call_command("import", str(corpus), stdout=out, stderr=io.StringIO())
    assert "ligne 4 : JSON invalide" in out.getvalue()
    projects = {p.title: p for p in Project.objects.all()}
    assert set(projects) == {"Épicerie solidaire Le Panier", "Garage solidaire", "Réseau national"}
    montreuil = projects["Épicerie solidaire Le Panier"]
    assert (montreuil.commune_name, montreuil.departement_code, montreuil.region_code) == (
        "Montreuil",
        "93",
        "11",
    )
    assert montreuil.epci_code and montreuil.latitude and montreuil.precision == "commune"
    garage = projects["Garage solidaire"]
    assert (garage.commune_code, garage.departement_code, garage.region_code, garage.precision) == (
        "",
        "26",
        "84",
        "departement",
    )
    assert projects["Réseau national"].precision == "national"
    invalid = Record.objects.get(is_valid=False)
    assert invalid.errors == [{"field": "title", "message": "titre absent ou inutilisable"}]
    assert project_search(q="epiceries").total == 1


def test_reimport_keeps_ids_and_updates_in_place(corpus: Path, tmp_path: Path) -> None:
    call_command("import", str(corpus), stdout=io.StringIO(), stderr=io.StringIO())
    before = dict(Project.objects.values_list("title", "id"))
    out = io.StringIO()
    call_command("import", str(corpus), stdout=out, stderr=io.StringIO())
    assert "0 fiches créées, 0 modifiées, 4 inchangées" in out.getvalue()
    changed = _write(
        tmp_path / "v2.jsonl.gz",
        [json.dumps(_project("1", "Épicerie solidaire Le Grand Panier", summary="Une épicerie agrandie."))],
    )
    call_command("import", str(changed), stdout=io.StringIO(), stderr=io.StringIO())
    after = dict(Project.objects.values_list("title", "id"))
    assert after["Épicerie solidaire Le Grand Panier"] == before["Épicerie solidaire Le Panier"]
    assert after["Garage solidaire"] == before["Garage solidaire"]
    assert project_search(q="grand panier").total == 1


def test_exports_round_trip_through_import(corpus: Path, tmp_path: Path) -> None:
    call_command("import", str(corpus), stdout=io.StringIO(), stderr=io.StringIO())
    buffer = io.StringIO()
    assert project_export("jsonl", buffer) == 3
    exported = [json.loads(line) for line in buffer.getvalue().splitlines()]
    first = next(p for p in exported if p["title"] == "Épicerie solidaire Le Panier")
    assert first["location"]["commune_code"] == "93048"
    assert (
        first["publications"][0]["source_id"] == "1"
        and first["publications"][0]["platform"] == "demo-platform"
    )
    geojson = io.StringIO()
    assert project_export("geojson", geojson) == 1  # only the commune-located project has a point
    feature = json.loads(geojson.getvalue())["features"][0]
    assert feature["geometry"]["coordinates"][1] == pytest.approx(48.86, abs=0.1)
    table = io.StringIO()
    assert project_export("csv", table) == 3
    assert "alimentation | acces-aux-droits" in table.getvalue()
    again = tmp_path / "again.jsonl"
    again.write_text(buffer.getvalue())
    before = Project.objects.count()
    call_command("import", str(again), stdout=io.StringIO(), stderr=io.StringIO())
    assert Project.objects.count() == before


def test_export_command_writes_file_atomically(corpus: Path, tmp_path: Path) -> None:
    call_command("import", str(corpus), stdout=io.StringIO(), stderr=io.StringIO())
    target = tmp_path / "export.csv"
    call_command("export", "--format", "csv", "--output", str(target), stderr=io.StringIO())
    assert target.read_text().startswith("id,title,")
    assert not (tmp_path / "export.csv.partial").exists()
