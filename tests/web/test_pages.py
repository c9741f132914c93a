"""Pages through the Django test client."""

from __future__ import annotations

import gzip
import json
import re
from typing import Any

import pytest
from django.test import Client

from carrefour.contributions.models import Contribution
from carrefour.projects.models import Project
from carrefour.search.services import index_rebuild
from tests.search.factories import project_create

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
    assert 'id="carte"' in html and 'data-endpoint="/carte/donnees?' in html
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
    assert "Vu sur <strong>Plateforme alpha</strong> le 4 mars 2025" in html
    assert 'href="https://alpha.example/fiches/e-1"' in html
    assert 'id="carte"' in html and "data-center=" in html
    assert '"@type": "Project"' in html and 'property="og:title"' in html
    assert 'id="fil-territoire"' in html and f"/projets/{project.pk}/correction" in html


def test_project_page_shows_no_unknown_status_badge_nor_region_code(
    client: Client, corpus: dict[str, Project], territories_loaded: Any
) -> None:
    project = corpus["epicerie"]
    page = client.get(f"/projets/{project.pk}-{project.slug}").content.decode()
    territory = page.split('id="territoire"')[1]
    # "Île-de-France (11)" read like the département 11 (Aude): the region by its name only.
    assert "Île-de-France" in territory.split("</dd>")[0] and "(11)" not in territory.split("</dd>")[0]
    unknown = project_create("Projet sans état connu", status="inconnu", region_code="44")
    html = client.get(f"/projets/{unknown.pk}-{unknown.slug}").content.decode()
    badges = html.split('class="fr-badges-group')[1].split("</ul>")[0]
    assert "Inconnu" not in badges and "Inconnu" not in html
    assert "<dt>État d'avancement</dt><dd>Non précisé</dd>" in html and "Grand Est" in html


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


def test_active_filters_sort_and_exports(client: Client, corpus: dict[str, Project]) -> None:
    html = client.get("/recherche?q=%C3%A9picerie&theme=alimentation&region=11").content.decode()
    assert 'id="filtres-actifs"' in html
    assert "Retirer le filtre Thèmes" in html
    assert "/recherche/export.csv?q=%C3%A9picerie&amp;theme=alimentation&amp;region=11" in html
    csv_text = client.get("/recherche/export.csv?q=%C3%A9picerie").getvalue().decode()
    assert csv_text.splitlines()[0].startswith("id,title")
    assert "Épicerie solidaire du quartier" in csv_text
    geo = json.loads(client.get("/recherche/export.geojson?theme=alimentation").getvalue())
    assert geo["type"] == "FeatureCollection"


def test_map_data_clusters_and_points(client: Client, corpus: dict[str, Project]) -> None:
    data = client.get("/carte/donnees?zoom=5&bbox=41,-5,51.5,10").json()
    assert data["total"] >= 1 and data["points"]
    assert all(len(point) == 5 for point in data["points"])
    assert client.get("/carte/donnees?theme=nope").status_code == 400


def test_map_clusters_when_many(client: Client, corpus: dict[str, Project], monkeypatch: object) -> None:
    import carrefour.search.geo as geo

    monkeypatch.setattr(geo, "POINTS_LIMIT", 0)  # type: ignore[attr-defined]
    data = client.get("/carte/donnees?zoom=3").json()
    assert data["points"] == [] and sum(c[2] for c in data["clusters"]) == data["total"]


def test_search_area_redirects_to_departements(
    client: Client, corpus: dict[str, Project], territories_loaded: object
) -> None:
    response = client.get("/recherche/zone?q=jardin&region=11&bbox=48.80,2.25,48.92,2.42")
    assert response.status_code == 302
    assert "departement=75" in response["Location"] and "region=" not in response["Location"]


def test_autocomplete(client: Client, corpus: dict[str, Project]) -> None:
    labels = [s["label"] for s in client.get("/recherche/suggestions?q=quartier").json()["suggestions"]]
    assert "Épicerie solidaire du quartier" in labels
    assert client.get("/recherche/suggestions?q=a").json()["suggestions"] == []


def test_observatoire_and_csv(client: Client, corpus: dict[str, Project]) -> None:
    html = client.get("/observatoire?theme=alimentation").content.decode()
    assert "Projets par thème" in html and "Tableau des données" in html
    assert "hachures-departement" in html
    csv_text = client.get("/observatoire/themes.csv?q=jardin").content.decode()
    assert csv_text.splitlines()[0] == "code,libelle,projets"
    assert client.get("/observatoire/inconnu.csv").status_code == 404


def test_the_years_chart_draws_the_most_recent_years(client: Client, corpus: dict[str, Project]) -> None:
    for year in range(2000, 2026):
        project_create(f"Projet démarré en {year}", start_year=year, themes=["culture"])
    index_rebuild()
    html = client.get("/observatoire").content.decode()
    chart = html.split('id="bloc-annees"')[1].split("</ul>")[0]
    drawn = re.findall(r'carrefour-bars__label">(\d{4})<', chart)
    # 26 years: the 15 latest are drawn, oldest first; the older ones stay in the table.
    assert drawn == [str(year) for year in range(2011, 2026)]
    assert "Les 15 années les plus récentes ; toutes sont dans le tableau." in html
    table = html.split('id="bloc-annees"')[1].split("</table>")[0]
    assert "2000</a>" in table


def test_correction_is_stored_for_moderation(client: Client, corpus: dict[str, Project]) -> None:
    project = corpus["epicerie"]
    assert client.get(f"/projets/{project.pk}/correction").status_code == 200
    response = client.post(
        f"/projets/{project.pk}/correction", {"subject": "location", "reason": "La commune est Bagnolet."}
    )
    # Redirect after POST: reloading the thank-you page sends nothing again.
    assert response.status_code == 302 and response["Location"] == f"/projets/{project.pk}/correction/envoyee"
    assert "Merci" in client.get(response["Location"]).content.decode()
    client.get(response["Location"])
    assert Contribution.objects.count() == 1
    suggestion = Contribution.objects.get()
    assert (
        suggestion.project == project and suggestion.status == "pending" and suggestion.kind == "suggestion"
    )
    trap = {"subject": "other", "reason": "x", "website_confirm": "y"}
    client.post(f"/projets/{project.pk}/correction", trap)
    assert Contribution.objects.count() == 1


@pytest.mark.parametrize("url", ["/a-propos", "/partenaires", "/donnees-ouvertes", "/documentation-api"])
def test_information_pages(client: Client, corpus: dict[str, Project], url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200 and "fr-header" in response.content.decode()


def test_search_engines_get_robots_rules_a_sitemap_of_every_project_and_a_favicon(
    client: Client, corpus: dict[str, Project]
) -> None:
    robots = client.get("/robots.txt")
    assert robots["Content-Type"].startswith("text/plain")
    rules = robots.content.decode().splitlines()
    assert "Disallow: /espace-partenaire/" in rules and "Disallow: /compte/" in rules
    assert "Sitemap: http://testserver/sitemap.xml" in rules
    index = client.get("/sitemap.xml").content.decode()
    assert "http://testserver/sitemap-projets.xml" in index and "http://testserver/sitemap-pages.xml" in index
    projects = client.get("/sitemap-projets.xml").content.decode()
    published = Project.objects.filter(is_published=True)
    assert projects.count("<url>") == published.count() > 0
    project = corpus["epicerie"]
    assert f"<loc>http://testserver/projets/{project.pk}-{project.slug}</loc>" in projects
    assert f"<lastmod>{project.updated_at.date().isoformat()}</lastmod>" in projects
    hidden = project_create("Projet retiré", is_published=False)
    assert f"/projets/{hidden.pk}-" not in client.get("/sitemap-projets.xml").content.decode()
    assert "<loc>http://testserver/observatoire</loc>" in client.get("/sitemap-pages.xml").content.decode()
    icon = client.get("/favicon.ico")
    assert icon.status_code == 301 and icon["Location"].endswith("favicon.ico")


def test_cached_pages_follow_the_index(client: Client, corpus: dict[str, Project]) -> None:
    first = client.get("/recherche?q=ressourcerie").content.decode()
    assert "<strong>0</strong> projet trouvé" in first
    assert client.get("/recherche?q=ressourcerie").content.decode() == first  # served again
    project_create("Ressourcerie du canal", themes=["economie-circulaire"])
    index_rebuild()
    assert "<strong>1</strong> projet trouvé" in client.get("/recherche?q=ressourcerie").content.decode()


def test_pages_compressed(client: Client, corpus: dict[str, Project]) -> None:
    response = client.get("/recherche", HTTP_ACCEPT_ENCODING="gzip, br")
    assert response["Content-Encoding"] == "gzip"
    assert "<strong>4</strong> projets trouvés" in gzip.decompress(response.content).decode()
    again = client.get("/recherche")  # the kept page, to a client that does not accept gzip
    assert "Content-Encoding" not in again and "<strong>4</strong> projets trouvés" in again.content.decode()


def test_maps_reference_one_cached_file_of_shapes(client: Client, corpus: dict[str, Project]) -> None:
    html = client.get("/observatoire").content.decode()
    hrefs = set(re.findall(r'<use href="(/carte/departements\.svg\?v=[0-9a-f]+)#d-75"', html))
    assert len(hrefs) == 1 and '<path d="' not in html  # both maps, no shape data in the page
    sprite = client.get(hrefs.pop())
    assert sprite["Content-Type"] == "image/svg+xml" and "immutable" in sprite["Cache-Control"]
    assert b'<path id="d-75" d="' in sprite.content
