"""A small corpus in the Carrefour's open-data format, for the stages after fetching."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from carrefour.search.services import index_rebuild
from tests.dedup.conftest import raw as raw  # raw records through the real pipeline, as in dedup tests


def corpus_project(source_id: str, title: str, **extra: Any) -> dict[str, Any]:
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


def corpus_write(path: Path, lines: list[str]) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    return path


@pytest.fixture
def corpus(tmp_path: Path, territories_loaded: Any) -> Path:
    index_rebuild()  # an empty index: what follows must reach it incrementally
    return corpus_write(
        tmp_path / "corpus.jsonl.gz",
        [
            json.dumps(corpus_project("1", "Épicerie solidaire Le Panier")),
            json.dumps(
                corpus_project(
                    "2",
                    "Garage solidaire",
                    themes=["mobilite"],
                    summary="Réparer sa voiture à petit prix.",
                    location={"precision": "departement", "departement_code": "26"},
                )
            ),
            json.dumps(
                corpus_project(
                    "3",
                    "Réseau national",
                    summary="Un réseau de tiers-lieux.",
                    location={"precision": "national"},
                )
            ),
            '{"title": "ligne cassée", ',
            json.dumps(corpus_project("4", "NR", location={})),  # valid JSON, no usable title
            json.dumps(
                corpus_project(
                    "5",
                    "Atelier vélo",
                    summary="Réparer son vélo.",
                    location={"precision": "commune", "postal_code": "00000", "commune_code": "00000"},
                )
            ),
        ],
    )
