"""The EPCI (intercommunalité) criterion: filter and facet in the list, the API, the map and the exports."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from carrefour.projects.models import Project
from carrefour.search.params import SearchParams, search_params
from carrefour.search.selectors import project_search
from carrefour.search.services import index_rebuild
from tests.search.factories import project_create

LYON = "200046977"  # Métropole de Lyon
GRAND_PARIS = "200054781"  # Métropole du Grand Paris


@pytest.fixture
def montreuil(corpus: dict[str, Project]) -> Project:
    """A project of the Métropole du Grand Paris, next to the corpus's one of the Métropole de Lyon."""
    project = project_create(
        "Ressourcerie de Montreuil",
        minutes=6,
        themes=["economie-circulaire"],
        commune_code="93048",
        commune_name="Montreuil",
        epci_code=GRAND_PARIS,
        departement_code="93",
        region_code="11",
        latitude=48.86,
        longitude=2.44,
    )
    index_rebuild()
    return project


@pytest.mark.django_db
def test_epci_facet_counts_with_names(montreuil: Project, territories_loaded: Any) -> None:
    facet = project_search(params=SearchParams()).facets["epci"]
    assert [(v.code, v.label, v.count) for v in facet] == [
        (LYON, "Métropole de Lyon", 1),
        (GRAND_PARIS, "Métropole du Grand Paris", 1),
    ]


@pytest.mark.django_db
def test_epci_filter_narrows_the_list_the_api_the_map_and_exports(
    client: Client, corpus: dict[str, Project], montreuil: Project, territories_loaded: Any
) -> None:
    lyon = project_search(params=search_params(epcis=[LYON]))
    assert [hit.project_id for hit in lyon.hits] == [corpus["epicerie_lyon"].pk]
    both = project_search(params=search_params(epcis=[LYON, GRAND_PARIS]))
    assert {hit.project_id for hit in both.hits} == {montreuil.pk, corpus["epicerie_lyon"].pk}
    assert project_search(params=search_params(epcis=[LYON], themes=["lien-social"])).total == 0

    api = client.get("/api/v1/projects", {"epci": LYON}).json()
    assert [project["title"] for project in api["results"]] == ["Réseau des épiceries itinérantes"]
    assert api["facets"]["epci"][0] == {"code": LYON, "label": "Métropole de Lyon", "count": 1}
    wrong = client.get("/api/v1/projects", {"epci": "Lyon"})
    assert wrong.status_code == 400 and "intercommunalité" in wrong.json()["erreur"]

    layer = client.get("/carte/donnees", {"epci": LYON}).json()
    assert layer["total"] == 1
    assert len(layer["outlines"]) == 1 and len(layer["outlines"][0]) >= 3  # the Métropole drawn
    area = client.get("/recherche/zone", {"epci": LYON, "bbox": "45.70,4.78,45.80,4.90"})["Location"]
    assert "epci=" not in area and "departement=69" in area  # the view's départements replace it
    rows = (
        b"".join(client.get("/recherche/export.csv", {"epci": GRAND_PARIS}).streaming_content)
        .decode()
        .strip()
        .splitlines()
    )
    assert len(rows) == 2 and "Ressourcerie de Montreuil" in rows[1]

    html = client.get("/recherche", {"epci": LYON}).content.decode()
    assert "Intercommunalité" in html and "Métropole de Lyon" in html


@pytest.mark.django_db
def test_epci_keyword_in_the_query(client: Client, corpus: dict[str, Project], montreuil: Project) -> None:
    def titles(q: str) -> list[str]:
        return sorted(
            project["title"] for project in client.get("/api/v1/projects", {"q": q}).json()["results"]
        )

    assert titles(f"epci:{LYON}") == ["Réseau des épiceries itinérantes"]
    assert titles(f"intercommunalité:{GRAND_PARIS} OR epci:{LYON}") == [
        "Ressourcerie de Montreuil",
        "Réseau des épiceries itinérantes",
    ]
    assert titles(f"ressourcerie epci:{LYON}") == []
    assert "Ressourcerie de Montreuil" not in titles(f"-epci:{GRAND_PARIS}")
    assert project_search(params=search_params(q=f"epci:{LYON}")).message == ""  # a known criterion
