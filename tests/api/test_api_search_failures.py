"""API search and similar projects once projects were re-indexed, and when the search engine fails."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from carrefour.search.services import index_rebuild, index_update
from tests.search.panic import shops_create, tantivy_panic

pytestmark = pytest.mark.django_db


def test_similar_and_search_after_reindexing(client: Client, index_dir: Path) -> None:
    shops = shops_create(4)
    index_rebuild()
    index_update([shop.pk for shop in shops[:3]])
    response = client.get(f"/api/v1/projects/{shops[0].pk}/similar", {"elsewhere": "0"})
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [shops[2].pk]  # the other one in bulk
    assert client.get("/api/v1/projects", {"q": "épicerie"}).json()["count"] == 4


def test_search_answers_503_in_json_when_the_engine_panics(
    client: Client, index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shops = shops_create(4)
    index_rebuild()
    monkeypatch.setattr("carrefour.search.selectors.search_plan_build", tantivy_panic)
    response = client.get("/api/v1/projects", {"q": "épicerie"})
    assert response.status_code == 503
    assert response.json()["code"] == "search_unavailable"
    assert "La recherche a rencontré une erreur" in response.json()["erreur"]
    monkeypatch.setattr("carrefour.search.similar._like", tantivy_panic)
    response = client.get(f"/api/v1/projects/{shops[0].pk}/similar")
    assert response.status_code == 200 and response.json()["results"] == []


def test_suggest_answers_503_in_json_when_the_engine_panics(
    client: Client, index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shops_create(4)
    index_rebuild()
    monkeypatch.setattr("carrefour.search.suggest._prefix_query", tantivy_panic)
    response = client.get("/api/v1/suggest", {"q": "épic"})
    assert response.status_code == 503
    assert response.json()["code"] == "search_unavailable"
    assert "La recherche a rencontré une erreur" in response.json()["erreur"]
    monkeypatch.undo()
    labels = [s["label"] for s in client.get("/api/v1/suggest", {"q": "épic"}).json()["suggestions"]]
    assert "Épicerie solidaire n°0" in labels
