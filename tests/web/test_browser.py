"""Headless Chromium against the live server: search, facets, map, project, dataviz, mobile, a11y, XSS."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Response

from carrefour.projects.models import Project
from carrefour.search.services import index_rebuild
from carrefour.territories.loader import territories_load
from tests.browser import CHROMIUM, Tab, axe_serious
from tests.search.factories import corpus_create

# Paths counted in the "search" and "api" rate limit groups (carrefour/web/limits.py).
LIMITED = ("/recherche", "/carte/donnees", "/observatoire", "/api/")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make system-test-deps)"),
]


@pytest.fixture
def live_corpus(
    transactional_db: None, index_dir: Path, settings: Any, live_server: Any, territories_loaded: Any
) -> dict[str, Project]:
    """The corpus, committed and indexed; map tiles pointed at the live server (404: no network)."""
    settings.TILE_URL = f"{live_server.url}/tuiles/{{z}}/{{x}}/{{y}}.png"
    # An earlier transactional test may have flushed the session's territories: load them again if so.
    territories_load(log=lambda _line: None)
    projects = corpus_create()
    index_rebuild()
    return projects


def test_search_facets_map_and_project_page(
    live_server: Any, live_corpus: dict[str, Project], tab: Tab
) -> None:
    page = tab.page
    page.goto(live_server.url + "/")
    tab.shot("accueil-bureau")
    page.fill("#recherche-q", "quartier")
    page.wait_for_selector("#recherche-suggestions [role=option]")
    page.keyboard.press("Escape")
    page.fill("#recherche-q", "épicerie")
    page.press("#recherche-q", "Enter")
    page.wait_for_url("**/recherche?q=*")
    assert page.inner_text("#nombre-resultats").startswith("3 projets")
    assert page.locator("#facette-themes .facet-count").first.inner_text() == "(2)"
    page.wait_for_selector("#carte .leaflet-marker-icon", timeout=10_000)
    tab.shot("recherche-bureau")

    page.click("#facette-region input[value='11'] + label")  # the DSFR label covers the box
    page.click("#filtres button[type=submit]")
    page.wait_for_url("**region=11*")
    assert page.url.endswith("/recherche?q=%C3%A9picerie&region=11")  # no empty field in the permalink
    assert page.inner_text("#nombre-resultats").startswith("2 projets")
    assert page.locator("#filtres-actifs a.fr-tag").all_inner_texts() == ["« épicerie »", "Île-de-France"]
    page.click("#filtres-actifs a.fr-tag >> nth=1")  # remove the filter again
    page.wait_for_url(lambda url: "region=11" not in url)
    assert page.inner_text("#nombre-resultats").startswith("3 projets")

    page.wait_for_selector("#carte .leaflet-marker-icon", timeout=10_000)
    page.locator("#carte .leaflet-marker-icon").first.focus()  # keyboard: markers are focusable
    page.keyboard.press("Enter")
    page.wait_for_selector(".leaflet-popup-content a")
    page.locator(".leaflet-control-zoom-in").click()
    page.wait_for_selector("#carte-zone:not([hidden])")

    page.click("#resultats .fr-card__title a >> nth=0")
    page.wait_for_selector("h1")
    assert "/projets/" in page.url
    page.wait_for_selector("#carte .leaflet-marker-icon", timeout=10_000)
    assert page.locator("script[type='application/ld+json']").count() == 1
    tab.shot("projet-bureau")
    page.goto(live_server.url + "/observatoire?theme=alimentation")
    assert page.locator(".carrefour-choropleth use").count() > 90  # shapes from /carte/departements.svg
    tab.shot("observatoire-bureau")
    assert not tab.csp_errors()


def test_territory_field_autocomplete_and_sort(
    live_server: Any, live_corpus: dict[str, Project], tab: Tab
) -> None:
    page = tab.page
    page.goto(live_server.url + "/recherche?q=%C3%A9picerie")
    page.fill("#f-territory", "Montreu")
    page.wait_for_selector("#territoire-suggestions [role=option]")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert page.input_value("#f-territory") == "commune:93048"
    page.click("#filtres button[type=submit]")
    page.wait_for_url("**territory=commune*")
    assert page.inner_text("#nombre-resultats").startswith("1 projet")
    assert "Montreuil (commune)" in page.inner_text("#territoire-compris")
    page.fill("#f-territory", "93")
    page.click("#filtres button[type=submit]")
    page.wait_for_url("**territory=93*")
    page.select_option("#tri", "title")
    page.click("#tri-form button[type=submit]")
    page.wait_for_url("**sort=title*")
    titles = page.locator("#resultats .fr-card__title").all_inner_texts()
    assert titles == ["Épicerie solidaire du quartier", "Jardin partagé des Lilas"]
    page.wait_for_selector("#carte .leaflet-marker-icon", timeout=10_000)
    tab.shot("recherche-territoire-bureau")
    assert not tab.csp_errors()


def test_keyboard_only_search(live_server: Any, live_corpus: dict[str, Project], tab: Tab) -> None:
    page = tab.page
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")  # skip links first
    assert page.evaluate("document.activeElement.textContent.trim()") == "Contenu"
    for _ in range(14):  # skip links, brand, header tools (with the account links), menu, then the search
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "recherche-q":
            break
    assert page.evaluate("document.activeElement.id") == "recherche-q"
    page.keyboard.type("jardin")
    page.keyboard.press("Enter")
    page.wait_for_url("**/recherche?q=jardin")
    assert "projet" in page.inner_text("#nombre-resultats")


def test_mobile_pages_and_accessibility(
    live_server: Any, live_corpus: dict[str, Project], mobile: Tab
) -> None:
    page = mobile.page
    project = live_corpus["epicerie"]
    pages = {
        "accueil": "/",
        "recherche": "/recherche?q=jardin",
        "projet": f"/projets/{project.pk}-{project.slug}",
        "observatoire": "/observatoire",
        "a-propos": "/a-propos",
        "404": "/nulle-part",
    }
    problems = {}
    for name, url in pages.items():
        page.goto(live_server.url + url)
        mobile.shot(f"{name}-mobile")
        found = axe_serious(page)
        if found:
            problems[name] = found
    page.goto(live_server.url + "/recherche?q=jardin")
    assert page.locator(".carrefour-list").is_visible()
    assert not page.locator("#carte").is_visible()
    page.click("label[for=vue-carte]")
    assert page.locator("#carte").is_visible() and not page.locator(".carrefour-list").is_visible()
    assert problems == {}
    assert not mobile.csp_errors()


def test_hostile_content_runs_no_script(live_server: Any, live_corpus: dict[str, Project], tab: Tab) -> None:
    page = tab.page
    page.add_init_script("window.__xss = 0; window.alert = () => { window.__xss += 1; };")
    hostile = live_corpus["hostile"]
    page.goto(f"{live_server.url}/projets/{hostile.pk}-{hostile.slug}")
    page.wait_for_selector("#carte .leaflet-marker-icon", timeout=10_000)
    page.goto(f"{live_server.url}/recherche?q=v%C3%A9lo")
    page.wait_for_selector("#carte .leaflet-marker-icon", timeout=10_000)
    page.click("#carte .leaflet-marker-icon")
    page.wait_for_selector(".leaflet-popup-content a")
    page.wait_for_timeout(300)
    tab.shot("contenu-hostile")
    assert tab.dialogs == []
    assert page.evaluate("window.__xss") == 0
    assert not tab.csp_errors()
    assert "<b>solidaire</b>" in page.inner_text(".leaflet-popup-content a")
    csp = page.goto(f"{live_server.url}/recherche").headers["content-security-policy"]  # type: ignore[union-attr]
    assert "script-src 'self'" in csp


def test_brisk_browsing_meets_no_limit(
    live_server: Any, live_corpus: dict[str, Project], tab: Tab, settings: Any
) -> None:
    settings.RATELIMIT_ENABLE = True  # the default rates of carrefour/env.py
    counted: list[int] = []

    def on_response(response: Response) -> None:
        path = response.url.removeprefix(live_server.url).split("?")[0]
        if path.startswith(LIMITED):
            counted.append(response.status)

    page = tab.page
    page.on("response", on_response)
    for _visit in range(2):
        page.goto(live_server.url + "/recherche?q=%C3%A9picerie")
        page.locator("#f-territory").press_sequentially("Montreuil", delay=120)  # autocomplete as one types
        page.wait_for_selector("#territoire-suggestions [role=option]")
        page.wait_for_selector("#carte .leaflet-marker-icon", timeout=10_000)
        box = page.locator("#carte").bounding_box()
        assert box is not None
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        for step in range(8):  # zooming and dragging the map: one map request per move
            page.click(".leaflet-control-zoom-in" if step % 2 else ".leaflet-control-zoom-out")
            page.wait_for_timeout(300)
            page.mouse.move(x, y)
            page.mouse.down()
            page.mouse.move(x + 80, y + 40, steps=5)
            page.mouse.up()
            page.wait_for_timeout(300)
        page.goto(live_server.url + "/recherche?theme=alimentation")
        page.goto(live_server.url + "/observatoire?theme=alimentation")
        page.goto(live_server.url + "/recherche")
    assert len(counted) >= 30  # the browsing did count against the limit
    assert 429 not in counted


def test_epci_facet_in_french(live_server: Any, live_corpus: dict[str, Project], tab: Tab) -> None:
    page = tab.page
    page.goto(live_server.url + "/recherche")
    facet = page.locator("#facette-epci")
    assert facet.locator("summary").inner_text() == "Intercommunalité"
    facet.locator("summary").click()  # folded by default
    label = facet.locator("input[value='200046977'] + label")
    assert " ".join(label.inner_text().split()) == "Métropole de Lyon (1)"  # the count is on its own line
    label.click()
    page.click("#filtres button[type=submit]")
    page.wait_for_url("**epci=200046977*")
    assert page.inner_text("#nombre-resultats").startswith("1 projet")
    assert page.locator("#filtres-actifs a.fr-tag").all_inner_texts() == ["Métropole de Lyon"]
    tab.shot("recherche-intercommunalite")
    assert not tab.csp_errors()
