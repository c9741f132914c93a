"""Results page: the fine and territorial search form, sort, relaxations; the map agrees with the list."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from carrefour.projects.models import Project
from carrefour.search.params import search_params
from carrefour.search.selectors import project_search

pytestmark = pytest.mark.django_db


def _titles(html: str) -> list[str]:
    """Card titles of a results page, in order."""
    return re.findall(r'<h3 class="fr-card__title"><a href="[^"]+">([^<]+)</a>', html)


@pytest.mark.parametrize("q", ["bicyclette", "epicerei", "épiceries Montreuil"])
def test_map_total_equals_results_total(client: Client, corpus: dict[str, Project], q: str) -> None:
    # A synonym (bicyclette → vélo), a typo, a place written in q: the map counts what the list shows.
    results = project_search(params=search_params(q=q), with_points=False)
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


def test_form_has_fine_and_territorial_fields(client: Client, corpus: dict[str, Project]) -> None:
    html = client.get("/recherche?q=jardin").content.decode()
    for name in ("territory", "covering", "national", "near", "radius", "start_year_min", "start_year_max"):
        assert f'name="{name}"' in html
    assert 'data-suggest-url="/api/v1/suggest" data-suggest-param="territory"' in html
    assert '<select class="fr-select" id="tri" name="sort">' in html
    assert 'id="f-covering" checked' in html and 'id="f-national" checked' not in html


def test_territory_filter_narrows_results(
    client: Client, corpus: dict[str, Project], territories_loaded: object
) -> None:
    everything = _titles(client.get("/recherche").content.decode())
    checked = {"territory": "Seine-Saint-Denis", "covering": ["0", "1"]}  # hidden 0, then the box
    response = client.get("/recherche", checked, follow=True)
    assert response.redirect_chain == [("/recherche?territory=Seine-Saint-Denis", 302)]  # default dropped
    html = response.content.decode()
    assert sorted(_titles(html)) == ["Jardin partagé des Lilas", "Épicerie solidaire du quartier"]
    assert len(everything) == 4
    assert 'value="Seine-Saint-Denis"' in html and "Compris : Seine-Saint-Denis (département)" in html
    assert "territory=Seine-Saint-Denis" in html  # kept in permalinks, exports and the map endpoint
    data = client.get("/carte/donnees", {"territory": "93", "bbox": "-80,-200,80,200"}).json()
    assert data["total"] == 2


def test_unchecked_covering_and_years(
    client: Client, corpus: dict[str, Project], territories_loaded: object
) -> None:
    query = {"territory": "93", "covering": "0", "start_year_min": "2018", "start_year_max": "2020"}
    html = client.get("/recherche", query).content.decode()
    assert _titles(html) == ["Épicerie solidaire du quartier"]
    assert 'id="f-covering">' in html and 'value="2018"' in html


def test_sort_by_title(client: Client, corpus: dict[str, Project]) -> None:
    html = client.get("/recherche?sort=title").content.decode()
    assert _titles(html) == [
        "Atelier vélo &lt;b&gt;solidaire&lt;/b&gt;",
        "Épicerie solidaire du quartier",
        "Jardin partagé des Lilas",
        "Réseau des épiceries itinérantes",
    ]
    assert '<option value="title" selected>' in html
    assert client.get("/recherche?sort=nope").status_code == 400


def test_near_shows_distance(client: Client, corpus: dict[str, Project], territories_loaded: object) -> None:
    html = client.get("/recherche?near=Montreuil&radius=10&sort=distance").content.decode()
    titles = _titles(html)
    assert titles[0] == "Épicerie solidaire du quartier" and "Réseau des épiceries itinérantes" not in titles
    assert re.search(r"· à \d+,\d km", html)


def test_relaxations_shown_on_zero_results(client: Client, corpus: dict[str, Project]) -> None:
    html = client.get("/recherche?q=%C3%A9picerie+parapente&theme=alimentation").content.decode()
    assert "<strong>0</strong> projet trouvé" in html
    widen = html[html.index('id="elargir"') :]
    assert 'href="/recherche?q=%C3%A9picerie&amp;theme=alimentation"' in widen
    assert "Sans le mot « parapente »" in widen


def test_form_submission_redirects_to_tidy_permalink(
    client: Client, corpus: dict[str, Project], territories_loaded: object
) -> None:
    # What the results form sends: every field, most of them empty, the covering box's hidden "0".
    sent = "q=jardin&sort=&territory=&covering=0&covering=1&near=&radius=&start_year_min=&theme=&region=11"
    response = client.get(f"/recherche?{sent}&theme=environnement&theme=environnement&utm=x")
    assert response.status_code == 302
    assert response["Location"] == "/recherche?q=jardin&theme=environnement&region=11"
    assert client.get(response["Location"]).status_code == 200  # the canonical address stays put
    assert client.get("/recherche?q=jardin&page=2").status_code == 200
    assert client.get("/recherche?q=jardin&page=1")["Location"] == "/recherche?q=jardin"
    obs = client.get("/observatoire?q=&theme=")
    assert obs.status_code == 302 and obs["Location"] == "/observatoire"


def test_every_criterion_is_a_removable_tag(
    client: Client, corpus: dict[str, Project], territories_loaded: object
) -> None:
    query = (
        "q=jardin&theme=environnement&territory=93&covering=0&national=1"
        "&near=Montreuil&radius=15&start_year_min=2015&start_year_max=2024&sort=title"
    )
    html = client.get(f"/recherche?{query}").content.decode()
    tags = dict(
        re.findall(r'<a class="fr-tag[^"]*" href="([^"]*)" aria-label="Retirer le filtre ([^"]*)"', html)
    )
    assert sorted(tags.values()) == [
        "Année de démarrage : Démarré en 2015 ou après",
        "Année de démarrage : Démarré en 2024 ou avant",
        "Autour de : Autour de Montreuil",
        "Mots : « jardin »",
        "Rayon : Dans un rayon de 15 km",
        "Territoire : Avec les projets nationaux",
        "Territoire : Sans les projets qui le couvrent",
        "Territoire : Seine-Saint-Denis (département)",
        "Thèmes : Environnement et biodiversité",
    ]
    by_label = {label: url.replace("&amp;", "&") for url, label in tags.items()}
    assert by_label["Mots : « jardin »"].startswith("/recherche?theme=environnement&territory=93")
    territory_gone = by_label["Territoire : Seine-Saint-Denis (département)"]
    assert (
        "territory" not in territory_gone
        and "covering" not in territory_gone
        and "national" not in territory_gone
    )
    assert (
        "near" not in by_label["Autour de : Autour de Montreuil"]
        and "radius" not in by_label["Autour de : Autour de Montreuil"]
    )
    assert "sort=title" in by_label["Rayon : Dans un rayon de 15 km"]
    assert 'href="/recherche?sort=title" id="tout-effacer"' in html
