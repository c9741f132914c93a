"""Pages through the Django test client."""

from __future__ import annotations

import pytest
from django.test import Client

from carrefour.projects.models import Project

pytestmark = pytest.mark.django_db


def test_home(client: Client, corpus: dict[str, Project]) -> None:
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Carrefour des innovations sociales" in html
    assert 'action="/recherche"' in html
    assert "Alimentation et agriculture durable (2)" in html
    assert 'href="/recherche?region=11"' in html
    assert "monde simulé de démonstration" in html
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "https://tile.openstreetmap.org" in csp


def test_results_with_facets_and_map(client: Client, corpus: dict[str, Project]) -> None:
    response = client.get("/recherche", {"q": "épiceries", "theme": "alimentation"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>2</strong> projets trouvés" in html
    assert 'name="theme" value="alimentation"' in html and "checked" in html
    assert 'id="carte"' in html and 'id="carte-points"' in html
    assert "/static/leaflet/leaflet.js" in html and "/static/web/map.js" in html
    assert "Épicerie solidaire du quartier" in html
    assert "<b>épicerie</b>" in html.lower() or "<b>épiceries</b>" in html.lower()
    assert "fictif" in html


def test_results_facet_counts_follow_filters(client: Client, corpus: dict[str, Project]) -> None:
    html = client.get("/recherche?region=11").content.decode()
    assert 'Lien social et solidarités de proximité&nbsp;<span class="facet-count">(2)</span>' in html
    assert "monde simulé" not in html  # nothing fictional shown


def test_results_pagination(client: Client, corpus: dict[str, Project]) -> None:
    html = client.get("/recherche").content.decode()
    assert "<strong>4</strong> projets trouvés" in html
    response = client.get("/recherche?page=abc")
    assert response.status_code == 400
    assert "page" in response.content.decode()


def test_hostile_content_escaped(client: Client, corpus: dict[str, Project]) -> None:
    hostile = corpus["hostile"]
    for url in (f"/projets/{hostile.pk}-{hostile.slug}", "/recherche?q=v%C3%A9lo", "/recherche"):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html
        assert "onerror" not in html
        assert "<b>solidaire</b>" not in html


def test_project_page(client: Client, corpus: dict[str, Project]) -> None:
    project = corpus["epicerie"]
    response = client.get(f"/projets/{project.pk}-{project.slug}")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Épicerie solidaire du quartier" in html
    assert "<strong>lien social</strong>" in html
    assert "Montreuil (93048)" in html
    assert "Plateforme alpha" in html and "vu le 4 mars 2025" in html
    assert 'href="https://alpha.example/fiches/e-1"' in html
    assert 'id="carte"' in html


def test_project_redirects_to_canonical(client: Client, corpus: dict[str, Project]) -> None:
    project = corpus["epicerie"]
    canonical = f"/projets/{project.pk}-{project.slug}"
    assert client.get(f"/projets/{project.pk}")["Location"] == canonical
    assert client.get(f"/projets/{project.pk}-autre-chose")["Location"] == canonical


def test_fictional_project_page_has_notice(client: Client, corpus: dict[str, Project]) -> None:
    project = corpus["epicerie_lyon"]
    html = client.get(f"/projets/{project.pk}-{project.slug}").content.decode()
    assert "monde simulé de démonstration" in html


@pytest.mark.parametrize("url", ["/projets/999999-rien", "/nulle-part", "/projets/{hidden}"])
def test_404_dsfr(client: Client, corpus: dict[str, Project], url: str) -> None:
    response = client.get(url.format(hidden=corpus["hidden"].pk))
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()
    assert "fr-header" in response.content.decode()


def test_static_leaflet_served(client: Client) -> None:
    response = client.get("/static/leaflet/leaflet.js")
    assert response.status_code == 200
    assert client.get("/static/leaflet.markercluster/leaflet.markercluster.js").status_code == 200
    assert client.get("/static/leaflet/../../package.json").status_code == 404
