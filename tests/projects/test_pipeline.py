"""The stages after fetching, end to end: import → normalize → locate → cluster → project → index → export."""

from __future__ import annotations

import csv
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
from carrefour.search.params import search_params
from carrefour.search.selectors import project_search
from tests.projects.conftest import corpus_project, corpus_write

pytestmark = pytest.mark.django_db


def test_import_locates_publishes_and_indexes(corpus: Path) -> None:
    out = io.StringIO()
    call_command("import", str(corpus), stdout=out, stderr=io.StringIO())
    assert "ligne 4 : JSON invalide" in out.getvalue()
    projects = {p.title: p for p in Project.objects.all()}
    assert set(projects) == {
        "Épicerie solidaire Le Panier",
        "Garage solidaire",
        "Réseau national",
        "Atelier vélo",
    }
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
    unlocated = projects["Atelier vélo"]
    assert (unlocated.precision, unlocated.commune_code, unlocated.departement_code) == ("", "", "")
    warning = Record.objects.get(raw__source_record_id="5").warnings[0]
    assert warning["field"] == "location" and warning["message"]
    invalid = Record.objects.get(is_valid=False)
    assert invalid.errors == [{"field": "title", "message": "titre absent ou inutilisable"}]
    assert project_search(params=search_params(q="epiceries")).total == 1


def test_reimport_keeps_ids_and_updates_in_place(corpus: Path, tmp_path: Path) -> None:
    call_command("import", str(corpus), stdout=io.StringIO(), stderr=io.StringIO())
    before = dict(Project.objects.values_list("title", "id"))
    out = io.StringIO()
    call_command("import", str(corpus), stdout=out, stderr=io.StringIO())
    assert "0 fiches créées, 0 modifiées, 5 inchangées" in out.getvalue()
    changed = corpus_write(
        tmp_path / "v2.jsonl.gz",
        [
            json.dumps(
                corpus_project("1", "Épicerie solidaire Le Grand Panier", summary="Une épicerie agrandie.")
            )
        ],
    )
    call_command("import", str(changed), stdout=io.StringIO(), stderr=io.StringIO())
    after = dict(Project.objects.values_list("title", "id"))
    assert after["Épicerie solidaire Le Grand Panier"] == before["Épicerie solidaire Le Panier"]
    assert after["Garage solidaire"] == before["Garage solidaire"]
    assert project_search(params=search_params(q="grand panier")).total == 1


def test_exports_round_trip_through_import(corpus: Path, tmp_path: Path) -> None:
    call_command("import", str(corpus), stdout=io.StringIO(), stderr=io.StringIO())
    buffer = io.StringIO()
    assert project_export("jsonl", buffer) == 4
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
    assert project_export("csv", table) == 4
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


def test_export_command_csv_shows_formulas_as_text(corpus: Path, tmp_path: Path) -> None:
    hostile = corpus_write(
        tmp_path / "hostile.jsonl.gz",
        [json.dumps(corpus_project("9", "+33 atelier", organization="=1+1", start_year=2018))],
    )
    call_command("import", str(hostile), stdout=io.StringIO(), stderr=io.StringIO())
    target = tmp_path / "export.csv"
    call_command("export", "--format", "csv", "--output", str(target), stderr=io.StringIO())
    (row,) = list(csv.DictReader(target.open(encoding="utf-8")))
    assert (row["title"], row["organization"], row["start_year"]) == ("'+33 atelier", "'=1+1", "2018")


def test_dumps_build_writes_every_format_atomically(corpus: Path, settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path / "data"
    call_command("import", str(corpus), stdout=io.StringIO(), stderr=io.StringIO())
    call_command("dumps", "build", stdout=io.StringIO())
    dumps = tmp_path / "data" / "dumps"
    assert sorted(p.name for p in dumps.iterdir()) == [
        "carrefour-projets.csv",
        "carrefour-projets.csv.gz",
        "carrefour-projets.geojson",
        "carrefour-projets.geojson.gz",
        "carrefour-projets.jsonl",
        "carrefour-projets.jsonl.gz",
        "manifest.json",
    ]
    with gzip.open(dumps / "carrefour-projets.jsonl.gz", "rt", encoding="utf-8") as lines:
        assert len([json.loads(line) for line in lines]) == 4
    geojson = json.loads((dumps / "carrefour-projets.geojson").read_text(encoding="utf-8"))
    assert len(geojson["features"]) == 1
    out = io.StringIO()
    call_command("dumps", "build", "--if-stale", stdout=out)
    assert out.getvalue().startswith("Téléchargements à jour")
