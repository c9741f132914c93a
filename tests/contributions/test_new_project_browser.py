"""Headless Chromium: sign up, verify, propose a project (commune picker), accepted, notified, found."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import Browser, expect

from carrefour.search.services import index_rebuild
from carrefour.territories.services import territories_load
from tests.browser import CHROMIUM, Tab, axe_serious
from tests.mail import Mailbox
from tests.worker import tasks_run

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make system-test-deps)"),
]
PASSWORD = "un mot de passe solide 2026"


@pytest.fixture
def live_places(
    transactional_db: None, live_server: Any, settings: Any, territories_loaded: Any, world: dict[str, Any]
) -> None:
    """The real communes committed, the world's projects indexed; map tiles from the live server (404)."""
    settings.TILE_URL = f"{live_server.url}/tuiles/{{z}}/{{x}}/{{y}}.png"
    # An earlier transactional test may have flushed the session's territories: load them again if so.
    territories_load(log=lambda _line: None)
    index_rebuild()


def test_register_propose_a_project_accepted_notified_and_found(
    live_places: None, live_server: Any, browser: Browser, tab: Tab, mailbox: Mailbox, make_user: Any
) -> None:
    page = tab.page
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Créer un compte").click()
    page.get_by_label("Courriel").fill("camille@example.org")
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Mot de passe (confirmation)").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérifiez votre adresse e-mail")
    page.goto(mailbox.link("camille@example.org", "/compte/confirm-email/"))
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon compte")

    page.get_by_role("banner").get_by_role("link", name="Proposer un projet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Proposer un projet")
    page.fill("#id_title", "Recyclerie des Gratte-Ciel")
    page.fill("#id_summary", "Une recyclerie associative au cœur du quartier.")
    page.get_by_text("Économie circulaire et réemploi").click()
    page.fill("#id_organization", "Association Second Souffle")
    page.fill("#id_commune", "Villeurb")
    page.wait_for_selector("#communes-suggerees [role=option]")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert page.input_value("#id_commune") == "Villeurbanne (69)"
    assert page.input_value("input[name=commune_code]") == "commune:69266"
    expect(page.locator("#commune-choisie")).to_have_text("Commune choisie : Villeurbanne (69)")
    assert not axe_serious(page)
    page.get_by_role("button", name="Vérifier avant d'envoyer").click()
    expect(page.locator("#apercu")).to_contain_text("Villeurbanne (69266)")
    expect(page.locator("#aucun-doublon")).to_be_visible()
    page.get_by_text("J'ai vérifié : ce projet n'est pas déjà sur le Carrefour.").click()
    page.get_by_role("button", name="Envoyer le projet").click()
    expect(page.locator("main")).to_contain_text("Votre projet attend la modération")

    client = Client()
    client.force_login(make_user("moderator"), backend="django.contrib.auth.backends.ModelBackend")
    moderator = browser.new_context()
    moderator.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    try:
        queue = moderator.new_page()
        queue.goto(f"{live_server.url}/moderation")
        item = queue.locator(".carrefour-contribution").first
        expect(item).to_contain_text("Recyclerie des Gratte-Ciel — Nouveau projet")
        expect(item).to_contain_text("Villeurbanne (69266)")
        item.get_by_role("button", name="Accepter").click()
        expect(queue.locator("main")).to_contain_text("1 contribution acceptée.")
    finally:
        moderator.close()

    page.goto(live_server.url + "/")
    expect(page.locator("#notifications-non-lues")).to_have_text("1 non lue")
    page.click("#notifications")
    expect(page.locator("#liste-notifications")).to_contain_text(
        "« Recyclerie des Gratte-Ciel » a été acceptée"
    )
    tasks_run()
    published = mailbox.last_body("camille@example.org").split("Le projet est publié : ")[1].split()[0]
    assert published.startswith(live_server.url + "/projets/")
    page.goto(published)
    expect(page.get_by_role("heading", level=1)).to_have_text("Recyclerie des Gratte-Ciel")

    page.goto(live_server.url + "/recherche?q=recyclerie")
    page.get_by_role("link", name="Recyclerie des Gratte-Ciel").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recyclerie des Gratte-Ciel")
    expect(page.locator("#sources")).to_contain_text("Contributions au Carrefour")
    expect(page.locator("#sources")).to_contain_text("Licence : Licence Ouverte / Etalab 2.0")
    expect(page.locator("#territoire")).to_contain_text("Villeurbanne")
    assert not tab.csp_errors()


def test_a_click_on_the_map_chooses_the_commune(
    live_places: None, live_server: Any, browser: Browser, make_user: Any
) -> None:
    client = Client()
    client.force_login(make_user("contributor"), backend="django.contrib.auth.backends.ModelBackend")
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 1000})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/projets/proposer")
        page.wait_for_selector("#carte-commune.leaflet-container")
        page.locator("#carte-commune").click()  # the middle of France
        expect(page.locator("#commune-choisie")).to_contain_text("Commune choisie sur la carte : ")
        label = page.input_value("#id_commune")
        assert page.input_value("input[name=commune_code]") and page.input_value("input[name=latitude]")
        page.fill("#id_title", "Atelier vélo solidaire")
        page.get_by_role("button", name="Vérifier avant d'envoyer").click()
        expect(page.locator("#apercu")).to_contain_text(label.split(" (")[0])
    finally:
        context.close()
