"""API v1: fine and territorial parameters, autocomplete, similar projects, malformed input."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from carrefour.projects.models import Project
from carrefour.search.services import index_update

pytestmark = pytest.mark.django_db


def test_fielded_query_snippet_and_sort(client: Client, corpus: dict[str, Project]) -> None:
    data = client.get("/api/v1/projects", {"q": "title:épicerie", "sort": "title"}).json()
    assert [r["id"] for r in data["results"]] == [corpus["epicerie"].pk, corpus["epicerie_lyon"].pk]
    assert data["sort"] == "title"
    data = client.get("/api/v1/projects", {"q": "vélo"}).json()
    assert "<b>vélo</b>" in data["results"][0]["snippet"]


def test_ranges_in_url(client: Client, corpus: dict[str, Project]) -> None:
    data = client.get(
        "/api/v1/projects?start_year_min=2020&updated_min=2025-03-01&updated_max=2025-03-01"
    ).json()
    assert [r["id"] for r in data["results"]] == [corpus["epicerie_lyon"].pk]


def test_relaxations_in_json(client: Client, corpus: dict[str, Project]) -> None:
    data = client.get("/api/v1/projects", {"q": "épicerie vélo"}).json()
    assert data["count"] == 0
    assert data["relaxations"] and {"label", "param", "value", "count"} <= set(data["relaxations"][0])


def test_territory_and_around(client: Client, corpus: dict[str, Project], territories_loaded: Any) -> None:
    data = client.get("/api/v1/projects", {"territory": "Seine-Saint-Denis"}).json()
    assert data["territory"] == {"kind": "departement", "code": "93", "name": "Seine-Saint-Denis"}
    assert {r["id"] for r in data["results"]} == {corpus["epicerie"].pk, corpus["jardin"].pk}
    data = client.get("/api/v1/projects", {"near": "Lyon", "radius": "5", "sort": "distance"}).json()
    assert {r["id"] for r in data["results"]} == {corpus["epicerie_lyon"].pk, corpus["hostile"].pk}
    distances = [r["distance_km"] for r in data["results"]]
    assert distances == sorted(distances) and distances[-1] < 5
    assert data["around"]["radius_km"] == 5
    data = client.get("/api/v1/projects", {"bbox": "45.5,4.5,46,5"}).json()
    assert data["count"] == 2


@pytest.mark.parametrize(
    "query",
    [
        "territory=Atlantide",
        "near=nulle-part",
        "lat=45",
        "lat=abc&lon=2",
        "lat=45&lon=2&radius=0",
        "radius=99999&lat=45&lon=2",
        "bbox=1,2,3",
        "bbox=50,2,40,3",
        "bbox=nan,1,2,3",
        "start_year_min=deux-mille",
        "updated_min=2025-13-45",
        "sort=random",
        "covering=peut-être",
    ],
)
def test_bad_new_parameters_400(
    client: Client, corpus: dict[str, Project], territories_loaded: Any, query: str
) -> None:
    response = client.get(f"/api/v1/projects?{query}")
    assert response.status_code == 400
    assert (
        "paramètre" in response.json()["erreur"].lower() or "territoire" in response.json()["erreur"].lower()
    )


@pytest.mark.parametrize(
    "q",
    [
        '"épicerie',
        "x" * 5_000,  # longer addresses are refused with 414 (test_errors.py)
        "unknown:field",
        "title:(",
        "'; DROP TABLE projects_project; --",
        "<script>alert(1)</script>",
        "id:1 OR 1=1",
        "((((((((((a",
        "NOT NOT NOT",
        "\x00\u202e",
    ],
)
def test_malformed_queries_are_explained_never_500(
    client: Client, corpus: dict[str, Project], q: str
) -> None:
    response = client.get("/api/v1/projects", {"q": q})
    assert response.status_code == 200
    assert all("<script" not in (r["snippet"] or "") for r in response.json()["results"])


def test_unknown_field_message(client: Client, corpus: dict[str, Project]) -> None:
    data = client.get("/api/v1/projects", {"q": "foo:épicerie"}).json()
    assert "foo" in data["message"]
    assert corpus["epicerie"].pk in [r["id"] for r in data["results"]]


def test_suggest(client: Client, corpus: dict[str, Project], territories_loaded: Any) -> None:
    data = client.get("/api/v1/suggest", {"q": "Lyo"}).json()
    assert {"kind": "commune", "label": "Lyon (69)", "param": "territory", "value": "commune:69123"} in data[
        "suggestions"
    ]
    data = client.get("/api/v1/suggest", {"q": "aliment"}).json()
    assert any(s["kind"] == "theme" and s["value"] == "alimentation" for s in data["suggestions"])
    assert client.get("/api/v1/suggest", {"q": "x" * 5_000}).status_code == 200
    assert client.get("/api/v1/suggest").json() == {"suggestions": []}


def test_similar(client: Client, corpus: dict[str, Project]) -> None:
    response = client.get(f"/api/v1/projects/{corpus['epicerie'].pk}/similar?elsewhere=0")
    assert response.status_code == 200
    ids = [r["id"] for r in response.json()["results"]]
    assert corpus["epicerie"].pk not in ids
    assert client.get("/api/v1/projects/999999/similar").status_code == 404
    assert client.get(f"/api/v1/projects/{corpus['epicerie'].pk}/similar?limit=500").status_code == 400


def test_repeated_search_follows_index_updates(client: Client, corpus: dict[str, Project]) -> None:
    first = client.get("/api/v1/projects", {"q": "vélo", "per_page": "5"})
    again = client.get("/api/v1/projects", {"per_page": "5", "q": "vélo"})
    assert again.content == first.content and again["Content-Type"] == "application/json"
    velo = Project.objects.get(pk=first.json()["results"][0]["id"])
    velo.title = "Atelier de réparation de trottinettes"
    velo.save()
    index_update([velo.pk])
    titles = [
        r["title"] for r in client.get("/api/v1/projects", {"q": "vélo", "per_page": "5"}).json()["results"]
    ]
    assert "Atelier de réparation de trottinettes" in titles
