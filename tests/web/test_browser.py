"""Real headless Chromium against the live server: search, facets, map markers, project page, XSS."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Dialog, Page, sync_playwright

from carrefour.projects.models import Project
from carrefour.search.services import index_rebuild
from tests.search.factories import corpus_create

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make system-test-deps)"),
]


@pytest.fixture
def live_corpus(
    transactional_db: None, index_dir: Path, settings: Any, live_server: Any
) -> dict[str, Project]:
    """The corpus, committed and indexed; map tiles pointed at the live server (404: no network)."""
    settings.TILE_URL = f"{live_server.url}/tuiles/{{z}}/{{x}}/{{y}}.png"
    projects = corpus_create()
    index_rebuild()
    return projects


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium from Debian (never a downloaded browser)."""
    # Playwright's sync API keeps an event loop in this thread; the ORM calls of the fixtures are still sync.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@dataclass
class Tab:
    """A browser page with the dialogs it opened and the errors it logged."""

    page: Page
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture
def tab(browser: Browser) -> Iterator[Tab]:
    """A fresh page that records dialogs and console errors."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 1000})
    tab = Tab(context.new_page())

    def on_dialog(dialog: Dialog) -> None:
        tab.dialogs.append(dialog.message)
        dialog.dismiss()

    tab.page.on("dialog", on_dialog)
    tab.page.on("console", lambda msg: tab.errors.append(msg.text) if msg.type == "error" else None)
    tab.page.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    yield tab
    context.close()


def test_search_facets_map_and_project_page(
    live_server: Any, live_corpus: dict[str, Project], tab: Tab
) -> None:
    page = tab.page
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(live_server.url + "/")
    page.fill("#recherche-q", "épicerie")
    page.press("#recherche-q", "Enter")
    page.wait_for_url("**/recherche?q=*")
    assert page.inner_text("#nombre-resultats").startswith("3 projets")
    assert page.locator("#facette-themes .facet-count").first.inner_text() == "(2)"
    page.wait_for_selector("#carte .leaflet-marker-icon", timeout=10_000)
    assert page.locator("#carte .leaflet-marker-icon").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "recherche-epicerie.png"), full_page=True)

    page.click("#facette-region input[value='11'] + label")  # the DSFR label covers the box
    page.click("#filtres button[type=submit]")
    page.wait_for_url("**region=11*")
    assert page.inner_text("#nombre-resultats").startswith("2 projets")

    page.click("#resultats .fr-card__title a >> nth=0")
    page.wait_for_selector("h1")
    assert "/projets/" in page.url
    page.wait_for_selector("#carte .leaflet-marker-icon", timeout=10_000)
    page.screenshot(path=str(ARTIFACTS / "projet.png"), full_page=True)
    assert not [error for error in tab.errors if "Content Security Policy" in error]


def test_hostile_content_runs_no_script(live_server: Any, live_corpus: dict[str, Project], tab: Tab) -> None:
    page = tab.page
    hostile = live_corpus["hostile"]
    page.goto(f"{live_server.url}/projets/{hostile.pk}-{hostile.slug}")
    page.wait_for_selector("#carte .leaflet-marker-icon", timeout=10_000)
    page.goto(f"{live_server.url}/recherche?q=v%C3%A9lo")
    page.wait_for_selector("#carte .leaflet-marker-icon", timeout=10_000)
    page.click("#carte .leaflet-marker-icon")
    page.wait_for_selector(".leaflet-popup-content a")
    page.wait_for_timeout(300)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "contenu-hostile.png"), full_page=True)
    assert tab.dialogs == []
    assert not [error for error in tab.errors if "Content Security Policy" in error]
    assert "<b>solidaire</b>" in page.inner_text(".leaflet-popup-content a")
