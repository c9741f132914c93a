"""Headless Chromium: a project claimed, confirmed by the partner publishing it, then edited directly by
its holder, shown as "porteur du projet"."""

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


def test_a_claim_is_confirmed_by_the_partner_and_the_holder_edits_directly(
    transactional_db: None, live_server: Any, browser: Browser, make_user: Any, world: dict[str, Any]
) -> None:
    index_rebuild()
    project = world["own_project"]
    user = make_user("contributor")
    user.first_name, user.last_name = "Awa", "Diallo"
    user.save()
    holder = _signed_in(browser, live_server, user)
    partner = _signed_in(browser, live_server, make_user("org_member"))
    try:
        page = holder.new_page()
        page.goto(f"{live_server.url}/projets/{project.pk}-{project.slug}")
        page.click("#porteur")
        assert axe_serious(page) == []
        page.fill("#id_message", "Coordinatrice de l'association, joignable via le site du projet")
        page.get_by_role("button", name="Envoyer la demande").click()
        assert "Votre demande sera confirmée" in page.locator("main").inner_text()
        assert "en attente de confirmation" in page.locator("#mes-demandes + section").inner_text().lower()

        review = partner.new_page()
        review.goto(f"{live_server.url}/compte/porteur")
        assert axe_serious(review) == []
        item = review.locator("#a-confirmer + section")
        assert "Coordinatrice de l'association" in item.inner_text()
        item.locator("textarea").fill("Bienvenue !")
        item.get_by_role("button", name="Confirmer").click()
        assert "Demande confirmée." in review.locator("main").inner_text()

        page.goto(f"{live_server.url}/projets/{project.pk}-{project.slug}")
        assert "porteur du projet awa diallo" in page.locator("#porteurs").inner_text().lower()
        page.click("#proposer")
        page.fill("#id_title", "Jardin des Lilas, porté par l'association")
        page.fill("#id_reason", "Nous portons ce projet")
        page.get_by_role("button", name="Voir les différences").click()
        page.get_by_role("button", name="Envoyer la proposition").click()
        assert "Votre modification est en ligne" in page.locator("main").inner_text()
        page.goto(f"{live_server.url}/projets/{project.pk}")
        assert page.locator("h1").inner_text() == "Jardin des Lilas, porté par l'association"
        page.click("#doublon")
        assert axe_serious(page) == []
        page.click("#notifications")
        assert "Vous êtes reconnu porteur du projet" in page.locator("#liste-notifications").inner_text()
    finally:
        holder.close()
        partner.close()
