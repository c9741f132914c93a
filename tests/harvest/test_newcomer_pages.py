"""Pages never seen before (a search-form directory, a GeoJSON layer and its legend), from the docs alone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from carrefour.harvest.models import HarvestRun
from tests.harvest.platform_site import PlatformSite, harvest, platform_site, route_key
from tests.harvest.sites import payloads

pytestmark = pytest.mark.django_db

__all__ = ["platform_site"]  # the fixture, used by name


GEOJSON = "application/geo+json"


# (e) An HTML directory reached through its GET search form, data in data-* attributes, "page suivante" link.
SEARCH_PAGE = """<!doctype html><html lang="fr"><body>
<form id="menu" action="/connexion" method="post"><input name="login"><button>Se connecter</button></form>
<form id="recherche" action="/annuaire/resultats" method="get">
  <input type="text" name="q" value="">
  <select name="departement">
    <option value="">Tous</option><option value="35" selected>Ille-et-Vilaine</option>
  </select>
  <input type="checkbox" name="ouvert" value="1">
  <button type="submit" name="action" value="chercher">Rechercher</button>
</form></body></html>"""


def results_page(entries: list[int], next_page: int | None) -> str:
    """A results page: one <li> per structure, its data in data-* attributes, a "page suivante" link."""
    items = "".join(
        f'<li class="structure" data-id="S{n:03d}" data-nom="Structure {n}" '
        'data-ville="Rennes" data-cp="35000">'
        f"<h3>Structure {n}</h3></li>"
        for n in entries
    )
    link = (
        '<a href="/annuaire/resultats?q=&amp;departement=&amp;action=chercher'
        f'&amp;page={next_page}">page suivante</a>'
        if next_page
        else ""
    )
    return f'<html><body><ul class="resultats">{items}</ul><nav class="pager">{link}</nav></body></html>'


def test_directory_search_form_then_page_suivante_links(
    platform_site: PlatformSite, tmp_path: Path, settings: Any, capsys: Any
) -> None:
    html = "text/html; charset=utf-8"
    platform_site.route("/annuaire", SEARCH_PAGE, ctype=html)
    search = "/annuaire/resultats?q=&departement=&action=chercher"
    platform_site.route(search, results_page(list(range(1, 21)), 2), ctype=html)
    platform_site.route(f"{search}&page=2", results_page(list(range(21, 41)), 3), ctype=html)
    platform_site.route(f"{search}&page=3", results_page(list(range(41, 46)), None), ctype=html)
    definition = {
        "slug": "annuaire-bretagne",
        "kind": "html",
        "start_urls": ["{base_url}/annuaire"],
        "form": {
            "css": "form#recherche",
            "fields": {"q": "", "departement": ""},
            "submit": {"value": "chercher"},
        },
        "pagination": {
            "type": "next_link",
            "next": {"xpath": "//nav[@class='pager']/a[normalize-space()='page suivante']/@href"},
        },
        "list": {"records": {"css": "ul.resultats li.structure"}},
        "record_id": {"css": "li::attr(data-id)"},
        "fields": {
            "title": {"css": "li::attr(data-nom)"},
            "commune": {"css": "li::attr(data-ville)"},
            "postal_code": {"css": "li::attr(data-cp)"},
        },
    }
    run = harvest(platform_site, definition, tmp_path, settings, capsys)
    records = payloads("annuaire-bretagne")
    assert len(records) == 45 and records["S045"] == {
        "title": "Structure 45",
        "commune": "Rennes",
        "postal_code": "35000",
    }
    expected = ["/annuaire", search, f"{search}&page=2", f"{search}&page=3"]
    assert platform_site.requested() == list(map(route_key, expected))
    assert run.status == HarvestRun.Status.SUCCESS and run.errors == []


# (f) A GeoJSON layer whose legend is a list of {code, libelle} objects.
LAYER = "/donnees/lieux.geojson"
LEGEND = "/donnees/legende.json"


def test_geojson_layer_with_a_legend_listing_code_and_libelle(
    platform_site: PlatformSite, tmp_path: Path, settings: Any, capsys: Any
) -> None:
    features = [
        {
            "type": "Feature",
            "id": n,
            "geometry": {"type": "Point", "coordinates": [-1.68 + n / 1000, 48.11]},
            "properties": {"code": f"P{n:02d}", "nom": f"Point {n}", "type": "AMZ"[n % 3]},
        }
        for n in range(12)
    ]
    platform_site.route(LAYER, {"type": "FeatureCollection", "features": features}, ctype=GEOJSON)
    legend = [
        {"code": "A", "libelle": "Alimentation", "couleur": "#e63"},
        {"code": "M", "libelle": "Mobilité", "couleur": "#36c"},
    ]
    platform_site.route(LEGEND, legend)
    definition = {
        "slug": "carte-solidaire",
        "kind": "geojson",
        "start_urls": ["{base_url}" + LAYER],
        "lookups": {
            "types": {
                "url": "{base_url}" + LEGEND,
                "entries": {"json": "[*]"},
                "key": {"json": "code"},
                "value": {"json": "libelle"},
            }
        },
        "record_id": {"json": "properties.code"},
        "fields": {
            "title": {"json": "properties.nom"},
            "actor_type": {"json": "properties.type", "lookup": "types"},
            "longitude": {"json": "longitude"},
            "latitude": {"json": "latitude"},
        },
    }
    run = harvest(platform_site, definition, tmp_path, settings, capsys)
    records = payloads("carte-solidaire")
    assert len(records) == 12
    assert records["P00"]["actor_type"] == "Alimentation" and records["P01"]["actor_type"] == "Mobilité"
    assert records["P05"]["latitude"] == 48.11
    # "Z" is missing from the legend: kept as is and reported, the verdict unchanged.
    assert records["P02"]["actor_type"] == "Z"
    assert platform_site.requested() == [route_key(LEGEND), route_key(LAYER)]
    assert run.status == HarvestRun.Status.SUCCESS
    assert [error["reason"] for error in run.errors] == ["lookup types : 1 code absent de la table (Z)"]
