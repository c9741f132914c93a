"""JSON API v1 through the Django test client."""

from __future__ import annotations

import pytest
from django.test import Client

from carrefour.projects.models import Project

pytestmark = pytest.mark.django_db


def test_list_all(client: Client, corpus: dict[str, Project]) -> None:
    response = client.get("/api/v1/projects")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    assert (data["count"], data["page"], data["pages"]) == (4, 1, 1)
    first = data["results"][0]
    assert first["id"] == corpus["hostile"].pk
    assert {"title", "themes", "publics", "status", "location", "publications"} <= set(first)
    themes = data["facets"]["themes"]
    assert {"code": "alimentation", "label": "Alimentation et agriculture durable", "count": 2} in themes


def test_list_filters_and_words(client: Client, corpus: dict[str, Project]) -> None:
    data = client.get("/api/v1/projects", {"q": "épiceries", "theme": "alimentation", "region": "11"}).json()
    assert [r["id"] for r in data["results"]] == [corpus["epicerie"].pk]
    data = client.get("/api/v1/projects?theme=mobilite&theme=environnement&departement=69").json()
    assert [r["id"] for r in data["results"]] == [corpus["hostile"].pk]


def test_list_paging(client: Client, corpus: dict[str, Project]) -> None:
    data = client.get("/api/v1/projects", {"per_page": 3, "page": 2}).json()
    assert (data["count"], data["pages"], len(data["results"])) == (4, 2, 1)


def test_detail_common_schema(client: Client, corpus: dict[str, Project]) -> None:
    project = corpus["epicerie"]
    data = client.get(f"/api/v1/projects/{project.pk}").json()
    assert data["title"] == "Épicerie solidaire du quartier"
    assert data["location"]["departement_code"] == "93"
    assert data["location"]["epci_code"] is None
    source = data["publications"][0]
    assert source["platform"] == "alpha"
    assert source["platform_name"] == "Plateforme alpha"
    assert source["source_id"] == "e-1"
    assert source["licence"] == "Licence Ouverte 2.0"
    assert source["first_seen"].startswith("2025-03-01")


@pytest.mark.parametrize("path", ["/api/v1/projects/999999", "/api/v1/projects/{hidden}"])
def test_detail_404_json(client: Client, corpus: dict[str, Project], path: str) -> None:
    response = client.get(path.format(hidden=corpus["hidden"].pk))
    assert response.status_code == 404
    assert "erreur" in response.json()


@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "page=0",
        "page=-1",
        "page=999999999999999999999",
        "page=1.5",
        "per_page=1000",
        "theme=inconnu",
        "region=%3Cscript%3E",
        "departement=999",
        "start_year=20x0",
    ],
)
def test_bad_parameters_400_json(client: Client, corpus: dict[str, Project], query: str) -> None:
    response = client.get(f"/api/v1/projects?{query}")
    assert response.status_code == 400
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "paramètre" in response.json()["erreur"]


@pytest.mark.parametrize("q", ['"épicerie', "title:(", "x" * 5_000, "foo:bar"])
def test_malformed_query_is_not_an_error(client: Client, corpus: dict[str, Project], q: str) -> None:
    response = client.get("/api/v1/projects", {"q": q})
    assert response.status_code == 200


def test_post_refused(client: Client, corpus: dict[str, Project]) -> None:
    response = client.post("/api/v1/projects")
    assert response.status_code == 405
