"""Headless Chromium: a change held for review, edited by a moderator before accepting, the author told."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from carrefour.search.services import index_rebuild
from tests.browser import CHROMIUM, axe_serious
from tests.contributions.test_browser import _signed_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make system-test-deps)"),
]


def test_a_held_change_is_edited_before_accepting_and_the_author_sees_what_changed(
    transactional_db: None, live_server: Any, browser: Browser, make_user: Any, world: dict[str, Any]
) -> None:
    index_rebuild()
    project = world["own_project"]
    author = _signed_in(browser, live_server, make_user("trusted_granted"))
    moderator = _signed_in(browser, live_server, make_user("moderator"))
    try:
        page = author.new_page()
        page.goto(f"{live_server.url}/projets/{project.pk}/proposer")
        page.fill("#id_title", "Jardin des Lilas")
        page.fill("#id_summary", "Un jardin partagé. Viagra pas cher.")
        page.fill("#id_reason", "Site du porteur")
        page.get_by_role("button", name="Voir les différences").click()
        page.get_by_role("button", name="Envoyer la proposition").click()
        told = page.locator("main").inner_text()
        assert "Votre modification est retenue pour relecture : mots interdits (viagra)." in told

        queue = moderator.new_page()
        queue.goto(f"{live_server.url}/moderation")
        item = queue.locator(".carrefour-contribution").first
        assert (
            "RETENUE : MOTS INTERDITS (VIAGRA)" in item.locator(".carrefour-flags").inner_text()
        )  # DSFR badges: capitals
        item.get_by_role("link", name="Modifier avant d'accepter").click()
        assert queue.input_value("#id_summary") == "Un jardin partagé. Viagra pas cher."
        assert axe_serious(queue) == []
        queue.fill("#id_summary", "Un jardin partagé.")
        queue.get_by_role("button", name="Accepter avec ces modifications").click()
        assert "acceptée avec vos modifications" in queue.locator("main").inner_text()

        page.goto(f"{live_server.url}/projets/{project.pk}")
        assert page.locator("h1").inner_text() == "Jardin des Lilas"
        page.click("#notifications")
        notice = page.locator("#liste-notifications").inner_text()
        assert "Résumé : « Un jardin partagé. Viagra pas cher. » devient « Un jardin partagé. »" in notice
        page.get_by_role("link", name="Dernières contributions").click()  # from the footer of any page
        assert "Dernières contributions" in page.locator("h1").inner_text()
        assert "Jardin des Lilas" in page.locator("#contributions").inner_text()
        assert axe_serious(page) == []
    finally:
        author.close()
        moderator.close()
