"""Results page: the fine and territorial search form, sort, relaxations; the map agrees with the list."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from carrefour.projects.models import Project
from carrefour.search.selectors import project_search

pytestmark = pytest.mark.django_db


def _titles(html: str) -> list[str]:
    """Card titles of a results page, in order."""
    return re.findall(r'<h3 class="fr-card__title"><a href="[^"]+">([^<]+)</a>', html)


@pytest.mark.parametrize("q", ["bicyclette", "epicerei", "épiceries Montreuil"])
def test_map_total_equals_results_total(client: Client, corpus: dict[str, Project], q: str) -> None:
    # A synonym (bicyclette → vélo), a typo, a place written in q: the map counts what the list shows.
    results = project_search(q=q, with_points=False)
    data = client.get("/carte/donnees", {"q": q, "zoom": "5", "bbox": "-80,-200,80,200"}).json()
    assert results.total >= 1
    assert data["total"] == results.total


def test_project_page_similar_elsewhere(client: Client, corpus: dict[str, Project]) -> None:
    project = corpus["epicerie"]
    html = client.get(f"/projets/{project.pk}-{project.slug}").content.decode()
    similar = html[html.index('id="similaires"') :]
    assert "Projets similaires ailleurs en France" in similar
    assert "Réseau des épiceries itinérantes" in similar  # same problem, another département
    assert "Jardin partagé des Lilas" not in similar  # same département (93)
